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
    Mysql(MysqlTable),
}

impl TableAttrs {
    pub fn is_none(&self) -> bool {
        *self == TableAttrs::None
    }

    pub fn sqlite(&self) -> Option<&SqliteTable> {
        match self {
            TableAttrs::Sqlite(attrs) => Some(attrs),
            _ => None,
        }
    }

    /// `Mysql(attrs)`, or `None` when every attribute is the default.
    pub fn of_mysql(attrs: MysqlTable) -> Self {
        if attrs == MysqlTable::default() {
            TableAttrs::None
        } else {
            TableAttrs::Mysql(attrs)
        }
    }

    /// The MySQL attributes; a table without any has the defaults.
    pub fn mysql(&self) -> Option<&MysqlTable> {
        match self {
            TableAttrs::Mysql(attrs) => Some(attrs),
            _ => None,
        }
    }
}

/// What SQLite keeps of a `CREATE TABLE` beyond what its pragmas report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqliteTable {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub without_rowid: bool,
    /// An `INTEGER PRIMARY KEY AUTOINCREMENT` column (its `sqlite_sequence` row).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub autoincrement: bool,
    /// The column and constraint definitions of the body, token-normalized and sorted: SQLite
    /// keeps the text as written, so two tables are alike only when these are.
    pub items: Vec<String>,
}

/// What MySQL and MariaDB keep of a table beyond the common fields. Each attribute is set only
/// where it differs from the default above it, so a table that names its defaults and one that
/// does not read alike: the engine from the server's `default_storage_engine`, the character
/// set from the database's, the collation from the character set's (the database's own when
/// the character set is the database's). The comment is [`super::Table::comment`], the
/// partitioning key [`super::Table::partition_by`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MysqlTable {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// The next `AUTO_INCREMENT` value, when above 1 (as `SHOW CREATE TABLE` prints it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_increment: Option<u64>,
    /// `ROW_FORMAT` when the table names one (`DYNAMIC`, `COMPRESSED`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_format: Option<String>,
    /// The other table options it names, `key=value` with the key in lower case
    /// (`key_block_size=8`, `stats_persistent=0`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Partitions in order, for a partitioned table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<MysqlPartition>,
    /// `SUBPARTITION BY` method and expression, e.g. ``HASH (`id`)``.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subpartition_by: Option<String>,
}

/// One partition of a partitioned MySQL table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MysqlPartition {
    pub name: String,
    /// `VALUES LESS THAN (10)`, `VALUES LESS THAN MAXVALUE`, `VALUES IN (1,2)`; None for HASH
    /// and KEY partitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Subpartition names in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subpartitions: Vec<String>,
}
