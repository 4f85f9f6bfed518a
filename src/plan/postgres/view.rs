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

/// `CREATE OR REPLACE VIEW` also replaces the options; a materialized view has no such form
/// and is re-created (its contents are recomputed from the query).
pub fn replace(name: &QualifiedName, from: &View, to: &View) -> Vec<Statement> {
    if to.materialized || from.materialized {
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
