//! Table attributes that only one dialect has, typed so the diff compares fields and a planner
//! never parses its own strings back.

use serde::{Deserialize, Serialize};

/// A table's dialect-only attributes; PostgreSQL's (persistence, partitioning, inheritance,
/// row security, storage parameters) are fields of [`super::Table`] itself, as the diff reasons
/// about them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableAttrs {
    #[default]
    None,
    Sqlite(SqliteTable),
}

impl TableAttrs {
    pub fn is_none(&self) -> bool {
        *self == TableAttrs::None
    }

    pub fn sqlite(&self) -> Option<&SqliteTable> {
        match self {
            TableAttrs::Sqlite(attrs) => Some(attrs),
            TableAttrs::None => None,
        }
    }
}

/// What SQLite keeps of a `CREATE TABLE` beyond what its pragmas report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqliteTable {
    pub strict: bool,
    pub without_rowid: bool,
    /// An `INTEGER PRIMARY KEY AUTOINCREMENT` column (its `sqlite_sequence` row).
    pub autoincrement: bool,
    /// The column and constraint definitions of the body, token-normalized and sorted: SQLite
    /// keeps the text as written, so two tables are alike only when these are.
    pub items: Vec<String>,
}
