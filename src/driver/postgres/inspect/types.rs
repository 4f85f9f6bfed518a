//! Catalog query for user-defined enum, composite, domain and range types.

use super::fragments::{collation_name, data_type_json, not_extension_member};
use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug, sqlx::FromRow)]
pub struct TypeRow {
    pub oid: Oid,
    pub array_type: Oid,
    /// The class holding a composite type's attributes (0 otherwise).
    pub class: Oid,
    pub schema: String,
    pub name: String,
    /// `e` enum, `c` composite, `d` domain, `r` range.
    pub kind: String,
    pub enum_labels: Vec<String>,
    /// Domain base type or range subtype, as `DataType` JSON text.
    pub base_type: Option<String>,
    pub not_null: bool,
    pub default_expr: Option<String>,
    pub collation: Option<String>,
    pub range_options: Vec<String>,
}

/// Types in scope that the model covers. Array types, table row types, multiranges (created
/// with their range), base and pseudo types, and extension members are left out.
pub async fn load(conn: &mut PgConnection, schemas: &[String]) -> sqlx::Result<Vec<TypeRow>> {
    let sql = format!(
        "SELECT t.oid, t.typarray AS array_type, t.typrelid AS class,
                n.nspname::text AS schema, t.typname::text AS name, t.typtype::text AS kind,
                ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e
                      WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS enum_labels,
                CASE t.typtype WHEN 'd' THEN {domain_base}
                               WHEN 'r' THEN {range_subtype} END AS base_type,
                t.typnotnull AS not_null,
                coalesce(pg_catalog.pg_get_expr(t.typdefaultbin, 0), t.typdefault) AS default_expr,
                CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 AND t.typcollation <> bt.typcollation
                     THEN {domain_collation} END AS collation,
                array_remove(ARRAY[
                    CASE WHEN opc.oid IS NOT NULL AND NOT opc.opcdefault
                         THEN 'subtype_opclass = ' || CASE WHEN opn.nspname = 'pg_catalog'
                              THEN quote_ident(opc.opcname)
                              ELSE quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) END
                    END,
                    CASE WHEN rg.rngcollation <> 0 AND rg.rngcollation <> st.typcollation
                         THEN 'collation = ' || {range_collation} END,
                    CASE WHEN rg.rngcanonical <> 0 THEN 'canonical = ' || rg.rngcanonical::pg_catalog.regproc::text END,
                    CASE WHEN rg.rngsubdiff <> 0 THEN 'subtype_diff = ' || rg.rngsubdiff::pg_catalog.regproc::text END
                ], NULL) AS range_options
         FROM pg_catalog.pg_type t
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
         LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
         LEFT JOIN pg_catalog.pg_range rg ON rg.rngtypid = t.oid
         LEFT JOIN pg_catalog.pg_type st ON st.oid = rg.rngsubtype
         LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = rg.rngsubopc
         LEFT JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace
         WHERE t.typtype IN ('e', 'c', 'd', 'r')
           AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_catalog.pg_class tc
                                            WHERE tc.oid = t.typrelid AND tc.relkind = 'c'))
           AND n.nspname = ANY($1::text[]) AND t.oid >= 16384
           AND {not_member}
         ORDER BY n.nspname, t.typname",
        domain_base = data_type_json("t.typbasetype", "t.typtypmod"),
        range_subtype = data_type_json("rg.rngsubtype", "NULL"),
        domain_collation = collation_name("t.typcollation"),
        range_collation = collation_name("rg.rngcollation"),
        not_member = not_extension_member("pg_type", "t.oid"),
    );
    sqlx::query_as(&sql).bind(schemas).fetch_all(conn).await
}
