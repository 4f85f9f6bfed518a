//! Functions and procedures: create or replace from the server's own definition, and drop.

use super::quote::qualified;
use super::statement::{StatementExt, stmt};
use crate::plan::{RiskKind, Statement};
use crate::schema::{Function, QualifiedName, RoutineKind};

/// `pg_get_functiondef` already wrote the whole `CREATE OR REPLACE` statement.
pub fn create(function: &Function) -> Statement {
    stmt(
        function
            .definition
            .trim_end()
            .trim_end_matches(';')
            .trim_end(),
    )
}

/// `"schema"."name"(identity arguments)`, how DROP and COMMENT name a routine.
pub fn signature(name: &QualifiedName, identity_arguments: &str) -> String {
    format!("{}({identity_arguments})", qualified(name))
}

pub fn keyword(kind: RoutineKind) -> &'static str {
    match kind {
        RoutineKind::Function => "FUNCTION",
        RoutineKind::Procedure => "PROCEDURE",
    }
}

pub fn drop(name: &QualifiedName, function: &Function) -> Statement {
    let keyword = keyword(function.kind);
    stmt(format!(
        "DROP {keyword} {}",
        signature(name, &function.identity_arguments)
    ))
    .risk(
        RiskKind::Destructive,
        format!(
            "drops {} {name}({}); callers fail",
            keyword.to_lowercase(),
            function.identity_arguments
        ),
    )
}
