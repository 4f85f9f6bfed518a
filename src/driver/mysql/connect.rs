//! Opening a connection, with messages that say what went wrong, and asking the server which
//! of MySQL and MariaDB it is.

use super::server_error_number;
use crate::error::failure;
use crate::url::{MysqlFlavor, MysqlUrl};
use anyhow::Context;
use sqlx::Connection;
use sqlx::mysql::MySqlConnection;
use std::fmt;

/// ER_ACCESS_DENIED_ERROR: wrong user or password, or the user may not connect from this host.
const ACCESS_DENIED: u16 = 1045;
/// ER_DBACCESS_DENIED_ERROR: the user may not use the database.
const DATABASE_ACCESS_DENIED: u16 = 1044;
/// ER_BAD_DB_ERROR: unknown database.
pub(super) const UNKNOWN_DATABASE: u16 = 1049;

/// sqlx always asks for the IGNORE_SPACE capability, which puts IGNORE_SPACE in the
/// session's sql_mode and makes built-in function names reserved (`CREATE TABLE count (…)`
/// fails). This takes it out again unless the server's global sql_mode has it, so that a
/// migration file means what it means in the mysql client.
const DROP_IGNORE_SPACE: &str = "SET SESSION sql_mode = IF(FIND_IN_SET('IGNORE_SPACE', @@GLOBAL.sql_mode), \
     @@SESSION.sql_mode, \
     TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',IGNORE_SPACE,', ',')))";

/// Connects within the URL's connect timeout, with the session's sql_mode as the mysql client
/// would have it. Every failure names the redacted URL and says what to check; none shows the
/// password.
pub async fn connect(url: &MysqlUrl) -> anyhow::Result<MySqlConnection> {
    let timeout = url.connect_timeout();
    match tokio::time::timeout(
        timeout,
        MySqlConnection::connect_with(&url.connect_options()),
    )
    .await
    {
        Ok(Ok(mut conn)) => {
            sqlx::raw_sql(DROP_IGNORE_SPACE)
                .execute(&mut conn)
                .await
                .map_err(|e| failure(format!("cannot set the sql_mode of {url}: {e}")))?;
            Ok(conn)
        }
        Ok(Err(error)) => Err(failure(format!(
            "cannot connect to {url}: {}",
            explain(url, &error)
        ))),
        Err(_) => Err(failure(format!(
            "cannot connect to {url}: no answer from {} within {} s",
            url.place(),
            timeout.as_secs()
        ))),
    }
}

/// Why a connection attempt failed, in words that point at the fix.
pub(super) fn explain(url: &MysqlUrl, error: &sqlx::Error) -> String {
    match server_error_number(error) {
        Some(ACCESS_DENIED) => format!(
            "access denied for user \"{}\": the password is wrong, or the user may not connect \
             from this host ({})",
            url.user(),
            server_message(error)
        ),
        Some(DATABASE_ACCESS_DENIED) => format!(
            "user \"{}\" may not use database \"{}\" ({})",
            url.user(),
            url.database().unwrap_or_default(),
            server_message(error)
        ),
        Some(UNKNOWN_DATABASE) => format!(
            "database \"{}\" does not exist (`schemactl db create --url URL` creates it)",
            url.database().unwrap_or_default()
        ),
        Some(_) => server_message(error),
        None => match error {
            sqlx::Error::Io(io) => format!(
                "{io} at {}; is a {} server running and listening there?",
                url.place(),
                url.flavor().name()
            ),
            other => format!("{other} (at {})", url.place()),
        },
    }
}

fn server_message(error: &sqlx::Error) -> String {
    error
        .as_database_error()
        .map_or_else(|| error.to_string(), |e| e.message().to_string())
}

/// Which server a connection reached and its version, from `SELECT VERSION()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFlavor {
    pub flavor: MysqlFlavor,
    /// `(major, minor, patch)`, e.g. `(10, 11, 6)`.
    pub version: (u32, u32, u32),
    /// What `VERSION()` returned, e.g. `10.11.6-MariaDB-0+deb12u1`.
    pub text: String,
}

impl ServerFlavor {
    /// Reads `VERSION()` text: MariaDB says so in it (`10.11.6-MariaDB-…`, behind a
    /// `5.5.5-` prefix on some proxies); anything else is MySQL (`8.0.36`, `8.0.36-28` of
    /// Percona, which behaves as MySQL).
    pub fn parse(text: &str) -> anyhow::Result<ServerFlavor> {
        let is_mariadb = text.contains("MariaDB");
        let numbers = match text.strip_prefix("5.5.5-") {
            Some(rest) if is_mariadb => rest,
            _ => text,
        };
        let version_part = numbers
            .split(|c: char| !c.is_ascii_digit() && c != '.')
            .next()
            .unwrap_or_default();
        let mut parts = version_part.split('.').map(|p| p.parse::<u32>());
        let (Some(Ok(major)), Some(Ok(minor))) = (parts.next(), parts.next()) else {
            anyhow::bail!("unexpected server version {text:?}");
        };
        let patch = parts.next().and_then(Result::ok).unwrap_or(0);
        Ok(ServerFlavor {
            flavor: if is_mariadb {
                MysqlFlavor::Mariadb
            } else {
                MysqlFlavor::Mysql
            },
            version: (major, minor, patch),
            text: text.to_string(),
        })
    }

    pub fn is_mariadb(&self) -> bool {
        self.flavor == MysqlFlavor::Mariadb
    }

    /// Whether the server is at least `major.minor`.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.version.0, self.version.1) >= (major, minor)
    }
}

impl fmt::Display for ServerFlavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (major, minor, patch) = self.version;
        write!(f, "{} {major}.{minor}.{patch}", self.flavor.name())
    }
}

/// The server behind `conn`: MySQL or MariaDB, and its version.
pub async fn server_flavor(conn: &mut MySqlConnection) -> anyhow::Result<ServerFlavor> {
    let text: String = sqlx::query_scalar("SELECT VERSION()")
        .fetch_one(conn)
        .await
        .context("reading the server version")?;
    ServerFlavor::parse(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_mariadb_from_mysql_by_the_version_text() {
        let server = ServerFlavor::parse("10.11.6-MariaDB-0+deb12u1").unwrap();
        assert!(server.is_mariadb());
        assert_eq!(server.version, (10, 11, 6));
        assert_eq!(server.to_string(), "MariaDB 10.11.6");
        let server = ServerFlavor::parse("5.5.5-10.6.12-MariaDB-log").unwrap();
        assert_eq!(
            (server.flavor, server.version),
            (MysqlFlavor::Mariadb, (10, 6, 12))
        );
        let server = ServerFlavor::parse("8.0.36-0ubuntu0.22.04.1").unwrap();
        assert_eq!(
            (server.flavor, server.version),
            (MysqlFlavor::Mysql, (8, 0, 36))
        );
        assert_eq!(ServerFlavor::parse("8.4").unwrap().version, (8, 4, 0));
        assert!(ServerFlavor::parse("8.0.36-28").unwrap().at_least(8, 0));
        assert!(
            !ServerFlavor::parse("10.5.1-MariaDB")
                .unwrap()
                .at_least(10, 6)
        );
        assert!(ServerFlavor::parse("unknown").is_err());
    }
}
