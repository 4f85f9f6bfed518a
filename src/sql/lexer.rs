//! A SQL lexer for any [`Flavor`]: a stream of tokens with byte spans that covers the input
//! exactly, whitespace and comments included. It never fails: an unterminated string, quoted
//! identifier or comment runs to the end of the input (and says so in
//! [`Token::terminated`]), and any other byte is punctuation.

use super::Flavor;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A run of ASCII whitespace.
    Whitespace,
    /// `-- …` or `# …` up to (not including) the newline, or `/* … */`.
    Comment,
    /// A bare word: keyword, type name or identifier.
    Word,
    /// `"x"`, `` `x` `` or `[x]`, as the flavour allows.
    QuotedIdent,
    /// `'text'`, `E'text'`, `x'blob'`, `$tag$text$tag$`, or a MySQL `"text"`.
    String,
    /// `$1`, or a `$` that opens no dollar quote (PostgreSQL).
    Parameter,
    Number,
    /// One character, or one of the flavour's multi-character operators.
    Punct,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// Byte range in the source text.
    pub span: Range<usize>,
    /// False for a string, quoted identifier or block comment that runs to the end unclosed.
    pub terminated: bool,
}

impl Token {
    pub fn text<'a>(&self, sql: &'a str) -> &'a str {
        &sql[self.span.clone()]
    }

    /// Whitespace or a comment.
    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, TokenKind::Whitespace | TokenKind::Comment)
    }

    /// Whether this is the bare word `keyword` (case-insensitive).
    pub fn is_word(&self, sql: &str, keyword: &str) -> bool {
        self.kind == TokenKind::Word && self.text(sql).eq_ignore_ascii_case(keyword)
    }

    pub fn is_punct(&self, sql: &str, punct: &str) -> bool {
        self.kind == TokenKind::Punct && self.text(sql) == punct
    }

    /// An identifier's name without its quotes, doubled quotes undone; a bare word as written.
    pub fn ident(&self, sql: &str) -> String {
        let text = self.text(sql);
        if self.kind != TokenKind::QuotedIdent {
            return text.to_string();
        }
        let inner = &text[1..text.len() - usize::from(self.terminated)];
        match text.as_bytes()[0] {
            b'"' => inner.replace("\"\"", "\""),
            b'`' => inner.replace("``", "`"),
            _ => inner.to_string(),
        }
    }

    /// A string's raw text between its quotes (after any `E`/`x` prefix) or dollar tags,
    /// escapes left as written; for other tokens the whole text.
    pub fn string_body<'a>(&self, sql: &'a str) -> &'a str {
        let text = self.text(sql);
        if self.kind != TokenKind::String {
            return text;
        }
        let (open, close) = if let Some(after) = text.strip_prefix('$') {
            let tag = after.find('$').map_or(text.len(), |at| at + 2);
            (tag, tag)
        } else {
            (text.find(['\'', '"']).map_or(0, |at| at + 1), 1)
        };
        let end = if self.terminated {
            text.len() - close
        } else {
            text.len()
        };
        &text[open.min(end)..end]
    }
}

/// Every token of `sql`, trivia included, in order; their spans cover `sql` exactly.
pub fn tokens<'a>(flavor: &'a Flavor, sql: &'a str) -> Tokens<'a> {
    Tokens { flavor, sql, at: 0 }
}

/// The tokens of `sql` without whitespace and comments.
pub fn significant<'a>(flavor: &'a Flavor, sql: &'a str) -> impl Iterator<Item = Token> + 'a {
    tokens(flavor, sql).filter(|t| !t.is_trivia())
}

pub struct Tokens<'a> {
    flavor: &'a Flavor,
    sql: &'a str,
    at: usize,
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        (self.at < self.sql.len()).then(|| {
            let token = token_at(self.flavor, self.sql, self.at);
            self.at = token.span.end;
            token
        })
    }
}

/// The token that starts at byte `at` (a char boundary before the end of `sql`).
#[inline]
pub fn token_at(flavor: &Flavor, sql: &str, at: usize) -> Token {
    let bytes = sql.as_bytes();
    let scan = Scan { flavor, bytes };
    let (kind, end, terminated) = scan.token(at);
    Token {
        kind,
        span: at..end,
        terminated,
    }
}

struct Scan<'a> {
    flavor: &'a Flavor,
    bytes: &'a [u8],
}

impl Scan<'_> {
    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    #[inline(always)]
    fn token(&self, i: usize) -> (TokenKind, usize, bool) {
        use TokenKind::*;
        let f = self.flavor;
        let done = |kind, end| (kind, end, true);
        let b = self.bytes[i];
        // Words, whitespace and list punctuation first: on this hot path tests predict better
        // than the jump table a single match becomes.
        if is_ident_start(b) {
            return self.word(i);
        }
        if b.is_ascii_whitespace() {
            return done(Whitespace, self.run(i, |b| b.is_ascii_whitespace()));
        }
        if matches!(b, b'(' | b')' | b',' | b';') {
            return done(Punct, i + 1);
        }
        match b {
            b'-' if self.at(i + 1) == Some(b'-') && self.dash_comment_at(i) => {
                done(Comment, self.line_end(i))
            }
            b'#' if f.hash_comments => done(Comment, self.line_end(i)),
            b'/' if self.at(i + 1) == Some(b'*') => {
                let (end, terminated) = self.block_comment(i);
                (Comment, end, terminated)
            }
            b'\'' => self.quoted(String, i, b'\'', f.backslash_escapes),
            b'"' if f.double_quoted_identifiers => self.quoted(QuotedIdent, i, b'"', false),
            b'"' => self.quoted(String, i, b'"', f.backslash_escapes),
            b'`' if f.backtick_identifiers => self.quoted(QuotedIdent, i, b'`', false),
            b'[' if f.bracket_identifiers => match self.find(i + 1, b"]") {
                Some(close) => done(QuotedIdent, close + 1),
                None => (QuotedIdent, self.bytes.len(), false),
            },
            b'$' if f.dollar_quotes => self.dollar(i),
            b if b.is_ascii_digit() => done(Number, self.number(i)),
            _ => done(Punct, self.punct(i)),
        }
    }

    /// A word, or the `E'…'` / `x'…'` string its one letter prefixes.
    #[inline]
    fn word(&self, start: usize) -> (TokenKind, usize, bool) {
        let end = self.run(start, is_ident_continue);
        let prefix =
            (end == start + 1 && self.at(end) == Some(b'\'')).then_some(self.bytes[start] | 0x20);
        match prefix {
            Some(b'e') if self.flavor.escape_strings => {
                self.quoted(TokenKind::String, end, b'\'', true)
            }
            Some(b'x') if self.flavor.blob_literals => {
                self.quoted(TokenKind::String, end, b'\'', false)
            }
            _ => (TokenKind::Word, end, true),
        }
    }

    fn run(&self, from: usize, keep: impl Fn(u8) -> bool) -> usize {
        self.bytes[from..]
            .iter()
            .position(|&b| !keep(b))
            .map_or(self.bytes.len(), |n| from + n)
    }

    fn find(&self, from: usize, needle: &[u8]) -> Option<usize> {
        let (&first, rest) = needle.split_first()?;
        let mut at = from;
        loop {
            at += self.bytes.get(at..)?.iter().position(|&b| b == first)?;
            if self.bytes[at + 1..].starts_with(rest) {
                return Some(at);
            }
            at += 1;
        }
    }

    fn dash_comment_at(&self, i: usize) -> bool {
        !self.flavor.dash_comment_needs_space
            || self
                .at(i + 2)
                .is_none_or(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    }

    /// The end of a line comment: its newline, which is left to the next token.
    fn line_end(&self, from: usize) -> usize {
        self.find(from, b"\n").unwrap_or(self.bytes.len())
    }

    fn block_comment(&self, start: usize) -> (usize, bool) {
        if !self.flavor.nested_block_comments {
            return match self.find(start + 2, b"*/") {
                Some(close) => (close + 2, true),
                None => (self.bytes.len(), false),
            };
        }
        let mut depth = 0usize;
        let mut i = start;
        while i < self.bytes.len() {
            match (self.bytes[i], self.at(i + 1)) {
                (b'/', Some(b'*')) => {
                    depth += 1;
                    i += 2;
                }
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return (i, true);
                    }
                }
                _ => i += 1,
            }
        }
        (self.bytes.len(), false)
    }

    /// A run quoted by `quote` opening at `open`: a doubled quote stands for itself, and with
    /// `backslash_escapes` so does `\x`.
    fn quoted(
        &self,
        kind: TokenKind,
        open: usize,
        quote: u8,
        backslash_escapes: bool,
    ) -> (TokenKind, usize, bool) {
        let mut i = open + 1;
        while i < self.bytes.len() {
            let b = self.bytes[i];
            if backslash_escapes && b == b'\\' {
                i += 2;
            } else if b == quote {
                if self.at(i + 1) != Some(quote) {
                    return (kind, i + 1, true);
                }
                i += 2;
            } else {
                i += 1;
            }
        }
        (kind, self.bytes.len(), false)
    }

    /// `$tag$ … $tag$` (a string), else `$` with any digits after it (a parameter).
    fn dollar(&self, start: usize) -> (TokenKind, usize, bool) {
        let mut i = start + 1;
        if self.at(i).is_some_and(is_ident_start) {
            i = self.run(i, |b| is_ident_start(b) || b.is_ascii_digit());
        }
        if self.at(i) != Some(b'$') {
            let end = self.run(start + 1, |b| b.is_ascii_digit());
            return (TokenKind::Parameter, end, true);
        }
        let tag = &self.bytes[start..=i];
        match self.find(i + 1, tag) {
            Some(close) => (TokenKind::String, close + tag.len(), true),
            None => (TokenKind::String, self.bytes.len(), false),
        }
    }

    /// A loose number runs over letters, digits and dots; a strict one is
    /// `digits[.digits][e[+-]digits]`, so `1e'x'` is `1` and an escape string.
    fn number(&self, start: usize) -> usize {
        if self.flavor.loose_numbers {
            return self.run(start, |b| b.is_ascii_alphanumeric() || b == b'.');
        }
        let digits = |from: usize| self.run(from, |b| b.is_ascii_digit());
        let mut end = digits(start);
        if self.at(end) == Some(b'.') {
            end = digits(end + 1);
        }
        if matches!(self.at(end), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.at(end + 1), Some(b'+' | b'-')));
            let exponent = end + 1 + sign;
            if self.at(exponent).is_some_and(|b| b.is_ascii_digit()) {
                end = digits(exponent);
            }
        }
        end
    }

    fn punct(&self, i: usize) -> usize {
        let rest = &self.bytes[i..];
        // Most punctuation (`(`, `,`) stands alone; only look for operators where two meet.
        if !rest.get(1).is_some_and(|b| b"!#%&*+-/:<=>@^|~".contains(b)) {
            return i + 1;
        }
        let operator = self
            .flavor
            .operators
            .iter()
            .filter(|op| op.as_bytes()[0] == rest[0] && rest.starts_with(op.as_bytes()))
            .map(|op| op.len())
            .max();
        // Bytes from 0x80 up start words, so a lone punctuation character is one byte.
        i + operator.unwrap_or(1)
    }
}

pub(super) fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

pub(super) fn is_ident_continue(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

#[cfg(test)]
mod tests;
