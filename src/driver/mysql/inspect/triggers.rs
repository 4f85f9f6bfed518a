//! `information_schema.TRIGGERS`: every trigger, in firing order per table, timing and event.

use super::text::quote_ident;
use sqlx::mysql::MySqlConnection;

#[derive(Debug, sqlx::FromRow)]
pub struct TriggerRow {
    pub name: String,
    pub table_name: String,
    /// `BEFORE` or `AFTER`.
    pub timing: String,
    /// `INSERT`, `UPDATE` or `DELETE`.
    pub event: String,
    pub statement: String,
}

pub async fn load(conn: &mut MySqlConnection, database: &str) -> sqlx::Result<Vec<TriggerRow>> {
    sqlx::query_as(
        "SELECT CAST(TRIGGER_NAME AS CHAR) AS name,
                CAST(EVENT_OBJECT_TABLE AS CHAR) AS table_name,
                CAST(ACTION_TIMING AS CHAR) AS timing,
                CAST(EVENT_MANIPULATION AS CHAR) AS event,
                CAST(ACTION_STATEMENT AS CHAR) AS statement
         FROM information_schema.TRIGGERS
         WHERE TRIGGER_SCHEMA = ?
         ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER",
    )
    .bind(database)
    .fetch_all(conn)
    .await
}

/// `CREATE TRIGGER` text for each row, in the rows' order. Several triggers of one table,
/// timing and event fire in `ACTION_ORDER`; each after the first says `FOLLOWS` the one before,
/// so that the order is part of the text and equal trigger sets read alike.
pub fn definitions(rows: &[TriggerRow]) -> Vec<String> {
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| &rows[p]).filter(|p| {
            (&p.table_name, &p.timing, &p.event) == (&row.table_name, &row.timing, &row.event)
        });
        let follows = previous
            .map(|p| format!("FOLLOWS {} ", quote_ident(&p.name)))
            .unwrap_or_default();
        out.push(format!(
            "CREATE TRIGGER {} {} {} ON {} FOR EACH ROW {follows}{}",
            quote_ident(&row.name),
            row.timing,
            row.event,
            quote_ident(&row.table_name),
            row.statement
        ));
    }
    out
}
