//! PostgreSQL driver: connection, script execution and catalog inspection.

mod connect;
mod execute;
mod inspect;

pub use crate::driver::StatementError;
pub use connect::{connect, server_version};
pub use execute::execute_each;
pub use inspect::inspect_realm;
pub use sqlx::postgres::{PgConnectOptions, PgConnection};
