//! The coarse kind of a column's type, as each server classifies it: the planner asks it which
//! casts are safe and how values convert in a rebuild.
//!
//! In JSON a PostgreSQL category is its `pg_type.typcategory` letter (`"S"`) and a SQLite
//! affinity its word (`"text"`), so the two never read as each other.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TypeCategory {
    Postgres(PgCategory),
    Sqlite(Affinity),
}

impl TypeCategory {
    pub fn is_string(self) -> bool {
        self == TypeCategory::Postgres(PgCategory::String)
    }
    pub fn is_enum(self) -> bool {
        self == TypeCategory::Postgres(PgCategory::Enum)
    }
}

impl fmt::Display for TypeCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeCategory::Postgres(category) => write!(f, "{}", category.letter()),
            TypeCategory::Sqlite(affinity) => write!(f, "{}", affinity.word()),
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
