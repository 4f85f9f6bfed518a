//! Catalog query for indexes that stand on their own (not backing a constraint, not a
//! partition's copy of its parent's index), with each key's typed parts.

use crate::schema::{IndexKey, IndexPart};
use serde::Deserialize;
use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug)]
pub struct IndexRow {
    pub oid: Oid,
    pub relation: Oid,
    pub name: String,
    pub definition: String,
    pub unique: bool,
    pub method: String,
    pub parts: Vec<IndexPart>,
    pub include: Vec<String>,
    pub predicate: Option<String>,
    pub nulls_not_distinct: bool,
}

/// The row as the query returns it, its key parts still JSON.
#[derive(Debug, sqlx::FromRow)]
struct RawIndexRow {
    oid: Oid,
    relation: Oid,
    name: String,
    definition: String,
    unique: bool,
    method: String,
    /// JSON array of [`PartRow`], in key order.
    parts: String,
    include: Vec<String>,
    predicate: Option<String>,
    nulls_not_distinct: bool,
}

/// One key as the query reports it; `key` is the column's name or the expression's text.
#[derive(Debug, Deserialize)]
struct PartRow {
    key: String,
    column: bool,
    descending: bool,
    nulls_first: bool,
    collation: Option<String>,
    opclass: Option<String>,
}

impl RawIndexRow {
    fn decode(self) -> sqlx::Result<IndexRow> {
        let parts: Vec<PartRow> = serde_json::from_str(&self.parts).map_err(|e| {
            sqlx::Error::Decode(format!("index {}: unexpected key parts: {e}", self.name).into())
        })?;
        Ok(IndexRow {
            oid: self.oid,
            relation: self.relation,
            name: self.name,
            definition: self.definition,
            unique: self.unique,
            method: self.method,
            parts: parts.into_iter().map(PartRow::into_part).collect(),
            include: self.include,
            predicate: self.predicate,
            nulls_not_distinct: self.nulls_not_distinct,
        })
    }
}

impl PartRow {
    fn into_part(self) -> IndexPart {
        IndexPart {
            key: if self.column {
                IndexKey::Column(self.key)
            } else {
                IndexKey::Expression(self.key)
            },
            descending: self.descending,
            // Descending keys put NULLs first by default, ascending ones last.
            nulls_first: (self.nulls_first != self.descending).then_some(self.nulls_first),
            collation: self.collation,
            opclass: self.opclass,
            prefix: None,
        }
    }
}

// `indoption` bits: 1 = DESC, 2 = NULLS FIRST. A collation is reported when it differs from
// the column's (for an expression: from the database default, as its own is not in the
// catalog); an operator class when it is not its type's default.
pub async fn load(conn: &mut PgConnection, schemas: &[String]) -> sqlx::Result<Vec<IndexRow>> {
    let rows: Vec<RawIndexRow> = sqlx::query_as(
        "SELECT x.indexrelid AS oid, x.indrelid AS relation, i.relname::text AS name,
                pg_catalog.pg_get_indexdef(x.indexrelid) AS definition,
                x.indisunique AS unique, am.amname::text AS method,
                (SELECT COALESCE(json_agg(json_build_object(
                            'key', CASE WHEN x.indkey[k - 1] <> 0 THEN att.attname::text
                                        ELSE pg_catalog.pg_get_indexdef(x.indexrelid, k, true) END,
                            'column', x.indkey[k - 1] <> 0,
                            'descending', (x.indoption[k - 1] & 1) <> 0,
                            'nulls_first', (x.indoption[k - 1] & 2) <> 0,
                            'collation', CASE WHEN x.indcollation[k - 1] <> 0
                                               AND x.indcollation[k - 1] <> COALESCE(att.attcollation, 100)
                                          THEN coll.collname::text END,
                            'opclass', CASE WHEN NOT opc.opcdefault THEN opc.opcname::text END)
                        ORDER BY k), '[]')::text
                 FROM generate_series(1, x.indnkeyatts) AS k
                 LEFT JOIN pg_catalog.pg_attribute att
                        ON att.attrelid = x.indrelid AND att.attnum = x.indkey[k - 1]
                 LEFT JOIN pg_catalog.pg_collation coll ON coll.oid = x.indcollation[k - 1]
                 LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = x.indclass[k - 1]) AS parts,
                ARRAY(SELECT pg_catalog.pg_get_indexdef(x.indexrelid, k, true)
                      FROM generate_series(x.indnkeyatts + 1, x.indnatts) AS k ORDER BY k) AS include,
                pg_catalog.pg_get_expr(x.indpred, x.indrelid) AS predicate,
                x.indnullsnotdistinct AS nulls_not_distinct
         FROM pg_catalog.pg_index x
         JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
         JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_catalog.pg_am am ON am.oid = i.relam
         WHERE n.nspname = ANY($1::text[]) AND x.indrelid >= 16384 AND x.indexrelid >= 16384
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co
                           WHERE co.conindid = x.indexrelid AND co.conrelid = x.indrelid
                             AND co.contype IN ('p', 'u', 'x'))
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = x.indexrelid)",
    )
    .bind(schemas)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(RawIndexRow::decode).collect()
}
