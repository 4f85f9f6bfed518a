//! New tables as Atlas writes them: each foreign key inside its table's `CREATE TABLE`, the
//! tables of a run of creations ordered so that a referenced table comes first. A key that
//! closes a cycle stays an `ALTER TABLE … ADD CONSTRAINT` after the creations. A partition or
//! child table never moves before its parent, which its `CREATE TABLE` names.

use crate::diff::{Change, created_tables};
use crate::schema::{ConstraintKind, QualifiedName, Table};
use std::collections::BTreeSet;

/// A foreign key by its table and name.
pub type KeyRef = (QualifiedName, String);

/// The changes with each run of consecutive `CreateTable`s reordered, and the foreign keys
/// that go inside their table's `CREATE TABLE`.
pub fn arrange(changes: &[Change]) -> (Vec<Change>, BTreeSet<KeyRef>) {
    let created = created_tables(changes);
    // Keys between two new tables, as (table, name, referenced table).
    let keys: Vec<(&QualifiedName, &str, &QualifiedName)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::AddConstraint { table, constraint }
                if constraint.kind == ConstraintKind::ForeignKey && created.contains(table) =>
            {
                let target = constraint.references.as_ref()?;
                created
                    .contains(target)
                    .then_some((table, constraint.name.as_str(), target))
            }
            _ => None,
        })
        .collect();
    let mut out = Vec::with_capacity(changes.len());
    let mut inline = BTreeSet::new();
    let mut at = 0;
    while at < changes.len() {
        let end = (at..changes.len())
            .find(|&i| !matches!(changes[i], Change::CreateTable { .. }))
            .unwrap_or(changes.len());
        if end == at {
            out.push(changes[at].clone());
            at += 1;
            continue;
        }
        let run = &changes[at..end];
        let mut placed: BTreeSet<&QualifiedName> = BTreeSet::new();
        let mut left: Vec<&Change> = run.iter().collect();
        while !left.is_empty() {
            let name_of = |c: &Change| match c {
                Change::CreateTable { name, .. } => name.clone(),
                _ => unreachable!("a run holds creations only"),
            };
            let ready = |c: &Change| {
                let name = name_of(c);
                parents(c).all(|p| placed.contains(p) || !in_run(run, p))
                    && keys.iter().all(|(t, _, target)| {
                        **t != name
                            || **target == name
                            || placed.contains(target)
                            || !in_run(run, target)
                    })
            };
            // The first creation whose references are all in place; in a cycle, the first one
            // (whose parents, earlier in the diff's order, are placed).
            let pick = left.iter().position(|c| ready(c)).unwrap_or(0);
            let change = left.remove(pick);
            let name = name_of(change);
            for (table, key, target) in &keys {
                if **table == name && (**target == name || placed.contains(target)) {
                    inline.insert(((*table).clone(), key.to_string()));
                }
            }
            placed.insert(run_name(run, &name));
            out.push(change.clone());
        }
        at = end;
    }
    // Keys to tables created in earlier runs are inline too: their target exists by then.
    let position = |name: &QualifiedName| {
        out.iter()
            .position(|c| matches!(c, Change::CreateTable { name: n, .. } if n == name))
    };
    for (table, key, target) in &keys {
        if let (Some(own), Some(referenced)) = (position(table), position(target))
            && referenced < own
        {
            inline.insert(((*table).clone(), key.to_string()));
        }
    }
    (out, inline)
}

/// The tables a creation's `PARTITION OF` or `INHERITS` names.
fn parents(change: &Change) -> impl Iterator<Item = &QualifiedName> {
    let table: Option<&Table> = match change {
        Change::CreateTable { table, .. } => Some(table),
        _ => None,
    };
    table.into_iter().flat_map(|t| {
        t.partition_of
            .as_ref()
            .map(|p| &p.parent)
            .into_iter()
            .chain(&t.inherits)
    })
}

fn in_run(run: &[Change], name: &QualifiedName) -> bool {
    run.iter()
        .any(|c| matches!(c, Change::CreateTable { name: n, .. } if n == name))
}

/// The run's own reference to `name` (borrowed from the run, so it outlives the loop).
fn run_name<'a>(run: &'a [Change], name: &QualifiedName) -> &'a QualifiedName {
    run.iter()
        .find_map(|c| match c {
            Change::CreateTable { name: n, .. } if n == name => Some(n),
            _ => None,
        })
        .expect("the name comes from the run")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Constraint, PartitionOf, Table};

    fn create(name: &str, table: Table) -> Change {
        Change::CreateTable {
            name: QualifiedName::new("public", name),
            table,
        }
    }

    fn names(changes: &[Change]) -> Vec<&str> {
        changes
            .iter()
            .filter_map(|c| match c {
                Change::CreateTable { name, .. } => Some(name.name.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_partition_waits_for_its_parent_that_waits_for_a_referenced_table() {
        let key = Constraint {
            name: "events_user_id_fkey".into(),
            kind: ConstraintKind::ForeignKey,
            definition: "FOREIGN KEY (user_id) REFERENCES public.users(id)".into(),
            columns: vec!["user_id".into()],
            references: Some(QualifiedName::new("public", "users")),
            referenced_columns: vec!["id".into()],
            validated: true,
            deferrable: false,
            initially_deferred: false,
            comment: None,
        };
        let partition = Table {
            partition_of: Some(PartitionOf {
                parent: QualifiedName::new("public", "events"),
                bound: "DEFAULT".into(),
            }),
            ..Table::default()
        };
        let changes = vec![
            create("events", Table::default()),
            create("events_default", partition),
            create("users", Table::default()),
            Change::AddConstraint {
                table: QualifiedName::new("public", "events"),
                constraint: key,
            },
        ];
        let (arranged, inline) = arrange(&changes);
        assert_eq!(names(&arranged), ["users", "events", "events_default"]);
        assert_eq!(inline.len(), 1);
    }
}
