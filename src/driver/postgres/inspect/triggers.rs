//! Catalog query for user triggers on tables and views.

use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug, sqlx::FromRow)]
pub struct TriggerRow {
    pub oid: Oid,
    pub relation: Oid,
    pub name: String,
    pub definition: String,
    pub function_schema: String,
    pub function_name: String,
    pub enabled: String,
}

/// Triggers written by the user: internal ones (foreign keys) and the clones a partition gets
/// from its parent's trigger are left out.
pub async fn load(conn: &mut PgConnection, schemas: &[String]) -> sqlx::Result<Vec<TriggerRow>> {
    sqlx::query_as(
        "SELECT tg.oid, tg.tgrelid AS relation, tg.tgname::text AS name,
                pg_catalog.pg_get_triggerdef(tg.oid) AS definition,
                pn.nspname::text AS function_schema, p.proname::text AS function_name,
                tg.tgenabled::text AS enabled
         FROM pg_catalog.pg_trigger tg
         JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_catalog.pg_proc p ON p.oid = tg.tgfoid
         JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
         WHERE NOT tg.tgisinternal AND tg.tgparentid = 0
           AND n.nspname = ANY($1::text[]) AND tg.oid >= 16384",
    )
    .bind(schemas)
    .fetch_all(conn)
    .await
}
