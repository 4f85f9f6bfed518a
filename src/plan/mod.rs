//! Plans: the SQL that carries out a list of changes, its reverse, and the risk of each statement.
//!
//! A planner is pure: it turns `diff::Change`s into statements for one dialect and never touches
//! a database. Later stages (lint, history, apply) reuse the risk notes attached here.

mod creates;
pub mod mysql;
pub mod postgres;
pub mod risk;
pub mod sqlite;
mod summary;
pub mod type_cost;

pub use summary::{Names, PLAIN, describe, describe_with};

use crate::diff::Change;
use serde::{Deserialize, Serialize};

/// What could go wrong when a statement runs on a database with data and traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskKind {
    /// Loses data or an object others may use (drop table, drop column, ...).
    Destructive,
    /// Succeeds or fails depending on the rows present (add unique, set NOT NULL, narrowing cast).
    DataDependent,
    /// Takes a lock that blocks reads or writes for a while (table rewrite, index build).
    Locking,
    /// Keeps the data but breaks code that reads the old name (renames).
    BackwardIncompatible,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    pub kind: RiskKind,
    /// One line saying why, e.g. `drops column "age" of public.users and its data`.
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub sql: String,
    pub risks: Vec<Risk>,
    /// False for statements PostgreSQL refuses inside a transaction block
    /// (e.g. `CREATE INDEX CONCURRENTLY`).
    pub transactional: bool,
}

impl Plan {
    /// Whether the plan drops rows: a table, a column or a schema (dropping a view, an index
    /// or a function loses no data; they are re-created from their definitions).
    pub fn drops_rows(&self) -> bool {
        self.steps.iter().any(|step| {
            matches!(
                step.change,
                Change::DropTable { .. } | Change::DropColumn { .. } | Change::DropSchema { .. }
            )
        })
    }
}

impl Statement {
    /// The statement with one more risk.
    pub fn with_risk(mut self, risk: Risk) -> Self {
        self.risks.push(risk);
        self
    }
}

/// One change and the statements that carry it out and undo it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub change: Change,
    /// Short human description, e.g. `add column "age" to public.users`.
    pub summary: String,
    pub statements: Vec<Statement>,
    /// Statements that undo this step, in the order to run them.
    pub reverse: Vec<Statement>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.iter().all(|s| s.statements.is_empty())
    }

    /// Forward statements in order.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.steps.iter().flat_map(|s| s.statements.iter())
    }

    /// Reverse statements: the steps' reverses, last step first.
    pub fn reverse_statements(&self) -> impl Iterator<Item = &Statement> {
        self.steps.iter().rev().flat_map(|s| s.reverse.iter())
    }

    /// The forward plan as a SQL script: one statement per line group, each ending in `;`.
    pub fn to_sql(&self) -> String {
        render_script(self.statements())
    }

    /// The reverse plan as a SQL script.
    pub fn to_reverse_sql(&self) -> String {
        render_script(self.reverse_statements())
    }

    /// The forward plan as a script with each step under a `-- summary` comment: the text of a
    /// migration file and of `schema diff`.
    pub fn to_commented_sql(&self) -> String {
        let steps = self
            .steps
            .iter()
            .map(|s| (s.summary.clone(), &s.statements));
        render_commented(steps)
    }

    /// The reverse plan, last step first, each under a `-- undo: summary` comment.
    pub fn to_commented_reverse_sql(&self) -> String {
        let steps = self
            .steps
            .iter()
            .rev()
            .map(|s| (format!("undo: {}", s.summary), &s.reverse));
        render_commented(steps)
    }
}

fn render_commented<'a>(steps: impl Iterator<Item = (String, &'a Vec<Statement>)>) -> String {
    let mut out = String::new();
    for (summary, statements) in steps.filter(|(_, statements)| !statements.is_empty()) {
        out.push_str(&format!("-- {summary}\n"));
        out.push_str(&render_script(statements.iter()));
    }
    out
}

fn render_script<'a>(statements: impl Iterator<Item = &'a Statement>) -> String {
    let mut out = String::new();
    for statement in statements {
        out.push_str(statement.sql.trim_end().trim_end_matches(';'));
        out.push_str(";\n");
    }
    out
}

/// A dialect's renderer of changes.
pub trait Planner {
    /// The plan of `changes`; a change the dialect has no statement for is an error naming
    /// it (bad input), never a silently empty step.
    fn plan(&self, changes: &[Change]) -> anyhow::Result<Plan>;
}

/// The error for a change `dialect` cannot carry out.
pub fn unrenderable(dialect: &str, change: &Change) -> anyhow::Error {
    crate::error::bad_input(format!(
        "{dialect} has no statement to {}; schemactl cannot plan this change for {dialect}",
        describe(change)
    ))
}
