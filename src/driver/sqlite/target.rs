//! [`MigrationTarget`] for a SQLite database file: one connection that runs the statements and
//! writes the revisions table, and the sidecar file lock (see `lock`).
//!
//! Transactions are `BEGIN IMMEDIATE`: the write lock is taken up front, so a concurrent writer
//! (another program using the file) makes `BEGIN` wait on the busy timeout instead of failing
//! the file halfway. A table rebuild (as `migrate diff` writes them) switches foreign key
//! enforcement off around it with `PRAGMA foreign_keys = off`, which SQLite ignores inside a
//! transaction; so when a transaction's statements hold that pragma, the target switches
//! enforcement off before `BEGIN` and back to what it was after `COMMIT` or `ROLLBACK`, and the
//! file runs in its transaction as written (its `PRAGMA foreign_key_check` statements check the
//! rebuilt tables before the commit). This is SQLite's documented rebuild procedure, with the
//! file's transaction as the procedure's transaction.

use super::lock::{self, FileLock};
use super::{execute_each, revisions};
use crate::error::{bad_input, failure};
use crate::migrate::{MigrationTarget, Revision, ServerError, os_user};
use crate::sql::Flavor;
use crate::sql::sqlite::normalize;
use crate::url::SqliteUrl;
use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Row};
use std::path::PathBuf;
use std::time::Duration;

/// How many objects the "target is not clean" message names.
const NAMED_OBJECTS: usize = 5;
/// The least time a statement waits for another program's write lock on the file.
const MIN_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct SqliteTarget {
    conn: SqliteConnection,
    path: PathBuf,
    lock: Option<FileLock>,
    /// Foreign key enforcement to switch back on after the open transaction (`begin` switched
    /// it off).
    restore_foreign_keys: Option<bool>,
}

impl SqliteTarget {
    /// Opens the database file (it must exist); statements wait up to `busy_timeout` (at least
    /// 5 s) for another program's write lock.
    pub async fn connect(url: &SqliteUrl, busy_timeout: Duration) -> anyhow::Result<SqliteTarget> {
        let path = database_file(url)?;
        if !path.exists() {
            return Err(bad_input(format!(
                "{url}: no SQLite database file at {}; create it with `schemactl db create --url {url}`, or run `schemactl up`, which creates it",
                path.display()
            )));
        }
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .busy_timeout(busy_timeout.max(MIN_BUSY_TIMEOUT))
            .foreign_keys(true);
        let conn = SqliteConnection::connect_with(&options)
            .await
            .map_err(|e| failure(format!("cannot open SQLite database {url}: {e}")))?;
        Ok(SqliteTarget {
            conn,
            path,
            lock: None,
            restore_foreign_keys: None,
        })
    }

    async fn run(&mut self, sql: &str) -> anyhow::Result<()> {
        sqlx::raw_sql(sql)
            .execute(&mut self.conn)
            .await
            .with_context(|| format!("running {sql} on {}", self.path.display()))?;
        Ok(())
    }

    async fn foreign_keys_enabled(&mut self) -> anyhow::Result<bool> {
        let row = sqlx::raw_sql("PRAGMA foreign_keys")
            .fetch_one(&mut self.conn)
            .await
            .context("reading PRAGMA foreign_keys")?;
        Ok(row.try_get::<i64, _>(0)? != 0)
    }

    /// Puts foreign key enforcement back as it was before `begin` switched it off.
    async fn restore_foreign_keys(&mut self) -> anyhow::Result<()> {
        match self.restore_foreign_keys.take() {
            Some(true) => self.run("PRAGMA foreign_keys = on").await,
            _ => Ok(()),
        }
    }

    /// Ends the transaction with `verb` (COMMIT or ROLLBACK), then restores foreign keys.
    async fn end_transaction(&mut self, verb: &str) -> anyhow::Result<()> {
        let ended = self.run(verb).await;
        self.restore_foreign_keys().await?;
        ended
    }
}

/// The database file a URL names; an in-memory database cannot be migrated (it vanishes with
/// the run).
pub fn database_file(url: &SqliteUrl) -> anyhow::Result<PathBuf> {
    if url.in_memory() {
        return Err(bad_input(format!(
            "{url} is an in-memory database, gone when the run ends; name a database file, e.g. sqlite://app.db"
        )));
    }
    Ok(PathBuf::from(url.path()))
}

/// Whether `sql` is `PRAGMA foreign_keys = off` (or `= 0`, `false`, `no`, with or without a
/// schema name, `=` or parentheses).
fn turns_foreign_keys_off(sql: &str) -> bool {
    let normalized = normalize(sql);
    let Some(rest) = normalized.strip_prefix("PRAGMA ") else {
        return false;
    };
    let rest = rest.strip_prefix("MAIN . ").unwrap_or(rest);
    let Some(value) = rest.strip_prefix("FOREIGN_KEYS ") else {
        return false;
    };
    let value = value
        .trim_start_matches(['=', '(', ' '])
        .trim_end_matches([')', ' '])
        .trim_matches(['\'', '"'])
        .to_ascii_uppercase();
    matches!(value.as_str(), "OFF" | "0" | "FALSE" | "NO")
}

#[async_trait::async_trait(?Send)]
impl MigrationTarget for SqliteTarget {
    async fn lock(&mut self, timeout: Duration, on_wait: &mut dyn FnMut()) -> anyhow::Result<()> {
        self.lock = Some(lock::lock(&self.path, timeout, on_wait).await?);
        Ok(())
    }

    async fn unlock(&mut self) -> anyhow::Result<()> {
        self.lock = None;
        Ok(())
    }

    async fn ensure_revisions_table(&mut self) -> anyhow::Result<()> {
        revisions::create_revisions_table(&mut self.conn).await
    }

    async fn revisions(&mut self) -> anyhow::Result<Vec<Revision>> {
        revisions::read_revisions(&mut self.conn).await
    }

    async fn user_objects(&mut self) -> anyhow::Result<Vec<String>> {
        revisions::named_user_objects(&mut self.conn, NAMED_OBJECTS).await
    }

    async fn write_revision(&mut self, revision: &Revision) -> anyhow::Result<()> {
        revisions::write_revision(&mut self.conn, revision).await
    }

    async fn delete_revision(&mut self, version: &str) -> anyhow::Result<()> {
        revisions::delete_revision(&mut self.conn, version).await
    }

    async fn begin(&mut self, statements: &[&str]) -> anyhow::Result<()> {
        if statements.iter().any(|s| turns_foreign_keys_off(s)) {
            let enabled = self.foreign_keys_enabled().await?;
            self.run("PRAGMA foreign_keys = off").await?;
            self.restore_foreign_keys = Some(enabled);
        }
        if let Err(error) = self.run("BEGIN IMMEDIATE").await {
            self.restore_foreign_keys().await?;
            return Err(error);
        }
        Ok(())
    }

    async fn commit(&mut self) -> anyhow::Result<()> {
        self.end_transaction("COMMIT").await
    }

    async fn rollback(&mut self) -> anyhow::Result<()> {
        self.end_transaction("ROLLBACK").await
    }

    async fn execute(&mut self, sql: &str) -> anyhow::Result<Result<(), ServerError>> {
        // `execute_each` also fails a `PRAGMA foreign_key_check` that reports violations.
        match execute_each(&mut self.conn, &[sql.to_string()]).await {
            Ok(()) => Ok(Ok(())),
            Err(error) => Ok(Err(ServerError {
                message: error.message,
                detail: error.detail,
            })),
        }
    }

    fn operator(&self) -> String {
        os_user()
    }

    fn lexer_flavor(&self) -> &'static Flavor {
        &super::FLAVOR
    }
}

#[cfg(test)]
mod tests {
    use super::turns_foreign_keys_off;

    #[test]
    fn recognizes_the_forms_of_foreign_keys_off() {
        for sql in [
            "PRAGMA foreign_keys = off",
            "pragma FOREIGN_KEYS=OFF;",
            "PRAGMA main.foreign_keys = 0",
            "PRAGMA foreign_keys('false')",
            "PRAGMA foreign_keys = no",
        ] {
            assert!(turns_foreign_keys_off(sql), "{sql}");
        }
        for sql in [
            "PRAGMA foreign_keys = on",
            "PRAGMA foreign_keys",
            "PRAGMA foreign_key_check",
            "PRAGMA legacy_alter_table = off",
            "SELECT 'PRAGMA foreign_keys = off'",
        ] {
            assert!(!turns_foreign_keys_off(sql), "{sql}");
        }
    }
}
