//! `information_schema.COLUMNS` of every table and view, and what the text of `COLUMN_DEFAULT`
//! and `EXTRA` means on each server.

use super::server::Server;
use super::text::quote_string;
use crate::schema::{GeneratedStorage, MysqlType};
use sqlx::mysql::MySqlConnection;

#[derive(Debug, sqlx::FromRow)]
pub struct ColumnRow {
    pub table_name: String,
    pub name: String,
    pub default_text: Option<String>,
    /// `YES` or `NO`.
    pub nullable: String,
    /// The bare type name, e.g. `varchar`.
    pub data_type: String,
    /// The full type, e.g. `varchar(50)`, `int(10) unsigned zerofill`, `enum('a','b')`.
    pub column_type: String,
    pub charset: Option<String>,
    pub collation: Option<String>,
    pub extra: String,
    pub comment: String,
    pub generation: Option<String>,
}

pub async fn load(conn: &mut MySqlConnection, database: &str) -> sqlx::Result<Vec<ColumnRow>> {
    sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR) AS table_name, CAST(COLUMN_NAME AS CHAR) AS name,
                CAST(COLUMN_DEFAULT AS CHAR) AS default_text,
                CAST(IS_NULLABLE AS CHAR) AS nullable,
                CAST(LOWER(DATA_TYPE) AS CHAR) AS data_type,
                CAST(COLUMN_TYPE AS CHAR) AS column_type,
                CAST(CHARACTER_SET_NAME AS CHAR) AS charset,
                CAST(COLLATION_NAME AS CHAR) AS collation,
                CAST(EXTRA AS CHAR) AS extra, CAST(COLUMN_COMMENT AS CHAR) AS comment,
                CAST(GENERATION_EXPRESSION AS CHAR) AS generation
         FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = ?
         ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .bind(database)
    .fetch_all(conn)
    .await
}

/// The flags in `EXTRA`, e.g. `auto_increment`, `VIRTUAL GENERATED`, `INVISIBLE`,
/// `on update current_timestamp()` (MariaDB) or `DEFAULT_GENERATED on update
/// CURRENT_TIMESTAMP` (MySQL 8).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Extra {
    pub auto_increment: bool,
    /// MySQL 8.0.13+: the default is an expression, not a literal.
    pub default_generated: bool,
    pub invisible: bool,
    pub storage: Option<GeneratedStorage>,
    pub on_update: Option<String>,
}

impl Extra {
    pub fn parse(text: &str) -> Self {
        let lower = text.to_ascii_lowercase();
        let (flags, on_update) = match lower.find("on update ") {
            Some(at) => (
                &lower[..at],
                Some(text[at + "on update ".len()..].trim().to_string()),
            ),
            None => (lower.as_str(), None),
        };
        let words: Vec<&str> = flags.split_whitespace().collect();
        let generated = words.contains(&"generated");
        Extra {
            auto_increment: words.contains(&"auto_increment"),
            default_generated: words.contains(&"default_generated"),
            invisible: words.contains(&"invisible"),
            storage: match (generated, words.first().copied()) {
                (false, _) => None,
                // MariaDB's PERSISTENT is STORED by another name.
                (true, Some("stored" | "persistent")) => Some(GeneratedStorage::Stored),
                (true, _) => Some(GeneratedStorage::Virtual),
            },
            on_update,
        }
    }
}

/// The default as SQL text that can follow `DEFAULT`, or None for no default and for
/// `DEFAULT NULL` (the same thing on a nullable column).
///
/// MariaDB (10.2.7+) already reports SQL text: literals quoted (`'abc'`), numbers bare,
/// `DEFAULT NULL` as the word `NULL` (no default at all is SQL NULL), expressions as printed
/// (`current_timestamp()`, `(1 + 1)`). MySQL 8 reports literals unquoted (`abc`), no default and
/// `DEFAULT NULL` alike as SQL NULL, and marks expression defaults with `DEFAULT_GENERATED` in
/// `EXTRA`, their text without the parentheses `DEFAULT (expr)` needs.
pub fn default_sql(
    server: &Server,
    raw: Option<&str>,
    extra: &Extra,
    class: MysqlType,
) -> Option<String> {
    let raw = raw?;
    if server.is_mariadb() {
        return (raw != "NULL").then(|| raw.to_string());
    }
    if is_current_timestamp(raw) {
        return Some(raw.to_string());
    }
    if extra.default_generated {
        return Some(format!("({raw})"));
    }
    Some(match class {
        MysqlType::Integer | MysqlType::Decimal | MysqlType::Float | MysqlType::Bit => {
            raw.to_string()
        }
        // MySQL 8 prints binary defaults as hex (`0x6162`).
        MysqlType::Binary | MysqlType::Blob if raw.starts_with("0x") => raw.to_string(),
        _ => quote_string(raw),
    })
}

/// `CURRENT_TIMESTAMP`, `current_timestamp()` or `CURRENT_TIMESTAMP(3)`.
fn is_current_timestamp(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.strip_prefix("current_timestamp").is_some_and(|rest| {
        rest.is_empty()
            || rest
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .is_some_and(|digits| digits.chars().all(|c| c.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::super::server::{Server, ServerKind};
    use super::*;

    fn server(kind: ServerKind) -> Server {
        Server {
            kind,
            version: (0, 0),
            default_engine: "InnoDB".into(),
            charset: "utf8mb4".into(),
            collation: "utf8mb4_general_ci".into(),
        }
    }

    #[test]
    fn extra_flags_read_alike_on_both_servers() {
        assert_eq!(
            Extra::parse("on update current_timestamp()"),
            Extra {
                on_update: Some("current_timestamp()".into()),
                ..Extra::default()
            }
        );
        assert_eq!(
            Extra::parse("DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)"),
            Extra {
                default_generated: true,
                on_update: Some("CURRENT_TIMESTAMP(3)".into()),
                ..Extra::default()
            }
        );
        assert_eq!(
            Extra::parse("STORED GENERATED").storage,
            Some(GeneratedStorage::Stored)
        );
        assert_eq!(
            Extra::parse("VIRTUAL GENERATED INVISIBLE").storage,
            Some(GeneratedStorage::Virtual)
        );
        assert!(Extra::parse("auto_increment").auto_increment);
        assert!(Extra::parse("INVISIBLE").invisible);
    }

    #[test]
    fn defaults_become_the_sql_that_follows_default() {
        let maria = server(ServerKind::MariaDb);
        let mysql = server(ServerKind::Mysql);
        let none = Extra::default();
        let generated = Extra {
            default_generated: true,
            ..Extra::default()
        };
        let text = MysqlType::String;
        assert_eq!(
            default_sql(&maria, Some("'abc'"), &none, text).as_deref(),
            Some("'abc'")
        );
        assert_eq!(default_sql(&maria, Some("NULL"), &none, text), None);
        assert_eq!(default_sql(&maria, None, &none, text), None);
        assert_eq!(
            default_sql(&mysql, Some("abc"), &none, text).as_deref(),
            Some("'abc'")
        );
        assert_eq!(
            default_sql(&mysql, Some("it's"), &none, text).as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            default_sql(&mysql, Some("5"), &none, MysqlType::Integer).as_deref(),
            Some("5")
        );
        assert_eq!(
            default_sql(
                &mysql,
                Some("CURRENT_TIMESTAMP"),
                &generated,
                MysqlType::Temporal
            )
            .as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            default_sql(&mysql, Some("rand()"), &generated, MysqlType::Float).as_deref(),
            Some("(rand())")
        );
        assert_eq!(
            default_sql(&mysql, Some("0x6162"), &none, MysqlType::Binary).as_deref(),
            Some("0x6162")
        );
    }
}
