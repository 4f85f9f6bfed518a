//! The coarse kind of a column's type, as each server classifies it: the planner asks it which
//! casts are safe and how values convert in a rebuild.
//!
//! In JSON a PostgreSQL category is its `pg_type.typcategory` letter (`"S"`) and a SQLite
//! affinity its word (`"text"`) and a MySQL type class its word with a `mysql_` prefix
//! (`"mysql_text"`), so none reads as another.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TypeCategory {
    Postgres(PgCategory),
    Sqlite(Affinity),
    Mysql(MysqlType),
}

impl TypeCategory {
    /// PostgreSQL's string category.
    pub fn is_string(self) -> bool {
        self == TypeCategory::Postgres(PgCategory::String)
    }
    /// PostgreSQL's enum category.
    pub fn is_enum(self) -> bool {
        self == TypeCategory::Postgres(PgCategory::Enum)
    }
}

impl fmt::Display for TypeCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeCategory::Postgres(category) => write!(f, "{}", category.letter()),
            TypeCategory::Sqlite(affinity) => write!(f, "{}", affinity.word()),
            TypeCategory::Mysql(class) => write!(f, "{}", class.word()),
        }
    }
}

/// PostgreSQL's `pg_type.typcategory`; `CREATE TYPE ... (CATEGORY = 'x')` may name any other
/// ASCII letter, kept as `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum PgCategory {
    Array,
    Boolean,
    Composite,
    DateTime,
    Enum,
    Geometric,
    Network,
    Numeric,
    Pseudo,
    Range,
    String,
    Timespan,
    UserDefined,
    BitString,
    Unknown,
    Internal,
    Other(char),
}

const PG_LETTERS: [(char, PgCategory); 16] = [
    ('A', PgCategory::Array),
    ('B', PgCategory::Boolean),
    ('C', PgCategory::Composite),
    ('D', PgCategory::DateTime),
    ('E', PgCategory::Enum),
    ('G', PgCategory::Geometric),
    ('I', PgCategory::Network),
    ('N', PgCategory::Numeric),
    ('P', PgCategory::Pseudo),
    ('R', PgCategory::Range),
    ('S', PgCategory::String),
    ('T', PgCategory::Timespan),
    ('U', PgCategory::UserDefined),
    ('V', PgCategory::BitString),
    ('X', PgCategory::Unknown),
    ('Z', PgCategory::Internal),
];

impl PgCategory {
    pub fn from_letter(letter: char) -> Self {
        PG_LETTERS
            .iter()
            .find(|(l, _)| *l == letter)
            .map_or(PgCategory::Other(letter), |(_, c)| *c)
    }

    pub fn letter(self) -> char {
        match self {
            PgCategory::Other(letter) => letter,
            known => PG_LETTERS
                .iter()
                .find(|(_, c)| *c == known)
                .map_or('X', |(l, _)| *l),
        }
    }
}

impl TryFrom<String> for PgCategory {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(letter), None) if letter.is_ascii_alphabetic() => {
                Ok(PgCategory::from_letter(letter))
            }
            _ => Err(format!("{text:?} is not a type category letter")),
        }
    }
}

impl From<PgCategory> for String {
    fn from(category: PgCategory) -> String {
        category.letter().to_string()
    }
}

/// SQLite's column affinity, from the declared type by the rules of SQLite's §3.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Affinity {
    Integer,
    Text,
    Blob,
    Real,
    Numeric,
}

impl Affinity {
    pub fn of_declared(declared: &str) -> Self {
        let upper = declared.to_ascii_uppercase();
        if upper.contains("INT") {
            Affinity::Integer
        } else if ["CHAR", "CLOB", "TEXT"].iter().any(|k| upper.contains(k)) {
            Affinity::Text
        } else if upper.contains("BLOB") || upper.is_empty() {
            Affinity::Blob
        } else if ["REAL", "FLOA", "DOUB"].iter().any(|k| upper.contains(k)) {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Affinity::Integer => "integer",
            Affinity::Text => "text",
            Affinity::Blob => "blob",
            Affinity::Real => "real",
            Affinity::Numeric => "numeric",
        }
    }
}

/// The class of a MySQL or MariaDB column type, from its `information_schema.COLUMNS.DATA_TYPE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MysqlType {
    /// `tinyint` … `bigint` (and `bool`, which is `tinyint(1)`).
    #[serde(rename = "mysql_integer")]
    Integer,
    /// `decimal` (`numeric`).
    #[serde(rename = "mysql_decimal")]
    Decimal,
    /// `float`, `double`.
    #[serde(rename = "mysql_float")]
    Float,
    #[serde(rename = "mysql_bit")]
    Bit,
    /// `char`, `varchar`.
    #[serde(rename = "mysql_string")]
    String,
    /// `binary`, `varbinary`.
    #[serde(rename = "mysql_binary")]
    Binary,
    /// `tinytext` … `longtext`.
    #[serde(rename = "mysql_text")]
    Text,
    /// `tinyblob` … `longblob`.
    #[serde(rename = "mysql_blob")]
    Blob,
    /// `date`, `time`, `datetime`, `timestamp`, `year`.
    #[serde(rename = "mysql_temporal")]
    Temporal,
    #[serde(rename = "mysql_enum")]
    Enum,
    #[serde(rename = "mysql_set")]
    Set,
    /// MySQL's `json`; MariaDB's `json` (a checked `longtext`) once inspection names it so.
    #[serde(rename = "mysql_json")]
    Json,
    /// `geometry`, `point`, `polygon`, ...
    #[serde(rename = "mysql_spatial")]
    Spatial,
    /// Any other type, e.g. MariaDB's `uuid`, `inet4`, `inet6`.
    #[serde(rename = "mysql_other")]
    Other,
}

impl MysqlType {
    /// The class of `DATA_TYPE` (a bare lower-case type name such as `varchar`).
    pub fn of_data_type(data_type: &str) -> Self {
        match data_type.to_ascii_lowercase().as_str() {
            "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint" | "bool"
            | "boolean" => MysqlType::Integer,
            "decimal" | "numeric" | "dec" | "fixed" => MysqlType::Decimal,
            "float" | "double" | "real" | "double precision" => MysqlType::Float,
            "bit" => MysqlType::Bit,
            "char" | "varchar" => MysqlType::String,
            "binary" | "varbinary" => MysqlType::Binary,
            "tinytext" | "text" | "mediumtext" | "longtext" => MysqlType::Text,
            "tinyblob" | "blob" | "mediumblob" | "longblob" => MysqlType::Blob,
            "date" | "time" | "datetime" | "timestamp" | "year" => MysqlType::Temporal,
            "enum" => MysqlType::Enum,
            "set" => MysqlType::Set,
            "json" => MysqlType::Json,
            "geometry" | "point" | "linestring" | "polygon" | "multipoint" | "multilinestring"
            | "multipolygon" | "geometrycollection" | "geomcollection" => MysqlType::Spatial,
            _ => MysqlType::Other,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            MysqlType::Integer => "mysql_integer",
            MysqlType::Decimal => "mysql_decimal",
            MysqlType::Float => "mysql_float",
            MysqlType::Bit => "mysql_bit",
            MysqlType::String => "mysql_string",
            MysqlType::Binary => "mysql_binary",
            MysqlType::Text => "mysql_text",
            MysqlType::Blob => "mysql_blob",
            MysqlType::Temporal => "mysql_temporal",
            MysqlType::Enum => "mysql_enum",
            MysqlType::Set => "mysql_set",
            MysqlType::Json => "mysql_json",
            MysqlType::Spatial => "mysql_spatial",
            MysqlType::Other => "mysql_other",
        }
    }

    /// Holds characters in a character set (and so has a collation).
    pub fn has_charset(self) -> bool {
        matches!(
            self,
            MysqlType::String | MysqlType::Text | MysqlType::Enum | MysqlType::Set
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_round_trip_through_json_without_mixing_dialects() {
        for category in [
            TypeCategory::Postgres(PgCategory::Numeric),
            TypeCategory::Postgres(PgCategory::Other('Q')),
            TypeCategory::Sqlite(Affinity::Numeric),
            TypeCategory::Sqlite(Affinity::Blob),
            TypeCategory::Mysql(MysqlType::Integer),
            TypeCategory::Mysql(MysqlType::Text),
            TypeCategory::Mysql(MysqlType::Other),
        ] {
            let json = serde_json::to_string(&category).unwrap();
            assert_eq!(
                serde_json::from_str::<TypeCategory>(&json).unwrap(),
                category
            );
        }
        assert_eq!(
            serde_json::to_string(&TypeCategory::Postgres(PgCategory::Array)).unwrap(),
            "\"A\""
        );
        assert!(serde_json::from_str::<TypeCategory>("\"AB\"").is_err());
    }

    #[test]
    fn mysql_classes_never_read_as_another_dialects_category() {
        const ALL: [MysqlType; 14] = [
            MysqlType::Integer,
            MysqlType::Decimal,
            MysqlType::Float,
            MysqlType::Bit,
            MysqlType::String,
            MysqlType::Binary,
            MysqlType::Text,
            MysqlType::Blob,
            MysqlType::Temporal,
            MysqlType::Enum,
            MysqlType::Set,
            MysqlType::Json,
            MysqlType::Spatial,
            MysqlType::Other,
        ];
        for class in ALL {
            let category = TypeCategory::Mysql(class);
            let json = serde_json::to_string(&category).unwrap();
            assert_eq!(json, format!("\"{}\"", class.word()));
            assert_eq!(category.to_string(), class.word());
            assert_eq!(
                serde_json::from_str::<TypeCategory>(&json).unwrap(),
                category
            );
        }
        assert_eq!(
            serde_json::from_str::<TypeCategory>("\"text\"").unwrap(),
            TypeCategory::Sqlite(Affinity::Text)
        );
        assert_eq!(MysqlType::of_data_type("VARCHAR"), MysqlType::String);
        assert_eq!(MysqlType::of_data_type("longtext"), MysqlType::Text);
        assert_eq!(MysqlType::of_data_type("point"), MysqlType::Spatial);
        assert_eq!(MysqlType::of_data_type("inet6"), MysqlType::Other);
    }

    #[test]
    fn affinity_follows_sqlite_rules() {
        assert_eq!(Affinity::of_declared("INT"), Affinity::Integer);
        assert_eq!(Affinity::of_declared("VARCHAR(10)"), Affinity::Text);
        assert_eq!(Affinity::of_declared(""), Affinity::Blob);
        assert_eq!(Affinity::of_declared("DOUBLE PRECISION"), Affinity::Real);
        assert_eq!(Affinity::of_declared("DECIMAL(10,2)"), Affinity::Numeric);
        // "INT" wins over "CHAR": SQLite checks the rules in order.
        assert_eq!(Affinity::of_declared("CHARINT"), Affinity::Integer);
    }
}
