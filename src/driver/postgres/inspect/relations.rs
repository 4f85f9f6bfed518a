//! Catalog query for tables, partitions, views and materialized views.

use super::fragments::not_extension_member;
use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug, sqlx::FromRow)]
pub struct RelationRow {
    pub oid: Oid,
    /// The row type and its array type, so columns of those types can be traced back here.
    pub row_type: Oid,
    pub row_array_type: Oid,
    pub schema: String,
    pub name: String,
    /// `r` table, `p` partitioned table, `v` view, `m` materialized view.
    pub kind: String,
    pub persistence: String,
    pub row_security: bool,
    pub force_row_security: bool,
    pub options: Vec<String>,
    pub partition_by: Option<String>,
    pub is_partition: bool,
    pub partition_bound: Option<String>,
    pub view_definition: Option<String>,
    /// Parents from pg_inherits in `inhseqno` order.
    pub parent_schemas: Vec<String>,
    pub parent_names: Vec<String>,
}

pub async fn load(conn: &mut PgConnection, schemas: &[String]) -> sqlx::Result<Vec<RelationRow>> {
    let sql = format!(
        "SELECT c.oid, c.reltype AS row_type, coalesce(rt.typarray, 0) AS row_array_type,
                n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind,
                c.relpersistence::text AS persistence,
                c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security,
                coalesce(c.reloptions, '{{}}')::text[] AS options,
                CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_by,
                c.relispartition AS is_partition,
                CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END
                    AS partition_bound,
                CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END
                    AS view_definition,
                ARRAY(SELECT pn.nspname::text FROM pg_catalog.pg_inherits i
                      JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
                      JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
                      WHERE i.inhrelid = c.oid ORDER BY i.inhseqno) AS parent_schemas,
                ARRAY(SELECT p.relname::text FROM pg_catalog.pg_inherits i
                      JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
                      WHERE i.inhrelid = c.oid ORDER BY i.inhseqno) AS parent_names
         FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_catalog.pg_type rt ON rt.oid = c.reltype
         WHERE c.relkind IN ('r', 'p', 'v', 'm')
           AND n.nspname = ANY($1::text[]) AND c.oid >= 16384
           AND {}
         ORDER BY n.nspname, c.relname",
        not_extension_member("pg_class", "c.oid")
    );
    sqlx::query_as(&sql).bind(schemas).fetch_all(conn).await
}
