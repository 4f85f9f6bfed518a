//! COMMENT ON for every kind of object a comment can be attached to.

use super::quote::{ident, literal, qualified};
use super::routine;
use super::statement::stmt;
use crate::diff::CommentTarget;
use crate::plan::Statement;
use crate::schema::{QualifiedName, RoutineKind};

/// The `COMMENT ON` object clause, e.g. `COLUMN "public"."users"."name"`.
fn object(target: &CommentTarget) -> String {
    let column = |table: &QualifiedName, column: &str| {
        format!("COLUMN {}.{}", qualified(table), ident(column))
    };
    match target {
        CommentTarget::Extension { name } => format!("EXTENSION {}", ident(name)),
        CommentTarget::Schema { name } => format!("SCHEMA {}", ident(name)),
        CommentTarget::Table { name } => format!("TABLE {}", qualified(name)),
        CommentTarget::Column { table, column: c } => column(table, c),
        CommentTarget::View { name } => format!("VIEW {}", qualified(name)),
        CommentTarget::MaterializedView { name } => {
            format!("MATERIALIZED VIEW {}", qualified(name))
        }
        CommentTarget::ViewColumn { view, column: c } => column(view, c),
        CommentTarget::Type { name } => format!("TYPE {}", qualified(name)),
        CommentTarget::Domain { name } => format!("DOMAIN {}", qualified(name)),
        CommentTarget::Sequence { name } => format!("SEQUENCE {}", qualified(name)),
        CommentTarget::Function {
            name,
            arguments,
            procedure,
        } => {
            let kind = if *procedure {
                RoutineKind::Procedure
            } else {
                RoutineKind::Function
            };
            format!(
                "{} {}",
                routine::keyword(kind),
                routine::signature(name, arguments)
            )
        }
        CommentTarget::Index { name } => format!("INDEX {}", qualified(name)),
        CommentTarget::Constraint { table, name } => {
            format!("CONSTRAINT {} ON {}", ident(name), qualified(table))
        }
        CommentTarget::Trigger { on, name } => {
            format!("TRIGGER {} ON {}", ident(name), qualified(on))
        }
        CommentTarget::Policy { table, name } => {
            format!("POLICY {} ON {}", ident(name), qualified(table))
        }
    }
}

pub fn set(target: &CommentTarget, to: &Option<String>) -> Statement {
    let text = to.as_deref().map_or_else(|| "NULL".to_string(), literal);
    stmt(format!("COMMENT ON {} IS {text}", object(target)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_text_is_an_exact_literal() {
        let target = CommentTarget::Column {
            table: QualifiedName::new("public", "users"),
            column: "name".into(),
        };
        assert_eq!(
            set(&target, &Some(r"it's C:\path".into())).sql,
            r#"COMMENT ON COLUMN "public"."users"."name" IS 'it''s C:\path'"#
        );
        assert_eq!(
            set(&target, &None).sql,
            r#"COMMENT ON COLUMN "public"."users"."name" IS NULL"#
        );
    }

    #[test]
    fn routine_comments_name_the_signature() {
        let target = CommentTarget::Function {
            name: QualifiedName::new("public", "add"),
            arguments: "a integer, b integer".into(),
            procedure: false,
        };
        assert_eq!(
            set(&target, &Some("sum".into())).sql,
            r#"COMMENT ON FUNCTION "public"."add"(a integer, b integer) IS 'sum'"#
        );
    }
}
