//! MySQL and MariaDB driver: connecting, telling the two servers apart, whole databases
//! (`db create|drop|wait`), inspection into the schema model, statements, and the migration
//! target.

mod connect;
mod database;
mod execute;
pub mod inspect;
mod landing;
mod measure;
mod revisions;
mod target;

pub use connect::{ServerFlavor, connect, server_flavor};
pub use database::{create_database, database_exists, drop_database, wait_until_ready};
pub use execute::execute_each;
pub use inspect::{SCOPE, empty_realm, inspect_realm};
pub use measure::execute_measured;
pub use revisions::REVISIONS_TABLE;
pub use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
pub use target::MysqlTarget;

use crate::sql::Flavor;

/// How MySQL reads SQL: backticks, `#` comments, backslash escapes, `DELIMITER`.
pub static FLAVOR: Flavor = Flavor::mysql();

use sqlx::mysql::MySqlDatabaseError;

/// `` `name` `` with embedded backticks doubled.
pub fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// The server's error number (e.g. 1045 for access denied), when `error` came from the server.
pub fn server_error_number(error: &sqlx::Error) -> Option<u16> {
    error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<MySqlDatabaseError>())
        .map(MySqlDatabaseError::number)
}

#[cfg(test)]
mod tests {
    use super::quote_ident;

    #[test]
    fn backticks_are_doubled() {
        assert_eq!(quote_ident("app"), "`app`");
        assert_eq!(quote_ident("a`b"), "`a``b`");
        assert_eq!(quote_ident("my db"), "`my db`");
    }
}
