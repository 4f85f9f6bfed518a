//! Table rebuilds: a new table created, the rows copied into it, the old table dropped and the
//! new one renamed to the old name. SQLite needs this for most changes (its planner writes it),
//! and hand-written migrations do it everywhere. Read as separate statements it is a drop of
//! a table with rows (DS102) and a data copy among schema changes (TX101); as a whole it loses
//! nothing but holds writers off while every row is copied, which is what LK101 says.

use super::{DROP_TABLE, Hit, RENAME_TABLE, TABLE_REBUILT};
use crate::schema::QualifiedName;

/// What one statement did to whole tables.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TableEvents {
    pub created: Vec<QualifiedName>,
    pub dropped: Vec<QualifiedName>,
    /// Dropped tables that existed before the linted files.
    pub dropped_existing: Vec<QualifiedName>,
    /// The table an `INSERT … SELECT` wrote to.
    pub inserted_into: Option<QualifiedName>,
}

/// Replaces the findings each rebuild in the file is made of with one LK101 at its rename, and
/// returns the indexes of the rebuilds' row copies (part of the schema change, not data
/// changes of their own). `events[i]` belongs to statement `i`; hits are (statement index, hit).
pub fn fold(events: &[TableEvents], hits: &mut Vec<(usize, Hit)>) -> Vec<usize> {
    let mut copies = Vec::new();
    for (rename_at, renamed) in events.iter().enumerate() {
        for table in &renamed.created {
            let Some(drop_at) =
                (0..rename_at).find(|&i| events[i].dropped_existing.contains(table))
            else {
                continue;
            };
            // The new table: created before the rename, and gone in it (renamed to `table`).
            let Some(temporary) = renamed
                .dropped
                .iter()
                .find(|t| (0..rename_at).any(|i| events[i].created.contains(t)))
            else {
                continue;
            };
            hits.retain(|(at, hit)| {
                let the_drop = *at == drop_at && hit.rule == &DROP_TABLE;
                let the_rename = *at == rename_at && hit.rule == &RENAME_TABLE;
                !(the_drop || the_rename)
            });
            copies.extend(
                (0..rename_at).filter(|&i| events[i].inserted_into.as_ref() == Some(temporary)),
            );
            hits.push((
                rename_at,
                Hit::new(
                    &TABLE_REBUILT,
                    format!("table {table}, through {}", temporary.name),
                ),
            ));
        }
    }
    copies
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> QualifiedName {
        QualifiedName::new("main", n)
    }

    #[test]
    fn create_copy_drop_rename_is_one_rebuild() {
        let events = vec![
            TableEvents {
                created: vec![name("new_users")],
                ..TableEvents::default()
            },
            TableEvents {
                inserted_into: Some(name("new_users")),
                ..TableEvents::default()
            },
            TableEvents {
                dropped: vec![name("users")],
                dropped_existing: vec![name("users")],
                ..TableEvents::default()
            },
            TableEvents {
                created: vec![name("users")],
                dropped: vec![name("new_users")],
                ..TableEvents::default()
            },
        ];
        let mut hits = vec![(2, Hit::new(&DROP_TABLE, "drops table main.users"))];
        assert_eq!(fold(&events, &mut hits), [1]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, 3);
        assert_eq!(hits[0].1.rule, &TABLE_REBUILT);
    }

    #[test]
    fn a_drop_without_a_table_renamed_in_its_place_stays_a_drop() {
        let events = vec![TableEvents {
            dropped: vec![name("users")],
            dropped_existing: vec![name("users")],
            ..TableEvents::default()
        }];
        let mut hits = vec![(0, Hit::new(&DROP_TABLE, "drops table main.users"))];
        assert!(fold(&events, &mut hits).is_empty());
        assert_eq!(hits[0].1.rule, &DROP_TABLE);
    }
}
