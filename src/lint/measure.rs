//! What the dev database measured of each linted statement (see `driver::measure`), read two
//! ways: a line per statement for the report, and as evidence for the rules about what the
//! database does. A locking finding the measurement confirms says "measured"; one it refutes
//! (no lock that blocks writes, no rewrite) is dropped; one it cannot speak to says
//! "predicted"; a rewrite or a table copy that no rule predicted is added. Pure: the I/O is the
//! driver's.

use super::rules::{
    Basis, CHECK_NOT_VALID, CONCURRENT_IN_TRANSACTION, COPYING_ALTER, DETACH_NOT_CONCURRENT,
    DROP_INDEX_NOT_CONCURRENT, FOREIGN_KEY_NOT_VALID, FULL_REWRITE, FileContext, Hit,
    INDEX_NOT_CONCURRENT, LOCK_TIMEOUT, LOCKING_ALTER, MEASURED_REWRITE, REINDEX_NOT_CONCURRENT,
    Rule, STATEMENT_TIMEOUT, TRUNCATE, TYPE_REWRITE, UNIQUE_WITHOUT_INDEX, VOLATILE_DEFAULT,
};
use crate::driver::measure::{Algorithm, MeasuredRelation, Measurement};
use crate::schema::Realm;
use serde::Serialize;

/// One linted statement's measurement, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementEffects {
    pub file: String,
    pub line: usize,
    /// The line of text the report prints.
    pub summary: String,
    #[serde(flatten)]
    pub measured: Measurement,
}

/// What a rule needs the dev database to show to be confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    /// A lock on an existing relation that blocks writes.
    Lock,
    /// A rewritten existing table.
    Rewrite,
    /// The server refusing to run the statement in a transaction.
    Refused,
}

const LOCK_RULES: [&Rule; 9] = [
    &INDEX_NOT_CONCURRENT,
    &DROP_INDEX_NOT_CONCURRENT,
    &CHECK_NOT_VALID,
    &LOCK_TIMEOUT,
    &FOREIGN_KEY_NOT_VALID,
    &UNIQUE_WITHOUT_INDEX,
    &REINDEX_NOT_CONCURRENT,
    &DETACH_NOT_CONCURRENT,
    &STATEMENT_TIMEOUT,
];
const REWRITE_RULES: [&Rule; 3] = [&TYPE_REWRITE, &VOLATILE_DEFAULT, &FULL_REWRITE];

fn evidence(rule: &Rule) -> Option<Evidence> {
    if LOCK_RULES.contains(&rule) {
        Some(Evidence::Lock)
    } else if REWRITE_RULES.contains(&rule) {
        Some(Evidence::Rewrite)
    } else if rule == &CONCURRENT_IN_TRANSACTION {
        Some(Evidence::Refused)
    } else {
        None
    }
}

/// The part of `measured` about relations that existed before the linted files (new ones
/// have no rows and no traffic yet).
pub fn on_existing(
    mut measured: Measurement,
    before: &Realm,
    context: &FileContext,
) -> Measurement {
    measured
        .relations
        .retain(|r| context.is_existing_table(before, &r.table));
    measured.online = measured
        .online
        .filter(|online| context.is_existing_table(before, &online.table));
    measured
}

/// The report's line: "takes ACCESS EXCLUSIVE on public.users: blocks reads and writes;
/// rewrites public.users"; None when the statement did nothing to what existed.
pub fn summary(measured: &Measurement) -> Option<String> {
    let mut parts = Vec::new();
    for relation in &measured.relations {
        // An index is locked with its table; the table's lock is the one that says who waits.
        if relation.kind != "index"
            && let Some(lock) = relation.locks.iter().find(|l| l.taken)
        {
            parts.push(format!(
                "takes {} on {}: {}",
                lock.mode,
                relation.name,
                lock.effect()
            ));
        }
    }
    for relation in &measured.relations {
        match (relation.rewritten, relation.scanned, relation.kind) {
            (true, _, "index") => parts.push(format!("rebuilds index {}", relation.name)),
            (true, ..) => parts.push(format!("rewrites {}", relation.name)),
            (false, true, _) => parts.push(format!("scans {}", relation.name)),
            _ => {}
        }
    }
    if measured.outside_transaction {
        parts.push("runs outside a transaction (the server refuses one)".into());
    }
    if let Some(online) = &measured.online {
        let mut part = format!("ALTER of {} {}", online.table, online.algorithm.describe());
        if let Some(reason) = &online.reason {
            part.push_str(&format!(" ({reason})"));
        }
        parts.push(part);
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The statement's hits, each locking one confirmed, refuted or left predicted by `measured`
/// (already limited to existing relations; None: not measured), plus what only the
/// measurement found. Hits that carry their basis already are left as they are.
pub fn reconcile(hits: Vec<Hit>, measured: Option<&Measurement>) -> Vec<Hit> {
    let mut kept = Vec::new();
    for mut hit in hits {
        let Some(needs) = evidence(hit.rule).filter(|_| hit.basis.is_none()) else {
            kept.push(hit);
            continue;
        };
        let Some(measured) = measured else {
            hit.basis = Some(Basis::Predicted);
            kept.push(hit);
            continue;
        };
        match confirms(measured, needs) {
            Some(true) => {
                if let Some(seen) = evidence_text(measured, needs) {
                    hit.detail.push_str(&format!("; measured: {seen}"));
                }
                hit.basis = Some(Basis::Measured);
                kept.push(hit);
            }
            Some(false) => {}
            None => {
                hit.basis = Some(Basis::Predicted);
                kept.push(hit);
            }
        }
    }
    if let Some(measured) = measured {
        add_unpredicted(measured, &mut kept);
    }
    kept
}

/// Whether the measurement shows what `needs` asks for; None when it did not look, or when
/// locks held since earlier statements of the same transaction hide whether this one needs
/// them (lint inside one borrowed transaction).
fn confirms(measured: &Measurement, needs: Evidence) -> Option<bool> {
    let masked = || {
        measured
            .relations
            .iter()
            .any(|r| r.locks.iter().any(|l| !l.taken))
    };
    match needs {
        Evidence::Lock if measured.locks_read => match blocking_lock(measured) {
            Some(_) => Some(true),
            None if masked() => None,
            None => Some(false),
        },
        Evidence::Rewrite if measured.rewrites_read => Some(rewritten_table(measured).is_some()),
        Evidence::Refused if measured.outside_transaction => Some(true),
        _ => None,
    }
}

fn evidence_text(measured: &Measurement, needs: Evidence) -> Option<String> {
    match needs {
        Evidence::Lock => {
            let held: Vec<String> = measured
                .relations
                .iter()
                .filter(|r| r.kind != "index")
                .filter_map(|r| {
                    let lock = r.locks.iter().find(|l| l.taken && l.blocks_writes)?;
                    Some(format!("{} on {}", lock.mode, r.name))
                })
                .collect();
            (!held.is_empty()).then(|| held.join(", "))
        }
        Evidence::Rewrite => rewritten_table(measured).map(|r| format!("rewrites {}", r.name)),
        Evidence::Refused => Some("the server refused a transaction".into()),
    }
}

/// A relation the statement locked with a mode that blocks writes.
fn blocking_lock(measured: &Measurement) -> Option<&MeasuredRelation> {
    measured
        .relations
        .iter()
        .find(|r| r.locks.iter().any(|l| l.taken && l.blocks_writes))
}

fn rewritten_table(measured: &Measurement) -> Option<&MeasuredRelation> {
    measured
        .relations
        .iter()
        .find(|r| r.rewritten && r.kind != "index")
}

/// A rewrite that no rule predicted, and a MySQL ALTER that cannot run online.
fn add_unpredicted(measured: &Measurement, hits: &mut Vec<Hit>) {
    // TRUNCATE gives the table a new, empty file: nothing is copied.
    let rewrite_reported = hits
        .iter()
        .any(|h| REWRITE_RULES.contains(&h.rule) || h.rule == &TRUNCATE);
    if measured.rewrites_read
        && !rewrite_reported
        && let Some(table) = rewritten_table(measured)
    {
        hits.push(Hit {
            basis: Some(Basis::Measured),
            ..Hit::new(&MEASURED_REWRITE, format!("rewrote {}", table.name))
        });
    }
    if let Some(online) = &measured.online {
        let rule = match online.algorithm {
            Algorithm::Copy => &COPYING_ALTER,
            Algorithm::InplaceLocked => &LOCKING_ALTER,
            Algorithm::Instant | Algorithm::Inplace => return,
        };
        let mut detail = format!("table {}", online.table);
        if let Some(reason) = &online.reason {
            detail.push_str(&format!(": {reason}"));
        }
        hits.push(Hit {
            basis: Some(Basis::Measured),
            ..Hit::new(rule, detail)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::measure::{HeldLock, OnlineVerdict};
    use crate::schema::QualifiedName;

    fn users(lock: Option<(&'static str, bool, bool)>, rewritten: bool) -> Measurement {
        let name = QualifiedName::new("public", "users");
        Measurement {
            relations: vec![MeasuredRelation {
                name: name.clone(),
                kind: "table",
                table: name,
                locks: lock
                    .into_iter()
                    .map(|(mode, blocks_reads, blocks_writes)| HeldLock {
                        mode,
                        blocks_reads,
                        blocks_writes,
                        taken: true,
                    })
                    .collect(),
                rewritten,
                scanned: false,
            }],
            locks_read: true,
            rewrites_read: true,
            ..Measurement::default()
        }
    }

    #[test]
    fn a_blocking_lock_confirms_and_a_weak_one_refutes() {
        let hits = || vec![Hit::new(&INDEX_NOT_CONCURRENT, "index i on public.users")];
        let share = users(Some(("SHARE", false, true)), false);
        let kept = reconcile(hits(), Some(&share));
        assert_eq!(kept[0].basis, Some(Basis::Measured));
        assert!(kept[0].detail.ends_with("measured: SHARE on public.users"));
        let weak = users(Some(("SHARE UPDATE EXCLUSIVE", false, false)), false);
        assert!(reconcile(hits(), Some(&weak)).is_empty());
        assert_eq!(reconcile(hits(), None)[0].basis, Some(Basis::Predicted));
        // Held since an earlier statement of the transaction: this one may need it too.
        let mut inherited = users(Some(("SHARE", false, true)), false);
        inherited.relations[0].locks[0].taken = false;
        assert_eq!(
            reconcile(hits(), Some(&inherited))[0].basis,
            Some(Basis::Predicted)
        );
    }

    #[test]
    fn an_unpredicted_rewrite_is_added_and_a_predicted_one_without_rewrite_dropped() {
        let rewrote = users(Some(("ACCESS EXCLUSIVE", true, true)), true);
        let added = reconcile(Vec::new(), Some(&rewrote));
        assert_eq!(added[0].rule, &MEASURED_REWRITE);
        let kept = reconcile(vec![Hit::new(&TYPE_REWRITE, "c")], Some(&rewrote));
        assert_eq!((kept.len(), kept[0].rule), (1, &TYPE_REWRITE));
        let none = users(Some(("ACCESS EXCLUSIVE", true, true)), false);
        assert!(reconcile(vec![Hit::new(&TYPE_REWRITE, "c")], Some(&none)).is_empty());
        assert_eq!(
            summary(&rewrote).unwrap(),
            "takes ACCESS EXCLUSIVE on public.users: blocks reads and writes; rewrites public.users"
        );
    }

    #[test]
    fn a_copying_alter_is_reported() {
        let measured = Measurement {
            online: Some(OnlineVerdict {
                table: QualifiedName::new("main", "t"),
                algorithm: Algorithm::Copy,
                reason: Some("Cannot change column type".into()),
            }),
            ..Measurement::default()
        };
        let hits = reconcile(Vec::new(), Some(&measured));
        assert_eq!(hits[0].rule, &COPYING_ALTER);
        assert_eq!(hits[0].detail, "table main.t: Cannot change column type");
    }
}
