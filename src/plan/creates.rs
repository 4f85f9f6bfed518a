//! New tables as Atlas writes them: each foreign key inside its table's `CREATE TABLE`, the
//! tables of a run of creations ordered so that a referenced table comes first. A key that
//! closes a cycle stays an `ALTER TABLE … ADD CONSTRAINT` after the creations. A partition or
//! child table never moves before its parent, which its `CREATE TABLE` names.

use crate::diff::{Change, created_tables};
use crate::schema::{ConstraintKind, QualifiedName, Table};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

/// A foreign key by its table and name.
pub type KeyRef = (QualifiedName, String);

/// The changes (borrowed: a first migration's are thousands of whole tables) with each run of
/// consecutive `CreateTable`s reordered, and the foreign keys that go inside their table's
/// `CREATE TABLE`.
pub fn arrange(changes: &[Change]) -> (Vec<&Change>, BTreeSet<KeyRef>) {
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
    let mut keys_of: HashMap<&QualifiedName, Vec<(&str, &QualifiedName)>> = HashMap::new();
    for &(table, key, target) in &keys {
        keys_of.entry(table).or_default().push((key, target));
    }
    let mut out = Vec::with_capacity(changes.len());
    let mut inline = BTreeSet::new();
    let mut at = 0;
    while at < changes.len() {
        let end = (at..changes.len())
            .find(|&i| !matches!(changes[i], Change::CreateTable { .. }))
            .unwrap_or(changes.len());
        if end == at {
            out.push(&changes[at]);
            at += 1;
            continue;
        }
        arrange_run(&changes[at..end], &keys_of, &mut out, &mut inline);
        at = end;
    }
    // Keys to tables created in earlier runs are inline too: their target exists by then.
    let mut position: HashMap<&QualifiedName, usize> = HashMap::new();
    for (i, change) in out.iter().enumerate() {
        if let Change::CreateTable { name, .. } = change {
            position.entry(name).or_insert(i);
        }
    }
    for (table, key, target) in &keys {
        if let (Some(own), Some(referenced)) = (position.get(table), position.get(target))
            && referenced < own
        {
            inline.insert(((*table).clone(), key.to_string()));
        }
    }
    (out, inline)
}

/// Places one run of creations: always the first (in the diff's order) whose parents and
/// referenced tables in the run are placed; in a cycle, the first one left (whose parents,
/// earlier in the diff's order, are placed). A key whose target is placed before its table
/// goes inline. Linear in the run and its keys: a first migration creates thousands of tables.
fn arrange_run<'a>(
    run: &'a [Change],
    keys_of: &HashMap<&QualifiedName, Vec<(&str, &QualifiedName)>>,
    out: &mut Vec<&'a Change>,
    inline: &mut BTreeSet<KeyRef>,
) {
    let name_of = |c: &'a Change| match c {
        Change::CreateTable { name, .. } => name,
        _ => unreachable!("a run holds creations only"),
    };
    let mut index: HashMap<&QualifiedName, usize> = HashMap::new();
    for (i, change) in run.iter().enumerate() {
        index.entry(name_of(change)).or_insert(i);
    }
    // How many creations of the run each one waits for, and who waits for each.
    let mut waiting_on = vec![0usize; run.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); run.len()];
    for (i, change) in run.iter().enumerate() {
        let targets = keys_of
            .get(name_of(change))
            .into_iter()
            .flatten()
            .map(|(_, target)| *target);
        let needs: BTreeSet<usize> = parents(change)
            .chain(targets)
            .filter_map(|name| index.get(name).copied())
            .filter(|&j| j != i)
            .collect();
        waiting_on[i] = needs.len();
        for j in needs {
            dependents[j].push(i);
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..run.len())
        .filter(|&i| waiting_on[i] == 0)
        .map(Reverse)
        .collect();
    let mut placed = vec![false; run.len()];
    let mut first_left = 0;
    for _ in 0..run.len() {
        let pick = loop {
            match ready.pop() {
                Some(Reverse(i)) if placed[i] => continue,
                Some(Reverse(i)) => break i,
                None => {
                    while placed[first_left] {
                        first_left += 1;
                    }
                    break first_left;
                }
            }
        };
        placed[pick] = true;
        let name = name_of(&run[pick]);
        for (key, target) in keys_of.get(name).into_iter().flatten() {
            let target_placed = index.get(target).is_some_and(|&j| placed[j]);
            if *target == name || target_placed {
                inline.insert((name.clone(), key.to_string()));
            }
        }
        for &waiting in &dependents[pick] {
            waiting_on[waiting] -= 1;
            if waiting_on[waiting] == 0 {
                ready.push(Reverse(waiting));
            }
        }
        out.push(&run[pick]);
    }
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

    fn names<'a>(changes: &[&'a Change]) -> Vec<&'a str> {
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
