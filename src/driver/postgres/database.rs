//! Whole databases on a PostgreSQL server: create, drop, exists, and waiting for the server to
//! accept connections (`db create|drop|wait`, `up`).

use super::{connect_url, quote_ident};
use crate::error::failure;
use crate::url::PgUrl;
use sqlx::postgres::PgDatabaseError;
use std::time::{Duration, Instant};

/// SQLSTATE of "database does not exist" and "database already exists".
const INVALID_CATALOG_NAME: &str = "3D000";
const DUPLICATE_DATABASE: &str = "42P04";
const WAIT_POLL: Duration = Duration::from_millis(200);

/// The same server's maintenance database, to run CREATE/DROP DATABASE from.
fn maintenance(url: &PgUrl) -> PgUrl {
    let name = if url.database() == "postgres" {
        "template1"
    } else {
        "postgres"
    };
    url.with_database(name)
}

fn sqlstate(error: &sqlx::Error) -> Option<String> {
    error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<PgDatabaseError>())
        .map(|e| e.code().to_string())
}

pub async fn database_exists(url: &PgUrl) -> anyhow::Result<bool> {
    let mut conn = connect_url(&maintenance(url)).await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(url.database())
            .fetch_one(&mut conn)
            .await
            .map_err(|e| failure(format!("cannot list the databases of {url}: {e}")))?;
    Ok(exists)
}

/// Creates the URL's database; `false` when it already existed.
pub async fn create_database(url: &PgUrl) -> anyhow::Result<bool> {
    database_ddl(url, "CREATE", DUPLICATE_DATABASE).await
}

/// Drops the URL's database; `false` when it did not exist.
pub async fn drop_database(url: &PgUrl) -> anyhow::Result<bool> {
    database_ddl(url, "DROP", INVALID_CATALOG_NAME).await
}

/// `VERB DATABASE name` from the maintenance database; `false` when the server answers with
/// `no_op_code` (already there, or already gone).
async fn database_ddl(url: &PgUrl, verb: &str, no_op_code: &str) -> anyhow::Result<bool> {
    let mut conn = connect_url(&maintenance(url)).await?;
    let sql = format!("{verb} DATABASE {}", quote_ident(url.database()));
    match sqlx::raw_sql(&sql).execute(&mut conn).await {
        Ok(_) => Ok(true),
        Err(e) if sqlstate(&e).as_deref() == Some(no_op_code) => Ok(false),
        Err(e) => Err(failure(format!(
            "cannot {} database {url}: {e}",
            verb.to_lowercase()
        ))),
    }
}

/// Waits until the server accepts connections (a missing database counts as ready: the
/// server answered), trying every 200 ms until `timeout`.
pub async fn wait_until_ready(url: &PgUrl, timeout: Duration) -> anyhow::Result<Duration> {
    let started = Instant::now();
    loop {
        let attempt = tokio::time::timeout(
            WAIT_POLL.max(url.connect_timeout().min(timeout)),
            sqlx::Connection::connect_with(&url.connect_options()),
        )
        .await;
        let last_error = match attempt {
            Ok(Ok(conn)) => {
                let conn: sqlx::PgConnection = conn;
                sqlx::Connection::close(conn).await.ok();
                return Ok(started.elapsed());
            }
            Ok(Err(e)) if sqlstate(&e).as_deref() == Some(INVALID_CATALOG_NAME) => {
                return Ok(started.elapsed());
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => "no answer".to_string(),
        };
        if started.elapsed() >= timeout {
            return Err(failure(format!(
                "{url} does not accept connections after {} s: {last_error}",
                timeout.as_secs_f64()
            )));
        }
        tokio::time::sleep(WAIT_POLL).await;
    }
}
