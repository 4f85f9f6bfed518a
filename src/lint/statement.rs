//! The parsed form of one statement: sqlparser's classification when it parses, else a
//! token-level one, plus the tokens the rules match keywords on. Never fails.

use crate::dialect::LintTraits;
use crate::sql::{self, Flavor, TokenKind};
use sqlparser::ast::Statement;
use sqlparser::parser::Parser;

/// What a statement does, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Schema change (CREATE, ALTER, DROP, COMMENT, …).
    Ddl,
    /// Data change (INSERT, UPDATE, DELETE, MERGE, COPY).
    Dml,
    Begin,
    Commit,
    /// SET / RESET of a setting.
    Set,
    /// SELECT and anything else that changes neither.
    Other,
}

/// One token: words are upper-cased (quoted identifiers keep their case and are never keywords),
/// string literals are `'…'`, punctuation is one character or operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub quoted: bool,
}

/// A statement ready for the rules.
#[derive(Debug, Clone)]
pub struct ParsedStatement {
    pub kind: Kind,
    pub tokens: Vec<Token>,
    /// Whether sqlparser understood it (else the kind came from the first keyword).
    pub parsed: bool,
}

impl ParsedStatement {
    /// Parses with the dialect's grammar and lexer flavour.
    pub fn parse(sql: &str, traits: &LintTraits) -> ParsedStatement {
        let tokens = tokenize(traits.flavor, sql);
        let parsed = Parser::parse_sql(traits.grammar, sql)
            .ok()
            .filter(|s| s.len() == 1);
        let kind = match parsed.as_ref().map(|s| &s[0]) {
            Some(statement) => kind_of(statement),
            None => kind_from_tokens(&tokens),
        };
        ParsedStatement {
            kind,
            tokens,
            parsed: parsed.is_some(),
        }
    }

    /// Whether the unquoted keyword appears anywhere.
    pub fn has(&self, keyword: &str) -> bool {
        self.keyword_at(keyword).is_some()
    }

    /// The index of the first unquoted `keyword`.
    pub fn keyword_at(&self, keyword: &str) -> Option<usize> {
        self.tokens
            .iter()
            .position(|t| !t.quoted && t.text == keyword)
    }

    /// Whether the keywords appear one after another somewhere.
    pub fn has_seq(&self, words: &[&str]) -> bool {
        self.tokens
            .windows(words.len())
            .any(|w| w.iter().zip(words).all(|(t, k)| !t.quoted && t.text == *k))
    }

    /// Whether the statement starts with the keywords.
    pub fn starts(&self, words: &[&str]) -> bool {
        self.tokens.len() >= words.len()
            && self
                .tokens
                .iter()
                .zip(words)
                .all(|(t, k)| !t.quoted && t.text == *k)
    }

    /// The text of the token after the first occurrence of `keyword`s sequence, skipping
    /// `IF [NOT] EXISTS` and `ONLY`.
    pub fn name_after(&self, words: &[&str]) -> Option<Vec<String>> {
        let start = self
            .tokens
            .windows(words.len())
            .position(|w| w.iter().zip(words).all(|(t, k)| !t.quoted && t.text == *k))?;
        let mut i = start + words.len();
        while let Some(t) = self.tokens.get(i) {
            if !t.quoted
                && matches!(
                    t.text.as_str(),
                    "IF" | "NOT" | "EXISTS" | "ONLY" | "CONCURRENTLY"
                )
            {
                i += 1;
            } else {
                break;
            }
        }
        let mut parts = vec![self.tokens.get(i)?.text.clone()];
        while self.tokens.get(i + 1).is_some_and(|t| t.text == ".") {
            parts.push(self.tokens.get(i + 2)?.text.clone());
            i += 2;
        }
        Some(parts)
    }
}

fn kind_of(statement: &Statement) -> Kind {
    match statement {
        Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::Merge { .. }
        | Statement::Copy { .. } => Kind::Dml,
        Statement::StartTransaction { .. } => Kind::Begin,
        Statement::Commit { .. } | Statement::Rollback { .. } => Kind::Commit,
        Statement::Set(_) => Kind::Set,
        Statement::Query(_) => Kind::Other,
        _ => Kind::Ddl,
    }
}

fn kind_from_tokens(tokens: &[Token]) -> Kind {
    let first = tokens.first().map(|t| t.text.as_str()).unwrap_or("");
    let second = tokens.get(1).map(|t| t.text.as_str()).unwrap_or("");
    match first {
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "COPY" => Kind::Dml,
        "WITH"
            if tokens.iter().any(|t| {
                !t.quoted && matches!(t.text.as_str(), "INSERT" | "UPDATE" | "DELETE")
            }) =>
        {
            Kind::Dml
        }
        "BEGIN" | "START" => Kind::Begin,
        "COMMIT" | "END" | "ROLLBACK" | "ABORT" => Kind::Commit,
        "SET" if second != "CONSTRAINTS" => Kind::Set,
        "RESET" => Kind::Set,
        "SELECT" | "VALUES" | "WITH" | "DO" | "CALL" | "ANALYZE" | "EXPLAIN" | "SHOW"
        | "VACUUM" | "REINDEX" | "CLUSTER" | "LOCK" | "NOTIFY" => Kind::Other,
        _ => Kind::Ddl,
    }
}

/// Splits SQL into tokens; comments are dropped, dollar-quoted bodies become one string token.
pub fn tokenize(flavor: &Flavor, sql: &str) -> Vec<Token> {
    sql::significant(flavor, sql)
        .map(|token| match token.kind {
            TokenKind::String => Token {
                text: format!("'{}'", token.string_body(sql)),
                quoted: true,
            },
            TokenKind::QuotedIdent => Token {
                text: token.ident(sql),
                quoted: true,
            },
            _ => Token {
                text: token.text(sql).to_uppercase(),
                quoted: false,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::{Dialect, MYSQL, POSTGRES};

    fn parse(sql: &str) -> ParsedStatement {
        ParsedStatement::parse(sql, POSTGRES.lint_traits().unwrap())
    }

    #[test]
    fn mysql_statements_read_backticks_and_their_own_grammar() {
        let traits = MYSQL.lint_traits().unwrap();
        let s = ParsedStatement::parse(
            "ALTER TABLE `Users` MODIFY `name` varchar(10) NOT NULL",
            traits,
        );
        assert!(s.parsed);
        assert_eq!(s.kind, Kind::Ddl);
        assert_eq!(s.name_after(&["TABLE"]), Some(vec!["Users".to_string()]));
        let begin = ParsedStatement::parse("START TRANSACTION", traits);
        assert_eq!(begin.kind, Kind::Begin);
    }

    #[test]
    fn classifies_parsed_and_unparsed_statements() {
        assert_eq!(parse("INSERT INTO t VALUES (1)").kind, Kind::Dml);
        assert_eq!(parse("create table t (id int)").kind, Kind::Ddl);
        assert_eq!(parse("BEGIN").kind, Kind::Begin);
        assert_eq!(parse("SET lock_timeout = '1s'").kind, Kind::Set);
        let policy = parse("CREATE POLICY p ON t USING (true) WITH CHECK (x > 1)");
        assert_eq!(policy.kind, Kind::Ddl);
    }

    #[test]
    fn keywords_ignore_strings_comments_and_quoted_names() {
        let s = parse(
            "-- CONCURRENTLY\nCREATE INDEX \"CONCURRENTLY\" ON t (a) WHERE b = 'CONCURRENTLY'",
        );
        assert!(!s.has("CONCURRENTLY"));
        assert!(s.has_seq(&["CREATE", "INDEX"]));
        let f = parse("CREATE FUNCTION f() RETURNS int AS $x$ select 1; $x$ LANGUAGE sql");
        assert!(!f.has("SELECT"));
        assert_eq!(
            parse("DROP TABLE IF EXISTS s.t").name_after(&["TABLE"]),
            Some(vec!["S".to_string(), "T".to_string()])
        );
    }
}
