//! Which server answers (MySQL or MariaDB, and its version) and the defaults a table inherits:
//! the server's storage engine and the database's character set and collation.

use anyhow::Context;
use sqlx::mysql::MySqlConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    Mysql,
    MariaDb,
}

#[derive(Debug, Clone)]
pub struct Server {
    pub kind: ServerKind,
    /// (major, minor) of the server version, e.g. (10, 11).
    pub version: (u32, u32),
    pub default_engine: String,
    pub charset: String,
    pub collation: String,
}

impl Server {
    pub fn is_mariadb(&self) -> bool {
        self.kind == ServerKind::MariaDb
    }

    /// MariaDB 10.6 added ignored indexes (`STATISTICS.IGNORED`).
    pub fn has_ignored_indexes(&self) -> bool {
        self.is_mariadb() && self.version >= (10, 6)
    }
}

#[derive(sqlx::FromRow)]
struct ServerRow {
    version: String,
    default_engine: String,
    charset: String,
    collation: String,
}

/// One query: the version, the default engine and the database's defaults; an error when the
/// database does not exist.
pub async fn load(conn: &mut MySqlConnection, database: &str) -> anyhow::Result<Server> {
    let row: Option<ServerRow> = sqlx::query_as(
        "SELECT CAST(VERSION() AS CHAR) AS version,
                CAST(@@default_storage_engine AS CHAR) AS default_engine,
                CAST(DEFAULT_CHARACTER_SET_NAME AS CHAR) AS charset,
                CAST(DEFAULT_COLLATION_NAME AS CHAR) AS collation
         FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
    )
    .bind(database)
    .fetch_optional(conn)
    .await
    .context("reading the server version and the database defaults")?;
    let row = row.with_context(|| format!("database `{database}` does not exist"))?;
    Ok(Server {
        kind: if row.version.to_ascii_lowercase().contains("mariadb") {
            ServerKind::MariaDb
        } else {
            ServerKind::Mysql
        },
        version: major_minor(&row.version),
        default_engine: row.default_engine,
        charset: row.charset,
        collation: row.collation,
    })
}

/// `10.11.19-MariaDB-0+deb12u1` → (10, 11).
fn major_minor(version: &str) -> (u32, u32) {
    let mut numbers = version
        .split(|c: char| !c.is_ascii_digit())
        .map(|n| n.parse().unwrap_or(0));
    (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::major_minor;

    #[test]
    fn versions_read_as_major_and_minor() {
        assert_eq!(major_minor("10.11.19-MariaDB-0+deb12u1"), (10, 11));
        assert_eq!(major_minor("8.0.36"), (8, 0));
    }
}
