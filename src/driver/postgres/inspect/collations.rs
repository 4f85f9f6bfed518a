//! Catalog query for user-defined collations.

use super::fragments::not_extension_member;
use crate::schema::{Collation, CollationProvider};
use sqlx::postgres::{PgConnection, types::Oid};

#[derive(Debug, sqlx::FromRow)]
pub struct CollationRow {
    pub oid: Oid,
    pub schema: String,
    pub name: String,
    /// `pg_collation.collprovider`: `c` libc, `i` ICU, `b` builtin.
    pub provider: String,
    pub locale: Option<String>,
    pub lc_collate: Option<String>,
    pub lc_ctype: Option<String>,
    pub deterministic: bool,
    pub rules: Option<String>,
}

/// Collations created in the schemas in scope. The locale and rules columns differ between
/// server versions (`colliculocale` in 15 and 16, `colllocale` from 17, `collicurules` from
/// 16), so they are read from the row as JSON, where a missing column is NULL.
pub async fn load(conn: &mut PgConnection, schemas: &[String]) -> sqlx::Result<Vec<CollationRow>> {
    let sql = format!(
        "SELECT c.oid, n.nspname::text AS schema, c.collname::text AS name,
                c.collprovider::text AS provider,
                coalesce(pg_catalog.to_jsonb(c) ->> 'colllocale',
                         pg_catalog.to_jsonb(c) ->> 'colliculocale') AS locale,
                c.collcollate::text AS lc_collate, c.collctype::text AS lc_ctype,
                c.collisdeterministic AS deterministic,
                pg_catalog.to_jsonb(c) ->> 'collicurules' AS rules
         FROM pg_catalog.pg_collation c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
         WHERE n.nspname = ANY($1::text[]) AND c.oid >= 16384
           AND {}
         ORDER BY n.nspname, c.collname",
        not_extension_member("pg_collation", "c.oid")
    );
    sqlx::query_as(&sql).bind(schemas).fetch_all(conn).await
}

impl CollationRow {
    /// The model's collation: libc keeps its two categories, other providers their locale.
    pub fn collation(&self) -> Option<Collation> {
        let provider = CollationProvider::from_letter(&self.provider)?;
        let libc = provider == CollationProvider::Libc;
        Some(Collation {
            name: self.name.clone(),
            provider,
            locale: self.locale.clone().filter(|_| !libc),
            lc_collate: self.lc_collate.clone().filter(|_| libc),
            lc_ctype: self.lc_ctype.clone().filter(|_| libc),
            deterministic: self.deterministic,
            rules: self.rules.clone(),
        })
    }
}
