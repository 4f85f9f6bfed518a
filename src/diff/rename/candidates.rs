//! Rename candidates: drops and adds in one diff that look like a rename the user did not
//! declare, so that a front end can ask (or warn) before data is dropped.

use super::RenameHint;
use crate::diff::Change;
use crate::schema::{Column, QualifiedName, Table};
use serde::{Deserialize, Serialize};

/// A hint that would turn a drop and an add into a rename, with why it looks like one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameCandidate {
    pub hint: RenameHint,
    pub reason: String,
}

/// Every pair of a dropped and an added column of one table with the same type, and of a
/// dropped and a created table in one schema with the same column names and types. A dropped
/// object may appear in several candidates; accepting one of them is enough.
pub fn rename_candidates(changes: &[Change]) -> Vec<RenameCandidate> {
    let mut out = Vec::new();
    for change in changes {
        if let Change::DropColumn { table, column, .. } = change {
            for added in added_columns(changes, table) {
                if added.data_type == column.data_type {
                    out.push(RenameCandidate {
                        hint: RenameHint::Column {
                            table: table.clone(),
                            from: column.name.clone(),
                            to: added.name.clone(),
                        },
                        reason: format!(
                            "column \"{}\" of {table} is dropped and column \"{}\" of the same type ({}) is added",
                            column.name, added.name, column.data_type.sql
                        ),
                    });
                }
            }
        }
        if let Change::DropTable { name, table } = change {
            for (new_name, created) in created_tables(changes, &name.schema) {
                if same_shape(table, created) {
                    out.push(RenameCandidate {
                        hint: RenameHint::Table {
                            from: name.clone(),
                            to: new_name.clone(),
                        },
                        reason: format!(
                            "table {name} is dropped and table {new_name} with the same columns is created"
                        ),
                    });
                }
            }
        }
    }
    out
}

fn added_columns<'c>(changes: &'c [Change], table: &QualifiedName) -> Vec<&'c Column> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::AddColumn { table: t, column } if t == table => Some(column),
            _ => None,
        })
        .collect()
}

fn created_tables<'c>(changes: &'c [Change], schema: &str) -> Vec<(&'c QualifiedName, &'c Table)> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateTable { name, table } if name.schema == schema => Some((name, table)),
            _ => None,
        })
        .collect()
}

/// Same column names and types, in any order.
fn same_shape(a: &Table, b: &Table) -> bool {
    let shape = |t: &Table| {
        let mut columns: Vec<(String, String)> = t
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.data_type.sql.clone()))
            .collect();
        columns.sort();
        columns
    };
    !a.columns.is_empty() && shape(a) == shape(b)
}
