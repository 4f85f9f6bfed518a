//! Column attributes that only one dialect has, typed like [`super::TableAttrs`] so the diff
//! compares fields and a planner never parses its own strings back.

use serde::{Deserialize, Serialize};

/// A column's dialect-only attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnAttrs {
    #[default]
    None,
    Mysql(MysqlColumn),
}

impl ColumnAttrs {
    pub fn is_none(&self) -> bool {
        *self == ColumnAttrs::None
    }

    /// `Mysql(attrs)`, or `None` when every attribute is the default, so that a plain column
    /// reads the same however it was built.
    pub fn of_mysql(attrs: MysqlColumn) -> Self {
        if attrs == MysqlColumn::default() {
            ColumnAttrs::None
        } else {
            ColumnAttrs::Mysql(attrs)
        }
    }

    /// The MySQL attributes; a column without any has the defaults.
    pub fn mysql(&self) -> Option<&MysqlColumn> {
        match self {
            ColumnAttrs::Mysql(attrs) => Some(attrs),
            ColumnAttrs::None => None,
        }
    }
}

/// What MySQL and MariaDB keep of a column beyond the common fields. The collation is
/// [`super::Column::collation`], the generation expression [`super::Column::generated`];
/// `unsigned` and `zerofill` stay in the type's text (`int(10) unsigned`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MysqlColumn {
    /// Only when it differs from the table's character set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub auto_increment: bool,
    /// The `ON UPDATE` expression as the server prints it, e.g. `current_timestamp()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_update: Option<String>,
    /// Left out of `SELECT *` (MariaDB 10.3+, MySQL 8.0.23+).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invisible: bool,
    /// How a generated column keeps its value; set exactly when the column is generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<GeneratedStorage>,
    /// The condition of a MariaDB column-level `CHECK` as the server prints it: written on
    /// the column, named after it, part of its definition (`MODIFY COLUMN` without it drops
    /// it, `DROP CONSTRAINT` cannot). MySQL 8 makes every check a table's constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}

/// `VIRTUAL` (computed when read, MySQL's default) or `STORED` (MariaDB's `PERSISTENT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeneratedStorage {
    Virtual,
    Stored,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_mysql_attributes_are_no_attributes() {
        assert_eq!(
            ColumnAttrs::of_mysql(MysqlColumn::default()),
            ColumnAttrs::None
        );
        let attrs = ColumnAttrs::of_mysql(MysqlColumn {
            auto_increment: true,
            ..MysqlColumn::default()
        });
        assert_eq!(
            serde_json::to_string(&attrs).unwrap(),
            r#"{"mysql":{"auto_increment":true}}"#
        );
        assert_eq!(
            serde_json::from_str::<ColumnAttrs>(r#"{"mysql":{"auto_increment":true}}"#).unwrap(),
            attrs
        );
    }
}
