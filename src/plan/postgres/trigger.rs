//! Triggers: create from the server's own definition plus its enabled state, and drop.

use super::quote::{ident, qualified};
use super::statement::stmt;
use crate::plan::Statement;
use crate::schema::{QualifiedName, Trigger, TriggerState};

pub fn create(on: &QualifiedName, trigger: &Trigger) -> Vec<Statement> {
    let mut statements = vec![stmt(
        trigger
            .definition
            .trim_end()
            .trim_end_matches(';')
            .trim_end(),
    )];
    let state = match trigger.enabled {
        TriggerState::Disabled => Some("DISABLE TRIGGER"),
        TriggerState::Replica => Some("ENABLE REPLICA TRIGGER"),
        TriggerState::Always => Some("ENABLE ALWAYS TRIGGER"),
        TriggerState::Origin => None,
    };
    if let Some(state) = state {
        statements.push(stmt(format!(
            "ALTER TABLE {} {state} {}",
            qualified(on),
            ident(&trigger.name)
        )));
    }
    statements
}

pub fn drop(on: &QualifiedName, trigger: &Trigger) -> Statement {
    stmt(format!(
        "DROP TRIGGER {} ON {}",
        ident(&trigger.name),
        qualified(on)
    ))
}
