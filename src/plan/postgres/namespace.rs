//! Extensions and schemas.

use super::quote::ident;
use super::statement::{StatementExt, stmt};
use crate::plan::{RiskKind, Statement};
use crate::schema::Extension;

/// IF NOT EXISTS: an extension is often installed on a target by hand (or by the provider's
/// image) before the migration that declares it; the version is informational and left out.
pub fn create_extension(extension: &Extension) -> Statement {
    stmt(format!(
        "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}",
        ident(&extension.name),
        ident(&extension.schema)
    ))
}

pub fn drop_extension(extension: &Extension) -> Statement {
    stmt(format!("DROP EXTENSION {}", ident(&extension.name))).risk(
        RiskKind::Destructive,
        format!(
            "drops extension {} and the objects it provides",
            extension.name
        ),
    )
}

pub fn create_schema(name: &str) -> Statement {
    stmt(format!("CREATE SCHEMA {}", ident(name)))
}

/// Without CASCADE: the diff drops the schema's contents first, and anything left is a bug
/// worth failing on.
pub fn drop_schema(name: &str) -> Statement {
    stmt(format!("DROP SCHEMA {}", ident(name)))
        .risk(RiskKind::Destructive, format!("drops schema {name}"))
}
