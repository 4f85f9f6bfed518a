//! Sequences: CREATE/ALTER/DROP SEQUENCE and the option clauses shared with identity columns.

use super::quote::{ident, qualified};
use super::statement::{StatementExt, stmt};
use crate::plan::{RiskKind, Statement};
use crate::schema::{QualifiedName, Sequence, SequenceOptions, SequenceOwner};

/// The range of a sequence's data type.
fn type_bounds(data_type: &str) -> (i64, i64) {
    match data_type {
        "smallint" => (i16::MIN as i64, i16::MAX as i64),
        "integer" => (i32::MIN as i64, i32::MAX as i64),
        _ => (i64::MIN, i64::MAX),
    }
}

/// The values PostgreSQL picks when an option is left out, given the options that decide them.
struct Defaults {
    min_value: i64,
    max_value: i64,
    start: i64,
}

fn defaults(options: &SequenceOptions) -> Defaults {
    let (type_min, type_max) = type_bounds(&options.data_type);
    if options.increment > 0 {
        Defaults {
            min_value: 1,
            max_value: type_max,
            start: options.min_value,
        }
    } else {
        Defaults {
            min_value: type_min,
            max_value: -1,
            start: options.max_value,
        }
    }
}

/// Option clauses (`INCREMENT BY 5`, `MINVALUE -100`, ...) for the values that differ from what
/// PostgreSQL would choose on its own, so a plain sequence renders as nothing. The data type is
/// not included: identity sequences take their column's type.
pub fn non_default_clauses(options: &SequenceOptions) -> Vec<String> {
    let d = defaults(options);
    let mut clauses = Vec::new();
    if options.increment != 1 {
        clauses.push(format!("INCREMENT BY {}", options.increment));
    }
    if options.min_value != d.min_value {
        clauses.push(format!("MINVALUE {}", options.min_value));
    }
    if options.max_value != d.max_value {
        clauses.push(format!("MAXVALUE {}", options.max_value));
    }
    if options.start != d.start {
        clauses.push(format!("START WITH {}", options.start));
    }
    if options.cache != 1 {
        clauses.push(format!("CACHE {}", options.cache));
    }
    if options.cycle {
        clauses.push("CYCLE".to_string());
    }
    clauses
}

/// Option clauses that turn `from` into `to` (data type excluded).
pub fn changed_clauses(from: &SequenceOptions, to: &SequenceOptions) -> Vec<String> {
    let mut clauses = Vec::new();
    if from.increment != to.increment {
        clauses.push(format!("INCREMENT BY {}", to.increment));
    }
    if from.min_value != to.min_value {
        clauses.push(format!("MINVALUE {}", to.min_value));
    }
    if from.max_value != to.max_value {
        clauses.push(format!("MAXVALUE {}", to.max_value));
    }
    if from.start != to.start {
        clauses.push(format!("START WITH {}", to.start));
    }
    if from.cache != to.cache {
        clauses.push(format!("CACHE {}", to.cache));
    }
    if from.cycle != to.cycle {
        clauses.push(if to.cycle { "CYCLE" } else { "NO CYCLE" }.to_string());
    }
    clauses
}

/// Whether the new bounds may leave the sequence's current value outside them: PostgreSQL then
/// refuses the `ALTER` ("RESTART value cannot be less than MINVALUE") unless it restarts too.
/// A plan cannot read the current value, so narrowing bounds always restart at the new start.
pub fn restarts(from: &SequenceOptions, to: &SequenceOptions) -> bool {
    to.min_value > from.min_value || to.max_value < from.max_value
}

/// The risk of a restart: values handed out before may be handed out again.
pub fn restart_note(name: &str) -> String {
    format!(
        "restarts {name} at its START value because its bounds narrow: values it gave out before \
         may be given again"
    )
}

fn owner_clause(owner: &Option<SequenceOwner>) -> String {
    match owner {
        Some(owner) => format!(
            "OWNED BY {}.{}",
            qualified(&owner.table),
            ident(&owner.column)
        ),
        None => "OWNED BY NONE".to_string(),
    }
}

pub fn create(name: &QualifiedName, sequence: &Sequence) -> Vec<Statement> {
    let mut sql = format!("CREATE SEQUENCE {}", qualified(name));
    if sequence.options.data_type != "bigint" {
        sql.push_str(&format!(" AS {}", sequence.options.data_type));
    }
    for clause in non_default_clauses(&sequence.options) {
        sql.push(' ');
        sql.push_str(&clause);
    }
    let mut statements = vec![stmt(sql)];
    if sequence.owned_by.is_some() {
        statements.push(stmt(format!(
            "ALTER SEQUENCE {} {}",
            qualified(name),
            owner_clause(&sequence.owned_by)
        )));
    }
    statements
}

pub fn drop(name: &QualifiedName) -> Vec<Statement> {
    vec![stmt(format!("DROP SEQUENCE {}", qualified(name))).risk(
        RiskKind::Destructive,
        format!("drops sequence {name} and its current value"),
    )]
}

pub fn alter(name: &QualifiedName, from: &Sequence, to: &Sequence) -> Vec<Statement> {
    let mut clauses = Vec::new();
    if from.options.data_type != to.options.data_type {
        clauses.push(format!("AS {}", to.options.data_type));
    }
    clauses.extend(changed_clauses(&from.options, &to.options));
    let restart = restarts(&from.options, &to.options);
    if restart {
        clauses.push("RESTART".to_string());
    }
    let mut statements = Vec::new();
    if !clauses.is_empty() {
        statements.push(
            stmt(format!(
                "ALTER SEQUENCE {} {}",
                qualified(name),
                clauses.join(" ")
            ))
            .risk_if(
                restart,
                RiskKind::DataDependent,
                restart_note(&format!("sequence {name}")),
            ),
        );
    }
    if from.owned_by != to.owned_by {
        statements.push(stmt(format!(
            "ALTER SEQUENCE {} {}",
            qualified(name),
            owner_clause(&to.owned_by)
        )));
    }
    statements
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(data_type: &str) -> SequenceOptions {
        let (_, max) = type_bounds(data_type);
        SequenceOptions {
            data_type: data_type.to_string(),
            start: 1,
            increment: 1,
            min_value: 1,
            max_value: max,
            cache: 1,
            cycle: false,
        }
    }

    #[test]
    fn default_options_render_no_clauses() {
        assert!(non_default_clauses(&options("integer")).is_empty());
        assert!(non_default_clauses(&options("bigint")).is_empty());
    }

    #[test]
    fn descending_sequence_defaults_are_recognised() {
        let mut o = options("integer");
        o.increment = -1;
        o.min_value = i32::MIN as i64;
        o.max_value = -1;
        o.start = -1;
        assert_eq!(non_default_clauses(&o), vec!["INCREMENT BY -1"]);
    }

    #[test]
    fn start_is_rendered_only_when_it_differs_from_the_minimum() {
        let mut o = options("integer");
        o.min_value = -200;
        o.start = -200;
        o.increment = 10;
        o.max_value = 200;
        assert_eq!(
            non_default_clauses(&o),
            vec!["INCREMENT BY 10", "MINVALUE -200", "MAXVALUE 200"]
        );
    }

    #[test]
    fn alter_renders_only_changed_options_and_owner() {
        let name = QualifiedName::new("public", "s");
        let from = Sequence {
            name: "s".into(),
            options: options("bigint"),
            owned_by: None,
            comment: None,
        };
        let mut to = from.clone();
        to.options.cache = 20;
        to.owned_by = Some(SequenceOwner {
            table: QualifiedName::new("public", "t"),
            column: "id".into(),
        });
        let sql: Vec<String> = alter(&name, &from, &to)
            .into_iter()
            .map(|s| s.sql)
            .collect();
        assert_eq!(
            sql,
            vec![
                r#"ALTER SEQUENCE "public"."s" CACHE 20"#,
                r#"ALTER SEQUENCE "public"."s" OWNED BY "public"."t"."id""#,
            ]
        );
        let back: Vec<String> = alter(&name, &to, &from)
            .into_iter()
            .map(|s| s.sql)
            .collect();
        assert_eq!(back[1], r#"ALTER SEQUENCE "public"."s" OWNED BY NONE"#);
    }

    #[test]
    fn narrowing_bounds_restart_with_a_risk_and_widening_does_not() {
        let name = QualifiedName::new("public", "s");
        let wide = Sequence {
            name: "s".into(),
            options: SequenceOptions {
                min_value: -200,
                max_value: 200,
                start: -200,
                increment: 10,
                ..options("integer")
            },
            owned_by: None,
            comment: None,
        };
        let mut narrow = wide.clone();
        narrow.options.min_value = -100;
        narrow.options.start = -100;
        let statements = alter(&name, &wide, &narrow);
        assert_eq!(
            statements[0].sql,
            r#"ALTER SEQUENCE "public"."s" MINVALUE -100 START WITH -100 RESTART"#
        );
        assert_eq!(statements[0].risks[0].kind, RiskKind::DataDependent);
        let back = alter(&name, &narrow, &wide);
        assert_eq!(
            back[0].sql,
            r#"ALTER SEQUENCE "public"."s" MINVALUE -200 START WITH -200"#
        );
        assert!(back[0].risks.is_empty());
    }
}
