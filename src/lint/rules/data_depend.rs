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
                hits.push(Hit::new(
                    &ADD_NOT_NULL_COLUMN,
                    format!("column {table}.{}", column.name),
                ));
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
                    && type_change(&from.data_type.sql, &to.data_type.sql).narrowing
                {
                    hits.push(Hit::new(
                        &NARROWING_TYPE,
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

/// What a column type change costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeChange {
    /// Some existing values may not fit the new type.
    pub narrowing: bool,
    /// PostgreSQL rewrites the table (and its indexes).
    pub rewrite: bool,
}

/// Classifies a change between two types as PostgreSQL spells them (`format_type`).
pub fn type_change(from: &str, to: &str) -> TypeChange {
    let (from_base, from_mods) = split_modifiers(from);
    let (to_base, to_mods) = split_modifiers(to);
    let safe = TypeChange {
        narrowing: false,
        rewrite: false,
    };
    let widen = |larger: bool| TypeChange {
        narrowing: !larger,
        rewrite: !larger,
    };
    let text_like = |b: &str| matches!(b, "text" | "character varying");
    match (from_base.as_str(), to_base.as_str()) {
        (a, b) if a == b && (a == "character varying" || a == "bit varying") => {
            match (from_mods.first(), to_mods.first()) {
                (_, None) => safe,
                (None, Some(_)) => widen(false),
                (Some(n), Some(m)) => widen(m >= n),
            }
        }
        ("character varying", "text") => safe,
        ("text", "character varying") if to_mods.is_empty() => safe,
        ("numeric", "numeric") => match (from_mods.as_slice(), to_mods.as_slice()) {
            (_, []) => safe,
            ([p, s], [p2, s2]) if s == s2 => widen(p2 >= p),
            _ => widen(false),
        },
        (a, b) if a == b && !to_mods.is_empty() => widen(to_mods >= from_mods),
        (a, b) => {
            let rank = |t: &str| match t {
                "smallint" => Some(1),
                "integer" => Some(2),
                "bigint" => Some(3),
                "numeric" => Some(4),
                _ => None,
            };
            let float_rank = |t: &str| match t {
                "real" => Some(1),
                "double precision" => Some(2),
                _ => None,
            };
            // Numbers change storage format: even a wider type rewrites the table.
            let retype = |larger: bool| TypeChange {
                narrowing: !larger,
                rewrite: true,
            };
            match (rank(a), rank(b), float_rank(a), float_rank(b)) {
                (Some(x), Some(y), _, _) => retype(y > x),
                (_, _, Some(x), Some(y)) => retype(y > x),
                _ if text_like(b) || (a.starts_with("timestamp") && b.starts_with("timestamp")) => {
                    TypeChange {
                        narrowing: false,
                        rewrite: true,
                    }
                }
                _ => widen(false),
            }
        }
    }
}

/// `character varying(40)` → (`character varying`, [40]); arrays keep their brackets in the base.
fn split_modifiers(sql: &str) -> (String, Vec<u32>) {
    let Some(open) = sql.find('(') else {
        return (sql.to_string(), Vec::new());
    };
    let close = sql[open..].find(')').map(|c| open + c).unwrap_or(sql.len());
    let mods = sql[open + 1..close]
        .split(',')
        .filter_map(|m| m.trim().parse().ok())
        .collect();
    let base = format!("{}{}", &sql[..open], sql.get(close + 1..).unwrap_or(""));
    (base.trim().to_string(), mods)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_type_changes() {
        let safe = TypeChange {
            narrowing: false,
            rewrite: false,
        };
        assert_eq!(
            type_change("character varying(10)", "character varying(20)"),
            safe
        );
        assert_eq!(type_change("character varying(10)", "text"), safe);
        assert_eq!(type_change("numeric(10,2)", "numeric(12,2)"), safe);
        assert!(type_change("character varying(20)", "character varying(10)").narrowing);
        assert!(type_change("bigint", "integer").narrowing);
        let widening = type_change("integer", "bigint");
        assert!(!widening.narrowing && widening.rewrite);
        assert!(type_change("text", "integer").narrowing);
        assert!(!type_change("integer", "text").narrowing);
    }
}
