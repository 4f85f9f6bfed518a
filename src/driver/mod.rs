//! Database drivers: connect, inspect into the schema model, execute statements.
//!
//! Each dialect's driver is one folder (`postgres/`, `mysql/`, `sqlite/`). What the rest of
//! schemactl needs from a connection to a scratch database is [`DevConnection`]; the dialect
//! seam hands such connections out, so nothing outside it names a driver.

pub mod measure;
pub mod mysql;
pub mod postgres;
mod revision_row;
pub mod sqlite;
mod statement_error;

pub use measure::Measurement;
pub use statement_error::StatementError;

use crate::schema::Realm;
use crate::sql::Flavor;
use async_trait::async_trait;
use sqlx::{MySqlConnection, PgConnection, SqliteConnection};

/// Which schemas an inspection covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every user schema (system schemas and temporary schemas excluded).
    AllSchemas,
    /// Only these schemas; names that do not exist are ignored.
    Schemas(Vec<String>),
}

impl Scope {
    /// The scope of a URL's schema list (`search_path`): those schemas, or all of them.
    pub fn of(schemas: Option<Vec<String>>) -> Scope {
        schemas.map_or(Scope::AllSchemas, Scope::Schemas)
    }
}

/// A connection to a scratch database: runs statements and inspects what they left.
#[async_trait(?Send)]
pub trait DevConnection: Send {
    /// Runs statements in autocommit mode, stopping at the first failure: the state after it
    /// and the failure are those of running them one at a time (a driver may send several per
    /// round trip).
    async fn execute_each(&mut self, statements: &[String]) -> Result<(), StatementError>;
    /// The schema model of the database, limited to `scope` where the dialect has schemas.
    async fn inspect_realm(&mut self, scope: &Scope) -> anyhow::Result<Realm>;
    /// Runs one statement as [`execute_each`](Self::execute_each) does and asks the database
    /// what it did (see [`measure`]); `None` where the database cannot tell.
    async fn execute_measured(
        &mut self,
        statement: &str,
    ) -> Result<Option<Measurement>, StatementError> {
        self.execute_each(&[statement.to_string()]).await?;
        Ok(None)
    }
    /// How the database reads SQL: scripts for it are split with this flavour.
    fn lexer_flavor(&self) -> &'static Flavor;
}

#[async_trait(?Send)]
impl DevConnection for PgConnection {
    /// Many statements per round trip (see `postgres::execute_batched`): the connection is in
    /// autocommit mode.
    async fn execute_each(&mut self, statements: &[String]) -> Result<(), StatementError> {
        postgres::execute_batched(self, statements).await
    }

    async fn inspect_realm(&mut self, scope: &Scope) -> anyhow::Result<Realm> {
        postgres::inspect_realm(self, scope).await
    }

    async fn execute_measured(
        &mut self,
        statement: &str,
    ) -> Result<Option<Measurement>, StatementError> {
        postgres::execute_measured(self, statement).await.map(Some)
    }

    fn lexer_flavor(&self) -> &'static Flavor {
        &postgres::FLAVOR
    }
}

/// Inside a transaction that is rolled back later: inspections take a savepoint instead of a
/// transaction of their own.
#[async_trait(?Send)]
impl DevConnection for postgres::InTransaction {
    async fn execute_each(&mut self, statements: &[String]) -> Result<(), StatementError> {
        postgres::execute_each(&mut self.0, statements).await
    }

    async fn inspect_realm(&mut self, scope: &Scope) -> anyhow::Result<Realm> {
        postgres::inspect_realm_in_transaction(&mut self.0, scope).await
    }

    async fn execute_measured(
        &mut self,
        statement: &str,
    ) -> Result<Option<Measurement>, StatementError> {
        postgres::execute_measured_in_transaction(&mut self.0, statement)
            .await
            .map(Some)
    }

    fn lexer_flavor(&self) -> &'static Flavor {
        &postgres::FLAVOR
    }
}

#[async_trait(?Send)]
impl DevConnection for SqliteConnection {
    async fn execute_each(&mut self, statements: &[String]) -> Result<(), StatementError> {
        sqlite::execute_each(self, statements).await
    }

    /// SQLite has one schema (`main`); the scope does not apply.
    async fn inspect_realm(&mut self, _scope: &Scope) -> anyhow::Result<Realm> {
        sqlite::inspect_realm(self).await
    }

    fn lexer_flavor(&self) -> &'static Flavor {
        &sqlite::FLAVOR
    }
}

#[async_trait(?Send)]
impl DevConnection for MySqlConnection {
    async fn execute_each(&mut self, statements: &[String]) -> Result<(), StatementError> {
        mysql::execute_each(self, statements).await
    }

    /// The database is the scope: the connection's current database, whole.
    async fn inspect_realm(&mut self, _scope: &Scope) -> anyhow::Result<Realm> {
        let (database,): (Option<String>,) = sqlx::query_as("SELECT DATABASE()")
            .fetch_one(&mut *self)
            .await?;
        let database =
            database.ok_or_else(|| anyhow::anyhow!("the connection has no current database"))?;
        mysql::inspect_realm(self, &database).await
    }

    async fn execute_measured(
        &mut self,
        statement: &str,
    ) -> Result<Option<Measurement>, StatementError> {
        mysql::execute_measured(self, statement).await
    }

    fn lexer_flavor(&self) -> &'static Flavor {
        &mysql::FLAVOR
    }
}
