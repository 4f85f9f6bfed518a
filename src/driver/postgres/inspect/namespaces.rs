//! Catalog queries for schemas in scope and for installed extensions.

use super::fragments::not_extension_member;
use crate::driver::Scope;
use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug, sqlx::FromRow)]
pub struct SchemaRow {
    pub oid: Oid,
    pub name: String,
}

/// User schemas in scope, sorted by name.
pub async fn load_schemas(conn: &mut PgConnection, scope: &Scope) -> sqlx::Result<Vec<SchemaRow>> {
    let wanted: Option<Vec<String>> = match scope {
        Scope::AllSchemas => None,
        Scope::Schemas(names) => Some(names.clone()),
    };
    let sql = format!(
        "SELECT n.oid, n.nspname::text AS name
         FROM pg_catalog.pg_namespace n
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
           AND n.nspname !~ '^pg_temp_' AND n.nspname !~ '^pg_toast_temp_'
           AND {}
           AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
         ORDER BY n.nspname",
        not_extension_member("pg_namespace", "n.oid")
    );
    sqlx::query_as(&sql).bind(wanted).fetch_all(conn).await
}

#[derive(Debug, sqlx::FromRow)]
pub struct ExtensionRow {
    pub name: String,
    pub schema: String,
    pub version: String,
    pub default_version: Option<String>,
}

/// Every extension of the database except the always-present `plpgsql`.
pub async fn load_extensions(conn: &mut PgConnection) -> sqlx::Result<Vec<ExtensionRow>> {
    sqlx::query_as(
        "SELECT e.extname::text AS name, n.nspname::text AS schema, e.extversion AS version,
                a.default_version
         FROM pg_catalog.pg_extension e
         JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
         LEFT JOIN pg_catalog.pg_available_extensions a ON a.name = e.extname
         WHERE e.extname <> 'plpgsql'
         ORDER BY e.extname",
    )
    .fetch_all(conn)
    .await
}
