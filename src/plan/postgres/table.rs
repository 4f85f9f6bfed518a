//! Tables: CREATE/DROP TABLE (plain, partitioned, partitions, inheritance), constraints, indexes,
//! row security, storage options and partition attachment.

use super::column;
use super::inline::Inline;
use super::quote::{ident, qualified};
use super::statement::{StatementExt, stmt};
use crate::diff::{RowSecurity, TableOptions};
use crate::plan::{RiskKind, Statement};
use crate::schema::{Constraint, ConstraintKind, Index, PartitionOf, QualifiedName, Table};

fn is_not_valid(definition: &str) -> bool {
    definition.trim_end().ends_with("NOT VALID")
}

/// CREATE TABLE. `parent` is the parent's model when a partition's parent was created earlier
/// in the same plan, so that defaults the partition would copy from it can be told apart;
/// `inline` gives the foreign keys and serial columns written inside it.
pub fn create(
    name: &QualifiedName,
    table: &Table,
    parent: Option<&Table>,
    inline: &Inline,
) -> Vec<Statement> {
    // CREATE TABLE validates a NOT VALID constraint anyway, so those are added afterwards.
    let (unvalidated, constraints): (Vec<&Constraint>, Vec<&Constraint>) = table
        .constraints
        .iter()
        .chain(inline.keys_of(name))
        .partition(|c| is_not_valid(&c.definition));
    let mut elements = Vec::new();
    let mut after = Vec::new();
    if table.partition_of.is_some() {
        partition_column_elements(name, table, parent, &mut elements, &mut after);
    } else {
        // A child's columns it only inherits come from its parents.
        let own = table
            .columns
            .iter()
            .filter(|c| !table.inherited_columns.contains(&c.name));
        elements.extend(own.map(|c| {
            inline.serial(name, &c.name).map_or_else(
                || column::definition(c),
                |keyword| column::serial_definition(c, keyword),
            )
        }));
    }
    elements.extend(
        constraints
            .iter()
            .map(|c| format!("CONSTRAINT {} {}", ident(&c.name), c.definition)),
    );

    let mut sql = format!(
        "CREATE {}TABLE {}",
        if table.unlogged { "UNLOGGED " } else { "" },
        qualified(name)
    );
    if let Some(partition_of) = &table.partition_of {
        sql.push_str(&format!(
            " PARTITION OF {}",
            qualified(&partition_of.parent)
        ));
    }
    if elements.is_empty() && table.partition_of.is_none() {
        sql.push_str(" ()");
    } else if !elements.is_empty() {
        sql.push_str(" (\n");
        sql.push_str(
            &elements
                .iter()
                .map(|e| format!("  {e}"))
                .collect::<Vec<_>>()
                .join(",\n"),
        );
        sql.push_str("\n)");
    }
    if let Some(partition_of) = &table.partition_of {
        sql.push_str(&format!(" {}", partition_of.bound));
    }
    if !table.inherits.is_empty() {
        let parents: Vec<String> = table.inherits.iter().map(qualified).collect();
        sql.push_str(&format!(" INHERITS ({})", parents.join(", ")));
    }
    if let Some(partition_by) = &table.partition_by {
        sql.push_str(&format!(" PARTITION BY {partition_by}"));
    }
    if !table.options.is_empty() {
        sql.push_str(&format!(" WITH ({})", table.options.join(", ")));
    }

    let mut statements = vec![stmt(sql)];
    statements.extend(after);
    statements.extend(
        unvalidated
            .into_iter()
            .map(|c| add_constraint(name, c, true)),
    );
    statements
}

/// A partition takes its columns from the parent; only its own defaults and NOT NULLs are
/// written (`"c" WITH OPTIONS ...`). A parent default the partition lacks is dropped afterwards.
fn partition_column_elements(
    name: &QualifiedName,
    table: &Table,
    parent: Option<&Table>,
    elements: &mut Vec<String>,
    after: &mut Vec<Statement>,
) {
    for col in &table.columns {
        if col.generated.is_some() || col.identity.is_some() {
            continue;
        }
        let parent_column = parent.and_then(|p| p.columns.iter().find(|c| c.name == col.name));
        let mut options = String::new();
        let parent_default = parent_column.and_then(|c| c.default.as_ref());
        match (&col.default, parent_default) {
            (Some(default), inherited) if inherited != Some(default) => {
                options.push_str(&format!(" DEFAULT {default}"));
            }
            (None, Some(_)) => after.push(stmt(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                qualified(name),
                ident(&col.name)
            ))),
            _ => {}
        }
        if col.not_null && !parent_column.is_some_and(|c| c.not_null) {
            options.push_str(" NOT NULL");
        }
        if !options.is_empty() {
            elements.push(format!("{} WITH OPTIONS{options}", ident(&col.name)));
        }
    }
}

pub fn drop(name: &QualifiedName) -> Statement {
    stmt(format!("DROP TABLE {}", qualified(name))).with_risk(crate::plan::risk::drops_table(name))
}

fn columns_text(constraint: &Constraint) -> String {
    let columns: Vec<String> = constraint.columns.iter().map(|c| ident(c)).collect();
    columns.join(", ")
}

/// `ALTER TABLE ... ADD CONSTRAINT`; a table created earlier in the plan has no rows to check.
pub fn add_constraint(
    table: &QualifiedName,
    constraint: &Constraint,
    table_is_new: bool,
) -> Statement {
    let name = ident(&constraint.name);
    let statement = stmt(format!(
        "ALTER TABLE {} ADD CONSTRAINT {name} {}",
        qualified(table),
        constraint.definition
    ));
    if table_is_new {
        return statement;
    }
    match constraint.kind {
        ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclusion => {
            statement
                .risk(
                    RiskKind::DataDependent,
                    format!(
                        "{name} fails if rows of {table} conflict on ({})",
                        columns_text(constraint)
                    ),
                )
                .risk(
                    RiskKind::Locking,
                    format!("builds the index of {name} on {table} while blocking writes"),
                )
        }
        ConstraintKind::Check | ConstraintKind::ForeignKey => {
            let validates = !is_not_valid(&constraint.definition);
            statement
                .risk_if(
                    validates,
                    RiskKind::DataDependent,
                    format!("{name} fails if existing rows of {table} violate it"),
                )
                .risk_if(
                    validates,
                    RiskKind::Locking,
                    format!(
                        "validates {name} by scanning {table} under lock; add it NOT VALID and VALIDATE later"
                    ),
                )
        }
    }
}

pub fn drop_constraint(table: &QualifiedName, constraint: &Constraint) -> Statement {
    let name = ident(&constraint.name);
    stmt(format!(
        "ALTER TABLE {} DROP CONSTRAINT {name}",
        qualified(table)
    ))
    .risk_if(
        matches!(
            constraint.kind,
            ConstraintKind::PrimaryKey | ConstraintKind::Unique
        ),
        RiskKind::Destructive,
        format!("drops key {name} of {table}; foreign keys and code may rely on it"),
    )
}

/// The index's own definition; building it on a table with rows blocks writes unless it is
/// CONCURRENTLY, which in turn cannot run in a transaction.
///
/// `pg_get_indexdef` writes `ON ONLY` for an index on a partitioned table (the form pg_dump
/// needs); created that way the index stays invalid with no partition indexes, so the plan
/// creates it on the whole hierarchy instead.
pub fn create_index(on: &QualifiedName, index: &Index, table_is_new: bool) -> Statement {
    let concurrently = index.definition.contains(" CONCURRENTLY ");
    let name = ident(&index.name);
    let definition =
        index
            .definition
            .trim_end()
            .trim_end_matches(';')
            .replacen(" ON ONLY ", " ON ", 1);
    let statement = stmt(definition)
        .risk_if(
            !table_is_new && !concurrently,
            RiskKind::Locking,
            format!("builds index {name} on {on} while blocking writes; consider CONCURRENTLY"),
        )
        .risk_if(
            !table_is_new && index.unique,
            RiskKind::DataDependent,
            format!("unique index {name} fails if rows of {on} have duplicates"),
        );
    if concurrently {
        statement.outside_transaction()
    } else {
        statement
    }
}

pub fn drop_index(on: &QualifiedName, index: &Index) -> Statement {
    stmt(format!(
        "DROP INDEX {}",
        qualified(&QualifiedName::new(&on.schema, &index.name))
    ))
}

pub fn set_row_security(
    table: &QualifiedName,
    from: &RowSecurity,
    to: &RowSecurity,
) -> Vec<Statement> {
    let target = qualified(table);
    let mut statements = Vec::new();
    if from.enabled != to.enabled {
        let verb = if to.enabled { "ENABLE" } else { "DISABLE" };
        statements.push(stmt(format!(
            "ALTER TABLE {target} {verb} ROW LEVEL SECURITY"
        )));
    }
    if from.forced != to.forced {
        let verb = if to.forced { "FORCE" } else { "NO FORCE" };
        statements.push(stmt(format!(
            "ALTER TABLE {target} {verb} ROW LEVEL SECURITY"
        )));
    }
    statements
}

fn option_key(option: &str) -> &str {
    option.split_once('=').map_or(option, |(key, _)| key).trim()
}

pub fn set_options(
    table: &QualifiedName,
    from: &TableOptions,
    to: &TableOptions,
) -> Vec<Statement> {
    let target = qualified(table);
    let mut statements = Vec::new();
    if from.unlogged != to.unlogged {
        let mode = if to.unlogged { "UNLOGGED" } else { "LOGGED" };
        statements.push(stmt(format!("ALTER TABLE {target} SET {mode}")).risk(
            RiskKind::Locking,
            format!(
                "rewrites {table} under an exclusive lock to make it {}",
                mode.to_lowercase()
            ),
        ));
    }
    let set: Vec<&String> = to
        .options
        .iter()
        .filter(|o| !from.options.contains(o))
        .collect();
    let reset: Vec<&str> = from
        .options
        .iter()
        .map(|o| option_key(o))
        .filter(|key| !to.options.iter().any(|o| option_key(o) == *key))
        .collect();
    if !reset.is_empty() {
        statements.push(stmt(format!(
            "ALTER TABLE {target} RESET ({})",
            reset.join(", ")
        )));
    }
    if !set.is_empty() {
        let set: Vec<&str> = set.iter().map(|o| o.as_str()).collect();
        statements.push(stmt(format!(
            "ALTER TABLE {target} SET ({})",
            set.join(", ")
        )));
    }
    statements
}

pub fn attach_partition(table: &QualifiedName, partition_of: &PartitionOf) -> Statement {
    stmt(format!(
        "ALTER TABLE {} ATTACH PARTITION {} {}",
        qualified(&partition_of.parent),
        qualified(table),
        partition_of.bound
    ))
    .risk(
        RiskKind::DataDependent,
        format!("fails if rows of {table} fall outside its partition bound"),
    )
    .risk(
        RiskKind::Locking,
        format!(
            "scans {table} to check its bound while {} is locked",
            partition_of.parent
        ),
    )
}

pub fn detach_partition(table: &QualifiedName, partition_of: &PartitionOf) -> Statement {
    stmt(format!(
        "ALTER TABLE {} DETACH PARTITION {}",
        qualified(&partition_of.parent),
        qualified(table)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(definition: &str) -> Index {
        Index {
            name: "events_kind_idx".into(),
            definition: definition.into(),
            unique: false,
            method: "btree".into(),
            parts: Vec::new(),
            include: Vec::new(),
            predicate: None,
            nulls_not_distinct: false,
            comment: None,
            invisible: false,
        }
    }

    #[test]
    fn index_on_partitioned_table_is_created_on_the_whole_hierarchy() {
        let on = QualifiedName::new("public", "events");
        let s = create_index(
            &on,
            &index("CREATE INDEX events_kind_idx ON ONLY public.events USING btree (kind)"),
            false,
        );
        assert_eq!(
            s.sql,
            "CREATE INDEX events_kind_idx ON public.events USING btree (kind)"
        );
        assert_eq!(s.risks[0].kind, RiskKind::Locking);
    }

    #[test]
    fn index_on_a_table_created_in_the_plan_has_no_risk() {
        let on = QualifiedName::new("public", "events");
        let s = create_index(
            &on,
            &index("CREATE INDEX events_kind_idx ON public.events USING btree (kind)"),
            true,
        );
        assert!(s.risks.is_empty() && s.transactional);
    }

    #[test]
    fn concurrent_index_runs_outside_a_transaction() {
        let on = QualifiedName::new("public", "events");
        let s = create_index(
            &on,
            &index("CREATE INDEX CONCURRENTLY events_kind_idx ON public.events USING btree (kind)"),
            false,
        );
        assert!(!s.transactional);
        assert!(s.risks.is_empty());
    }

    #[test]
    fn not_valid_constraints_are_added_after_create_table() {
        let name = QualifiedName::new("public", "t");
        let table = Table {
            name: "t".into(),
            constraints: vec![Constraint {
                name: "t_check".into(),
                kind: ConstraintKind::Check,
                definition: "CHECK ((a > 0)) NOT VALID".into(),
                columns: vec!["a".into()],
                references: None,
                referenced_columns: Vec::new(),
                validated: false,
                deferrable: false,
                initially_deferred: false,
                comment: None,
            }],
            ..Table::default()
        };
        let statements = create(&name, &table, None, &Inline::default());
        assert_eq!(statements.len(), 2);
        assert!(!statements[0].sql.contains("t_check"));
        assert_eq!(
            statements[1].sql,
            r#"ALTER TABLE "public"."t" ADD CONSTRAINT "t_check" CHECK ((a > 0)) NOT VALID"#
        );
    }

    #[test]
    fn table_without_columns_renders_empty_parentheses() {
        let name = QualifiedName::new("public", "empty");
        let statements = create(&name, &Table::default(), None, &Inline::default());
        assert_eq!(statements[0].sql, r#"CREATE TABLE "public"."empty" ()"#);
    }

    #[test]
    fn storage_options_are_reset_by_key_and_set_by_value() {
        let table = QualifiedName::new("public", "t");
        let from = TableOptions {
            unlogged: false,
            options: vec!["autovacuum_enabled=false".into(), "fillfactor=70".into()],
            ..TableOptions::default()
        };
        let to = TableOptions {
            unlogged: false,
            options: vec!["fillfactor=80".into()],
            ..TableOptions::default()
        };
        let sql: Vec<String> = set_options(&table, &from, &to)
            .into_iter()
            .map(|s| s.sql)
            .collect();
        assert_eq!(
            sql,
            vec![
                r#"ALTER TABLE "public"."t" RESET (autovacuum_enabled)"#,
                r#"ALTER TABLE "public"."t" SET (fillfactor=80)"#,
            ]
        );
    }
}
