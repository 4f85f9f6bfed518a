//! Extensions and schemas.

use super::quote::{ident, literal};
use super::statement::{StatementExt, stmt};
use crate::plan::{RiskKind, Statement};
use crate::schema::Extension;

/// IF NOT EXISTS: an extension is often installed on a target by hand (or by the provider's
/// image) before the migration that declares it. The version is written only where the desired
/// state asked for one (`Extension::version_requested`); otherwise the target's default it is.
pub fn create_extension(extension: &Extension) -> Statement {
    let mut sql = format!(
        "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}",
        ident(&extension.name),
        ident(&extension.schema)
    );
    if extension.version_requested() {
        sql.push_str(&format!(" VERSION {}", literal(&extension.version)));
    }
    stmt(sql)
}

/// `ALTER EXTENSION ... UPDATE TO`: the extension's own scripts move its objects along; a
/// version the server has no update path to fails here, before anything else changes.
pub fn update_extension(to: &Extension) -> Statement {
    stmt(format!(
        "ALTER EXTENSION {} UPDATE TO {}",
        ident(&to.name),
        literal(&to.version)
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
