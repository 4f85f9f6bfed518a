//! SQLite driver: opening files and in-memory databases, running statements (a plan's
//! `PRAGMA foreign_key_check` fails when it reports rows), catalog inspection, and what the
//! migration runner needs (revisions table, file lock, database files).

mod database;
mod inspect;
mod lock;
mod revisions;
mod target;

pub use database::{create_database, database_exists, drop_database, wait_until_ready};
pub use inspect::{MAIN, data_type, empty_realm, inspect_realm};
pub use lock::LOCK_SUFFIX;
pub use revisions::REVISIONS_TABLE;
pub use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
pub use target::SqliteTarget;

use crate::sql::Flavor;

/// How SQLite reads SQL (trigger bodies hold `;`): what scripts run here are split with.
pub static FLAVOR: Flavor = Flavor::sqlite();

use crate::driver::StatementError;
use crate::sql::sqlite::normalize;
use crate::url::SqliteUrl;
use sqlx::{Connection, Row};

/// Opens what a `sqlite://` URL names: a fresh private in-memory database for `mode=memory`,
/// else an existing file (never created by accident: a missing file is bad input), read-only
/// when `read_only` (inspection never writes).
pub async fn connect(url: &SqliteUrl, read_only: bool) -> anyhow::Result<SqliteConnection> {
    if url.in_memory() {
        return connect_memory().await;
    }
    let path = std::path::Path::new(url.path());
    if !path.exists() {
        return Err(crate::error::bad_input(format!(
            "{url}: no SQLite database file at {}",
            path.display()
        )));
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only);
    SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| crate::error::failure(format!("cannot open SQLite database {url}: {e}")))
}

/// A fresh, empty in-memory database that lives as long as the connection.
pub async fn connect_memory() -> anyhow::Result<SqliteConnection> {
    let options = SqliteConnectOptions::new()
        .in_memory(true)
        .foreign_keys(true);
    SqliteConnection::connect_with(&options).await.map_err(|e| {
        crate::error::failure(format!("cannot open an in-memory SQLite database: {e}"))
    })
}

/// Runs statements one at a time in autocommit mode, stopping at the first failure.
/// `PRAGMA foreign_key_check` fails when it finds a violation, naming the rows.
pub async fn execute_each(
    conn: &mut SqliteConnection,
    statements: &[String],
) -> Result<(), StatementError> {
    for (index, statement) in statements.iter().enumerate() {
        let failure = |message: String| StatementError {
            index,
            statement: statement.clone(),
            message,
            detail: None,
            hint: None,
            position: None,
            code: None,
        };
        if is_foreign_key_check(statement) {
            let rows = sqlx::raw_sql(statement)
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| failure(database_message(e)))?;
            if !rows.is_empty() {
                let violations: Vec<String> = rows
                    .iter()
                    .take(5)
                    .map(|r| {
                        let table: String = r.try_get(0).unwrap_or_default();
                        let rowid: Option<i64> = r.try_get(1).unwrap_or_default();
                        let parent: String = r.try_get(2).unwrap_or_default();
                        format!(
                            "{table} row {} references a missing {parent} row",
                            rowid.unwrap_or(-1)
                        )
                    })
                    .collect();
                return Err(failure(format!(
                    "{} foreign key violation(s): {}",
                    rows.len(),
                    violations.join("; ")
                )));
            }
        } else if let Err(e) = sqlx::raw_sql(statement).execute(&mut *conn).await {
            return Err(failure(database_message(e)));
        }
    }
    Ok(())
}

fn is_foreign_key_check(statement: &str) -> bool {
    normalize(statement).starts_with("PRAGMA FOREIGN_KEY_CHECK")
}

fn database_message(error: sqlx::Error) -> String {
    match error.as_database_error() {
        Some(db) => db.message().to_string(),
        None => error.to_string(),
    }
}

/// Applies planned statements all or nothing: the non-transactional ones before the first
/// transactional statement run first (e.g. `PRAGMA foreign_keys = off`, a no-op inside a
/// transaction), the transactional ones in one transaction, the remaining non-transactional
/// ones after it commits. On failure the transaction rolls back and foreign keys are back on.
///
/// Each statement comes with whether it may run inside a transaction (a plan's statements say
/// so), as `(sql, transactional)`.
pub async fn apply_statements(
    conn: &mut SqliteConnection,
    statements: &[(&str, bool)],
) -> Result<(), StatementError> {
    let first_tx = statements
        .iter()
        .position(|&(_, tx)| tx)
        .unwrap_or(statements.len());
    let texts = |filter: &dyn Fn(usize, bool) -> bool| -> Vec<String> {
        statements
            .iter()
            .enumerate()
            .filter(|&(i, &(_, tx))| filter(i, tx))
            .map(|(_, (sql, _))| sql.to_string())
            .collect()
    };
    let before = texts(&|i, tx| !tx && i < first_tx);
    let inside = texts(&|_, tx| tx);
    let after = texts(&|i, tx| !tx && i >= first_tx);
    execute_each(conn, &before).await?;
    let wrapped: Vec<String> = std::iter::once("BEGIN".to_string())
        .chain(inside)
        .chain(std::iter::once("COMMIT".to_string()))
        .collect();
    if let Err(mut error) = execute_each(conn, &wrapped).await {
        let _ = execute_each(
            conn,
            &["ROLLBACK".into(), "PRAGMA foreign_keys = on".into()],
        )
        .await;
        error.index = error.index.saturating_sub(1);
        return Err(error);
    }
    execute_each(conn, &after).await
}
