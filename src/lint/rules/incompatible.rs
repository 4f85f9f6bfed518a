//! Backward-incompatible changes: renames and moves of objects that running code reads by name,
//! and NOT NULL removed under code that relies on it. Objects created by the same files are
//! nobody's old name yet.

use super::*;
use crate::diff::Change;

pub fn check(input: &StatementCheck, hits: &mut Vec<Hit>) {
    let p = input.parsed;
    let ctx = input.context;
    if p.starts(&["ALTER"]) && p.has("RENAME") {
        let table = p
            .name_after(&["TABLE"])
            .and_then(|n| input.table_named(input.before, &n));
        let existing = table
            .as_ref()
            .is_some_and(|t| ctx.is_existing_table(input.before, t));
        let table_name = table.map(|t| t.to_string()).unwrap_or_default();
        if p.starts(&["ALTER", "TABLE"]) && existing {
            if p.has_seq(&["RENAME", "TO"]) {
                hits.push(Hit::new(
                    &RENAME_TABLE,
                    format!("renames table {table_name}"),
                ));
            } else if p.has_seq(&["RENAME", "CONSTRAINT"]) {
                hits.push(Hit::new(
                    &RENAME_OTHER,
                    format!("renames a constraint of {table_name}"),
                ));
            } else {
                let column = p
                    .name_after(&["RENAME", "COLUMN"])
                    .or(p.name_after(&["RENAME"]))
                    .map(|n| n.join("."))
                    .unwrap_or_default()
                    .to_lowercase();
                let new_column = input
                    .context
                    .new_columns
                    .iter()
                    .any(|(t, c)| t.to_string() == table_name && *c == column);
                if !new_column {
                    hits.push(Hit::new(
                        &RENAME_COLUMN,
                        format!("renames column {table_name}.{column}"),
                    ));
                }
            }
        } else if !p.starts(&["ALTER", "TABLE"]) && !p.starts(&["ALTER", "INDEX"]) {
            let what = p
                .tokens
                .get(1)
                .map(|t| t.text.to_lowercase())
                .unwrap_or_default();
            hits.push(Hit::new(&RENAME_OTHER, format!("renames a {what}")));
        }
    }
    if p.starts(&["ALTER"]) && p.has_seq(&["SET", "SCHEMA"]) {
        hits.push(Hit::new(&SET_SCHEMA, "moves an object to another schema"));
    }
    for change in input.changes {
        if let Change::AlterColumn { table, from, to } = change
            && from.not_null
            && !to.not_null
            && from.identity.is_none()
            && ctx.is_existing_column(input.before, table, &from.name)
            && !ctx
                .new_not_null
                .contains(&(table.clone(), from.name.clone()))
        {
            hits.push(Hit::new(
                &DROP_NOT_NULL,
                format!("drops NOT NULL of {table}.{}", from.name),
            ));
        }
    }
}
