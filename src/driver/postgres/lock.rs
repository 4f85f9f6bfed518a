//! The migration lock on PostgreSQL: a session-level advisory lock, scoped to the database
//! (advisory lock keys are per database), released on unlock or when the session ends, so a
//! killed run never leaves it behind.

use crate::migrate::poll_lock;
use anyhow::Context;
use sqlx::PgConnection;
use std::time::Duration;

/// The advisory lock key: "schemactl" in ASCII, so other tools are unlikely to pick it.
const LOCK_KEY: i64 = 0x73_6368_656d_6163;

/// Takes the lock, polling until `timeout`; `on_wait` runs once when it is busy.
pub async fn lock(
    conn: &mut PgConnection,
    timeout: Duration,
    on_wait: &mut dyn FnMut(),
) -> anyhow::Result<()> {
    poll_lock(timeout, on_wait, async || {
        sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(LOCK_KEY)
            .fetch_one(&mut *conn)
            .await
            .context("taking the migration lock")
    })
    .await
}

pub async fn unlock(conn: &mut PgConnection) -> anyhow::Result<()> {
    sqlx::query_scalar::<_, bool>("SELECT pg_advisory_unlock($1)")
        .bind(LOCK_KEY)
        .fetch_one(conn)
        .await
        .context("releasing the migration lock")?;
    Ok(())
}
