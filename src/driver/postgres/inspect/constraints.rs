//! Catalog queries for table constraints and domain check constraints.

use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug, sqlx::FromRow)]
pub struct ConstraintRow {
    pub oid: Oid,
    pub relation: Oid,
    pub name: String,
    /// `p`, `u`, `c`, `f` or `x`.
    pub kind: String,
    pub definition: String,
    pub columns: Vec<String>,
    pub referenced_schema: Option<String>,
    pub referenced_table: Option<String>,
    pub referenced_columns: Vec<String>,
    pub validated: bool,
    pub deferrable: bool,
    pub initially_deferred: bool,
}

/// Constraints declared on tables in scope. Constraints a partition receives from its parent
/// (`conparentid`) and checks inherited from an INHERITS parent (`NOT conislocal`) are left out:
/// they belong to the parent and come back with it.
pub async fn load(conn: &mut PgConnection, schemas: &[String]) -> sqlx::Result<Vec<ConstraintRow>> {
    sqlx::query_as(
        "SELECT co.oid, co.conrelid AS relation, co.conname::text AS name,
                co.contype::text AS kind, pg_catalog.pg_get_constraintdef(co.oid) AS definition,
                ARRAY(SELECT a.attname::text
                      FROM unnest(co.conkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum
                      ORDER BY k.ord) AS columns,
                rn.nspname::text AS referenced_schema, r.relname::text AS referenced_table,
                ARRAY(SELECT a.attname::text
                      FROM unnest(co.confkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.attnum
                      ORDER BY k.ord) AS referenced_columns,
                co.convalidated AS validated, co.condeferrable AS deferrable,
                co.condeferred AS initially_deferred
         FROM pg_catalog.pg_constraint co
         JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_catalog.pg_class r ON r.oid = co.confrelid AND co.contype = 'f'
         LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
         WHERE co.contype IN ('p', 'u', 'c', 'f', 'x')
           AND co.conparentid = 0 AND co.conislocal
           AND n.nspname = ANY($1::text[]) AND co.oid >= 16384",
    )
    .bind(schemas)
    .fetch_all(conn)
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct DomainCheckRow {
    pub domain: Oid,
    pub name: String,
    pub definition: String,
}

/// CHECK constraints of domains in scope.
pub async fn load_domain_checks(
    conn: &mut PgConnection,
    schemas: &[String],
) -> sqlx::Result<Vec<DomainCheckRow>> {
    sqlx::query_as(
        "SELECT co.contypid AS domain, co.conname::text AS name,
                pg_catalog.pg_get_constraintdef(co.oid) AS definition
         FROM pg_catalog.pg_constraint co
         JOIN pg_catalog.pg_type t ON t.oid = co.contypid
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
         WHERE co.contype = 'c' AND n.nspname = ANY($1::text[]) AND co.oid >= 16384",
    )
    .bind(schemas)
    .fetch_all(conn)
    .await
}
