//! PostgreSQL locking: statements that hold strong locks on a table that exists (and so has
//! traffic) while they scan or rewrite it, or that cannot run where they stand.

use super::*;
use crate::diff::Change;
use crate::schema::ConstraintKind;

/// Functions whose value differs per row, so a default using them rewrites the table.
const VOLATILE_FUNCTIONS: &[&str] = &[
    "nextval(",
    "random(",
    "gen_random_uuid(",
    "uuid_generate_",
    "clock_timestamp(",
    "timeofday(",
    "txid_current(",
];

pub fn check(input: &StatementCheck, hits: &mut Vec<Hit>) {
    let p = input.parsed;
    let ctx = input.context;
    let existing = |t: &QualifiedName| ctx.is_existing_table(input.before, t);
    let concurrently = p.has("CONCURRENTLY");
    let not_valid = p.has_seq(&["NOT", "VALID"]);
    if concurrently && ctx.in_transaction {
        hits.push(Hit::new(
            &CONCURRENT_IN_TRANSACTION,
            "CONCURRENTLY in a transactional file",
        ));
    }
    if p.starts(&["REINDEX"]) && !concurrently {
        hits.push(Hit::new(&REINDEX_NOT_CONCURRENT, "REINDEX"));
    }
    let detached_existing = input.changes.iter().any(|c| {
        matches!(c, Change::DetachPartition { partition_of, .. } if existing(&partition_of.parent))
    });
    if detached_existing && !concurrently {
        hits.push(Hit::new(&DETACH_NOT_CONCURRENT, "DETACH PARTITION"));
    }
    if p.starts(&["VACUUM", "FULL"]) || p.starts(&["CLUSTER"]) {
        hits.push(Hit::new(&FULL_REWRITE, "rewrites a table"));
    }
    if let Some(name) = p.name_after(&["VALIDATE", "CONSTRAINT"])
        && ctx.in_transaction
    {
        check_validate_in_same_transaction(input, &name.join(".").to_lowercase(), hits);
    }
    for change in input.changes {
        match change {
            Change::CreateIndex { on, index } if existing(on) && !concurrently => {
                hits.push(Hit::new(
                    &INDEX_NOT_CONCURRENT,
                    format!("index {} on {on}", index.name),
                ));
            }
            // An index dropped with its constraint is reported as the constraint's drop.
            Change::DropIndex { on, index }
                if existing(on) && !concurrently && !p.has("CONSTRAINT") =>
            {
                hits.push(Hit::new(
                    &DROP_INDEX_NOT_CONCURRENT,
                    format!("index {} on {on}", index.name),
                ));
            }
            Change::AddConstraint { table, constraint } if checks_existing_rows(input, table) => {
                let name = &constraint.name;
                let new_only = ctx.on_new_columns_only(input.before, table, constraint);
                match constraint.kind {
                    ConstraintKind::ForeignKey if !not_valid && !new_only => hits.push(Hit::new(
                        &FOREIGN_KEY_NOT_VALID,
                        format!("foreign key {name} on {table}"),
                    )),
                    ConstraintKind::Check if !not_valid => hits.push(Hit::new(
                        &CHECK_NOT_VALID,
                        format!("check {name} on {table}"),
                    )),
                    ConstraintKind::Unique | ConstraintKind::PrimaryKey
                        if !p.has_seq(&["USING", "INDEX"]) && !new_only =>
                    {
                        hits.push(Hit::new(
                            &UNIQUE_WITHOUT_INDEX,
                            format!("constraint {name} on {table}"),
                        ))
                    }
                    _ => {}
                }
            }
            Change::AlterColumn { table, from, to }
                if ctx.is_existing_column(input.before, table, &from.name)
                    && from.data_type != to.data_type
                    && (input.traits.type_cost)(&from.data_type.sql, &to.data_type.sql).rewrite =>
            {
                hits.push(Hit::new(
                    &TYPE_REWRITE,
                    format!(
                        "column {table}.{}: {} to {}",
                        from.name, from.data_type.sql, to.data_type.sql
                    ),
                ));
            }
            Change::AddColumn { table, column } if existing(table) => {
                let default = column.default.as_deref().unwrap_or("").to_lowercase();
                let volatile = VOLATILE_FUNCTIONS.iter().any(|f| default.contains(f));
                let stored = column.generated.is_some();
                if volatile || column.identity.is_some() || stored {
                    hits.push(Hit::new(
                        &VOLATILE_DEFAULT,
                        format!("column {table}.{}", column.name),
                    ));
                }
            }
            _ => {}
        }
    }
    if locks_existing_table(input) {
        if !ctx.lock_timeout {
            hits.push(Hit::new(
                &LOCK_TIMEOUT,
                "no SET lock_timeout earlier in the file",
            ));
        }
        if !ctx.statement_timeout {
            hits.push(Hit::new(
                &STATEMENT_TIMEOUT,
                "no SET statement_timeout earlier in the file",
            ));
        }
    }
}

/// VALIDATE CONSTRAINT of a constraint the same transactional file added NOT VALID: the add's
/// lock is held until commit, so the scan runs under it after all.
fn check_validate_in_same_transaction(input: &StatementCheck, name: &str, hits: &mut Vec<Hit>) {
    if !input.context.not_valid_in_file.contains(name) {
        return;
    }
    let table = input
        .parsed
        .name_after(&["TABLE"])
        .and_then(|n| input.table_named(input.after, &n));
    let kind = table
        .as_ref()
        .and_then(|t| input.after.table(t))
        .and_then(|t| t.constraints.iter().find(|c| c.name == name))
        .map(|c| c.kind);
    let rule = match kind {
        Some(ConstraintKind::ForeignKey) => &FOREIGN_KEY_NOT_VALID,
        _ => &CHECK_NOT_VALID,
    };
    // The add's lock, held here in the real run, is not this statement's: measuring the
    // VALIDATE cannot confirm or refute it.
    hits.push(Hit::predicted(
        rule,
        format!("{name} is validated in the transaction that added it NOT VALID: the lock is held during the scan"),
    ));
}
