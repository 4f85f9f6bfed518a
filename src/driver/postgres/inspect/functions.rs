//! Catalog query for functions and procedures (aggregates and window functions not yet).

use super::fragments::not_extension_member;
use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug, sqlx::FromRow)]
pub struct FunctionRow {
    pub oid: Oid,
    pub schema: String,
    pub name: String,
    /// `f` function, `p` procedure.
    pub kind: String,
    pub identity_arguments: String,
    /// Argument types only (`integer, text`): the identity used in keys.
    pub argument_types: String,
    pub returns: Option<String>,
    pub language: String,
    pub definition: String,
}

pub async fn load(conn: &mut PgConnection, schemas: &[String]) -> sqlx::Result<Vec<FunctionRow>> {
    let sql = format!(
        "SELECT p.oid, n.nspname::text AS schema, p.proname::text AS name, p.prokind::text AS kind,
                pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity_arguments,
                pg_catalog.oidvectortypes(p.proargtypes) AS argument_types,
                CASE WHEN p.prokind = 'f' THEN pg_catalog.pg_get_function_result(p.oid) END AS returns,
                l.lanname::text AS language,
                pg_catalog.pg_get_functiondef(p.oid) AS definition
         FROM pg_catalog.pg_proc p
         JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
         JOIN pg_catalog.pg_language l ON l.oid = p.prolang
         WHERE p.prokind IN ('f', 'p')
           AND n.nspname = ANY($1::text[]) AND p.oid >= 16384
           AND {}
         ORDER BY n.nspname, p.proname",
        not_extension_member("pg_proc", "p.oid")
    );
    sqlx::query_as(&sql).bind(schemas).fetch_all(conn).await
}
