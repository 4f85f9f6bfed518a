//! Data-dependent changes: statements that succeed or fail depending on the rows already in an
//! existing table (uniqueness, NOT NULL, narrower types, validated constraints).

use super::*;
use crate::diff::Change;
use crate::schema::ConstraintKind;

pub fn check(input: &StatementCheck, hits: &mut Vec<Hit>) {
    let ctx = input.context;
    let existing = |t: &QualifiedName| ctx.is_existing_table(input.before, t);
    for change in input.changes {
        match change {
            // ADD CONSTRAINT … USING INDEX turns an existing index into a constraint: no new check.
            Change::CreateIndex { on, index }
                if index.unique && existing(on) && !input.parsed.has_seq(&["USING", "INDEX"]) =>
            {
                hits.push(Hit::new(
                    &ADD_UNIQUE,
                    format!("unique index {} on {on}", index.name),
                ));
            }
            Change::AddConstraint { table, constraint } if checks_existing_rows(input, table) => {
                let name = &constraint.name;
                if ctx.on_new_columns_only(input.before, table, constraint)
                    && constraint.kind != ConstraintKind::Check
                {
                    continue;
                }
                let using_index = input.parsed.has_seq(&["USING", "INDEX"]);
                match constraint.kind {
                    ConstraintKind::Unique if !using_index => hits.push(Hit::new(
                        &ADD_UNIQUE,
                        format!("unique constraint {name} on {table}"),
                    )),
                    ConstraintKind::PrimaryKey if !using_index => hits.push(Hit::new(
                        &ADD_PRIMARY_KEY,
                        format!("primary key {name} on {table}"),
                    )),
                    ConstraintKind::Check if constraint.validated => hits.push(Hit::new(
                        &CHECK_VALIDATED,
                        format!("check {name} on {table}"),
                    )),
                    ConstraintKind::ForeignKey if constraint.validated => hits.push(Hit::new(
                        &FOREIGN_KEY_VALIDATED,
                        format!("foreign key {name} on {table}"),
                    )),
                    _ => {}
                }
            }
            Change::AddColumn { table, column }
                if existing(table)
                    && column.not_null
                    && column.default.is_none()
                    && column.identity.is_none()
                    && column.generated.is_none() =>
            {
                let rule = match input.traits.coerces_existing_values {
                    true => &ZERO_FILLED_COLUMN,
                    false => &ADD_NOT_NULL_COLUMN,
                };
                hits.push(Hit::new(rule, format!("column {table}.{}", column.name)));
            }
            Change::AlterColumn { table, from, to }
                if ctx.is_existing_column(input.before, table, &from.name) =>
            {
                if !from.not_null && to.not_null {
                    hits.push(Hit::new(
                        &SET_NOT_NULL,
                        format!("column {table}.{}", from.name),
                    ));
                }
                if from.data_type != to.data_type
                    && (input.traits.type_cost)(&from.data_type.sql, &to.data_type.sql).narrowing
                {
                    let rule = match input.traits.coerces_existing_values {
                        true => &TRUNCATING_TYPE,
                        false => &NARROWING_TYPE,
                    };
                    hits.push(Hit::new(
                        rule,
                        format!(
                            "column {table}.{}: {} to {}",
                            from.name, from.data_type.sql, to.data_type.sql
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
}
