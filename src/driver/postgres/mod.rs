//! PostgreSQL driver: connection, script execution, catalog inspection, and what the migration
//! runner needs (revisions table, lock, databases).

mod connect;
mod database;
mod execute;
mod in_transaction;
mod inspect;
mod lock;
mod measure;
mod objects;
mod revisions;
mod target;

pub use crate::driver::StatementError;
pub use connect::{connect, connect_url, server_version};
pub use database::{create_database, database_exists, drop_database, wait_until_ready};
pub use execute::{execute_batched, execute_each};
pub use in_transaction::InTransaction;
pub use inspect::{inspect_realm, inspect_realm_in_transaction};
pub use measure::{execute_measured, execute_measured_in_transaction};
pub use objects::named_user_objects;
pub use revisions::{DEFAULT_REVISIONS_SCHEMA, REVISIONS_TABLE};
pub use sqlx::postgres::{PgConnectOptions, PgConnection};
pub use target::PgTarget;

use crate::sql::Flavor;

/// How PostgreSQL reads SQL: what scripts run here are split with.
pub static FLAVOR: Flavor = Flavor::postgres();

/// `"name"` with embedded quotes doubled.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
