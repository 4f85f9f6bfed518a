//! Splitting a script into statements at the delimiters that end them, for a [`Flavor`].
//!
//! The splitter reads the flavour's tokens (see [`super::lexer`]), so `;` inside comments,
//! strings, quoted identifiers and dollar quotes does not split; nor does `;` inside the bodies
//! of SQL-standard functions `BEGIN ATOMIC … END` (PostgreSQL) and of
//! `CREATE TRIGGER … BEGIN … END` (SQLite, MySQL), whose inner statements end in `;` too
//! (CASE … END nests inside).
//!
//! Each statement's text starts at its first token: comments *before* a statement are dropped,
//! comments inside it are kept. Pieces that hold only comments and whitespace are dropped. An
//! unterminated string, identifier or comment runs to the end of the script, so the server, not
//! the splitter, reports it.
//!
//! A migration file may set its own delimiter (`-- atlas:delimiter X`); then
//! [`split_statements_with`] ends statements at `X` instead, outside strings, quoted identifiers,
//! dollar quotes and comments, and `;` is an ordinary character. With the MySQL flavour a
//! `DELIMITER X` line between statements does the same until the next such line (the MySQL
//! client's convention); the line itself is no statement.

use super::Flavor;
use super::body::Body;
use super::lexer::{TokenKind, is_ident_continue, token_at};
use std::ops::Range;
use std::rc::Rc;

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitStatement {
    /// The statement from its first token, without the trailing delimiter and whitespace.
    pub text: String,
    /// The 1-based line of the statement's first token.
    pub line: usize,
}

/// The flavour of [`split_statements`]. It has no trigger bodies: a PostgreSQL trigger runs a
/// function, so a column named `begin` in `UPDATE OF begin` opens nothing.
const SCRIPT_FLAVOR: Flavor = Flavor::postgres();

/// Splits a PostgreSQL `script` into its statements, in order. Other dialects' scripts split
/// with their own flavour ([`split_statements_for`]).
pub fn split_statements(script: &str) -> Vec<SplitStatement> {
    split_statements_for(&SCRIPT_FLAVOR, script)
}

/// Splits `script` at `delimiter` (see the module docs); `None` or `";"` is [`split_statements`].
///
/// A delimiter that ends in a letter, digit or `_` only matches where no identifier character
/// follows, so `GO` does not split `GOTO`. The delimiter is not part of any statement's text.
pub fn split_statements_with(script: &str, delimiter: Option<&str>) -> Vec<SplitStatement> {
    split_statements_for_with(&SCRIPT_FLAVOR, script, delimiter)
}

/// Splits a script of `flavor` at its `;`.
pub fn split_statements_for(flavor: &Flavor, script: &str) -> Vec<SplitStatement> {
    split_statements_for_with(flavor, script, None)
}

/// Splits a script of `flavor` at `delimiter`, as [`split_statements_with`] does.
pub fn split_statements_for_with(
    flavor: &Flavor,
    script: &str,
    delimiter: Option<&str>,
) -> Vec<SplitStatement> {
    let delimiter = match delimiter {
        None | Some(";") | Some("") => None,
        Some(custom) => Some(Rc::from(custom)),
    };
    let mut splitter = Splitter {
        flavor,
        script,
        line_starts: line_starts(script),
        delimiter,
        statements: Vec::new(),
        start: None,
        body: Body::default(),
    };
    splitter.run();
    splitter.statements
}

struct Splitter<'a> {
    flavor: &'a Flavor,
    script: &'a str,
    line_starts: Vec<usize>,
    /// A delimiter other than `;`, which then is an ordinary character.
    delimiter: Option<Rc<str>>,
    statements: Vec<SplitStatement>,
    /// Where the current statement's first token starts.
    start: Option<usize>,
    body: Body,
}

impl Splitter<'_> {
    fn run(&mut self) {
        let mut at = 0;
        while at < self.script.len() {
            at = match &self.delimiter {
                None => self.step_semicolon(at),
                Some(delimiter) => self.step_custom(at, &Rc::clone(delimiter)),
            };
        }
        self.finish(self.script.len());
    }

    /// One step where `;` delimits: a whole token.
    fn step_semicolon(&mut self, at: usize) -> usize {
        // Whitespace is most tokens; skip it without building one.
        let bytes = self.script.as_bytes();
        if bytes[at].is_ascii_whitespace() {
            let run = bytes[at..].iter().position(|b| !b.is_ascii_whitespace());
            return run.map_or(bytes.len(), |n| at + n);
        }
        let token = token_at(self.flavor, self.script, at);
        let end = token.span.end;
        match token.kind {
            TokenKind::Whitespace | TokenKind::Comment => {}
            // `;` is in no operator, so a `;` punctuation token is just that.
            TokenKind::Punct if self.script.as_bytes()[at] == b';' && !self.body.inside() => {
                self.finish(at);
            }
            _ if self.start.is_none() && self.delimiter_line_at(&token.span) => {
                return self.read_delimiter_line(end);
            }
            kind => {
                self.start.get_or_insert(at);
                match kind {
                    TokenKind::Word => self.body.see_word(self.flavor, token.text(self.script)),
                    TokenKind::Punct | TokenKind::Number => self.body.see_other(),
                    _ => {}
                }
            }
        }
        end
    }

    /// One step where `delimiter` delimits. It wins over everything else at a token boundary
    /// (it may look like a comment `-- end`, whitespace `\n\n` or a dollar quote `$$`) and may
    /// start anywhere in a run of whitespace, punctuation or digits.
    fn step_custom(&mut self, at: usize, delimiter: &str) -> usize {
        if self.delimiter_at(at, delimiter) {
            self.finish(at);
            return at + delimiter.len();
        }
        let token = token_at(self.flavor, self.script, at);
        match token.kind {
            TokenKind::Whitespace => {
                let found = (at + 1..token.span.end).find(|&i| self.delimiter_at(i, delimiter));
                found.unwrap_or(token.span.end)
            }
            TokenKind::Comment => token.span.end,
            _ if self.start.is_none() && self.delimiter_line_at(&token.span) => {
                self.read_delimiter_line(token.span.end)
            }
            kind => {
                self.start.get_or_insert(at);
                match kind {
                    TokenKind::Punct | TokenKind::Number => at + 1,
                    _ => token.span.end,
                }
            }
        }
    }

    fn delimiter_at(&self, at: usize, delimiter: &str) -> bool {
        let bytes = self.script.as_bytes();
        let word_like_end = delimiter.bytes().last().is_some_and(is_ident_continue);
        bytes[at..].starts_with(delimiter.as_bytes())
            && !(word_like_end
                && bytes
                    .get(at + delimiter.len())
                    .is_some_and(|&b| is_ident_continue(b)))
    }

    /// Whether `span` is the word DELIMITER opening a line, in a flavour that has such lines.
    fn delimiter_line_at(&self, span: &Range<usize>) -> bool {
        if !self.flavor.delimiter_lines
            || !self.script[span.clone()].eq_ignore_ascii_case("delimiter")
        {
            return false;
        }
        let before = &self.script[..span.start];
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        before[line_start..]
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
            && self.script[span.end..]
                .split('\n')
                .next()
                .is_some_and(|rest| !rest.trim().is_empty())
    }

    /// Takes the delimiter from the rest of a `DELIMITER` line; returns the line's end.
    fn read_delimiter_line(&mut self, from: usize) -> usize {
        let rest = &self.script[from..];
        let line = rest.split('\n').next().unwrap_or(rest);
        let delimiter = line.split_whitespace().next().unwrap_or(";");
        self.delimiter = (delimiter != ";").then(|| Rc::from(delimiter));
        from + line.len()
    }

    /// Ends the current statement (if any) before `end`.
    fn finish(&mut self, end: usize) {
        self.body = Body::default();
        if let Some(start) = self.start.take() {
            self.statements.push(SplitStatement {
                // The lexer's whitespace is ASCII: a trailing no-break space is part of the
                // statement (a server reads it as an identifier character or an error).
                text: self.script[start..end]
                    .trim_end_matches(|c: char| c.is_ascii_whitespace())
                    .to_string(),
                line: self.line_starts.partition_point(|&s| s <= start),
            });
        }
    }
}

/// Byte offsets where each line starts; line n (1-based) starts at `line_starts[n - 1]`.
fn line_starts(script: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(script.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
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
        let texts: Vec<String> = split_statements_for(&Flavor::sqlite(), script)
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

    fn texts_for(flavor: &Flavor, script: &str) -> Vec<String> {
        split_statements_for(flavor, script)
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn mysql_delimiter_lines_set_the_delimiter_until_the_next_one() {
        let script = "DELIMITER //\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.a = 1;\nEND//\ndelimiter ;\nSELECT 1; SELECT 2";
        let got = split_statements_for(&Flavor::mysql(), script);
        let texts: Vec<&str> = got.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.a = 1;\nEND",
                "SELECT 1",
                "SELECT 2"
            ]
        );
        let lines: Vec<usize> = got.iter().map(|s| s.line).collect();
        assert_eq!(lines, [2, 7, 7]);
        // Only a line's first word between statements; a bare DELIMITER is a word.
        assert_eq!(
            texts_for(&Flavor::mysql(), "SELECT delimiter FROM t; DELIMITER\n;"),
            ["SELECT delimiter FROM t", "DELIMITER"]
        );
        // Other flavours have no such lines.
        assert_eq!(
            texts_for(&Flavor::postgres(), "DELIMITER //\nSELECT 1;"),
            ["DELIMITER //\nSELECT 1"]
        );
    }

    #[test]
    fn mysql_comments_and_backslash_escapes_hide_semicolons() {
        assert_eq!(
            texts_for(
                &Flavor::mysql(),
                "# head; er\nSELECT 'a\\'; b', \"c\\\"; d\", `e;f` -- g; h\n; SELECT 1--1;"
            ),
            [
                "SELECT 'a\\'; b', \"c\\\"; d\", `e;f` -- g; h",
                "SELECT 1--1"
            ]
        );
    }

    #[test]
    fn mysql_compound_bodies_keep_their_semicolons_without_delimiter() {
        let trigger = "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW begin\n\
                       if NEW.a is null then set NEW.a = 1; end if;\n\
                       set NEW.b = case when NEW.a = 1 then 2 else 3 end;\n\
                       end";
        let procedure = "CREATE DEFINER=`root`@`%` PROCEDURE p() BEGIN\n\
                         DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; END;\n\
                         l: LOOP LEAVE l; END LOOP l;\n\
                         CASE WHEN 1 THEN SELECT 1; END CASE;\n\
                         WHILE 0 DO SELECT IF(1, 2, 3); END WHILE;\n\
                         END";
        let event = "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM x; END";
        let script = format!("{trigger};\n{procedure};\n{event};\nSELECT 1;");
        assert_eq!(
            texts_for(&Flavor::mysql(), &script),
            [trigger, procedure, event, "SELECT 1"]
        );
    }

    #[test]
    fn sqlite_flavour_brackets_and_flat_comments() {
        assert_eq!(
            texts_for(
                &Flavor::sqlite(),
                "SELECT [a;b], `c;d`, $x; /* a /* b */ SELECT 2; SELECT E'\\'; SELECT 3"
            ),
            [
                "SELECT [a;b], `c;d`, $x",
                "SELECT 2",
                "SELECT E'\\'",
                "SELECT 3"
            ]
        );
    }

    #[test]
    fn postgres_flavour_has_no_trigger_bodies() {
        let script = "CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW WHEN (OLD.begin <> NEW.begin) EXECUTE FUNCTION f(); SELECT 1;";
        assert_eq!(texts_for(&Flavor::postgres(), script).len(), 2);
    }

    #[test]
    fn postgres_trigger_on_a_column_named_begin_ends_at_its_semicolon() {
        let script = "CREATE TRIGGER t BEFORE UPDATE OF begin ON x FOR EACH ROW EXECUTE FUNCTION f();\n\
                      CREATE TABLE y (a int);\nSELECT 1;";
        assert_eq!(
            texts(script),
            [
                "CREATE TRIGGER t BEFORE UPDATE OF begin ON x FOR EACH ROW EXECUTE FUNCTION f()",
                "CREATE TABLE y (a int)",
                "SELECT 1"
            ]
        );
    }

    #[test]
    fn sqlite_trigger_on_a_column_named_begin_keeps_its_body() {
        let script =
            "CREATE TRIGGER tr AFTER UPDATE OF begin ON t BEGIN UPDATE t SET x = 1; END; SELECT 1;";
        assert_eq!(
            texts_for(&Flavor::sqlite(), script),
            [
                "CREATE TRIGGER tr AFTER UPDATE OF begin ON t BEGIN UPDATE t SET x = 1; END",
                "SELECT 1"
            ]
        );
    }

    #[test]
    fn unicode_whitespace_is_statement_text_not_trimmed_away() {
        // Found by tests/prop_splitter.rs: a piece of only U+00A0 was an empty statement.
        assert_eq!(
            texts("\u{a0} ;select 1\u{2028}\n;"),
            ["\u{a0}", "select 1\u{2028}"]
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
