//! The migration lock on PostgreSQL: a session-level advisory lock, scoped to the database
//! (advisory lock keys are per database), released on unlock or when the session ends, so a
//! killed run never leaves it behind.

use crate::error::failure;
use anyhow::Context;
use sqlx::PgConnection;
use std::time::{Duration, Instant};

/// The advisory lock key: "schemactl" in ASCII, so other tools are unlikely to pick it.
const LOCK_KEY: i64 = 0x73_6368_656d_6163;
const POLL: Duration = Duration::from_millis(50);

/// Takes the lock, polling until `timeout`; `on_wait` runs once when it is busy.
pub async fn lock(
    conn: &mut PgConnection,
    timeout: Duration,
    on_wait: &mut dyn FnMut(),
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut told = false;
    loop {
        let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(LOCK_KEY)
            .fetch_one(&mut *conn)
            .await
            .context("taking the migration lock")?;
        if taken {
            return Ok(());
        }
        if started.elapsed() >= timeout {
            return Err(failure(format!(
                "another schemactl run holds the migration lock of this database; gave up after {} s (raise --lock-timeout to wait longer)",
                timeout.as_secs_f64()
            )));
        }
        if !told {
            on_wait();
            told = true;
        }
        tokio::time::sleep(POLL).await;
    }
}

pub async fn unlock(conn: &mut PgConnection) -> anyhow::Result<()> {
    sqlx::query_scalar::<_, bool>("SELECT pg_advisory_unlock($1)")
        .bind(LOCK_KEY)
        .fetch_one(conn)
        .await
        .context("releasing the migration lock")?;
    Ok(())
}
