//! User-defined types: enums, composites, domains and ranges (create, alter in place, drop).

use super::quote::{ident, literal, qualified};
use super::statement::{StatementExt, impossible, stmt};
use crate::plan::{RiskKind, Statement};
use crate::schema::{CompositeAttribute, DomainCheck, QualifiedName, TypeDef, TypeKind};

pub fn create(name: &QualifiedName, def: &TypeDef) -> Vec<Statement> {
    let target = qualified(name);
    match &def.kind {
        TypeKind::Enum { labels } => {
            let labels: Vec<String> = labels.iter().map(|l| literal(l)).collect();
            vec![stmt(format!(
                "CREATE TYPE {target} AS ENUM ({})",
                labels.join(", ")
            ))]
        }
        TypeKind::Composite { attributes } => {
            let attributes: Vec<String> = attributes.iter().map(attribute_definition).collect();
            vec![stmt(format!(
                "CREATE TYPE {target} AS ({})",
                attributes.join(", ")
            ))]
        }
        TypeKind::Domain {
            base,
            not_null,
            default,
            collation,
            checks,
        } => {
            let mut sql = format!("CREATE DOMAIN {target} AS {}", base.sql);
            if let Some(collation) = collation {
                sql.push_str(&format!(" COLLATE {collation}"));
            }
            if let Some(default) = default {
                sql.push_str(&format!(" DEFAULT {default}"));
            }
            if *not_null {
                sql.push_str(" NOT NULL");
            }
            // CREATE DOMAIN silently validates a NOT VALID check, so those are added afterwards.
            let (unvalidated, validated): (Vec<&DomainCheck>, Vec<&DomainCheck>) =
                checks.iter().partition(|c| is_not_valid(&c.definition));
            for check in validated {
                sql.push_str(&format!(
                    " CONSTRAINT {} {}",
                    ident(&check.name),
                    check.definition
                ));
            }
            let mut statements = vec![stmt(sql)];
            statements.extend(
                unvalidated
                    .into_iter()
                    .map(|check| add_domain_check(&target, name, check)),
            );
            statements
        }
        TypeKind::Range { subtype, options } => {
            let mut parts = vec![format!("subtype = {}", subtype.sql)];
            parts.extend(options.iter().cloned());
            vec![stmt(format!(
                "CREATE TYPE {target} AS RANGE ({})",
                parts.join(", ")
            ))]
        }
    }
}

pub fn drop(name: &QualifiedName, def: &TypeDef) -> Vec<Statement> {
    let keyword = match def.kind {
        TypeKind::Domain { .. } => "DOMAIN",
        _ => "TYPE",
    };
    vec![stmt(format!("DROP {keyword} {}", qualified(name))).risk(
        RiskKind::Destructive,
        format!("drops {} {name}", keyword.to_ascii_lowercase()),
    )]
}

pub fn alter(name: &QualifiedName, from: &TypeDef, to: &TypeDef) -> Vec<Statement> {
    match (&from.kind, &to.kind) {
        (TypeKind::Enum { labels: old }, TypeKind::Enum { labels: new }) => {
            alter_enum(name, old, new)
        }
        (TypeKind::Composite { attributes: old }, TypeKind::Composite { attributes: new }) => {
            alter_composite(name, old, new)
        }
        (
            TypeKind::Domain {
                base: old_base,
                not_null: old_not_null,
                default: old_default,
                collation: old_collation,
                checks: old_checks,
            },
            TypeKind::Domain {
                base,
                not_null,
                default,
                collation,
                checks,
            },
        ) => {
            if old_base != base || old_collation != collation {
                return vec![impossible(&format!(
                    "change the base type or collation of domain {name}"
                ))];
            }
            alter_domain(
                name,
                (old_default, default),
                (*old_not_null, *not_null),
                (old_checks, checks),
            )
        }
        (TypeKind::Range { .. }, TypeKind::Range { .. }) => {
            vec![impossible(&format!("alter range type {name}"))]
        }
        _ => vec![impossible(&format!("change the kind of type {name}"))],
    }
}

fn attribute_definition(attribute: &CompositeAttribute) -> String {
    let mut sql = format!("{} {}", ident(&attribute.name), attribute.data_type.sql);
    if let Some(collation) = &attribute.collation {
        sql.push_str(&format!(" COLLATE {collation}"));
    }
    sql
}

fn is_not_valid(definition: &str) -> bool {
    definition.trim_end().ends_with("NOT VALID")
}

/// `ADD VALUE` for each new label at its position. PostgreSQL cannot remove or reorder labels, so
/// such a change (including the reverse of adding one) renders as an explanatory comment.
fn alter_enum(name: &QualifiedName, old: &[String], new: &[String]) -> Vec<Statement> {
    let kept: Vec<&String> = new.iter().filter(|l| old.contains(l)).collect();
    let old_in_order: Vec<&String> = old.iter().collect();
    if kept != old_in_order {
        let removed: Vec<String> = old
            .iter()
            .filter(|l| !new.contains(l))
            .map(|l| literal(l))
            .collect();
        let what = if removed.is_empty() {
            format!("reorder the values of enum {name}")
        } else {
            format!("remove value {} from enum {name}", removed.join(", "))
        };
        return vec![impossible(&what)];
    }
    let target = qualified(name);
    let mut statements = Vec::new();
    for (index, label) in new.iter().enumerate() {
        if old.contains(label) {
            continue;
        }
        let next_old = new[index + 1..].iter().find(|l| old.contains(l));
        let position = match (index, next_old) {
            (_, None) => String::new(),
            (0, Some(next)) => format!(" BEFORE {}", literal(next)),
            (_, Some(_)) => format!(" AFTER {}", literal(&new[index - 1])),
        };
        statements.push(
            stmt(format!(
                "ALTER TYPE {target} ADD VALUE {}{position}",
                literal(label)
            ))
            .outside_transaction()
            .risk(
                RiskKind::Destructive,
                format!(
                    "adds value {} to enum {name}; PostgreSQL cannot remove it again",
                    literal(label)
                ),
            ),
        );
    }
    statements
}

fn alter_composite(
    name: &QualifiedName,
    old: &[CompositeAttribute],
    new: &[CompositeAttribute],
) -> Vec<Statement> {
    let target = qualified(name);
    let mut statements = Vec::new();
    for attribute in old {
        if !new.iter().any(|a| a.name == attribute.name) {
            statements.push(
                stmt(format!(
                    "ALTER TYPE {target} DROP ATTRIBUTE {}",
                    ident(&attribute.name)
                ))
                .risk(
                    RiskKind::Destructive,
                    format!(
                        "drops attribute {} of type {name} and its values",
                        ident(&attribute.name)
                    ),
                ),
            );
        }
    }
    for attribute in new {
        match old.iter().find(|a| a.name == attribute.name) {
            Some(previous) if previous != attribute => {
                let mut sql = format!(
                    "ALTER TYPE {target} ALTER ATTRIBUTE {} TYPE {}",
                    ident(&attribute.name),
                    attribute.data_type.sql
                );
                if let Some(collation) = &attribute.collation {
                    sql.push_str(&format!(" COLLATE {collation}"));
                }
                statements.push(stmt(sql).risk(
                    RiskKind::DataDependent,
                    format!(
                        "changes the type of attribute {} of {name}",
                        ident(&attribute.name)
                    ),
                ));
            }
            Some(_) => {}
            None => statements.push(stmt(format!(
                "ALTER TYPE {target} ADD ATTRIBUTE {}",
                attribute_definition(attribute)
            ))),
        }
    }
    statements
}

fn add_domain_check(target: &str, name: &QualifiedName, check: &DomainCheck) -> Statement {
    stmt(format!(
        "ALTER DOMAIN {target} ADD CONSTRAINT {} {}",
        ident(&check.name),
        check.definition
    ))
    .risk_if(
        !is_not_valid(&check.definition),
        RiskKind::DataDependent,
        format!(
            "checks existing values of domain {name} against {}",
            ident(&check.name)
        ),
    )
}

fn alter_domain(
    name: &QualifiedName,
    (old_default, default): (&Option<String>, &Option<String>),
    (old_not_null, not_null): (bool, bool),
    (old_checks, checks): (&[DomainCheck], &[DomainCheck]),
) -> Vec<Statement> {
    let target = qualified(name);
    let mut statements = Vec::new();
    for check in old_checks {
        if !checks.contains(check) {
            statements.push(stmt(format!(
                "ALTER DOMAIN {target} DROP CONSTRAINT {}",
                ident(&check.name)
            )));
        }
    }
    if old_default != default {
        statements.push(stmt(match default {
            Some(default) => format!("ALTER DOMAIN {target} SET DEFAULT {default}"),
            None => format!("ALTER DOMAIN {target} DROP DEFAULT"),
        }));
    }
    if old_not_null != not_null {
        statements.push(if not_null {
            stmt(format!("ALTER DOMAIN {target} SET NOT NULL")).risk(
                RiskKind::DataDependent,
                format!("fails if a column of domain {name} holds NULL"),
            )
        } else {
            stmt(format!("ALTER DOMAIN {target} DROP NOT NULL"))
        });
    }
    for check in checks {
        if !old_checks.contains(check) {
            statements.push(add_domain_check(&target, name, check));
        }
    }
    statements
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn enum_type(labels: &[&str]) -> TypeDef {
        TypeDef {
            name: "mood".into(),
            kind: TypeKind::Enum {
                labels: labels.iter().map(|l| l.to_string()).collect(),
            },
            comment: None,
            depends_on: BTreeSet::new(),
        }
    }

    fn sql(statements: Vec<Statement>) -> Vec<String> {
        statements.into_iter().map(|s| s.sql).collect()
    }

    #[test]
    fn enum_labels_are_quoted_literals() {
        let name = QualifiedName::new("public", "mood");
        assert_eq!(
            sql(create(&name, &enum_type(&["sad", "it's ok"]))),
            vec![r#"CREATE TYPE "public"."mood" AS ENUM ('sad', 'it''s ok')"#]
        );
    }

    #[test]
    fn new_enum_values_are_placed_where_the_desired_order_says() {
        let name = QualifiedName::new("public", "mood");
        let statements = alter(
            &name,
            &enum_type(&["b", "d"]),
            &enum_type(&["a", "b", "c", "d", "e", "f"]),
        );
        assert!(statements.iter().all(|s| !s.transactional));
        assert_eq!(
            sql(statements),
            vec![
                r#"ALTER TYPE "public"."mood" ADD VALUE 'a' BEFORE 'b'"#,
                r#"ALTER TYPE "public"."mood" ADD VALUE 'c' AFTER 'b'"#,
                r#"ALTER TYPE "public"."mood" ADD VALUE 'e'"#,
                r#"ALTER TYPE "public"."mood" ADD VALUE 'f'"#,
            ]
        );
    }

    #[test]
    fn removing_an_enum_value_is_reported_as_impossible() {
        let name = QualifiedName::new("public", "mood");
        let statements = alter(&name, &enum_type(&["a", "b"]), &enum_type(&["a"]));
        assert_eq!(statements.len(), 1);
        assert!(statements[0].sql.starts_with("-- not possible"));
        assert!(statements[0].sql.contains("'b'"));
    }
}
