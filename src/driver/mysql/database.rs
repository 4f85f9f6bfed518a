//! Whole databases on a MySQL or MariaDB server: create, drop, exists, and waiting for the
//! server to accept connections (`db create|drop|wait`, `up`). Statements run at server level
//! (a connection without a database), so the database itself need not exist.

use super::connect::{UNKNOWN_DATABASE, connect, explain};
use super::{quote_ident, server_error_number};
use crate::error::{bad_input, failure};
use crate::url::MysqlUrl;
use sqlx::Connection;
use sqlx::mysql::MySqlConnection;
use std::time::{Duration, Instant};

/// ER_DB_CREATE_EXISTS and ER_DB_DROP_EXISTS.
const DATABASE_EXISTS: u16 = 1007;
const DATABASE_MISSING: u16 = 1008;
const WAIT_POLL: Duration = Duration::from_millis(200);

/// The server's own databases: dropping one breaks the server.
const SYSTEM_DATABASES: &[&str] = &["mysql", "information_schema", "performance_schema", "sys"];

/// The database the URL names; bad input for a server-level URL.
fn named_database(url: &MysqlUrl) -> anyhow::Result<&str> {
    url.database().ok_or_else(|| {
        bad_input(format!(
            "{url} names no database: add one to the path, e.g. {}://HOST:PORT/NAME",
            url.flavor().scheme()
        ))
    })
}

pub async fn database_exists(url: &MysqlUrl) -> anyhow::Result<bool> {
    let name = named_database(url)?;
    let mut conn = connect(&url.without_database()).await?;
    let found = is_database(&mut conn, name)
        .await
        .map_err(|e| failure(format!("cannot list the databases of {url}: {e}")))?;
    Ok(found)
}

/// Whether `name` is a database, by the server's own case rules: the catalog compares names
/// without regard to case, but with `lower_case_table_names = 0` they are distinct.
async fn is_database(conn: &mut MySqlConnection, name: &str) -> Result<bool, sqlx::Error> {
    let candidates: Vec<String> = sqlx::query_scalar(
        "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
    )
    .bind(name)
    .fetch_all(&mut *conn)
    .await?;
    let folds_case: i64 = sqlx::query_scalar("SELECT CAST(@@lower_case_table_names AS SIGNED)")
        .fetch_one(&mut *conn)
        .await?;
    Ok(candidates.iter().any(|candidate| {
        if folds_case == 0 {
            candidate == name
        } else {
            candidate.to_lowercase() == name.to_lowercase()
        }
    }))
}

/// Creates the URL's database with the server's default character set and collation;
/// `false` when it already existed.
pub async fn create_database(url: &MysqlUrl) -> anyhow::Result<bool> {
    database_ddl(url, "CREATE", DATABASE_EXISTS).await
}

/// Drops the URL's database; `false` when it did not exist. The server's own databases are
/// refused.
pub async fn drop_database(url: &MysqlUrl) -> anyhow::Result<bool> {
    let name = named_database(url)?;
    if SYSTEM_DATABASES.contains(&name.to_lowercase().as_str()) {
        return Err(bad_input(format!(
            "{url}: refusing to drop {name}, a database the server itself needs"
        )));
    }
    database_ddl(url, "DROP", DATABASE_MISSING).await
}

/// `VERB DATABASE name` at server level; `false` when the server answers with error
/// `no_op_number` (already there, or already gone).
async fn database_ddl(url: &MysqlUrl, verb: &str, no_op_number: u16) -> anyhow::Result<bool> {
    let name = named_database(url)?;
    let mut conn = connect(&url.without_database()).await?;
    let sql = format!("{verb} DATABASE {}", quote_ident(name));
    let result = sqlx::raw_sql(&sql).execute(&mut conn).await;
    conn.close().await.ok();
    match result {
        Ok(_) => Ok(true),
        Err(e) if server_error_number(&e) == Some(no_op_number) => Ok(false),
        Err(e) => Err(failure(format!(
            "cannot {} database {url}: {e}",
            verb.to_lowercase()
        ))),
    }
}

/// Waits until the server accepts connections (a missing database counts as ready: the
/// server answered), trying every 200 ms until `timeout`.
pub async fn wait_until_ready(url: &MysqlUrl, timeout: Duration) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let options = url.connect_options();
    loop {
        let attempt = tokio::time::timeout(
            WAIT_POLL.max(url.connect_timeout().min(timeout)),
            MySqlConnection::connect_with(&options),
        )
        .await;
        let last_error = match attempt {
            Ok(Ok(conn)) => {
                conn.close().await.ok();
                return Ok(started.elapsed());
            }
            Ok(Err(e)) if server_error_number(&e) == Some(UNKNOWN_DATABASE) => {
                return Ok(started.elapsed());
            }
            Ok(Err(e)) => explain(url, &e),
            Err(_) => format!("no answer from {}", url.place()),
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
