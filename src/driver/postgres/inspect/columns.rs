//! Catalog query for the columns of tables, views and composite types.

use super::fragments::{collation_name, data_type_json};
use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug, sqlx::FromRow)]
pub struct ColumnRow {
    pub relation: Oid,
    pub position: i16,
    pub name: String,
    /// A `DataType` as JSON text.
    pub data_type: String,
    pub not_null: bool,
    pub default_expr: Option<String>,
    pub generated: Option<String>,
    /// `a` always, `d` by default, empty when not an identity column.
    pub identity: String,
    /// Set only when it differs from the type's own collation.
    pub collation: Option<String>,
    /// Only a parent's (`NOT attislocal`): a partition's columns, or a child's it did not declare.
    pub inherited: bool,
}

/// Live (not dropped) user columns of every relation in scope, in (relation, attnum) order.
pub async fn load(conn: &mut PgConnection, schemas: &[String]) -> sqlx::Result<Vec<ColumnRow>> {
    let sql = format!(
        "SELECT a.attrelid AS relation, a.attnum AS position, a.attname::text AS name,
                {data_type} AS data_type,
                a.attnotnull AS not_null,
                CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END
                    AS default_expr,
                CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END
                    AS generated,
                a.attidentity::text AS identity,
                CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                     THEN {collation} END AS collation,
                NOT a.attislocal AS inherited
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
         WHERE a.attnum > 0 AND NOT a.attisdropped
           AND c.relkind IN ('r', 'p', 'v', 'm', 'c')
           AND n.nspname = ANY($1::text[]) AND a.attrelid >= 16384
         ORDER BY a.attrelid, a.attnum",
        data_type = data_type_json("a.atttypid", "a.atttypmod"),
        collation = collation_name("a.attcollation"),
    );
    sqlx::query_as(&sql).bind(schemas).fetch_all(conn).await
}
