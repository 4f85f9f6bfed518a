//! SQLite's own SQL text on the shared lexer: tokens, the items of a `CREATE TABLE` body, a
//! normal form for comparing definitions that differ only in spacing, case, quoting or comments,
//! and declared types with their affinity. The SQLite driver and planner both read it.

use super::{Flavor, Token, TokenKind, significant};

const FLAVOR: Flavor = Flavor::sqlite();

/// Splits `sql` into tokens, skipping spaces and comments. Unterminated quotes run to the end.
pub fn tokenize(sql: &str) -> Vec<Token> {
    significant(&FLAVOR, sql).collect()
}

/// The comparable form of a definition: tokens joined by single spaces, words and simple quoted
/// identifiers upper-cased (SQLite compares names without regard to ASCII case), literals kept.
pub fn normalize(sql: &str) -> String {
    normalize_tokens(sql, &tokenize(sql))
}

pub fn normalize_tokens(sql: &str, tokens: &[Token]) -> String {
    let words: Vec<String> = tokens
        .iter()
        .filter(|t| !t.is_punct(sql, ";"))
        .map(|t| match t.kind {
            TokenKind::Word => t.text(sql).to_ascii_uppercase(),
            TokenKind::QuotedIdent => {
                let name = t.ident(sql);
                if is_simple_name(&name) {
                    name.to_ascii_uppercase()
                } else {
                    format!("\"{}\"", name.replace('"', "\"\""))
                }
            }
            _ => t.text(sql).to_string(),
        })
        .collect();
    words.join(" ")
}

fn is_simple_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A declared column type as the model keeps it: its normal form, without spaces around
/// parentheses and before commas (`varchar ( 10 )` is `VARCHAR(10)`).
pub fn declared_type(declared: &str) -> String {
    normalize(declared)
        .replace(" ( ", "(")
        .replace(" )", ")")
        .replace(" ,", ",")
}

/// Quotes a name for SQLite.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The parts of a `CREATE TABLE name (items) options` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableText {
    /// Byte offset of the body's opening parenthesis.
    pub body_start: usize,
    /// Raw text of each top-level item (column definition or table constraint).
    pub items: Vec<String>,
    /// Raw text after the body's closing parenthesis (`WITHOUT ROWID`, `STRICT`).
    pub tail: String,
}

/// Splits a `CREATE TABLE` statement; None for `CREATE TABLE … AS SELECT` or malformed text.
pub fn table_text(sql: &str) -> Option<TableText> {
    let tokens = tokenize(sql);
    let open = tokens.iter().position(|t| t.is_punct(sql, "("))?;
    if tokens[..open].iter().any(|t| t.is_word(sql, "AS")) {
        return None;
    }
    let mut depth = 0;
    let mut items = Vec::new();
    let mut item_start = tokens[open].span.end;
    for token in &tokens[open..] {
        if token.is_punct(sql, "(") {
            depth += 1;
        } else if token.is_punct(sql, ")") {
            depth -= 1;
            if depth == 0 {
                items.push(sql[item_start..token.span.start].trim().to_string());
                return Some(TableText {
                    body_start: tokens[open].span.start,
                    items,
                    tail: sql[token.span.end..]
                        .trim()
                        .trim_end_matches(';')
                        .to_string(),
                });
            }
        } else if depth == 1 && token.is_punct(sql, ",") {
            items.push(sql[item_start..token.span.start].trim().to_string());
            item_start = token.span.end;
        }
    }
    None
}

/// Whether a table item is a table constraint rather than a column definition.
pub fn is_table_constraint(item: &str) -> bool {
    let tokens = tokenize(item);
    tokens.first().is_some_and(|t| {
        ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
            .iter()
            .any(|k| t.is_word(item, k))
    })
}

/// The raw text of the parenthesized group that starts at token `open` (without the parentheses).
pub fn group_after(sql: &str, tokens: &[Token], open: usize) -> Option<(String, usize)> {
    if !tokens.get(open)?.is_punct(sql, "(") {
        return None;
    }
    let mut depth = 0;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        if token.is_punct(sql, "(") {
            depth += 1;
        } else if token.is_punct(sql, ")") {
            depth -= 1;
            if depth == 0 {
                let inner = &sql[tokens[open].span.end..token.span.start];
                return Some((inner.trim().to_string(), i));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_form_ignores_case_spacing_quotes_and_comments() {
        assert_eq!(
            normalize("create table \"t\" (a  int -- x\n, [b] text default 'Ab')"),
            normalize("CREATE TABLE t(A INT,b TEXT DEFAULT 'Ab') ;")
        );
        assert_ne!(normalize("a default 'x'"), normalize("a default 'X'"));
        assert_eq!(normalize("\"my col\" int"), "\"my col\" INT");
    }

    #[test]
    fn table_text_splits_items_at_top_level_commas() {
        let text = table_text(
            "CREATE TABLE t (a numeric(10, 2), b text CHECK (b <> ','), PRIMARY KEY (a, b)) WITHOUT ROWID",
        )
        .unwrap();
        assert_eq!(
            text.items,
            [
                "a numeric(10, 2)",
                "b text CHECK (b <> ',')",
                "PRIMARY KEY (a, b)"
            ]
        );
        assert_eq!(text.tail, "WITHOUT ROWID");
        assert!(is_table_constraint(&text.items[2]));
        assert!(!is_table_constraint(&text.items[0]));
        assert!(table_text("CREATE TABLE t AS SELECT 1").is_none());
    }

    #[test]
    fn declared_types_lose_spaces_around_parentheses() {
        assert_eq!(declared_type("varchar ( 10 )"), "VARCHAR(10)");
    }
}
