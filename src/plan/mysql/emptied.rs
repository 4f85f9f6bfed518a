//! MySQL refuses an `ALTER TABLE` that drops a table's last column ("use DROP TABLE
//! instead"), even when a later statement adds new ones. When the changes drop every column a
//! table has, its added columns move up to right after the last drop, into the same
//! `ALTER TABLE`, so the table is never left without columns.

use crate::diff::Change;
use crate::schema::{QualifiedName, Realm};
use std::collections::BTreeSet;

/// The changes, with the `AddColumn`s of each table that would otherwise lose its last
/// column placed right after the drop that empties it.
pub fn keep_a_column(current: &Realm, changes: Vec<Change>) -> Vec<Change> {
    let mut changes = changes;
    let tables: BTreeSet<QualifiedName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropColumn { table, .. } => Some(table.clone()),
            _ => None,
        })
        .collect();
    for table in tables {
        let Some(existing) = current.table(&table) else {
            continue;
        };
        let mut live: BTreeSet<String> = existing.columns.iter().map(|c| c.name.clone()).collect();
        let mut emptied_at = None;
        for (at, change) in changes.iter().enumerate() {
            match change {
                Change::AddColumn { table: t, column } if *t == table => {
                    live.insert(column.name.clone());
                }
                Change::DropColumn {
                    table: t, column, ..
                } if *t == table => {
                    live.remove(&column.name);
                    if live.is_empty() {
                        emptied_at = Some(at);
                        break;
                    }
                }
                Change::RenameColumn { table: t, from, to } if *t == table => {
                    live.remove(from);
                    live.insert(to.clone());
                }
                _ => {}
            }
        }
        let Some(at) = emptied_at else {
            continue;
        };
        let is_add = |c: &Change| matches!(c, Change::AddColumn { table: t, .. } if *t == table);
        let later: Vec<Change> = changes[at + 1..]
            .iter()
            .filter(|c| is_add(c))
            .cloned()
            .collect();
        let mut rest: Vec<Change> = changes.split_off(at + 1);
        rest.retain(|c| !is_add(c));
        changes.extend(later);
        changes.extend(rest);
    }
    changes
}
