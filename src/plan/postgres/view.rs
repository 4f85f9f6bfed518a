//! Views and materialized views: create, replace and drop.

use super::quote::qualified;
use super::statement::{StatementExt, stmt};
use crate::plan::{RiskKind, Statement};
use crate::schema::{QualifiedName, View};

/// The query as `pg_get_viewdef` prints it, without surrounding blanks or the final `;`.
fn query(view: &View) -> &str {
    view.definition.trim().trim_end_matches(';').trim_end()
}

/// ` WITH (a=b, ...)` for view options, including `check_option=local|cascaded`.
fn with_options(view: &View) -> String {
    if view.options.is_empty() {
        String::new()
    } else {
        format!(" WITH ({})", view.options.join(", "))
    }
}

pub fn create(name: &QualifiedName, view: &View) -> Statement {
    let kind = if view.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    stmt(format!(
        "CREATE {kind} {}{} AS\n{}",
        qualified(name),
        with_options(view),
        query(view)
    ))
}

/// Whether `CREATE OR REPLACE VIEW` accepts `to` in place of `from`: the old columns must stay
/// first, with the same names and types (new ones may follow).
fn keeps_leading_columns(from: &View, to: &View) -> bool {
    from.columns.len() <= to.columns.len()
        && from
            .columns
            .iter()
            .zip(&to.columns)
            .all(|(old, new)| old.name == new.name && old.data_type == new.data_type)
}

/// `CREATE OR REPLACE VIEW` also replaces the options. A materialized view has no such form,
/// and a view losing or changing columns is refused by it (the reverse of adding a column):
/// both are re-created.
pub fn replace(name: &QualifiedName, from: &View, to: &View) -> Vec<Statement> {
    if to.materialized || from.materialized || !keeps_leading_columns(from, to) {
        return vec![
            drop(name, from),
            create(name, to).risk_if(
                to.materialized,
                RiskKind::Locking,
                format!("recomputes materialized view {name}"),
            ),
        ];
    }
    vec![stmt(format!(
        "CREATE OR REPLACE VIEW {}{} AS\n{}",
        qualified(name),
        with_options(to),
        query(to)
    ))]
}

pub fn drop(name: &QualifiedName, view: &View) -> Statement {
    if view.materialized {
        stmt(format!("DROP MATERIALIZED VIEW {}", qualified(name))).risk(
            RiskKind::Destructive,
            format!("drops materialized view {name} and its stored rows"),
        )
    } else {
        stmt(format!("DROP VIEW {}", qualified(name))).risk(
            RiskKind::Destructive,
            format!("drops view {name}; queries using it fail"),
        )
    }
}
