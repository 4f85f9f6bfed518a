//! INHERITS parents of an existing table: `INHERIT` and `NO INHERIT`.

use super::quote::qualified;
use super::statement::stmt;
use super::table::add_constraint;
use crate::plan::Statement;
use crate::schema::{Constraint, QualifiedName};

/// The parent's checks the table lacks come first: PostgreSQL refuses `INHERIT` without them.
pub fn inherit(
    table: &QualifiedName,
    parent: &QualifiedName,
    checks: &[Constraint],
) -> Vec<Statement> {
    let mut statements: Vec<Statement> = checks
        .iter()
        .map(|c| add_constraint(table, c, false))
        .collect();
    statements.push(stmt(format!(
        "ALTER TABLE {} INHERIT {}",
        qualified(table),
        qualified(parent)
    )));
    statements
}

/// The table keeps its copies of the parent's columns and checks as its own.
pub fn no_inherit(table: &QualifiedName, parent: &QualifiedName) -> Statement {
    stmt(format!(
        "ALTER TABLE {} NO INHERIT {}",
        qualified(table),
        qualified(parent)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inherit_adds_the_parents_missing_checks_first() {
        let check = Constraint::check("positive", "CHECK ((id > 0))", &["id"]);
        let (child, parent) = (
            QualifiedName::new("public", "child"),
            QualifiedName::new("public", "parent"),
        );
        let sql: Vec<String> = inherit(&child, &parent, &[check])
            .into_iter()
            .map(|s| s.sql)
            .collect();
        assert_eq!(
            sql,
            [
                r#"ALTER TABLE "public"."child" ADD CONSTRAINT "positive" CHECK ((id > 0))"#,
                r#"ALTER TABLE "public"."child" INHERIT "public"."parent""#,
            ]
        );
        assert_eq!(
            no_inherit(&child, &parent).sql,
            r#"ALTER TABLE "public"."child" NO INHERIT "public"."parent""#
        );
    }
}
