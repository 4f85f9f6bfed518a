//! When the catalog queries' cached plans are made again.
//!
//! The inspection runs its queries as generic plans: made once per connection, they save the
//! planning that took longer than the queries when `migrate history` inspects after every file.
//! A plan is made for the catalog sizes of its day, though, and a plan made on an empty database
//! (one-row estimates, nested loops over sequential scans) turns quadratic as the replay grows
//! the schema. So the connection remembers, in a session setting, how many catalog rows its plans
//! were made for, and drops them once the schema has grown well past that.

use sqlx::postgres::PgConnection;
use sqlx::{Connection, Executor};

const SETTING: &str = "schemactl.plans_made_for";

/// Catalog rows the plans were made for, 0 when none were recorded.
pub async fn made_for(conn: &mut PgConnection) -> sqlx::Result<usize> {
    let (value,): (Option<String>,) = sqlx::query_as("SELECT pg_catalog.current_setting($1, true)")
        .bind(SETTING)
        .fetch_one(&mut *conn)
        .await?;
    Ok(value.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Whether plans made for `made_for` rows should be made again for `rows`: after the schema
/// at least doubled (plus a margin, so an empty database's plans go after a few tables).
pub fn stale(made_for: usize, rows: usize) -> bool {
    rows > made_for * 2 + 64
}

/// Drops the connection's cached statements (the next inspection plans afresh) and records the
/// size the new plans will be made for.
pub async fn remake(conn: &mut PgConnection, rows: usize) -> sqlx::Result<()> {
    conn.clear_cached_statements().await?;
    conn.execute(
        sqlx::query("SELECT pg_catalog.set_config($1, $2, false)")
            .bind(SETTING)
            .bind(rows.to_string()),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::stale;

    #[test]
    fn plans_are_remade_once_the_schema_doubled() {
        assert!(!stale(0, 64));
        assert!(stale(0, 65));
        assert!(!stale(1000, 2064));
        assert!(stale(1000, 2065));
    }
}
