//! [`MigrationTarget`] for a MySQL or MariaDB database: one connection that runs the
//! statements and writes the revisions table, and a named server lock (`GET_LOCK`) that keeps
//! two runs on one database from interleaving.
//!
//! MySQL commits every DDL statement by itself (before and after it), so a transaction cannot
//! hold a file: the target says so (`transactional_ddl`), the executor then applies a file
//! statement by statement and records each in the file's revision row as it lands, and a
//! rerun resumes after the last recorded statement. A data change commits with its row; DDL
//! runs after an intent, so that a rerun after a crash tells whether it landed (`landing`):
//! each statement takes effect exactly once.

use super::landing::{Recording, recording, says_it_already_ran};
use super::{connect, revisions};
use crate::error::failure;
use crate::migrate::{MigrationTarget, Revision, ServerError, os_user, poll_lock};
use crate::sql::Flavor;
use crate::url::MysqlUrl;
use anyhow::Context;
use sqlx::mysql::{MySqlConnection, MySqlDatabaseError};
use std::collections::HashMap;
use std::time::Duration;

const NAMED_OBJECTS: usize = 5;

pub struct MysqlTarget {
    conn: MySqlConnection,
    url: MysqlUrl,
    user: String,
    locked: bool,
    /// Statements an interrupted run had started and not recorded, by version (read with the
    /// revisions, under the lock).
    interrupted: HashMap<String, usize>,
}

/// A statement the server refused, with its error number.
struct Refused {
    number: u16,
    error: ServerError,
}

impl MysqlTarget {
    pub async fn connect(url: &MysqlUrl) -> anyhow::Result<MysqlTarget> {
        if url.database().is_none() {
            return Err(crate::error::bad_input(format!(
                "{url}: name the database to migrate (mysql://…/DATABASE)"
            )));
        }
        let mut conn = connect(url).await?;
        let (user,): (String,) = sqlx::query_as("SELECT CURRENT_USER()")
            .fetch_one(&mut conn)
            .await
            .context("reading the current user")?;
        Ok(MysqlTarget {
            conn,
            url: url.clone(),
            user,
            locked: false,
            interrupted: HashMap::new(),
        })
    }

    /// The lock's name: one per database (`GET_LOCK` names are server-wide, at most 64
    /// characters).
    fn lock_name(&self) -> String {
        let name = format!("schemactl:{}", self.url.database().unwrap_or_default());
        name.chars().take(64).collect()
    }

    async fn try_run(&mut self, sql: &str) -> anyhow::Result<Result<(), Refused>> {
        match sqlx::raw_sql(sql).execute(&mut self.conn).await {
            Ok(_) => Ok(Ok(())),
            Err(error) => match error
                .as_database_error()
                .and_then(|e| e.try_downcast_ref::<MySqlDatabaseError>())
            {
                Some(db) => Ok(Err(Refused {
                    number: db.number(),
                    error: ServerError {
                        message: db.message().to_string(),
                        detail: Some(format!("server error {}", db.number())),
                    },
                })),
                None => Err(failure(format!("lost {}: {error}", self.url))),
            },
        }
    }

    /// A data change and its row in one transaction.
    async fn run_with_row(
        &mut self,
        sql: &str,
        progress: &Revision,
    ) -> anyhow::Result<Result<(), ServerError>> {
        self.run("START TRANSACTION").await?;
        if let Err(refused) = self.try_run(sql).await? {
            self.run("ROLLBACK").await?;
            return Ok(Err(refused.error));
        }
        revisions::write_revision(&mut self.conn, progress).await?;
        self.run("COMMIT").await?;
        Ok(Ok(()))
    }

    /// A statement that commits by itself, after its intent. When this very statement was
    /// interrupted before, an error saying its object is already there (or gone) is the first
    /// run's statement having landed.
    async fn run_after_intent(
        &mut self,
        sql: &str,
        progress: &Revision,
    ) -> anyhow::Result<Result<(), ServerError>> {
        let index = progress.applied - 1;
        let resumed = self.interrupted.remove(&progress.version) == Some(index);
        revisions::write_intent(&mut self.conn, &progress.version, index).await?;
        if let Err(refused) = self.try_run(sql).await?
            && !(resumed && says_it_already_ran(refused.number))
        {
            return Ok(Err(refused.error));
        }
        revisions::write_revision(&mut self.conn, progress).await?;
        Ok(Ok(()))
    }

    async fn run(&mut self, sql: &str) -> anyhow::Result<()> {
        sqlx::raw_sql(sql)
            .execute(&mut self.conn)
            .await
            .with_context(|| format!("running {sql} on {}", self.url))?;
        Ok(())
    }
}

#[async_trait::async_trait(?Send)]
impl MigrationTarget for MysqlTarget {
    async fn lock(&mut self, timeout: Duration, on_wait: &mut dyn FnMut()) -> anyhow::Result<()> {
        let name = self.lock_name();
        let conn = &mut self.conn;
        poll_lock(timeout, on_wait, async || {
            let (got,): (Option<i64>,) = sqlx::query_as("SELECT GET_LOCK(?, 0)")
                .bind(&name)
                .fetch_one(&mut *conn)
                .await
                .context("taking the migration lock")?;
            Ok(got == Some(1))
        })
        .await?;
        self.locked = true;
        Ok(())
    }

    async fn unlock(&mut self) -> anyhow::Result<()> {
        if std::mem::take(&mut self.locked) {
            let name = self.lock_name();
            sqlx::query("SELECT RELEASE_LOCK(?)")
                .bind(name)
                .execute(&mut self.conn)
                .await
                .context("releasing the migration lock")?;
        }
        Ok(())
    }

    async fn ensure_revisions_table(&mut self) -> anyhow::Result<()> {
        revisions::create_revisions_table(&mut self.conn).await
    }

    async fn revisions(&mut self) -> anyhow::Result<Vec<Revision>> {
        let rows = revisions::read_revisions(&mut self.conn).await?;
        if !rows.is_empty() {
            self.interrupted = revisions::read_intents(&mut self.conn).await?;
        }
        Ok(rows)
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

    async fn begin(&mut self, _statements: &[&str]) -> anyhow::Result<()> {
        self.run("START TRANSACTION").await
    }

    async fn commit(&mut self) -> anyhow::Result<()> {
        self.run("COMMIT").await
    }

    async fn rollback(&mut self) -> anyhow::Result<()> {
        self.run("ROLLBACK").await
    }

    async fn execute(&mut self, sql: &str) -> anyhow::Result<Result<(), ServerError>> {
        Ok(self.try_run(sql).await?.map_err(|refused| refused.error))
    }

    async fn execute_recorded(
        &mut self,
        sql: &str,
        progress: &Revision,
    ) -> anyhow::Result<Result<(), ServerError>> {
        match recording(&super::FLAVOR, sql) {
            Recording::WithRow => self.run_with_row(sql, progress).await,
            Recording::AfterIntent => self.run_after_intent(sql, progress).await,
        }
    }

    fn operator(&self) -> String {
        format!("{} as {}", os_user(), self.user)
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

    fn lexer_flavor(&self) -> &'static Flavor {
        &super::FLAVOR
    }
}
