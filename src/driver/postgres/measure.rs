//! Measuring one statement on PostgreSQL: run it inside a transaction and, before the commit,
//! read the relation locks of our own backend (`pg_locks`), compare every user relation's
//! `relfilenode` with the one before (a new file is a rewrite) and its sequential scans in this
//! transaction (`pg_stat_xact_user_tables`, a validation scan). None of it depends on the rows:
//! a rewrite replaces the file and a validation scans even when the table is empty, so the dev
//! database's tables need no seeding.

use super::execute::execute_each;
use crate::driver::StatementError;
use crate::driver::measure::{HeldLock, MeasuredRelation, Measurement};
use crate::schema::QualifiedName;
use sqlx::postgres::PgConnection;
use std::collections::BTreeMap;

/// SQLSTATE 25001: the statement cannot run inside a transaction block.
const ACTIVE_SQL_TRANSACTION: &str = "25001";

/// A user relation as it was at one moment.
#[derive(Debug, Clone)]
struct Relation {
    name: QualifiedName,
    kind: &'static str,
    table: QualifiedName,
    filenode: i64,
    seq_scans: i64,
}

type Snapshot = BTreeMap<i64, Relation>;

/// oid, schema, name, relkind, relfilenode, its table's schema and name, sequential scans,
/// the lock modes our backend holds on it.
type RelationRow = (
    i64,
    String,
    String,
    String,
    i64,
    String,
    String,
    i64,
    Vec<String>,
);

/// Runs `statement` inside the transaction the connection is in (a borrowed template, rolled
/// back at the end): the locks held before it are read too, so that those it takes are told
/// from those earlier statements hold.
pub async fn execute_measured_in_transaction(
    conn: &mut PgConnection,
    statement: &str,
) -> Result<Measurement, StatementError> {
    let failed = |e: sqlx::Error| query_error(statement, e);
    let before = state(conn).await.map_err(failed)?;
    execute_each(conn, &[statement.to_string()]).await?;
    let after = state(conn).await.map_err(failed)?;
    Ok(measured(&before, &after))
}

/// Runs `statement` on an autocommit connection inside a transaction of its own and measures
/// it; a statement the server refuses to run in a transaction (CREATE INDEX CONCURRENTLY,
/// VACUUM) runs in autocommit instead, where its rewrites are still measured.
pub async fn execute_measured(
    conn: &mut PgConnection,
    statement: &str,
) -> Result<Measurement, StatementError> {
    let failed = |e: sqlx::Error| query_error(statement, e);
    sqlx::raw_sql("BEGIN")
        .execute(&mut *conn)
        .await
        .map_err(failed)?;
    let before = state(conn).await.map_err(failed)?;
    if let Err(error) = execute_each(conn, &[statement.to_string()]).await {
        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
        if error.code.as_deref() != Some(ACTIVE_SQL_TRANSACTION) {
            return Err(error);
        }
        return execute_in_autocommit(conn, statement, before).await;
    }
    let after = state(conn).await;
    // COMMIT runs deferred checks: a failure there is the statement's.
    if let Err(e) = sqlx::raw_sql("COMMIT").execute(&mut *conn).await {
        return Err(query_error(statement, e));
    }
    Ok(measured(&before, &after.map_err(failed)?))
}

async fn execute_in_autocommit(
    conn: &mut PgConnection,
    statement: &str,
    before: State,
) -> Result<Measurement, StatementError> {
    execute_each(conn, &[statement.to_string()]).await?;
    let after = state(conn).await.map_err(|e| query_error(statement, e))?;
    // No lock can be read after the statement's own commit, and scan counts are only
    // comparable inside one transaction (they are flushed between): rewrites only.
    let mut measurement = compare(&before.relations, &after.relations, &[], &[]);
    measurement.relations.retain(|r| r.rewritten);
    for relation in &mut measurement.relations {
        relation.scanned = false;
    }
    measurement.outside_transaction = true;
    measurement.rewrites_read = true;
    Ok(measurement)
}

fn measured(before: &State, after: &State) -> Measurement {
    let mut measurement = compare(
        &before.relations,
        &after.relations,
        &after.locks,
        &before.locks,
    );
    measurement.locks_read = true;
    measurement.rewrites_read = true;
    measurement
}

/// The user's relations and the locks our backend holds on them, at one moment.
struct State {
    relations: Snapshot,
    /// (oid, mode) of every granted relation lock of our own backend on them.
    locks: Vec<(i64, String)>,
}

/// One round trip: every relation of the user's schemas with its file, its scans in this
/// transaction (tables), and the modes our backend holds on it; and the locks it holds on
/// relations dropped in this transaction (rows without a name).
async fn state(conn: &mut PgConnection) -> Result<State, sqlx::Error> {
    let rows: Vec<RelationRow> = sqlx::query_as(
        "WITH held AS ( \
           SELECT relation, array_agg(mode) AS modes FROM pg_locks \
           WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
           GROUP BY relation) \
         SELECT c.oid::int8, n.nspname::text, c.relname::text, c.relkind::text, \
                c.relfilenode::int8, coalesce(tn.nspname, n.nspname)::text, \
                coalesce(t.relname, c.relname)::text, \
                CASE WHEN c.relkind IN ('r', 'm', 'p') \
                     THEN pg_stat_get_xact_numscans(c.oid) ELSE 0 END::int8, \
                coalesce(held.modes, '{}')::text[] \
         FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_index i ON i.indexrelid = c.oid \
         LEFT JOIN pg_class t ON t.oid = i.indrelid \
         LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace \
         LEFT JOIN held ON held.relation = c.oid \
         WHERE c.relkind IN ('r', 'p', 'i', 'I', 'm', 'S', 'v', 'f') \
           AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
           AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' \
         UNION ALL \
         SELECT held.relation::int8, '', '', '', 0, '', '', 0, held.modes::text[] FROM held \
         WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = held.relation)",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut state = State {
        relations: Snapshot::new(),
        locks: Vec::new(),
    };
    for (oid, schema, name, kind, filenode, tschema, tname, scans, modes) in rows {
        state
            .locks
            .extend(modes.into_iter().map(|mode| (oid, mode)));
        let relation = Relation {
            name: QualifiedName::new(schema, name),
            kind: relation_kind(&kind),
            table: QualifiedName::new(tschema, tname),
            filenode,
            seq_scans: scans,
        };
        state.relations.insert(oid, relation);
    }
    Ok(state)
}

/// The relations that existed before and were locked, rewritten or scanned.
fn compare(
    before: &Snapshot,
    after: &Snapshot,
    locks: &[(i64, String)],
    held_before: &[(i64, String)],
) -> Measurement {
    let mut relations = Vec::new();
    for (oid, relation) in before {
        let now = after.get(oid);
        let rewritten = now.is_some_and(|n| n.filenode != relation.filenode && n.filenode != 0);
        let scanned = !rewritten && now.is_some_and(|n| n.seq_scans > relation.seq_scans);
        let mut held: Vec<HeldLock> = locks
            .iter()
            .filter(|(locked, _)| locked == oid)
            .filter_map(|(_, mode)| {
                let taken = !held_before.iter().any(|(o, m)| o == oid && m == mode);
                held_lock(mode, taken)
            })
            .collect();
        held.sort_by_key(|lock| std::cmp::Reverse(strength(lock.mode)));
        // A relation only read (ACCESS SHARE) and left alone is not worth a line.
        let only_read = held.iter().all(|l| l.mode == "ACCESS SHARE");
        if only_read && !rewritten && !scanned {
            continue;
        }
        relations.push(MeasuredRelation {
            name: relation.name.clone(),
            kind: relation.kind,
            table: relation.table.clone(),
            locks: held,
            rewritten,
            scanned,
        });
    }
    Measurement {
        relations,
        ..Measurement::default()
    }
}

/// PostgreSQL's lock modes, weakest first, with what each one conflicts with among the locks
/// that plain reads (ACCESS SHARE) and writes (ROW EXCLUSIVE) take.
const MODES: [(&str, &str, bool, bool); 8] = [
    ("AccessShareLock", "ACCESS SHARE", false, false),
    ("RowShareLock", "ROW SHARE", false, false),
    ("RowExclusiveLock", "ROW EXCLUSIVE", false, false),
    (
        "ShareUpdateExclusiveLock",
        "SHARE UPDATE EXCLUSIVE",
        false,
        false,
    ),
    ("ShareLock", "SHARE", false, true),
    ("ShareRowExclusiveLock", "SHARE ROW EXCLUSIVE", false, true),
    ("ExclusiveLock", "EXCLUSIVE", false, true),
    ("AccessExclusiveLock", "ACCESS EXCLUSIVE", true, true),
];

fn held_lock(mode: &str, taken: bool) -> Option<HeldLock> {
    let (_, name, blocks_reads, blocks_writes) = MODES.iter().find(|(m, ..)| *m == mode)?;
    Some(HeldLock {
        mode: name,
        blocks_reads: *blocks_reads,
        blocks_writes: *blocks_writes,
        taken,
    })
}

fn strength(mode: &str) -> usize {
    MODES
        .iter()
        .position(|(_, name, ..)| *name == mode)
        .unwrap_or(0)
}

fn relation_kind(relkind: &str) -> &'static str {
    match relkind {
        "r" => "table",
        "p" => "partitioned table",
        "i" | "I" => "index",
        "m" => "materialized view",
        "S" => "sequence",
        "v" => "view",
        "f" => "foreign table",
        _ => "relation",
    }
}

fn query_error(statement: &str, error: sqlx::Error) -> StatementError {
    StatementError {
        index: 0,
        statement: statement.to_string(),
        message: format!("measuring the statement: {error}"),
        detail: None,
        hint: None,
        position: None,
        code: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relation(name: &str, filenode: i64, scans: i64) -> Relation {
        Relation {
            name: QualifiedName::new("public", name),
            kind: "table",
            table: QualifiedName::new("public", name),
            filenode,
            seq_scans: scans,
        }
    }

    #[test]
    fn compare_reports_rewrites_scans_and_locks_strongest_first() {
        let before: Snapshot = [(1, relation("users", 10, 0)), (2, relation("posts", 20, 0))]
            .into_iter()
            .collect();
        let after: Snapshot = [(1, relation("users", 11, 1)), (2, relation("posts", 20, 1))]
            .into_iter()
            .collect();
        let locks = vec![
            (1, "ShareLock".to_string()),
            (1, "AccessExclusiveLock".to_string()),
            (2, "AccessShareLock".to_string()),
        ];
        let held_before = vec![(1, "ShareLock".to_string())];
        let measured = compare(&before, &after, &locks, &held_before);
        let users = &measured.relations[0];
        assert_eq!(users.name.name, "users");
        assert!(users.rewritten && !users.scanned);
        assert_eq!(users.strongest().unwrap().mode, "ACCESS EXCLUSIVE");
        assert_eq!(users.locks[1].mode, "SHARE");
        assert!(users.locks[0].taken && !users.locks[1].taken);
        let posts = &measured.relations[1];
        assert!(posts.scanned && !posts.rewritten);
    }

    #[test]
    fn a_relation_only_read_is_left_out() {
        let before: Snapshot = [(1, relation("users", 10, 0))].into_iter().collect();
        let measured = compare(&before, &before, &[(1, "AccessShareLock".into())], &[]);
        assert!(measured.relations.is_empty());
    }
}
