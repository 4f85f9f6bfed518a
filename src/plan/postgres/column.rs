//! Columns: their definition inside CREATE TABLE / ADD COLUMN, and ADD/DROP/ALTER COLUMN.

use super::cast::type_change;
use super::quote::{ident, qualified};
use super::sequence::{changed_clauses, non_default_clauses, restart_note, restarts};
use super::statement::{StatementExt, is_volatile_expression, stmt};
use crate::plan::{RiskKind, Statement};
use crate::schema::{Column, Identity, QualifiedName};

/// `GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY [(options)]`.
fn identity_clause(identity: &Identity) -> String {
    let mut sql = format!(
        "GENERATED {} AS IDENTITY",
        if identity.always {
            "ALWAYS"
        } else {
            "BY DEFAULT"
        }
    );
    let options = non_default_clauses(&identity.sequence);
    if !options.is_empty() {
        sql.push_str(&format!(" ({})", options.join(" ")));
    }
    sql
}

/// `"name" type [COLLATE c] [identity | generated] [DEFAULT d] [NOT NULL]`.
pub fn definition(column: &Column) -> String {
    let mut sql = format!("{} {}", ident(&column.name), column.data_type.sql);
    if let Some(collation) = &column.collation {
        sql.push_str(&format!(" COLLATE {collation}"));
    }
    if let Some(identity) = &column.identity {
        sql.push(' ');
        sql.push_str(&identity_clause(identity));
    }
    if let Some(expression) = &column.generated {
        sql.push_str(&format!(" GENERATED ALWAYS AS ({expression}) STORED"));
    }
    if let Some(default) = &column.default {
        sql.push_str(&format!(" DEFAULT {default}"));
    }
    if column.not_null && column.identity.is_none() {
        sql.push_str(" NOT NULL");
    }
    sql
}

/// `"name" serial NOT NULL` (or `bigserial`, `smallserial`): the type, the sequence it owns
/// and the `nextval` default in one word.
pub fn serial_definition(column: &Column, keyword: &str) -> String {
    format!("{} {keyword} NOT NULL", ident(&column.name))
}

/// `ALTER TABLE ... ADD COLUMN`; `table_is_new` when the table was created earlier in the plan
/// and therefore holds no rows.
pub fn add(table: &QualifiedName, column: &Column, table_is_new: bool) -> Statement {
    let name = ident(&column.name);
    let fills_every_row = column.generated.is_some()
        || column.identity.is_some()
        || column
            .default
            .as_deref()
            .is_some_and(is_volatile_expression);
    let needs_value = column.not_null
        && column.default.is_none()
        && column.identity.is_none()
        && column.generated.is_none();
    stmt(format!(
        "ALTER TABLE {} ADD COLUMN {}",
        qualified(table),
        definition(column)
    ))
    .risk_if(
        !table_is_new && needs_value,
        RiskKind::DataDependent,
        format!("adds NOT NULL column {name} without a default: fails if {table} has rows"),
    )
    .risk_if(
        !table_is_new && fills_every_row,
        RiskKind::Locking,
        format!("rewrites {table} to compute {name} for every row"),
    )
}

/// `only`: from this table alone, its INHERITS children keeping their copies.
pub fn drop(table: &QualifiedName, column: &Column, only: bool) -> Statement {
    stmt(format!(
        "ALTER TABLE {}{} DROP COLUMN {}",
        if only { "ONLY " } else { "" },
        qualified(table),
        ident(&column.name)
    ))
    .with_risk(crate::plan::risk::drops_columns(
        table,
        &[ident(&column.name)],
    ))
}

/// The statements that turn column `from` into `to` in place, in an order PostgreSQL accepts:
/// generation and identity removed, old default dropped, type changed, new default set,
/// NOT NULL changed, identity added or adjusted.
pub fn alter(table: &QualifiedName, from: &Column, to: &Column) -> Vec<Statement> {
    if to.generated.is_some() && from.generated != to.generated {
        // PostgreSQL 15 cannot add or change a generation expression in place; the stored
        // values are derived, so re-creating the column loses nothing that cannot be recomputed.
        return vec![
            drop(table, from, false),
            add(table, to, false).risk(
                RiskKind::Locking,
                format!("re-creates generated column {} of {table}", ident(&to.name)),
            ),
        ];
    }
    let column = ident(&to.name);
    let prefix = format!("ALTER TABLE {} ALTER COLUMN {column}", qualified(table));
    let mut statements = Vec::new();

    if from.generated.is_some() && to.generated.is_none() {
        statements.push(stmt(format!("{prefix} DROP EXPRESSION")));
    }
    if from.identity.is_some() && to.identity.is_none() {
        statements.push(stmt(format!("{prefix} DROP IDENTITY")));
    }

    let retypes = from.data_type != to.data_type || from.collation != to.collation;
    let adds_identity = from.identity.is_none() && to.identity.is_some();
    let drops_default_first =
        from.default.is_some() && (to.default.is_none() || retypes || adds_identity);
    if drops_default_first {
        statements.push(stmt(format!("{prefix} DROP DEFAULT")));
    }

    if retypes {
        statements.push(retype(table, &prefix, from, to));
    }

    if let Some(default) = &to.default
        && (drops_default_first || from.default.as_ref() != Some(default))
    {
        statements.push(stmt(format!("{prefix} SET DEFAULT {default}")));
    }

    if from.not_null != to.not_null {
        statements.push(if to.not_null {
            stmt(format!("{prefix} SET NOT NULL")).risk(
                RiskKind::DataDependent,
                format!("fails if {column} of {table} holds NULL; scans the table under lock"),
            )
        } else {
            stmt(format!("{prefix} DROP NOT NULL"))
        });
    }

    match (&from.identity, &to.identity) {
        (None, Some(identity)) => {
            statements.push(stmt(format!("{prefix} ADD {}", identity_clause(identity))));
        }
        (Some(old), Some(new)) => {
            if old.always != new.always {
                statements.push(stmt(format!(
                    "{prefix} SET GENERATED {}",
                    if new.always { "ALWAYS" } else { "BY DEFAULT" }
                )));
            }
            let options = changed_clauses(&old.sequence, &new.sequence);
            if !options.is_empty() {
                let mut sets: Vec<String> = options.iter().map(|o| format!("SET {o}")).collect();
                let restart = restarts(&old.sequence, &new.sequence);
                if restart {
                    sets.push("RESTART".to_string());
                }
                statements.push(stmt(format!("{prefix} {}", sets.join(" "))).risk_if(
                    restart,
                    RiskKind::DataDependent,
                    restart_note(&format!("the identity sequence of {column} in {table}")),
                ));
            }
        }
        _ => {}
    }
    statements
}

/// `ALTER COLUMN ... TYPE t [COLLATE c] [USING expr]` with its risks.
fn retype(table: &QualifiedName, prefix: &str, from: &Column, to: &Column) -> Statement {
    let change = type_change(&to.name, &from.data_type, &to.data_type);
    let mut sql = format!("{prefix} TYPE {}", to.data_type.sql);
    if let Some(collation) = &to.collation {
        sql.push_str(&format!(" COLLATE {collation}"));
    }
    if let Some(using) = &change.using {
        sql.push_str(&format!(" USING {using}"));
    }
    let column = ident(&to.name);
    stmt(sql)
        .risk_if(
            change.narrows,
            RiskKind::DataDependent,
            format!(
                "converts {column} of {table} from {} to {}: values that do not fit fail or change",
                from.data_type.sql, to.data_type.sql
            ),
        )
        .risk_if(
            change.rewrites,
            RiskKind::Locking,
            format!(
                "rewrites {table} and its indexes under an exclusive lock to change the type of {column}"
            ),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{DataType, PgCategory, SequenceOptions, TypeCategory};

    fn column(name: &str, sql: &str, category: &str) -> Column {
        Column {
            name: name.into(),
            data_type: DataType::pg(sql, category.chars().next().unwrap()),
            not_null: false,
            default: None,
            identity: None,
            generated: None,
            collation: None,
            comment: None,
            attrs: Default::default(),
        }
    }

    fn sql(statements: Vec<Statement>) -> Vec<String> {
        statements.into_iter().map(|s| s.sql).collect()
    }

    fn users() -> QualifiedName {
        QualifiedName::new("public", "users")
    }

    #[test]
    fn renders_every_column_part_in_grammar_order() {
        let mut c = column("name", "text", "S");
        c.collation = Some("\"C\"".into());
        c.default = Some("'x'::text".into());
        c.not_null = true;
        assert_eq!(
            definition(&c),
            r#""name" text COLLATE "C" DEFAULT 'x'::text NOT NULL"#
        );
    }

    #[test]
    fn adding_not_null_column_without_default_to_existing_table_is_data_dependent() {
        let mut c = column("age", "integer", "N");
        c.not_null = true;
        let s = add(&users(), &c, false);
        assert_eq!(s.risks.len(), 1);
        assert_eq!(s.risks[0].kind, RiskKind::DataDependent);
        assert!(add(&users(), &c, true).risks.is_empty());
    }

    #[test]
    fn adds_not_null_column_with_default_in_place() {
        let mut c = column("active", "boolean", "B");
        c.not_null = true;
        c.default = Some("true".into());
        assert!(add(&users(), &c, false).risks.is_empty());
    }

    #[test]
    fn volatile_default_on_existing_table_is_locking() {
        let mut c = column("token", "uuid", "U");
        c.default = Some("gen_random_uuid()".into());
        let s = add(&users(), &c, false);
        assert_eq!(s.risks[0].kind, RiskKind::Locking);
    }

    #[test]
    fn type_change_drops_and_restores_the_default_around_it() {
        let mut from = column("status", "text", "S");
        from.default = Some("'active'::text".into());
        let mut to = from.clone();
        to.data_type = DataType {
            sql: "public.status".into(),
            base: "status".into(),
            schema: Some("public".into()),
            array_dims: 0,
            category: TypeCategory::Postgres(PgCategory::Enum),
        };
        to.default = Some("'active'::public.status".into());
        assert_eq!(
            sql(alter(&users(), &from, &to)),
            vec![
                r#"ALTER TABLE "public"."users" ALTER COLUMN "status" DROP DEFAULT"#,
                r#"ALTER TABLE "public"."users" ALTER COLUMN "status" TYPE public.status USING "status"::public.status"#,
                r#"ALTER TABLE "public"."users" ALTER COLUMN "status" SET DEFAULT 'active'::public.status"#,
            ]
        );
    }

    #[test]
    fn adding_identity_sets_not_null_first_and_drops_the_old_default() {
        let mut from = column("id", "integer", "N");
        from.default = Some("nextval('public.users_id_seq'::regclass)".into());
        let mut to = column("id", "integer", "N");
        to.not_null = true;
        to.identity = Some(Identity {
            always: false,
            sequence: SequenceOptions {
                data_type: "integer".into(),
                start: 1,
                increment: 1,
                min_value: 1,
                max_value: i32::MAX as i64,
                cache: 1,
                cycle: false,
            },
        });
        assert_eq!(
            sql(alter(&users(), &from, &to)),
            vec![
                r#"ALTER TABLE "public"."users" ALTER COLUMN "id" DROP DEFAULT"#,
                r#"ALTER TABLE "public"."users" ALTER COLUMN "id" SET NOT NULL"#,
                r#"ALTER TABLE "public"."users" ALTER COLUMN "id" ADD GENERATED BY DEFAULT AS IDENTITY"#,
            ]
        );
        assert_eq!(
            sql(alter(&users(), &to, &from)),
            vec![
                r#"ALTER TABLE "public"."users" ALTER COLUMN "id" DROP IDENTITY"#,
                r#"ALTER TABLE "public"."users" ALTER COLUMN "id" SET DEFAULT nextval('public.users_id_seq'::regclass)"#,
                r#"ALTER TABLE "public"."users" ALTER COLUMN "id" DROP NOT NULL"#,
            ]
        );
    }

    #[test]
    fn changed_generation_expression_recreates_the_column() {
        let mut from = column("total", "integer", "N");
        from.generated = Some("(a + b)".into());
        let mut to = from.clone();
        to.generated = Some("(a * b)".into());
        let statements = alter(&users(), &from, &to);
        assert_eq!(statements.len(), 2);
        assert!(statements[0].sql.ends_with(r#"DROP COLUMN "total""#));
        assert!(
            statements[1]
                .sql
                .contains("GENERATED ALWAYS AS ((a * b)) STORED")
        );
    }

    #[test]
    fn collation_change_alone_retypes_to_the_same_type() {
        let from = column("name", "text", "S");
        let mut to = from.clone();
        to.collation = Some("\"C\"".into());
        let statements = alter(&users(), &from, &to);
        assert_eq!(
            statements[0].sql,
            r#"ALTER TABLE "public"."users" ALTER COLUMN "name" TYPE text COLLATE "C""#
        );
        assert!(statements[0].risks.is_empty());
    }

    #[test]
    fn narrowed_identity_options_restart_the_sequence() {
        let identity = |min: i64, max: i64, increment: i64| Identity {
            always: false,
            sequence: SequenceOptions {
                data_type: "integer".into(),
                start: min,
                increment,
                min_value: min,
                max_value: max,
                cache: 1,
                cycle: false,
            },
        };
        let mut from = column("volt", "integer", "N");
        from.not_null = true;
        from.identity = Some(identity(-200, 200, 10));
        let mut to = from.clone();
        to.identity = Some(identity(-100, 100, 5));
        let statements = alter(&users(), &from, &to);
        assert_eq!(
            statements[0].sql,
            r#"ALTER TABLE "public"."users" ALTER COLUMN "volt" SET INCREMENT BY 5 SET MINVALUE -100 SET MAXVALUE 100 SET START WITH -100 RESTART"#
        );
        assert_eq!(statements[0].risks[0].kind, RiskKind::DataDependent);
        assert!(!alter(&users(), &to, &from)[0].sql.ends_with("RESTART"));
    }
}
