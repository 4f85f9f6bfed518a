//! Renames: tables (and moves to another schema), columns, indexes, sequences and constraints.
//! They keep the data; code that reads the old name breaks.

use super::quote::{ident, qualified};
use super::statement::stmt;
use crate::plan::Statement;
use crate::plan::risk::{self, breaks};
use crate::schema::QualifiedName;

/// `SET SCHEMA` first when the schema changes, then `RENAME TO` when the name does.
pub fn table(from: &QualifiedName, to: &QualifiedName) -> Vec<Statement> {
    let mut out = Vec::new();
    let note = risk::renames_table(from, to);
    if from.schema != to.schema {
        out.push(
            stmt(format!(
                "ALTER TABLE {} SET SCHEMA {}",
                qualified(from),
                ident(&to.schema)
            ))
            .with_risk(note.clone()),
        );
    }
    if from.name != to.name {
        let moved = QualifiedName::new(to.schema.clone(), from.name.clone());
        out.push(
            stmt(format!(
                "ALTER TABLE {} RENAME TO {}",
                qualified(&moved),
                ident(&to.name)
            ))
            .with_risk(note),
        );
    }
    out
}

pub fn column(table: &QualifiedName, from: &str, to: &str) -> Statement {
    stmt(format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}",
        qualified(table),
        ident(from),
        ident(to)
    ))
    .with_risk(risk::renames_column(table, from, to))
}

/// Index names are rarely used by code: no risk.
pub fn index(on: &QualifiedName, from: &str, to: &str) -> Statement {
    stmt(format!(
        "ALTER INDEX {} RENAME TO {}",
        qualified(&QualifiedName::new(on.schema.clone(), from)),
        ident(to)
    ))
}

pub fn sequence(from: &QualifiedName, to: &QualifiedName) -> Statement {
    stmt(format!(
        "ALTER SEQUENCE {} RENAME TO {}",
        qualified(from),
        ident(&to.name)
    ))
    .with_risk(breaks(format!("renames sequence {from} to {to}")))
}

/// `ON CONFLICT ON CONSTRAINT` names a constraint, so its rename can break code too.
pub fn constraint(table: &QualifiedName, from: &str, to: &str) -> Statement {
    stmt(format!(
        "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
        qualified(table),
        ident(from),
        ident(to)
    ))
    .with_risk(breaks(format!(
        "renames constraint \"{from}\" of {table} to \"{to}\""
    )))
}
