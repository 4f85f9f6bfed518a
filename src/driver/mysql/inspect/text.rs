//! SQL text the inspection writes: quoted names and literals, key lists in the style of
//! `SHOW CREATE TABLE`, and view text freed of its database qualifier.

pub use super::super::quote_ident;
use crate::schema::{IndexKey, IndexPart};
use crate::sql::{Flavor, TokenKind, significant};

/// `'text'` as MySQL prints a string literal: quotes doubled, backslashes escaped.
pub fn quote_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

/// `` `a`,`b`(10),`c` DESC,(lower(`d`)) ``: no space after the commas, as the server prints
/// key lists.
pub fn key_list(parts: &[IndexPart]) -> String {
    parts
        .iter()
        .map(|part| {
            let mut text = match &part.key {
                IndexKey::Column(name) => quote_ident(name),
                IndexKey::Expression(expr) => format!("({expr})"),
            };
            if let Some(prefix) = part.prefix {
                text.push_str(&format!("({prefix})"));
            }
            if part.descending {
                text.push_str(" DESC");
            }
            text
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `` `a`,`b` `` for a list of column names.
pub fn column_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(",")
}

/// `text` with every `` `database`. `` qualifier removed (the server qualifies every name in a
/// view's text; the model's SQL is never qualified, as dev and target databases have different
/// names). A name that follows a `.` is a member, not a qualifier, and stays.
pub fn strip_qualifier(text: &str, database: &str) -> String {
    let flavor = Flavor::mysql();
    let tokens: Vec<_> = significant(&flavor, text).collect();
    let mut cut = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let is_database = token.kind == TokenKind::QuotedIdent && token.ident(text) == database;
        let after_dot = i > 0 && tokens[i - 1].is_punct(text, ".");
        let dot = tokens.get(i + 1).filter(|t| t.is_punct(text, "."));
        let member = tokens
            .get(i + 2)
            .is_some_and(|t| matches!(t.kind, TokenKind::QuotedIdent | TokenKind::Word));
        if let (true, false, Some(dot), true) = (is_database, after_dot, dot, member) {
            cut.push(token.span.start..dot.span.end);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for range in cut {
        out.push_str(&text[at..range.start]);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// An integer type without its display width where that is the type's default (MariaDB and
/// MySQL before 8.0.19 print `int(11)`, `bigint(20) unsigned`; MySQL 8 prints `int`), so both
/// servers' types read alike and as Atlas writes them. `tinyint(1)` (a boolean) and `zerofill`
/// types, where the width means something, keep it.
pub fn without_default_width(column_type: &str) -> String {
    let Some((name, rest)) = column_type.split_once('(') else {
        return column_type.to_string();
    };
    let Some((width, tail)) = rest.split_once(')') else {
        return column_type.to_string();
    };
    let unsigned = tail.contains("unsigned");
    let default = match (name, unsigned) {
        ("tinyint", false) => "4",
        ("tinyint", true) => "3",
        ("smallint", false) => "6",
        ("smallint", true) => "5",
        ("mediumint", false) => "9",
        ("mediumint", true) => "8",
        ("int", false) => "11",
        ("int", true) => "10",
        ("bigint", _) => "20",
        _ => return column_type.to_string(),
    };
    if width != default || tail.contains("zerofill") {
        return column_type.to_string();
    }
    format!("{name}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_integer_widths_go_and_meaningful_ones_stay() {
        assert_eq!(without_default_width("int(11)"), "int");
        assert_eq!(without_default_width("int(10) unsigned"), "int unsigned");
        assert_eq!(
            without_default_width("bigint(20) unsigned"),
            "bigint unsigned"
        );
        assert_eq!(without_default_width("tinyint(1)"), "tinyint(1)");
        assert_eq!(without_default_width("int(5)"), "int(5)");
        assert_eq!(
            without_default_width("int(10) unsigned zerofill"),
            "int(10) unsigned zerofill"
        );
        assert_eq!(without_default_width("varchar(30)"), "varchar(30)");
    }

    #[test]
    fn strings_are_quoted_as_the_server_prints_them() {
        assert_eq!(quote_string("it's a\\b"), "'it''s a\\\\b'");
    }

    #[test]
    fn key_lists_carry_prefixes_order_and_expressions() {
        let mut prefixed = IndexPart::new(IndexKey::Column("b".into()));
        prefixed.prefix = Some(10);
        let mut descending = IndexPart::new(IndexKey::Column("c".into()));
        descending.descending = true;
        let parts = [
            IndexPart::new(IndexKey::Column("a".into())),
            prefixed,
            descending,
            IndexPart::new(IndexKey::Expression("lower(`d`)".into())),
        ];
        assert_eq!(key_list(&parts), "`a`,`b`(10),`c` DESC,(lower(`d`))");
    }

    #[test]
    fn only_the_database_qualifier_is_removed() {
        assert_eq!(
            strip_qualifier(
                "select `db`.`t`.`id` AS `id` from `db`.`t` where `t`.`s` = '`db`.x'",
                "db"
            ),
            "select `t`.`id` AS `id` from `t` where `t`.`s` = '`db`.x'"
        );
        // A table named like the database: only the leading qualifier goes.
        assert_eq!(
            strip_qualifier("select `db`.`db`.`a` from `db`.`db`", "db"),
            "select `db`.`a` from `db`"
        );
    }
}
