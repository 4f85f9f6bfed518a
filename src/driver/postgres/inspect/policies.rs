//! Catalog query for row-level security policies.

use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug, sqlx::FromRow)]
pub struct PolicyRow {
    pub oid: Oid,
    pub relation: Oid,
    pub name: String,
    pub permissive: bool,
    /// `r`, `a`, `w`, `d` or `*`.
    pub command: String,
    pub roles: Vec<String>,
    pub using_expr: Option<String>,
    pub with_check: Option<String>,
}

pub async fn load(conn: &mut PgConnection, schemas: &[String]) -> sqlx::Result<Vec<PolicyRow>> {
    sqlx::query_as(
        "SELECT pol.oid, pol.polrelid AS relation, pol.polname::text AS name,
                pol.polpermissive AS permissive, pol.polcmd::text AS command,
                ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public'
                                  ELSE (SELECT ro.rolname::text FROM pg_catalog.pg_roles ro
                                        WHERE ro.oid = r.oid) END
                      FROM unnest(pol.polroles) AS r(oid)) AS roles,
                pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) AS using_expr,
                pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check
         FROM pg_catalog.pg_policy pol
         JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = ANY($1::text[]) AND pol.oid >= 16384",
    )
    .bind(schemas)
    .fetch_all(conn)
    .await
}
