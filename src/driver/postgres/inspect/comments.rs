//! Catalog query for comments on user objects, looked up in memory by object address.

use sqlx::postgres::{PgConnection, types::Oid};
use std::collections::HashMap;

#[derive(Debug, sqlx::FromRow)]
struct CommentRow {
    catalog: String,
    object: Oid,
    sub_id: i32,
    description: String,
}

/// Which catalog an object lives in, for comment lookups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Catalog {
    Namespace,
    Class,
    Constraint,
    Trigger,
    Policy,
    Type,
    Proc,
}

impl Catalog {
    fn from_table_name(name: &str) -> Option<Self> {
        Some(match name {
            "pg_namespace" => Self::Namespace,
            "pg_class" => Self::Class,
            "pg_constraint" => Self::Constraint,
            "pg_trigger" => Self::Trigger,
            "pg_policy" => Self::Policy,
            "pg_type" => Self::Type,
            "pg_proc" => Self::Proc,
            _ => return None,
        })
    }
}

/// Comments keyed by (catalog, object oid, sub-object such as a column number).
#[derive(Debug, Default)]
pub struct Comments(HashMap<(Catalog, Oid, i32), String>);

impl Comments {
    pub fn get(&self, catalog: Catalog, object: Oid, sub_id: i32) -> Option<String> {
        self.0.get(&(catalog, object, sub_id)).cloned()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn of(&self, catalog: Catalog, object: Oid) -> Option<String> {
        self.get(catalog, object, 0)
    }
}

/// Comments on objects created after initdb, plus schema comments (`public` is older).
pub async fn load(conn: &mut PgConnection) -> sqlx::Result<Comments> {
    let rows: Vec<CommentRow> = sqlx::query_as(
        "SELECT cat.relname::text AS catalog, d.objoid AS object, d.objsubid AS sub_id,
                d.description
         FROM pg_catalog.pg_description d
         JOIN pg_catalog.pg_class cat ON cat.oid = d.classoid
         WHERE d.objoid >= 16384
            OR (d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
                AND d.objoid IN (SELECT oid FROM pg_catalog.pg_namespace))",
    )
    .fetch_all(conn)
    .await?;
    Ok(Comments(
        rows.into_iter()
            .filter_map(|row| {
                let catalog = Catalog::from_table_name(&row.catalog)?;
                Some(((catalog, row.object, row.sub_id), row.description))
            })
            .collect(),
    ))
}
