//! What the executor needs from a database it applies migrations to: a lock, the revisions
//! table, transactions and statement execution. Each dialect implements [`MigrationTarget`]
//! (PostgreSQL in `driver::postgres::target`, SQLite in `driver::sqlite::target`); the executor
//! never sees a connection type.

use crate::error::failure;
use crate::sql::Flavor;
use crate::url::DbUrl;
use async_trait::async_trait;
use std::fmt;
use std::time::{Duration, Instant};

/// The target database of a run and how to treat it.
#[derive(Debug, Clone)]
pub struct TargetSpec {
    pub url: DbUrl,
    /// Schema of the revisions table, where the dialect has schemas (default: the dialect's).
    pub revisions_schema: Option<String>,
    /// How long to wait for the migration lock (and, on SQLite, for another program's write
    /// lock on the file).
    pub lock_timeout: Duration,
}

/// How a revision row came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionKind {
    /// The file's statements ran (all of them, or `applied` of `total` when it failed or stopped).
    Applied,
    /// Recorded by `--baseline` as already present on the target; nothing ran.
    Baseline,
    /// Recorded by `migrate set` by hand; nothing ran.
    Set,
}

impl RevisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionKind::Applied => "applied",
            RevisionKind::Baseline => "baseline",
            RevisionKind::Set => "set",
        }
    }

    pub fn parse(text: &str) -> RevisionKind {
        match text {
            "baseline" => RevisionKind::Baseline,
            "set" => RevisionKind::Set,
            _ => RevisionKind::Applied,
        }
    }
}

/// One row of the revisions table: what happened to one migration file on the target.
///
/// `checksum` is the base64 SHA-256 of the file's *up* SQL (the whole file for Atlas, the
/// `-- migrate:up` section for dbmate, the `.up.sql` file for golang-migrate), so editing a
/// down section does not count as editing an applied file. See [`super::up_checksum`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Revision {
    pub version: String,
    pub description: String,
    pub kind: RevisionKind,
    pub checksum: String,
    /// Statements that have run and committed.
    pub applied: usize,
    pub total: usize,
    /// The server's message when the file failed.
    pub error: Option<String>,
    /// The statement that failed.
    pub error_statement: Option<String>,
    pub execution_ms: u64,
    /// When the row was last written, as the server's `now()` in RFC 3339.
    pub applied_at: String,
    /// Who ran it: the OS user and the database role.
    pub operator: String,
}

impl Revision {
    /// Every statement ran and nothing failed.
    pub fn is_complete(&self) -> bool {
        self.applied >= self.total && self.error.is_none()
    }
}

/// A statement the server refused, with what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    pub message: String,
    pub detail: Option<String>,
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(detail) = &self.detail {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

/// The operations the executor runs against one target database, over one session.
///
/// Errors other than [`ServerError`] (connection lost, revisions table unreadable) are
/// `anyhow` failures; they end the run.
#[async_trait(?Send)]
pub trait MigrationTarget {
    /// Takes the migration lock for this database, waiting up to `timeout`; `on_wait` is called
    /// once when the lock is busy (to say so).
    async fn lock(&mut self, timeout: Duration, on_wait: &mut dyn FnMut()) -> anyhow::Result<()>;
    async fn unlock(&mut self) -> anyhow::Result<()>;
    /// Creates the revisions table (and its schema) when missing.
    async fn ensure_revisions_table(&mut self) -> anyhow::Result<()>;
    /// Every revision row, any order; empty when the table does not exist.
    async fn revisions(&mut self) -> anyhow::Result<Vec<Revision>>;
    /// Up to a few user objects outside the revisions table's schema, e.g. `table public.users`
    /// (to refuse applying to a database that was not made by migrations).
    async fn user_objects(&mut self) -> anyhow::Result<Vec<String>>;
    /// Inserts or replaces the row of `revision.version`; `applied_at` is set by the server.
    async fn write_revision(&mut self, revision: &Revision) -> anyhow::Result<()>;
    async fn delete_revision(&mut self, version: &str) -> anyhow::Result<()>;
    /// Opens a transaction that will run `statements` (a dialect may have to set something up
    /// outside it first: SQLite turns foreign key enforcement off before `BEGIN` when they
    /// hold `PRAGMA foreign_keys = off`, which is a no-op inside a transaction).
    async fn begin(&mut self, statements: &[&str]) -> anyhow::Result<()>;
    async fn commit(&mut self) -> anyhow::Result<()>;
    async fn rollback(&mut self) -> anyhow::Result<()>;
    /// Runs one statement. `Ok(Err(_))` is the server refusing it; `Err(_)` is anything else.
    async fn execute(&mut self, sql: &str) -> anyhow::Result<Result<(), ServerError>>;
    /// Runs a statement of a file applied statement by statement, then writes `progress` (the
    /// file's row, counting the statement as applied). A target that can make the two happen
    /// exactly once across a crash between them does so (MySQL: see
    /// `driver::mysql::landing`); by default a crash in between makes a rerun run the statement
    /// again.
    async fn execute_recorded(
        &mut self,
        sql: &str,
        progress: &Revision,
    ) -> anyhow::Result<Result<(), ServerError>> {
        if let Err(refused) = self.execute(sql).await? {
            return Ok(Err(refused));
        }
        self.write_revision(progress).await?;
        Ok(Ok(()))
    }
    /// Who runs the migration, for the revisions table.
    fn operator(&self) -> String;
    /// How the database reads SQL: migration files for it are split with this flavour.
    fn lexer_flavor(&self) -> &'static Flavor;
    /// Whether DDL can run inside a transaction. MySQL commits each DDL statement by itself:
    /// there the executor applies every file statement by statement (as `txmode none`),
    /// recording each statement as it lands, so that a rerun resumes after it.
    fn transactional_ddl(&self) -> bool {
        true
    }
}

/// How often a busy migration lock is tried again.
const LOCK_POLL: Duration = Duration::from_millis(50);

/// Calls `try_take` until it takes the lock (`true`) or `timeout` passes; `on_wait` runs once,
/// the first time the lock is busy. Dialects share this loop; each supplies its try-lock.
pub async fn poll_lock(
    timeout: Duration,
    on_wait: &mut dyn FnMut(),
    mut try_take: impl AsyncFnMut() -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut told = false;
    loop {
        if try_take().await? {
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
        tokio::time::sleep(LOCK_POLL).await;
    }
}

/// The OS user running the migration, for the revisions table's `operator`.
pub fn os_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into())
}
