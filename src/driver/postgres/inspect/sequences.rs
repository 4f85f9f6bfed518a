//! Catalog query for sequences, with the column that owns each (serial, OWNED BY or identity).

use super::fragments::not_extension_member;
use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug, sqlx::FromRow)]
pub struct SequenceRow {
    pub oid: Oid,
    pub schema: String,
    pub name: String,
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cache: i64,
    pub cycle: bool,
    /// `a` for a sequence owned by a column (serial, OWNED BY), `i` for an identity column's.
    pub owner_kind: Option<String>,
    pub owner_relation: Option<Oid>,
    pub owner_position: Option<i32>,
    pub owner_schema: Option<String>,
    pub owner_table: Option<String>,
    pub owner_column: Option<String>,
}

pub async fn load(conn: &mut PgConnection, schemas: &[String]) -> sqlx::Result<Vec<SequenceRow>> {
    let sql = format!(
        "SELECT c.oid, n.nspname::text AS schema, c.relname::text AS name,
                pg_catalog.format_type(s.seqtypid, NULL) AS data_type,
                s.seqstart AS start, s.seqincrement AS increment, s.seqmin AS min_value,
                s.seqmax AS max_value, s.seqcache AS cache, s.seqcycle AS cycle,
                d.deptype::text AS owner_kind, d.refobjid AS owner_relation,
                d.refobjsubid AS owner_position,
                own_n.nspname::text AS owner_schema, own.relname::text AS owner_table,
                att.attname::text AS owner_column
         FROM pg_catalog.pg_sequence s
         JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_catalog.pg_depend d
                ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
               AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
               AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
         LEFT JOIN pg_catalog.pg_class own ON own.oid = d.refobjid
         LEFT JOIN pg_catalog.pg_namespace own_n ON own_n.oid = own.relnamespace
         LEFT JOIN pg_catalog.pg_attribute att
                ON att.attrelid = d.refobjid AND att.attnum = d.refobjsubid
         WHERE n.nspname = ANY($1::text[]) AND c.oid >= 16384
           AND {}
         ORDER BY n.nspname, c.relname",
        not_extension_member("pg_class", "c.oid")
    );
    sqlx::query_as(&sql).bind(schemas).fetch_all(conn).await
}
