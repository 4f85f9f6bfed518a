//! `information_schema.STATISTICS`: every index of every table, one row per key part, grouped
//! into indexes with typed parts.

use super::server::Server;
use crate::schema::{IndexKey, IndexPart};
use sqlx::mysql::MySqlConnection;

#[derive(Debug, sqlx::FromRow)]
struct PartRow {
    table_name: String,
    name: String,
    non_unique: i64,
    column_name: Option<String>,
    /// MySQL 8 functional key parts (COLUMN_NAME is NULL); MariaDB has none.
    expression: Option<String>,
    /// `A`, `D` (descending: MySQL 8, MariaDB 10.8+) or NULL (FULLTEXT).
    collation: Option<String>,
    sub_part: Option<u64>,
    index_type: String,
    comment: String,
    /// `YES` when the optimizer does not use the index.
    ignored: String,
}

/// One index (or primary key) of a table.
#[derive(Debug)]
pub struct IndexRow {
    pub table_name: String,
    pub name: String,
    pub unique: bool,
    /// BTREE, HASH, FULLTEXT or SPATIAL.
    pub method: String,
    pub parts: Vec<IndexPart>,
    pub comment: Option<String>,
    pub invisible: bool,
}

impl IndexRow {
    pub fn is_primary(&self) -> bool {
        self.name == "PRIMARY"
    }
}

pub async fn load(
    conn: &mut MySqlConnection,
    server: &Server,
    database: &str,
) -> sqlx::Result<Vec<IndexRow>> {
    // Invisible indexes: MySQL 8's IS_VISIBLE, MariaDB 10.6+'s IGNORED. Functional key parts
    // (EXPRESSION) exist on MySQL 8.0.13+ only.
    let (ignored, expression) = if server.is_mariadb() {
        let ignored = if server.has_ignored_indexes() {
            "CAST(IGNORED AS CHAR)"
        } else {
            "'NO'"
        };
        (ignored, "CAST(NULL AS CHAR)")
    } else {
        (
            "CASE WHEN IS_VISIBLE = 'NO' THEN 'YES' ELSE 'NO' END",
            "CAST(EXPRESSION AS CHAR)",
        )
    };
    let sql = format!(
        "SELECT CAST(TABLE_NAME AS CHAR) AS table_name, CAST(INDEX_NAME AS CHAR) AS name,
                CAST(NON_UNIQUE AS SIGNED) AS non_unique,
                CAST(COLUMN_NAME AS CHAR) AS column_name, {expression} AS expression,
                CAST(COLLATION AS CHAR) AS collation, CAST(SUB_PART AS UNSIGNED) AS sub_part,
                CAST(INDEX_TYPE AS CHAR) AS index_type,
                CAST(INDEX_COMMENT AS CHAR) AS comment, {ignored} AS ignored
         FROM information_schema.STATISTICS
         WHERE TABLE_SCHEMA = ?
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
    );
    let rows: Vec<PartRow> = sqlx::query_as(&sql).bind(database).fetch_all(conn).await?;
    Ok(group(rows))
}

fn group(rows: Vec<PartRow>) -> Vec<IndexRow> {
    let mut out: Vec<IndexRow> = Vec::new();
    for row in rows {
        let part = part_of(&row);
        match out.last_mut() {
            Some(last) if last.table_name == row.table_name && last.name == row.name => {
                last.parts.push(part);
            }
            _ => out.push(IndexRow {
                unique: row.non_unique == 0,
                method: row.index_type.to_ascii_uppercase(),
                parts: vec![part],
                comment: Some(row.comment).filter(|c| !c.is_empty()),
                invisible: row.ignored.eq_ignore_ascii_case("YES"),
                table_name: row.table_name,
                name: row.name,
            }),
        }
    }
    out
}

fn part_of(row: &PartRow) -> IndexPart {
    let key = match (&row.column_name, &row.expression) {
        (Some(column), _) => IndexKey::Column(column.clone()),
        (None, Some(expression)) => IndexKey::Expression(expression.clone()),
        (None, None) => IndexKey::Expression(String::new()),
    };
    let mut part = IndexPart::new(key);
    part.descending = row.collation.as_deref() == Some("D");
    // MariaDB reports a SPATIAL key's internal length (32) as SUB_PART; it is no prefix anyone
    // wrote, and SHOW CREATE TABLE does not print it.
    if !row.index_type.eq_ignore_ascii_case("SPATIAL") {
        part.prefix = row.sub_part.map(|n| n as u32);
    }
    part
}
