//! `schema apply`: a plan run on a live target, in one transaction where the dialect's DDL is
//! transactional (so a failing statement leaves the target as it was), under the migration
//! lock (so it does not interleave with a `migrate apply`).

use super::target::open_target;
use crate::error::failure;
use crate::migrate::{self, TargetSpec};
use crate::plan::Plan;
use anyhow::Result;
use std::time::{Duration, Instant};

/// What [`apply_plan`] did.
#[derive(Debug)]
pub struct AppliedPlan {
    pub statements: usize,
    /// Whether the statements ran in one transaction (else one by one, each committed).
    pub in_transaction: bool,
    pub elapsed: Duration,
}

pub async fn apply_plan(spec: &TargetSpec, plan: &Plan) -> Result<AppliedPlan> {
    let statements: Vec<&str> = plan.statements().map(|s| s.sql.as_str()).collect();
    let target = &mut *open_target(spec).await?;
    // CREATE INDEX CONCURRENTLY and the like refuse a transaction block.
    let in_transaction =
        target.transactional_ddl() && plan.statements().all(|statement| statement.transactional);
    let mut on_wait =
        || eprintln!("waiting for the migration lock (another schemactl run holds it) ...");
    let started = Instant::now();
    migrate::with_lock(target, spec.lock_timeout, &mut on_wait, async |target| {
        if in_transaction {
            target.begin(&statements).await?;
        }
        for (index, sql) in statements.iter().enumerate() {
            let Err(refused) = target.execute(sql).await? else {
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
                "statement {} of {} failed: {refused}; {left}\n  statement: {}",
                index + 1,
                statements.len(),
                sql.trim()
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
