//! `KEY_COLUMN_USAGE` joined with `REFERENTIAL_CONSTRAINTS`: every foreign key of every table,
//! one row per column pair, grouped into keys.

use sqlx::mysql::MySqlConnection;

#[derive(Debug, sqlx::FromRow)]
struct ColumnPairRow {
    table_name: String,
    name: String,
    column_name: String,
    ref_schema: String,
    ref_table: String,
    ref_column: String,
    on_update: String,
    on_delete: String,
}

#[derive(Debug)]
pub struct ForeignKeyRow {
    pub table_name: String,
    pub name: String,
    pub columns: Vec<String>,
    pub ref_schema: String,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    pub on_update: String,
    pub on_delete: String,
}

pub async fn load(conn: &mut MySqlConnection, database: &str) -> sqlx::Result<Vec<ForeignKeyRow>> {
    let rows: Vec<ColumnPairRow> = sqlx::query_as(
        "SELECT CAST(k.TABLE_NAME AS CHAR) AS table_name,
                CAST(k.CONSTRAINT_NAME AS CHAR) AS name,
                CAST(k.COLUMN_NAME AS CHAR) AS column_name,
                CAST(k.REFERENCED_TABLE_SCHEMA AS CHAR) AS ref_schema,
                CAST(k.REFERENCED_TABLE_NAME AS CHAR) AS ref_table,
                CAST(k.REFERENCED_COLUMN_NAME AS CHAR) AS ref_column,
                CAST(r.UPDATE_RULE AS CHAR) AS on_update,
                CAST(r.DELETE_RULE AS CHAR) AS on_delete
         FROM information_schema.KEY_COLUMN_USAGE k
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA
          AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
          AND r.TABLE_NAME = k.TABLE_NAME
         WHERE k.TABLE_SCHEMA = ? AND r.CONSTRAINT_SCHEMA = ?
           AND k.REFERENCED_TABLE_NAME IS NOT NULL
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    )
    .bind(database)
    .bind(database)
    .fetch_all(conn)
    .await?;
    let mut out: Vec<ForeignKeyRow> = Vec::new();
    for row in rows {
        match out.last_mut() {
            Some(last) if last.table_name == row.table_name && last.name == row.name => {
                last.columns.push(row.column_name);
                last.ref_columns.push(row.ref_column);
            }
            _ => out.push(ForeignKeyRow {
                table_name: row.table_name,
                name: row.name,
                columns: vec![row.column_name],
                ref_schema: row.ref_schema,
                ref_table: row.ref_table,
                ref_columns: vec![row.ref_column],
                on_update: row.on_update,
                on_delete: row.on_delete,
            }),
        }
    }
    Ok(out)
}
