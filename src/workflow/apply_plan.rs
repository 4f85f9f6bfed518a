//! Running SQL on a live target outside the migration directory: `schema apply` (a plan) and
//! `load` (a schema file into an empty database). One transaction where the dialect's DDL is
//! transactional (so a failing statement leaves the target as it was), under the migration
//! lock (so it does not interleave with a `migrate apply`).

use super::target::open_target;
use crate::error::{bad_input, failure};
use crate::migrate::{self, MigrationTarget, TargetSpec};
use crate::plan::Plan;
use crate::sql::split_statements_for;
use anyhow::Result;
use std::time::{Duration, Instant};

/// What was run.
#[derive(Debug)]
pub struct AppliedPlan {
    pub statements: usize,
    /// Whether the statements ran in one transaction (else one by one, each committed).
    pub in_transaction: bool,
    pub elapsed: Duration,
}

impl AppliedPlan {
    /// `3 statement(s) in one transaction in 12 ms`.
    pub fn describe(&self) -> String {
        format!(
            "{} statement(s){} in {} ms",
            self.statements,
            match self.in_transaction {
                true => " in one transaction",
                false => " one by one",
            },
            self.elapsed.as_millis()
        )
    }
}

/// Runs `plan` on the target.
pub async fn apply_plan(spec: &TargetSpec, plan: &Plan) -> Result<AppliedPlan> {
    let count = plan.statements().count();
    let statements: Vec<Located> = plan
        .statements()
        .enumerate()
        .map(|(i, s)| Located {
            text: s.sql.clone(),
            at: format!("statement {} of {count}", i + 1),
        })
        .collect();
    // CREATE INDEX CONCURRENTLY and the like refuse a transaction block.
    let transactional = plan.statements().all(|statement| statement.transactional);
    let target = &mut *open_target(spec).await?;
    run_locked(target, spec, &statements, transactional).await
}

/// Runs the script `sql` (from `origin`, for messages) on the target, which must hold no
/// objects yet.
pub async fn load_into_empty(spec: &TargetSpec, origin: &str, sql: &str) -> Result<AppliedPlan> {
    let target = &mut *open_target(spec).await?;
    let statements: Vec<Located> = split_statements_for(target.lexer_flavor(), sql)
        .into_iter()
        .map(|s| Located {
            at: format!("{origin}:{}", s.line),
            text: s.text,
        })
        .collect();
    let objects = target.user_objects().await?;
    if !objects.is_empty() {
        return Err(bad_input(format!(
            "{}: not an empty database (it holds {}); {origin} is loaded into an empty one only",
            spec.url,
            objects.join(", ")
        )));
    }
    run_locked(target, spec, &statements, true).await
}

/// A statement and where it is, for messages.
struct Located {
    text: String,
    at: String,
}

async fn run_locked(
    target: &mut dyn MigrationTarget,
    spec: &TargetSpec,
    statements: &[Located],
    transactional: bool,
) -> Result<AppliedPlan> {
    let in_transaction = transactional && target.transactional_ddl();
    let mut on_wait =
        || eprintln!("waiting for the migration lock (another schemactl run holds it) ...");
    let started = Instant::now();
    migrate::with_lock(target, spec.lock_timeout, &mut on_wait, async |target| {
        if in_transaction {
            let texts: Vec<&str> = statements.iter().map(|s| s.text.as_str()).collect();
            target.begin(&texts).await?;
        }
        for (index, statement) in statements.iter().enumerate() {
            let Err(refused) = target.execute(&statement.text).await? else {
                continue;
            };
            let left = match in_transaction {
                true => {
                    target.rollback().await?;
                    "nothing was changed (the transaction was rolled back)".to_string()
                }
                false => format!("the {index} statement(s) before it stay applied"),
            };
            return Err(failure(format!(
                "{} failed: {refused}; {left}\n  statement: {}",
                statement.at,
                statement.text.trim()
            )));
        }
        if in_transaction {
            target.commit().await?;
        }
        Ok(AppliedPlan {
            statements: statements.len(),
            in_transaction,
            elapsed: started.elapsed(),
        })
    })
    .await
}
