//! `information_schema.TABLES`: tables, views and (MariaDB) sequences, with each table's engine,
//! collation, counter, options and comment.

use super::server::Server;
use sqlx::mysql::MySqlConnection;

#[derive(Debug, sqlx::FromRow)]
pub struct TableRow {
    pub name: String,
    /// `BASE TABLE`, `VIEW`, `SEQUENCE` (MariaDB) or `SYSTEM VERSIONED` (MariaDB).
    pub kind: String,
    pub engine: Option<String>,
    pub collation: Option<String>,
    pub auto_increment: Option<u64>,
    pub create_options: Option<String>,
    pub comment: Option<String>,
}

impl TableRow {
    pub fn is_table(&self) -> bool {
        matches!(self.kind.as_str(), "BASE TABLE" | "SYSTEM VERSIONED")
    }
}

pub async fn load(
    conn: &mut MySqlConnection,
    server: &Server,
    database: &str,
) -> sqlx::Result<Vec<TableRow>> {
    // MariaDB lists the session's temporary tables too (TEMPORARY = 'Y', NULL for views);
    // MySQL 8 has no such column and never lists them.
    let not_temporary = if server.is_mariadb() {
        "AND COALESCE(TEMPORARY, 'N') <> 'Y'"
    } else {
        ""
    };
    let sql = format!(
        "SELECT CAST(TABLE_NAME AS CHAR) AS name, CAST(TABLE_TYPE AS CHAR) AS kind,
                CAST(ENGINE AS CHAR) AS engine, CAST(TABLE_COLLATION AS CHAR) AS collation,
                CAST(AUTO_INCREMENT AS UNSIGNED) AS auto_increment,
                CAST(CREATE_OPTIONS AS CHAR) AS create_options,
                CAST(TABLE_COMMENT AS CHAR) AS comment
         FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = ? {not_temporary}
         ORDER BY TABLE_NAME"
    );
    sqlx::query_as(&sql).bind(database).fetch_all(conn).await
}

/// `CREATE_OPTIONS` split into the row format and the other options (`key=value`, key in lower
/// case, sorted). `partitioned` is left out: partitioning is read from `PARTITIONS`.
pub fn create_options(text: &str) -> (Option<String>, Vec<String>) {
    let mut row_format = None;
    let mut options = Vec::new();
    for item in text.split_whitespace() {
        if item.eq_ignore_ascii_case("partitioned") {
            continue;
        }
        let (key, value) = item.split_once('=').unwrap_or((item, ""));
        let key = key.to_ascii_lowercase();
        if key == "row_format" {
            row_format = Some(value.to_ascii_uppercase());
        } else {
            options.push(format!("{key}={value}"));
        }
    }
    options.sort();
    (row_format, options)
}

#[cfg(test)]
mod tests {
    use super::create_options;

    #[test]
    fn create_options_split_into_row_format_and_the_rest() {
        assert_eq!(
            create_options("stats_persistent=0 KEY_BLOCK_SIZE=8 row_format=compressed"),
            (
                Some("COMPRESSED".into()),
                vec!["key_block_size=8".into(), "stats_persistent=0".into()]
            )
        );
        assert_eq!(create_options("partitioned"), (None, vec![]));
        assert_eq!(create_options(""), (None, vec![]));
    }
}
