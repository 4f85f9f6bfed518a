//! What a dialect's lexer knows: plain data, one constructor per dialect.

/// The lexical rules of one SQL dialect, as far as [`super::tokens`] and
/// [`super::split_statements_for`] need them. `--` line comments, `/* */` block comments and
/// `'…'` strings with `''` are common to all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flavor {
    /// `#` starts a line comment (MySQL).
    pub hash_comments: bool,
    /// `--` starts a comment only when whitespace, a control character or the end follows
    /// (MySQL), so `1--1` is arithmetic.
    pub dash_comment_needs_space: bool,
    /// `/* … */` comments nest (PostgreSQL).
    pub nested_block_comments: bool,
    /// A backslash escapes the next character in every string (MySQL's default).
    pub backslash_escapes: bool,
    /// `E'…'` is a string whose backslashes escape (PostgreSQL).
    pub escape_strings: bool,
    /// `x'…'` is one blob or hex literal (SQLite, MySQL).
    pub blob_literals: bool,
    /// `"…"` quotes an identifier (PostgreSQL, SQLite; MySQL with ANSI_QUOTES); else a string.
    pub double_quoted_identifiers: bool,
    /// `` `…` `` quotes an identifier (MySQL, SQLite).
    pub backtick_identifiers: bool,
    /// `[…]` quotes an identifier (SQLite).
    pub bracket_identifiers: bool,
    /// `$tag$…$tag$` quotes a string and `$1` is a parameter (PostgreSQL).
    pub dollar_quotes: bool,
    /// A number runs over letters and dots (`1abc`, `1.2.3`) instead of stopping where a
    /// numeric literal ends; SQLite's text comparison keeps such runs whole.
    pub loose_numbers: bool,
    /// Multi-character operators lexed as one punctuation token, longest first.
    pub operators: &'static [&'static str],
    /// `BEGIN ATOMIC … END` bodies hold `;` (PostgreSQL).
    pub begin_atomic_bodies: bool,
    /// `CREATE TRIGGER … BEGIN … END` bodies hold `;` (SQLite, MySQL).
    pub trigger_bodies: bool,
    /// Compound statements (MySQL): `BEGIN … END` bodies of procedures, functions and events
    /// too, nested `BEGIN … END` and `END IF|LOOP|WHILE|REPEAT|CASE`.
    pub compound_statements: bool,
    /// A `DELIMITER xx` line between statements sets the delimiter (the MySQL client's).
    pub delimiter_lines: bool,
}

impl Flavor {
    /// `text` as a string literal this flavour reads back unchanged: quotes doubled, and
    /// backslashes too where they escape.
    pub fn string_literal(&self, text: &str) -> String {
        let mut quoted = text.replace('\'', "''");
        if self.backslash_escapes {
            quoted = quoted.replace('\\', "\\\\");
        }
        format!("'{quoted}'")
    }

    pub const fn postgres() -> Flavor {
        Flavor {
            hash_comments: false,
            dash_comment_needs_space: false,
            nested_block_comments: true,
            backslash_escapes: false,
            escape_strings: true,
            blob_literals: false,
            double_quoted_identifiers: true,
            backtick_identifiers: false,
            bracket_identifiers: false,
            dollar_quotes: true,
            loose_numbers: false,
            operators: &["::", "->>", "->", "<=", ">=", "<>", "!=", "||", "=>"],
            begin_atomic_bodies: true,
            trigger_bodies: false,
            compound_statements: false,
            delimiter_lines: false,
        }
    }

    pub const fn sqlite() -> Flavor {
        Flavor {
            hash_comments: false,
            dash_comment_needs_space: false,
            nested_block_comments: false,
            backslash_escapes: false,
            escape_strings: false,
            blob_literals: true,
            double_quoted_identifiers: true,
            backtick_identifiers: true,
            bracket_identifiers: true,
            dollar_quotes: false,
            loose_numbers: true,
            operators: &["<=", ">=", "<>", "!=", "==", "||", "<<", ">>", "->"],
            begin_atomic_bodies: false,
            trigger_bodies: true,
            compound_statements: false,
            delimiter_lines: false,
        }
    }

    /// MySQL with its default SQL mode (no ANSI_QUOTES, backslash escapes on).
    pub const fn mysql() -> Flavor {
        Flavor {
            hash_comments: true,
            dash_comment_needs_space: true,
            nested_block_comments: false,
            backslash_escapes: true,
            escape_strings: false,
            blob_literals: true,
            double_quoted_identifiers: false,
            backtick_identifiers: true,
            bracket_identifiers: false,
            dollar_quotes: false,
            loose_numbers: true,
            operators: &[
                "<=>", "<=", ">=", "<>", "!=", "||", "&&", "<<", ">>", "->>", "->", ":=",
            ],
            begin_atomic_bodies: false,
            trigger_bodies: true,
            compound_statements: true,
            delimiter_lines: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Flavor;

    #[test]
    fn string_literals_double_quotes_and_backslashes_where_they_escape() {
        assert_eq!(
            Flavor::postgres().string_literal(r"it's a\b"),
            r"'it''s a\b'"
        );
        assert_eq!(Flavor::sqlite().string_literal("x"), "'x'");
        assert_eq!(Flavor::mysql().string_literal(r"it's a\b"), r"'it''s a\\b'");
    }
}
