//! SQLite: `sqlite://` database files, and in-memory dev databases.

use super::Dev;
use super::{Dialect, LintTraits};
use crate::devdb::MemoryDev;
use crate::diff::{Change, DiffPolicy};
use crate::driver::sqlite::{self, REVISIONS_TABLE, SqliteTarget};
use crate::error::bad_input;
use crate::migrate::{MigrationTarget, TargetSpec};
use crate::plan::sqlite::{SqliteDiffPolicy, SqlitePlanner};
use crate::plan::{Plan, Planner};
use crate::schema::Realm;
use crate::sql::Flavor;
use crate::url::{DbUrl, SqliteUrl};
use anyhow::Result;
use async_trait::async_trait;
use std::time::Duration;

#[derive(Debug)]
pub struct Sqlite;

pub static SQLITE: Sqlite = Sqlite;

/// The URL of a database this dialect owns.
fn sqlite_url(url: &DbUrl) -> Result<&SqliteUrl> {
    match url {
        DbUrl::Sqlite(file) => Ok(file),
        other => Err(bad_input(format!(
            "{other}: expected a sqlite:// database URL here"
        ))),
    }
}

#[async_trait(?Send)]
impl Dialect for Sqlite {
    fn name(&self) -> &'static str {
        "SQLite"
    }

    fn sqlalchemy_name(&self, url: &DbUrl) -> &'static str {
        let _ = url;
        "sqlite"
    }

    fn sqlalchemy_names(&self) -> &'static [&'static str] {
        &["sqlite"]
    }

    fn owns(&self, url: &DbUrl) -> bool {
        matches!(url, DbUrl::Sqlite(_))
    }

    fn default_schema(&self) -> &'static str {
        sqlite::MAIN
    }

    fn empty_realm(&self) -> Realm {
        sqlite::empty_realm()
    }

    /// The planner needs both models: a table rebuild copies the current table's columns.
    fn plan(&self, current: &Realm, desired: &Realm, changes: &[Change]) -> Result<Plan> {
        SqlitePlanner { current, desired }.plan(changes)
    }

    fn diff_policy(&self) -> &'static dyn DiffPolicy {
        &SqliteDiffPolicy
    }

    fn lexer_flavor(&self) -> &'static Flavor {
        &sqlite::FLAVOR
    }

    fn lint_traits(&self) -> Result<&'static LintTraits> {
        Ok(&SQLITE_LINT)
    }

    /// Always a private database in memory: a dev database must never write a file.
    fn dev(&'static self, url: Option<&DbUrl>) -> Result<Dev> {
        if let Some(url) = url {
            let lite = sqlite_url(url)?;
            if !lite.in_memory() {
                return Err(bad_input(format!(
                    "dev URL {lite}: a SQLite dev database must be in memory (sqlite://NAME?mode=memory), so that nothing is written to a file"
                )));
            }
        }
        Ok(Dev::new(self, Box::new(MemoryDev)))
    }

    async fn inspect(&self, url: &DbUrl) -> Result<Realm> {
        let mut conn = sqlite::connect(sqlite_url(url)?, true).await?;
        let mut realm = sqlite::inspect_realm(&mut conn).await?;
        for schema in realm.schemas.values_mut() {
            schema.tables.remove(REVISIONS_TABLE);
        }
        Ok(realm)
    }

    async fn open_target(&self, spec: &TargetSpec) -> Result<Box<dyn MigrationTarget>> {
        let target = SqliteTarget::connect(sqlite_url(&spec.url)?, spec.lock_timeout).await?;
        Ok(Box::new(target))
    }

    async fn create_database(&self, url: &DbUrl) -> Result<bool> {
        sqlite::create_database(sqlite_url(url)?)
    }

    async fn drop_database(&self, url: &DbUrl) -> Result<bool> {
        sqlite::drop_database(sqlite_url(url)?)
    }

    async fn database_exists(&self, url: &DbUrl) -> Result<bool> {
        sqlite::database_exists(sqlite_url(url)?)
    }

    /// There is no server: waits only for the file's directory.
    async fn wait_until_ready(&self, url: &DbUrl, timeout: Duration) -> Result<Duration> {
        sqlite::wait_until_ready(sqlite_url(url)?, timeout).await
    }

    fn database_label(&self, url: &DbUrl) -> String {
        match sqlite_url(url) {
            Ok(file) => format!("database file {}", file.path()),
            Err(_) => format!("database {url}"),
        }
    }

    fn ready_message(&self, waited: Duration) -> String {
        format!(
            "SQLite needs no server: the database file's directory exists (after {} ms)",
            waited.as_millis()
        )
    }
}

/// SQLite's DDL is transactional, its names are kept as written, its column types are
/// affinities (a value is never cut to fit), and it has no lock levels per table: one writer
/// holds the whole database. The locking and style families, about PostgreSQL, do not run.
static SQLITE_LINT: LintTraits = LintTraits {
    grammar: &sqlparser::dialect::SQLiteDialect {},
    flavor: &sqlite::FLAVOR,
    default_schema: "main",
    folds_unquoted_names: false,
    transactional_ddl: true,
    lock_rules: false,
    style_rules: false,
    coerces_existing_values: false,
    max_identifier_bytes: usize::MAX,
    type_cost: |_, _| crate::plan::type_cost::TypeCost::FREE,
    help: &[(
        "MF104",
        "SQLite makes a column NOT NULL only by rebuilding the table: fill the NULLs first, in \
         an earlier migration, so that the copy does not fail.",
    )],
};
