//! Indexes that stand on their own, and the typed parts of their keys.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    /// The server's `CREATE [UNIQUE] INDEX` text (PostgreSQL's `pg_get_indexdef`, SQLite's
    /// stored text); compared as a whole where the server renders it canonically.
    pub definition: String,
    pub unique: bool,
    /// Access method: btree, hash, gin, gist, brin, ... (MySQL: BTREE, HASH, FULLTEXT, SPATIAL).
    pub method: String,
    /// Key parts in key order.
    pub parts: Vec<IndexPart>,
    /// INCLUDE columns.
    pub include: Vec<String>,
    /// WHERE clause of a partial index.
    pub predicate: Option<String>,
    pub nulls_not_distinct: bool,
    pub comment: Option<String>,
    /// Kept up to date but not used by the optimizer: MySQL 8's `INVISIBLE`, MariaDB 10.6+'s
    /// `IGNORED`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invisible: bool,
}

impl Index {
    /// The key columns when every part is a plain column, e.g. for a unique key others can
    /// reference.
    pub fn plain_columns(&self) -> Option<Vec<&str>> {
        self.parts.iter().map(IndexPart::column).collect()
    }
}

/// One key of an index: what it indexes and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPart {
    pub key: IndexKey,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub descending: bool,
    /// NULLS FIRST / LAST when it is not the order's default (first when descending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls_first: Option<bool>,
    /// A collation other than the key's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// An operator class other than the type's default (PostgreSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    /// Index only the first N characters or bytes (MySQL's prefix keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<u32>,
}

impl IndexPart {
    pub fn column(&self) -> Option<&str> {
        match &self.key {
            IndexKey::Column(name) => Some(name),
            IndexKey::Expression(_) => None,
        }
    }

    /// A plain ascending key on `key`.
    pub fn new(key: IndexKey) -> Self {
        Self {
            key,
            descending: false,
            nulls_first: None,
            collation: None,
            opclass: None,
            prefix: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexKey {
    /// A column by name.
    Column(String),
    /// An expression as the server prints it, e.g. `lower(email)`.
    Expression(String),
}
