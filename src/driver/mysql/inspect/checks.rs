//! Check constraints of every table.

use super::server::Server;
use sqlx::mysql::MySqlConnection;

#[derive(Debug, sqlx::FromRow)]
pub struct CheckRow {
    pub table_name: String,
    pub name: String,
    /// The condition as the server prints it: `` `a` > 1 `` on MariaDB, `` (`a` > 1) `` on
    /// MySQL 8.
    pub clause: String,
    /// MariaDB: `Column` for a check written on a column (named after it, dropped with it),
    /// `Table` otherwise. MySQL 8 makes every check a table check.
    pub level: String,
    /// MySQL 8.0.16+: `NO` for `NOT ENFORCED`. MariaDB always enforces.
    pub enforced: String,
}

impl CheckRow {
    pub fn is_column_level(&self) -> bool {
        self.level.eq_ignore_ascii_case("Column")
    }
}

pub async fn load(
    conn: &mut MySqlConnection,
    server: &Server,
    database: &str,
) -> sqlx::Result<Vec<CheckRow>> {
    // MariaDB's CHECK_CONSTRAINTS names the table and the level itself, and its check names are
    // per table; MySQL 8's has neither column (names are per schema), so the table and
    // ENFORCED come from TABLE_CONSTRAINTS.
    let sql = if server.is_mariadb() {
        "SELECT CAST(TABLE_NAME AS CHAR) AS table_name, CAST(CONSTRAINT_NAME AS CHAR) AS name,
                CAST(CHECK_CLAUSE AS CHAR) AS clause, CAST(LEVEL AS CHAR) AS level,
                'YES' AS enforced
         FROM information_schema.CHECK_CONSTRAINTS
         WHERE CONSTRAINT_SCHEMA = ?
         ORDER BY TABLE_NAME, CONSTRAINT_NAME"
    } else {
        "SELECT CAST(tc.TABLE_NAME AS CHAR) AS table_name,
                CAST(tc.CONSTRAINT_NAME AS CHAR) AS name,
                CAST(cc.CHECK_CLAUSE AS CHAR) AS clause, 'Table' AS level,
                CAST(tc.ENFORCED AS CHAR) AS enforced
         FROM information_schema.TABLE_CONSTRAINTS tc
         JOIN information_schema.CHECK_CONSTRAINTS cc
           ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA
          AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
         WHERE tc.TABLE_SCHEMA = ? AND tc.CONSTRAINT_TYPE = 'CHECK'
         ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME"
    };
    sqlx::query_as(sql).bind(database).fetch_all(conn).await
}

/// MariaDB's `JSON` is `LONGTEXT` with an automatic column check `` json_valid(`col`) `` named
/// after the column; this is that check.
pub fn is_mariadb_json_check(check: &CheckRow, column: &str) -> bool {
    check.is_column_level()
        && check.name == column
        && check.clause == format!("json_valid({})", super::text::quote_ident(column))
}
