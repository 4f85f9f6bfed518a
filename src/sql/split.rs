//! Splitting a PostgreSQL script into statements at the `;` that end them.
//!
//! The lexer knows just enough PostgreSQL to find those semicolons: `--` and nested `/* */`
//! comments, `'…'` strings (with `''`), `E'…'` strings (with backslash escapes), `"…"`
//! identifiers, dollar quoting (`$$…$$`, `$tag$…$tag$`) and SQL-standard function bodies
//! `BEGIN ATOMIC … END`, whose inner statements end in `;` too (CASE … END nests inside).
//!
//! Each statement's text starts at its first token: comments *before* a statement are dropped,
//! comments inside it are kept. Pieces that hold only comments and whitespace are dropped. An
//! unterminated string, identifier or comment runs to the end of the script, so the server, not
//! the splitter, reports it.
//!
//! A migration file may set its own delimiter (`-- atlas:delimiter X`); then
//! [`split_statements_with`] ends statements at `X` instead, outside strings, quoted identifiers,
//! dollar quotes and block comments, and `;` is an ordinary character.

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitStatement {
    /// The statement from its first token, without the trailing `;` and trailing whitespace.
    pub text: String,
    /// The 1-based line of the statement's first token.
    pub line: usize,
}

/// Splits `script` into its statements, in order.
pub fn split_statements(script: &str) -> Vec<SplitStatement> {
    let bytes = script.as_bytes();
    let line_starts = line_starts(script);
    let mut statements = Vec::new();
    let mut start: Option<usize> = None;
    let mut body = AtomicBody::default();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'-' && bytes.get(i + 1) == Some(&b'-') {
            i = skip_line_comment(bytes, i);
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = skip_block_comment(bytes, i);
            continue;
        }
        let token_start = i;
        if b == b';' && !body.inside() {
            if let Some(s) = start.take() {
                statements.push(statement(script, s, i, &line_starts));
            }
            body = AtomicBody::default();
            i += 1;
            continue;
        }
        start.get_or_insert(token_start);
        i = match b {
            b'\'' => skip_quoted(bytes, i, b'\'', false),
            b'"' => skip_quoted(bytes, i, b'"', false),
            b'$' => skip_dollar(bytes, i),
            b if is_ident_start(b) => {
                let end = word_end(bytes, i);
                let word = &script[i..end];
                if bytes.get(end) == Some(&b'\'') && word.eq_ignore_ascii_case("e") {
                    skip_quoted(bytes, end, b'\'', true)
                } else {
                    body.see_word(word);
                    end
                }
            }
            _ => {
                body.see_other();
                i + 1
            }
        };
    }
    if let Some(s) = start {
        statements.push(statement(script, s, bytes.len(), &line_starts));
    }
    statements
}

/// Splits `script` at `delimiter` (see the module docs); `None` or `";"` is [`split_statements`].
///
/// A delimiter that ends in a letter, digit or `_` only matches where no identifier character
/// follows, so `GO` does not split `GOTO`. The delimiter is not part of any statement's text.
pub fn split_statements_with(script: &str, delimiter: Option<&str>) -> Vec<SplitStatement> {
    match delimiter {
        None | Some(";") | Some("") => split_statements(script),
        Some(delimiter) => split_at_custom_delimiter(script, delimiter),
    }
}

fn split_at_custom_delimiter(script: &str, delimiter: &str) -> Vec<SplitStatement> {
    let bytes = script.as_bytes();
    let delim = delimiter.as_bytes();
    let word_like_end = delim.last().is_some_and(|&b| is_ident_continue(b));
    let line_starts = line_starts(script);
    let mut statements = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        // The delimiter wins over everything else at a token boundary: it may look like a
        // comment (`-- end`), whitespace (`\n\n`) or a dollar quote (`$$`).
        if bytes[i..].starts_with(delim)
            && !(word_like_end
                && bytes
                    .get(i + delim.len())
                    .is_some_and(|&b| is_ident_continue(b)))
        {
            if let Some(s) = start.take() {
                statements.push(statement(script, s, i, &line_starts));
            }
            i += delim.len();
            continue;
        }
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'-' && bytes.get(i + 1) == Some(&b'-') {
            // Stop before the newline: it may begin a delimiter such as `\n\n`.
            i = skip_line_comment(bytes, i);
            if bytes.get(i - 1) == Some(&b'\n') {
                i -= 1;
            }
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = skip_block_comment(bytes, i);
            continue;
        }
        start.get_or_insert(i);
        i = match b {
            b'\'' => skip_quoted(bytes, i, b'\'', false),
            b'"' => skip_quoted(bytes, i, b'"', false),
            b'$' => skip_dollar(bytes, i),
            b if is_ident_start(b) => {
                let end = word_end(bytes, i);
                if bytes.get(end) == Some(&b'\'') && script[i..end].eq_ignore_ascii_case("e") {
                    skip_quoted(bytes, end, b'\'', true)
                } else {
                    end
                }
            }
            _ => i + 1,
        };
    }
    if let Some(s) = start {
        statements.push(statement(script, s, bytes.len(), &line_starts));
    }
    statements
}

/// Tracks `BEGIN ATOMIC … END` (and a SQLite `CREATE TRIGGER … BEGIN … END`) so that `;`
/// inside the body does not end the statement.
#[derive(Default)]
struct AtomicBody {
    /// The previous token was the word BEGIN.
    after_begin: bool,
    /// The statement's leading words so far, while they may still spell `CREATE [TEMP] TRIGGER`.
    leading: Vec<String>,
    /// The statement is a `CREATE [TEMP|TEMPORARY] TRIGGER`, whose SQLite body is `BEGIN … END`.
    trigger: bool,
    /// Open BEGIN ATOMIC / CASE blocks.
    depth: usize,
}

impl AtomicBody {
    fn inside(&self) -> bool {
        self.depth > 0
    }

    fn see_word(&mut self, word: &str) {
        let is = |kw: &str| word.eq_ignore_ascii_case(kw);
        if self.leading.len() < 3 && !self.trigger {
            self.leading.push(word.to_ascii_uppercase());
            let words: Vec<&str> = self.leading.iter().map(String::as_str).collect();
            self.trigger = matches!(
                words.as_slice(),
                ["CREATE", "TRIGGER"] | ["CREATE", "TEMP" | "TEMPORARY", "TRIGGER"]
            );
        }
        if self.depth == 0 {
            if (self.after_begin && is("atomic")) || (self.trigger && is("begin")) {
                self.depth = 1;
            }
            self.after_begin = is("begin");
        } else if is("case") {
            self.depth += 1;
        } else if is("end") {
            self.depth -= 1;
        }
    }

    fn see_other(&mut self) {
        self.after_begin = false;
        if self.leading.len() < 3 {
            self.leading.push(String::new());
        }
    }
}

fn statement(script: &str, start: usize, end: usize, line_starts: &[usize]) -> SplitStatement {
    SplitStatement {
        text: script[start..end].trim_end().to_string(),
        line: line_starts.partition_point(|&s| s <= start),
    }
}

/// Byte offsets where each line starts; line n (1-based) starts at `line_starts[n - 1]`.
fn line_starts(script: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(script.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

fn word_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() && is_ident_continue(bytes[i]) {
        i += 1;
    }
    i
}

fn skip_line_comment(bytes: &[u8], start: usize) -> usize {
    match bytes[start..].iter().position(|&b| b == b'\n') {
        Some(n) => start + n + 1,
        None => bytes.len(),
    }
}

/// Skips a `/* … */` comment, which may nest.
fn skip_block_comment(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Skips a quoted string or identifier starting at the opening `quote`; a doubled quote
/// stands for itself, and with `backslash_escapes` so does `\x`.
fn skip_quoted(bytes: &[u8], open: usize, quote: u8, backslash_escapes: bool) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        let b = bytes[i];
        if backslash_escapes && b == b'\\' {
            i += 2;
        } else if b == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Skips a dollar-quoted string (`$tag$ … $tag$`), or just a `$n` parameter / lone `$`.
fn skip_dollar(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    if bytes.get(i).is_some_and(|&b| is_ident_start(b)) {
        while i < bytes.len() && (is_ident_start(bytes[i]) || bytes[i].is_ascii_digit()) {
            i += 1;
        }
    }
    if bytes.get(i) != Some(&b'$') {
        // `$1` or a stray `$`: not a quote.
        let mut j = start + 1;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        return j;
    }
    let tag = &bytes[start..=i];
    let body_start = i + 1;
    match bytes[body_start..]
        .windows(tag.len())
        .position(|window| window == tag)
    {
        Some(n) => body_start + n + tag.len(),
        None => bytes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(script: &str) -> Vec<String> {
        split_statements(script)
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    fn lines(script: &str) -> Vec<usize> {
        split_statements(script)
            .into_iter()
            .map(|s| s.line)
            .collect()
    }

    #[test]
    fn sqlite_trigger_body_keeps_its_semicolons() {
        let script = "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET a = CASE WHEN 1 THEN 2 END;\n  DELETE FROM u;\nEND;\nSELECT 1;";
        let texts: Vec<String> = split_statements(script)
            .into_iter()
            .map(|s| s.text)
            .collect();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(texts[0].ends_with("END"));
        assert_eq!(texts[1], "SELECT 1");
    }

    #[test]
    fn splits_on_semicolons_and_keeps_a_final_statement_without_one() {
        assert_eq!(
            texts("create table a (x int);\ncreate table b (y int)\n"),
            ["create table a (x int)", "create table b (y int)"]
        );
    }

    #[test]
    fn drops_empty_and_comment_only_pieces() {
        assert_eq!(
            texts(";;  ; -- nothing\n/* still nothing */ ;"),
            Vec::<String>::new()
        );
        assert_eq!(texts("select 1; -- trailing comment\n"), ["select 1"]);
    }

    #[test]
    fn leading_comments_are_dropped_and_inner_comments_kept() {
        let script = "-- header\n/* block */\nselect 1 -- why\n, 2;";
        assert_eq!(texts(script), ["select 1 -- why\n, 2"]);
        assert_eq!(lines(script), [3]);
    }

    #[test]
    fn line_numbers_point_at_the_first_token() {
        let script = "select 1;\n\n  -- c\n  select\n2;\nselect 3; select 4;";
        assert_eq!(lines(script), [1, 4, 6, 6]);
    }

    #[test]
    fn semicolons_in_comments_do_not_split() {
        assert_eq!(
            texts("select 1 -- a; b\n+ 1; select /* x; /* nested; */ y; */ 2;"),
            [
                "select 1 -- a; b\n+ 1",
                "select /* x; /* nested; */ y; */ 2"
            ]
        );
    }

    #[test]
    fn semicolons_in_strings_and_identifiers_do_not_split() {
        assert_eq!(
            texts(r#"insert into "t;1" values ('a;''b;'); select 2;"#),
            [r#"insert into "t;1" values ('a;''b;')"#, "select 2"]
        );
        assert_eq!(
            texts(r#"select "a "" ; b" from t; select 3"#),
            [r#"select "a "" ; b" from t"#, "select 3"]
        );
    }

    #[test]
    fn escape_strings_honour_backslashes() {
        assert_eq!(
            texts(r"select E'it\'s; fine', e'\\'; select 2;"),
            [r"select E'it\'s; fine', e'\\'", "select 2"]
        );
        // In a standard string a backslash is just a character.
        assert_eq!(
            texts(r"select 'a\'; select 2;"),
            [r"select 'a\'", "select 2"]
        );
        // A word ending in e is not an escape-string prefix.
        assert_eq!(
            texts(r"select name'x\'; select 2;"),
            [r"select name'x\'", "select 2"]
        );
    }

    #[test]
    fn dollar_quoted_bodies_do_not_split() {
        let script = "create function f() returns int language plpgsql as $$\nbegin\n  return 1;\nend;\n$$;\n\
                      create function g() returns text as $body$ select 'x;$$'; $body$ language sql;\n\
                      select 1";
        let got = texts(script);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[0].ends_with("end;\n$$"));
        assert!(got[1].ends_with("language sql"));
        assert_eq!(got[2], "select 1");
    }

    #[test]
    fn positional_parameters_and_dollars_in_identifiers_are_not_quotes() {
        assert_eq!(
            texts("prepare p as select $1 + $2; select a$b$ from t; select 3"),
            [
                "prepare p as select $1 + $2",
                "select a$b$ from t",
                "select 3"
            ]
        );
    }

    #[test]
    fn begin_atomic_bodies_keep_their_semicolons() {
        let script = "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql\n\
                      BEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n  SELECT x;\nEND;\n\
                      CREATE TABLE t (end_date date);";
        let got = split_statements(script);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].text.starts_with("CREATE FUNCTION"));
        assert!(got[0].text.ends_with("SELECT x;\nEND"));
        assert_eq!(got[1].text, "CREATE TABLE t (end_date date)");
        assert_eq!(got[1].line, 6);
    }

    #[test]
    fn begin_atomic_with_comments_between_keywords() {
        let script =
            "create procedure p() begin /* c */ atomic insert into t values (1); end; select 1;";
        assert_eq!(
            texts(script),
            [
                "create procedure p() begin /* c */ atomic insert into t values (1); end",
                "select 1"
            ]
        );
    }

    #[test]
    fn transaction_begin_is_an_ordinary_statement() {
        assert_eq!(
            texts("BEGIN; create table atomic (x int); COMMIT;"),
            ["BEGIN", "create table atomic (x int)", "COMMIT"]
        );
    }

    #[test]
    fn unterminated_quote_runs_to_the_end() {
        assert_eq!(texts("select 'abc; select 2;"), ["select 'abc; select 2;"]);
        assert_eq!(texts("select 1; /* open"), ["select 1"]);
    }

    fn texts_with(script: &str, delimiter: &str) -> Vec<String> {
        split_statements_with(script, Some(delimiter))
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn custom_delimiter_replaces_the_semicolon() {
        let script = "-- atlas:delimiter //\ncreate function f() returns int language sql\nbegin atomic select 1; end//\ninsert into t values (';//'); select 2//\n";
        assert_eq!(
            texts_with(script, "//"),
            [
                "create function f() returns int language sql\nbegin atomic select 1; end",
                "insert into t values (';//'); select 2"
            ]
        );
        let lines: Vec<usize> = split_statements_with(script, Some("//"))
            .iter()
            .map(|s| s.line)
            .collect();
        assert_eq!(lines, [2, 4]);
    }

    #[test]
    fn comment_like_delimiter_splits() {
        let script = "select 1;\nselect 2;\n-- end\nselect 3\n-- end\n";
        assert_eq!(
            texts_with(script, "-- end"),
            ["select 1;\nselect 2;", "select 3"]
        );
    }

    #[test]
    fn blank_line_delimiter_splits_after_a_comment_line() {
        let script = "select 1 -- one\n\nselect $$a\n\nb$$\n\n\n/* c\n\n*/ select 3";
        assert_eq!(
            texts_with(script, "\n\n"),
            ["select 1 -- one", "select $$a\n\nb$$", "select 3"]
        );
    }

    #[test]
    fn word_delimiter_does_not_split_inside_a_longer_word() {
        assert_eq!(
            texts_with("select GOTOIT\nGO\nselect 2 GO", "GO"),
            ["select GOTOIT", "select 2"]
        );
    }

    #[test]
    fn semicolon_delimiter_is_the_default_splitter() {
        let script = "select 1; create function f() returns int begin atomic select 1; end;";
        assert_eq!(
            split_statements_with(script, Some(";")),
            split_statements(script)
        );
        assert_eq!(
            split_statements_with(script, None),
            split_statements(script)
        );
    }

    #[test]
    fn non_ascii_text_survives() {
        assert_eq!(
            texts("comment on table t is 'Größe; ok'; select 'é';"),
            ["comment on table t is 'Größe; ok'", "select 'é'"]
        );
    }
}

/// Every `current` / `desired` script of the sqldef psqldef corpus splits without losing text.
#[cfg(test)]
mod conformance_corpus {
    use super::*;
    use regex::Regex;
    use std::path::Path;
    use std::sync::LazyLock;

    /// Removes `--` and `/* */` comments, `;` and whitespace from text that holds no strings.
    fn strip_separators(gap: &str) -> String {
        static LINE_COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"--[^\n]*").unwrap());
        static BLOCK_COMMENT: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(?s)/\*.*?\*/").unwrap());
        let gap = LINE_COMMENT.replace_all(gap, "");
        let gap = BLOCK_COMMENT.replace_all(&gap, "");
        gap.chars()
            .filter(|c| !c.is_whitespace() && *c != ';')
            .collect()
    }

    fn check_script(case: &str, script: &str) {
        let line_starts = line_starts(script);
        let mut cursor = 0;
        for piece in split_statements(script) {
            assert!(!piece.text.trim().is_empty(), "{case}: empty piece");
            // The first occurrence at or after the cursor that starts on the reported line.
            let offset = script[cursor..]
                .match_indices(piece.text.as_str())
                .map(|(i, _)| cursor + i)
                .find(|&at| line_starts.partition_point(|&s| s <= at) == piece.line)
                .unwrap_or_else(|| panic!("{case}: piece at line {} not found", piece.line));
            let gap = strip_separators(&script[cursor..offset]);
            assert!(
                gap.is_empty(),
                "{case}: lost text {gap:?} before line {}",
                piece.line
            );
            cursor = offset + piece.text.len();
        }
        let tail = strip_separators(&script[cursor..]);
        assert!(tail.is_empty(), "{case}: lost trailing text {tail:?}");
    }

    #[test]
    fn psqldef_scripts_lose_no_non_comment_text() {
        let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
        let conformance = std::env::var("SCHEMACTL_CONFORMANCE_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or(if beside.exists() {
                beside
            } else {
                "/work/shared/conformance".into()
            });
        let dir = conformance.join("sqldef/psqldef");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("skipped: {} not found", dir.display());
            return;
        };
        let mut scripts = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let cases: serde_yaml::Mapping = serde_yaml::from_str(&text).unwrap();
            for (name, case) in &cases {
                for key in ["current", "desired"] {
                    if let Some(script) = case.get(key).and_then(|v| v.as_str()) {
                        let label =
                            format!("{}:{}:{key}", path.display(), name.as_str().unwrap_or("?"));
                        check_script(&label, script);
                        scripts += 1;
                    }
                }
            }
        }
        assert!(scripts > 100, "only {scripts} scripts found");
    }
}
