//! Destructive changes: what a statement drops, read from the difference between the schema
//! before and after it (so `DROP … IF EXISTS` of nothing and drops of objects the same files
//! created are not reported).

use super::*;
use crate::diff::Change;

pub fn check(input: &StatementCheck, hits: &mut Vec<Hit>) {
    let p = input.parsed;
    let ctx = input.context;
    if p.has("RENAME") {
        // A rename shows up as drop + add in the diff; incompatible.rs reports it.
        return;
    }
    if p.starts(&["DROP", "DATABASE"]) {
        hits.push(Hit::new(&DROP_DATABASE, "drops a database"));
    }
    if p.starts(&["TRUNCATE"]) {
        let name = p
            .name_after(&["TRUNCATE"])
            .map(|n| n.join("."))
            .unwrap_or_default();
        let table = p
            .name_after(&["TRUNCATE", "TABLE"])
            .or(p.name_after(&["TRUNCATE"]))
            .and_then(|n| input.table_named(input.before, &n));
        if table.is_none_or(|t| ctx.is_existing_table(input.before, &t)) {
            hits.push(Hit::new(
                &TRUNCATE,
                format!("truncates {}", name.to_lowercase()),
            ));
        }
    }
    let dropped_schemas: Vec<&String> = input
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::DropSchema { name } => Some(name),
            _ => None,
        })
        .collect();
    let mut dropped = 0;
    for change in input.changes {
        if let Some((kind, name, false)) = other_object(change)
            && ctx.new_objects.contains(&(kind, name))
        {
            continue;
        }
        let hit = match change {
            Change::DropSchema { name } => Hit::new(&DROP_SCHEMA, format!("drops schema {name}")),
            Change::DropTable { name, .. } if !ctx.new_tables.contains(name) => {
                Hit::new(&DROP_TABLE, format!("drops table {name}"))
            }
            Change::DropColumn { table, column, .. }
                if ctx.is_existing_column(input.before, table, &column.name) =>
            {
                Hit::new(
                    &DROP_COLUMN,
                    format!("drops column {}.{}", table, column.name),
                )
            }
            Change::DropView { name, .. } => Hit::new(&DROP_OTHER, format!("drops view {name}")),
            Change::DropFunction { name, .. } => {
                Hit::new(&DROP_OTHER, format!("drops function {name}"))
            }
            Change::DropType { name, def } => {
                let kind = match def.kind {
                    crate::schema::TypeKind::Domain { .. } => "domain",
                    _ => "type",
                };
                Hit::new(&DROP_OTHER, format!("drops {kind} {name}"))
            }
            Change::DropSequence { name, .. } => {
                Hit::new(&DROP_OTHER, format!("drops sequence {name}"))
            }
            Change::DropExtension { extension } => {
                Hit::new(&DROP_OTHER, format!("drops extension {}", extension.name))
            }
            Change::DropPolicy { table: on, policy } => {
                Hit::new(&DROP_OTHER, format!("drops policy {} on {on}", policy.name))
            }
            _ => continue,
        };
        dropped += 1;
        // Objects dropped inside a dropped schema are reported with the schema only.
        let inside = dropped_schemas
            .iter()
            .any(|s| hit.rule != &DROP_SCHEMA && hit.detail.contains(&format!(" {s}.")));
        if inside {
            continue;
        }
        hits.push(hit);
    }
    let dependents = input
        .changes
        .iter()
        .filter(|c| matches!(c, Change::DropConstraint { constraint, .. } if constraint.kind == crate::schema::ConstraintKind::ForeignKey))
        .count();
    let schema_dropped = hits.iter().any(|h| h.rule == &DROP_SCHEMA);
    if p.has("CASCADE") && p.has("DROP") && !schema_dropped && (dropped > 1 || dependents > 0) {
        hits.push(Hit::new(
            &DROP_IN_USE,
            format!(
                "CASCADE also drops {} dependent object(s)",
                dropped + dependents - 1
            ),
        ));
    }
}
