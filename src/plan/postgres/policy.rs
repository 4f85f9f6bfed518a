//! Row-level security policies: create, alter in place where PostgreSQL allows it, drop.

use super::quote::{ident, qualified, role};
use super::statement::stmt;
use crate::plan::Statement;
use crate::schema::{Policy, QualifiedName};

fn roles(policy: &Policy) -> String {
    if policy.roles.is_empty() {
        return "PUBLIC".to_string();
    }
    let roles: Vec<String> = policy.roles.iter().map(|r| role(r)).collect();
    roles.join(", ")
}

fn clauses(policy: &Policy) -> String {
    let mut sql = String::new();
    if let Some(using) = &policy.using {
        sql.push_str(&format!(" USING ({using})"));
    }
    if let Some(check) = &policy.with_check {
        sql.push_str(&format!(" WITH CHECK ({check})"));
    }
    sql
}

pub fn create(table: &QualifiedName, policy: &Policy) -> Statement {
    stmt(format!(
        "CREATE POLICY {} ON {} AS {} FOR {} TO {}{}",
        ident(&policy.name),
        qualified(table),
        if policy.permissive {
            "PERMISSIVE"
        } else {
            "RESTRICTIVE"
        },
        policy.command,
        roles(policy),
        clauses(policy)
    ))
}

pub fn drop(table: &QualifiedName, policy: &Policy) -> Statement {
    stmt(format!(
        "DROP POLICY {} ON {}",
        ident(&policy.name),
        qualified(table)
    ))
}

/// ALTER POLICY can change roles and set expressions, but not the command, the kind, or
/// remove an expression: those re-create the policy.
pub fn alter(table: &QualifiedName, from: &Policy, to: &Policy) -> Vec<Statement> {
    let removes_expression = (from.using.is_some() && to.using.is_none())
        || (from.with_check.is_some() && to.with_check.is_none());
    if from.command != to.command || from.permissive != to.permissive || removes_expression {
        return vec![drop(table, from), create(table, to)];
    }
    let mut sql = format!(
        "ALTER POLICY {} ON {} TO {}",
        ident(&to.name),
        qualified(table),
        roles(to)
    );
    if from.using != to.using
        && let Some(using) = &to.using
    {
        sql.push_str(&format!(" USING ({using})"));
    }
    if from.with_check != to.with_check
        && let Some(check) = &to.with_check
    {
        sql.push_str(&format!(" WITH CHECK ({check})"));
    }
    vec![stmt(sql)]
}
