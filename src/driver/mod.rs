//! Database drivers: connect, inspect into the schema model, execute statements.

pub mod postgres;
mod revision_row;
pub mod sqlite;
mod statement_error;

pub use statement_error::StatementError;

use crate::schema::Realm;
use sqlx::{PgConnection, SqliteConnection};

/// Which schemas an inspection covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every user schema (system schemas and temporary schemas excluded).
    AllSchemas,
    /// Only these schemas; names that do not exist are ignored.
    Schemas(Vec<String>),
}

/// The SQL dialect of a run, chosen by the dev URL (or the target URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Sqlite,
}

/// A connection that runs statements one at a time, stopping at the first failure.
pub trait StatementRunner {
    fn execute_each(
        &mut self,
        statements: &[String],
    ) -> impl Future<Output = Result<(), StatementError>>;
}

impl StatementRunner for PgConnection {
    async fn execute_each(&mut self, statements: &[String]) -> Result<(), StatementError> {
        postgres::execute_each(self, statements).await
    }
}

impl StatementRunner for SqliteConnection {
    async fn execute_each(&mut self, statements: &[String]) -> Result<(), StatementError> {
        sqlite::execute_each(self, statements).await
    }
}

/// A connection to a scratch database of either dialect.
pub enum DevConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

impl DevConnection {
    pub async fn inspect_realm(&mut self, scope: &Scope) -> anyhow::Result<Realm> {
        match self {
            DevConnection::Postgres(conn) => postgres::inspect_realm(conn, scope).await,
            DevConnection::Sqlite(conn) => sqlite::inspect_realm(conn).await,
        }
    }
}

impl StatementRunner for DevConnection {
    async fn execute_each(&mut self, statements: &[String]) -> Result<(), StatementError> {
        match self {
            DevConnection::Postgres(conn) => postgres::execute_each(conn, statements).await,
            DevConnection::Sqlite(conn) => sqlite::execute_each(conn, statements).await,
        }
    }
}
