//! MariaDB's sequences (10.3+): tables of TABLE_TYPE `SEQUENCE` whose one row holds the
//! options. MariaDB 10.11 has no `information_schema.SEQUENCES`, so all of them are read in one
//! `UNION ALL` query. MySQL has no sequences.

use super::text::quote_ident;
use crate::schema::SequenceOptions;
use sqlx::mysql::MySqlConnection;

#[derive(Debug, sqlx::FromRow)]
pub struct SequenceRow {
    pub name: String,
    pub start: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub increment: i64,
    pub cache: i64,
    pub cycle: i64,
}

impl SequenceRow {
    /// MariaDB 10.11's sequences are all `bigint` (11.5 added `AS type`).
    pub fn options(&self) -> SequenceOptions {
        SequenceOptions {
            data_type: "bigint".into(),
            start: self.start,
            increment: self.increment,
            min_value: self.min_value,
            max_value: self.max_value,
            cache: self.cache,
            cycle: self.cycle != 0,
        }
    }
}

pub async fn load(
    conn: &mut MySqlConnection,
    database: &str,
    names: &[&str],
) -> sqlx::Result<Vec<SequenceRow>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let selects: Vec<String> = names
        .iter()
        .map(|name| {
            format!(
                "SELECT CAST(? AS CHAR) AS name, CAST(start_value AS SIGNED) AS start,
                        CAST(minimum_value AS SIGNED) AS min_value,
                        CAST(maximum_value AS SIGNED) AS max_value,
                        CAST(`increment` AS SIGNED) AS increment,
                        CAST(cache_size AS SIGNED) AS cache,
                        CAST(cycle_option AS SIGNED) AS cycle
                 FROM {}.{}",
                quote_ident(database),
                quote_ident(name)
            )
        })
        .collect();
    let sql = selects.join(" UNION ALL ");
    let mut query = sqlx::query_as(&sql).persistent(false);
    for name in names {
        query = query.bind(*name);
    }
    query.fetch_all(conn).await
}
