//! `information_schema.VIEWS`: each view's query and options.

use super::server::Server;
use sqlx::mysql::MySqlConnection;

#[derive(Debug, sqlx::FromRow)]
pub struct ViewRow {
    pub name: String,
    /// The query as the server prints it, every name qualified with the database.
    pub definition: String,
    /// `NONE`, `CASCADED` or `LOCAL`.
    pub check_option: String,
    /// `DEFINER` or `INVOKER`.
    pub security: String,
    /// `UNDEFINED`, `MERGE` or `TEMPTABLE`.
    pub algorithm: String,
}

impl ViewRow {
    /// The options that differ from the defaults, sorted: `algorithm=merge`,
    /// `check_option=local`, `security=invoker`. The definer is left out: it names an account
    /// of one server.
    pub fn options(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (key, value, default) in [
            ("algorithm", &self.algorithm, "UNDEFINED"),
            ("check_option", &self.check_option, "NONE"),
            ("security", &self.security, "DEFINER"),
        ] {
            if !value.eq_ignore_ascii_case(default) {
                out.push(format!("{key}={}", value.to_ascii_lowercase()));
            }
        }
        out
    }
}

pub async fn load(
    conn: &mut MySqlConnection,
    server: &Server,
    database: &str,
) -> sqlx::Result<Vec<ViewRow>> {
    // VIEWS.ALGORITHM is MariaDB's; MySQL 8 keeps the algorithm only in SHOW CREATE VIEW,
    // so there every view reads UNDEFINED.
    let algorithm = if server.is_mariadb() {
        "CAST(ALGORITHM AS CHAR)"
    } else {
        "'UNDEFINED'"
    };
    let sql = format!(
        "SELECT CAST(TABLE_NAME AS CHAR) AS name, CAST(VIEW_DEFINITION AS CHAR) AS definition,
                CAST(CHECK_OPTION AS CHAR) AS check_option,
                CAST(SECURITY_TYPE AS CHAR) AS security, {algorithm} AS algorithm
         FROM information_schema.VIEWS
         WHERE TABLE_SCHEMA = ?
         ORDER BY TABLE_NAME"
    );
    sqlx::query_as(&sql).bind(database).fetch_all(conn).await
}
