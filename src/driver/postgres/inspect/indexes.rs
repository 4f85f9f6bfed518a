//! Catalog query for indexes that stand on their own (not backing a constraint, not a
//! partition's copy of its parent's index).

use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug, sqlx::FromRow)]
pub struct IndexRow {
    pub oid: Oid,
    pub relation: Oid,
    pub name: String,
    pub definition: String,
    pub unique: bool,
    pub method: String,
    pub keys: Vec<String>,
    pub include: Vec<String>,
    pub predicate: Option<String>,
    pub nulls_not_distinct: bool,
}

pub async fn load(conn: &mut PgConnection, schemas: &[String]) -> sqlx::Result<Vec<IndexRow>> {
    sqlx::query_as(
        "SELECT x.indexrelid AS oid, x.indrelid AS relation, i.relname::text AS name,
                pg_catalog.pg_get_indexdef(x.indexrelid) AS definition,
                x.indisunique AS unique, am.amname::text AS method,
                ARRAY(SELECT pg_catalog.pg_get_indexdef(x.indexrelid, k, true)
                      FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS keys,
                ARRAY(SELECT pg_catalog.pg_get_indexdef(x.indexrelid, k, true)
                      FROM generate_series(x.indnkeyatts + 1, x.indnatts) AS k ORDER BY k) AS include,
                pg_catalog.pg_get_expr(x.indpred, x.indrelid) AS predicate,
                x.indnullsnotdistinct AS nulls_not_distinct
         FROM pg_catalog.pg_index x
         JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
         JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_catalog.pg_am am ON am.oid = i.relam
         WHERE n.nspname = ANY($1::text[])
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co
                           WHERE co.conindid = x.indexrelid AND co.conrelid = x.indrelid
                             AND co.contype IN ('p', 'u', 'x'))
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = x.indexrelid)",
    )
    .bind(schemas)
    .fetch_all(conn)
    .await
}
