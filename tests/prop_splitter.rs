//! Generated-input tests of the statement splitter, for each dialect's lexer flavour.
//!
//! Two properties:
//! - *Known statements*: statements built from each flavour's nasty pieces (quotes doubled,
//!   dollar quotes, nested comments, `;` inside strings, comments and `BEGIN … END` bodies,
//!   backticks, `E''` strings, unicode) joined with separators (`;`, whitespace, comments,
//!   MySQL `DELIMITER` lines, a file's own delimiter). Splitting the joined script gives back
//!   exactly those statements, each at the line it was written on.
//! - *No lost text*: for a soup of fragments, each statement's text stands in the script in
//!   order at its line, and everything between and around them lexes as whitespace, comments
//!   and `;` only: the statements and their separators join back to the input.

mod common;

use common::cases::config;
use proptest::prelude::*;
use schemactl::sql::{
    Flavor, SplitStatement, TokenKind, split_statements_for_with, token_at, tokens,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Postgres,
    Sqlite,
    Mysql,
}

impl Dialect {
    fn flavor(self) -> Flavor {
        match self {
            Dialect::Postgres => Flavor::postgres(),
            Dialect::Sqlite => Flavor::sqlite(),
            Dialect::Mysql => Flavor::mysql(),
        }
    }
}

fn dialect() -> impl Strategy<Value = Dialect> {
    prop_oneof![
        Just(Dialect::Postgres),
        Just(Dialect::Sqlite),
        Just(Dialect::Mysql)
    ]
}

/// Text inside a quoted token: `;`, comment openers, newlines, other quotes, unicode. `quote`
/// is doubled; with `backslashes` a backslash only appears escaping something.
fn quoted_body(quote: char, backslashes: bool) -> impl Strategy<Value = String> {
    let mut pieces: Vec<String> = [
        "a",
        "x y",
        ";",
        "; drop table t;",
        "--",
        "-- ;",
        "/*",
        "*/",
        "#",
        "\n",
        "\r\n",
        "\t",
        "é",
        "größe",
        "日本",
        "😀",
        "$",
        "$$",
        "$a$",
        "'",
        "\"",
        "`",
        "[",
        "]",
        "begin",
        "end;",
        "DELIMITER //",
        "//",
    ]
    .iter()
    .map(|s| s.to_string())
    .filter(|s| !s.contains(quote))
    .collect();
    // SQLite's `[…]` has no escape for `]`.
    if quote != ']' {
        pieces.push(format!("{quote}{quote}"));
    }
    if backslashes {
        pieces.extend([format!("\\{quote}"), "\\\\".to_string(), "\\n".to_string()]);
    } else if quote != ']' {
        pieces.push("\\".to_string());
    }
    prop::collection::vec(prop::sample::select(pieces), 0..6).prop_map(|parts| parts.concat())
}

fn quoted(open: &'static str, close: char, backslashes: bool) -> BoxedStrategy<String> {
    quoted_body(close, backslashes)
        .prop_map(move |body| format!("{open}{body}{close}"))
        .boxed()
}

/// A `$tag$…$tag$` string whose body holds `;`, quotes and other tags but never its own.
fn dollar_quoted() -> impl Strategy<Value = String> {
    let tag = prop::sample::select(vec!["", "a", "tag", "_x1", "body"]);
    let body = prop::collection::vec(
        prop::sample::select(vec![
            "select 1;",
            "'",
            "''",
            ";",
            "\n",
            "$",
            "$b$",
            "$tag_$",
            "-- ;\n",
            "/* */",
            "é",
            "begin",
            "end",
        ]),
        0..6,
    );
    (tag, body).prop_map(|(tag, body)| {
        let delimiter = format!("${tag}$");
        let body: String = body
            .into_iter()
            .filter(|piece| !(tag.is_empty() && piece.contains('$')))
            .collect();
        let mut body = body;
        while body.contains(&delimiter) {
            body = body.replace(&delimiter, "");
        }
        format!("{delimiter}{body}{delimiter}")
    })
}

/// A block comment; PostgreSQL's nest.
fn block_comment(nested: bool) -> BoxedStrategy<String> {
    let inner = prop::collection::vec(
        prop::sample::select(vec![
            "a",
            ";",
            "'",
            "\"",
            "--",
            "\n",
            "é",
            " select 1; ",
            "*",
        ]),
        0..5,
    )
    .prop_map(|p| p.concat());
    if nested {
        (inner.clone(), inner.clone(), inner)
            .prop_map(|(a, b, c)| format!("/* {a} /* {b} */ {c} */"))
            .boxed()
    } else {
        inner.prop_map(|a| format!("/* {a} */")).boxed()
    }
}

/// A line comment, newline included.
fn line_comment(hash: bool) -> BoxedStrategy<String> {
    let text = prop::sample::select(vec!["", "a; b", "'", "/*", "é ;", "-- x", "*/ ;"]);
    if hash {
        (any::<bool>(), text)
            .prop_map(|(h, t)| format!("{} {t}\n", if h { "#" } else { "--" }))
            .boxed()
    } else {
        text.prop_map(|t| format!("-- {t}\n")).boxed()
    }
}

/// One token of a statement, never ending it and never a keyword that opens a body.
fn atom(dialect: Dialect) -> BoxedStrategy<String> {
    let plain = prop::sample::select(vec![
        "select", "insert", "into", "t", "x1", "_a", "größe", "1", "2.5", "(", ")", ",", "=", "+",
        "*", "<>", "values", "from", "where", "null",
    ])
    .prop_map(str::to_string)
    .boxed();
    let mysql = dialect == Dialect::Mysql;
    let mut atoms = vec![
        plain,
        quoted("'", '\'', mysql),
        block_comment(dialect == Dialect::Postgres),
        line_comment(mysql),
    ];
    match dialect {
        Dialect::Postgres => atoms.extend([
            quoted("\"", '"', false),
            quoted("E'", '\'', true),
            quoted("e'", '\'', true),
            dollar_quoted().boxed(),
        ]),
        Dialect::Sqlite => atoms.extend([
            quoted("\"", '"', false),
            quoted("`", '`', false),
            quoted("[", ']', false),
            quoted("x'", '\'', false),
        ]),
        Dialect::Mysql => atoms.extend([quoted("\"", '"', true), quoted("`", '`', false)]),
    }
    prop::strategy::Union::new(atoms).boxed()
}

/// Atoms joined by single spaces, starting with a word so that no comment leads.
fn simple_statement(dialect: Dialect) -> impl Strategy<Value = String> {
    let first = prop::sample::select(vec!["select", "insert", "update", "create", "SELECT"]);
    (first, prop::collection::vec(atom(dialect), 0..8)).prop_map(|(first, atoms)| {
        std::iter::once(first.to_string())
            .chain(atoms)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// A statement whose body holds statements ending in `;`: PostgreSQL's `BEGIN ATOMIC`, a
/// SQLite trigger, a MySQL trigger or procedure with nested blocks and control flow.
fn body_statement(dialect: Dialect) -> BoxedStrategy<String> {
    let inner = prop::collection::vec(simple_statement(dialect), 1..4);
    match dialect {
        Dialect::Postgres => inner
            .prop_map(|body| {
                format!(
                    "create function f() returns int language sql\nBEGIN ATOMIC\n  {};\nEND",
                    body.join(";\n  ")
                )
            })
            .boxed(),
        Dialect::Sqlite => (any::<bool>(), inner)
            .prop_map(|(temp, body)| {
                format!(
                    "CREATE {}TRIGGER tr AFTER INSERT ON t BEGIN\n  {};\n  UPDATE t SET a = CASE WHEN 1 THEN 2 END;\nEND",
                    if temp { "TEMP " } else { "" },
                    body.join(";\n  ")
                )
            })
            .boxed(),
        Dialect::Mysql => (any::<bool>(), inner)
            .prop_map(|(procedure, body)| {
                let body = body.join(";\n  ");
                if procedure {
                    format!(
                        "CREATE DEFINER=`root`@`%` PROCEDURE p() BEGIN\n  {body};\n  IF 1 THEN SELECT 1; END IF;\n  BEGIN SELECT 2; END;\n  CASE WHEN 1 THEN SELECT 3; END CASE;\nEND"
                    )
                } else {
                    format!(
                        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW begin\n  {body};\n  set NEW.b = case when 1 then 2 else 3 end;\nend"
                    )
                }
            })
            .boxed(),
    }
}

fn statement(dialect: Dialect) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => simple_statement(dialect).boxed(),
        1 => body_statement(dialect),
    ]
    // What the splitter keeps: the statement without trailing whitespace (a line comment's
    // newline).
    .prop_map(|s| s.trim_end().to_string())
}

/// Whitespace and comments between statements and their delimiters.
fn trivia(dialect: Dialect) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("\t".to_string()),
            line_comment(dialect == Dialect::Mysql),
            block_comment(dialect == Dialect::Postgres),
        ],
        0..4,
    )
    .prop_map(|parts| parts.concat())
}

/// How a script delimits its statements.
#[derive(Debug, Clone)]
enum Delimiting {
    Semicolons,
    /// `-- atlas:delimiter X`: the splitter is given `X`.
    Given(&'static str),
    /// MySQL: a `DELIMITER X` line first, `DELIMITER ;` last.
    DelimiterLines(&'static str),
}

fn delimiting(dialect: Dialect) -> BoxedStrategy<Delimiting> {
    let given = prop::sample::select(vec!["//", "GO", "@@"]).prop_map(Delimiting::Given);
    if dialect == Dialect::Mysql {
        prop_oneof![
            2 => Just(Delimiting::Semicolons),
            1 => given,
            1 => prop::sample::select(vec!["//", "$$", ";;"]).prop_map(Delimiting::DelimiterLines),
        ]
        .boxed()
    } else {
        prop_oneof![2 => Just(Delimiting::Semicolons), 1 => given].boxed()
    }
}

#[derive(Debug, Clone)]
struct KnownScript {
    dialect: Dialect,
    delimiting: Delimiting,
    script: String,
    expected: Vec<SplitStatement>,
}

fn line_at(script: &str, offset: usize) -> usize {
    script[..offset].matches('\n').count() + 1
}

/// Statements joined with separators; what the splitter must give back.
fn known_script() -> impl Strategy<Value = KnownScript> {
    dialect()
        .prop_flat_map(|dialect| {
            let pieces = prop::collection::vec((trivia(dialect), statement(dialect)), 0..6);
            (
                Just(dialect),
                delimiting(dialect),
                pieces,
                trivia(dialect),
                any::<bool>(),
            )
        })
        .prop_map(|(dialect, delimiting, pieces, tail, last_delimited)| {
            let (delimiter, mut script, end) = match &delimiting {
                Delimiting::Semicolons => (";", String::new(), String::new()),
                Delimiting::Given(d) => (*d, String::new(), String::new()),
                Delimiting::DelimiterLines(d) => (
                    *d,
                    format!("DELIMITER {d}\n"),
                    "\nDELIMITER ;\n".to_string(),
                ),
            };
            let mut expected = Vec::new();
            let count = pieces.len();
            for (i, (before, text)) in pieces.into_iter().enumerate() {
                // With `DELIMITER` lines the statements go on their own lines.
                if !end.is_empty() && i > 0 {
                    script.push('\n');
                }
                script.push_str(&before);
                let at = script.len();
                expected.push(SplitStatement {
                    line: line_at(&script, at),
                    text: text.clone(),
                });
                script.push_str(&text);
                // A line comment ending the statement ends its line first.
                if text
                    .lines()
                    .last()
                    .is_some_and(|l| l.contains("--") || l.contains('#'))
                {
                    script.push('\n');
                }
                // `DELIMITER ;` ends the last statement only after its delimiter.
                if i + 1 < count || last_delimited || !end.is_empty() {
                    script.push(' ');
                    script.push_str(delimiter);
                    // A word delimiter only ends where no word goes on (`GO` is not `GOTO`).
                    if delimiter == "GO" {
                        script.push(' ');
                    }
                }
            }
            script.push_str(&end);
            // Comments after an undelimited last statement would be part of it.
            if last_delimited || !end.is_empty() || expected.is_empty() {
                script.push_str(&tail);
            }
            KnownScript {
                dialect,
                delimiting,
                script,
                expected,
            }
        })
}

/// The gap `script[from..to]` between statements holds only whitespace, comments and `;`.
fn only_separators(flavor: &Flavor, script: &str, from: usize, to: usize) -> Result<(), String> {
    let mut at = from;
    while at < to {
        let token = token_at(flavor, script, at);
        let text = &script[at..token.span.end.min(to)];
        let separator = matches!(token.kind, TokenKind::Whitespace | TokenKind::Comment)
            || (token.kind == TokenKind::Punct && text == ";")
            // The end of a statement's last token, trimmed away with the whitespace it held.
            || text.bytes().all(|b| b.is_ascii_whitespace());
        if !separator {
            return Err(format!("lost text {text:?} at byte {at}"));
        }
        at = token.span.end;
    }
    if at > to {
        return Err(format!("a token runs on over byte {to}"));
    }
    Ok(())
}

/// Where `text` stands in `script` from `from` on, overlapping occurrences included (`//` in
/// `*///`).
fn occurrences<'a>(
    script: &'a str,
    from: usize,
    text: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    (from..=script.len())
        .filter(move |&at| script.is_char_boundary(at) && script[at..].starts_with(text))
}

/// Whether the token at `at` lies within `text` found there (or runs on only over the
/// whitespace trimmed off the statement's end): `text` starts a statement, not a token.
fn first_token_within(flavor: &Flavor, script: &str, at: usize, text: &str) -> bool {
    let end = at + text.len();
    let token = token_at(flavor, script, at);
    token.span.end <= end
        || script[end..token.span.end]
            .bytes()
            .all(|b| b.is_ascii_whitespace())
}

fn soup_fragment(dialect: Dialect) -> impl Strategy<Value = &'static str> {
    let mut fragments = vec![
        "select",
        "x",
        "e",
        "E",
        "_",
        "a$b",
        "é",
        "1",
        "2.5",
        " ",
        "\n",
        "\t",
        "\r\n",
        ";",
        ";",
        ",",
        "(",
        ")",
        "::",
        "-",
        "/",
        "*",
        "\\",
        "'",
        "''",
        "\"",
        "`",
        "[",
        "]",
        "$",
        "$$",
        "$a$",
        "$1",
        "--",
        "-- ",
        "#",
        "/*",
        "*/",
        "begin",
        "atomic",
        "end",
        "case",
        "create",
        "temp",
        "trigger",
        "procedure",
        "if",
        "x'",
        "\u{a0}",
        "\u{2028}",
        "日本",
        "<=",
        "GO",
        "//",
        "\n\n",
    ];
    if dialect != Dialect::Mysql {
        // MySQL's `DELIMITER` lines change what separates; the known-statement property
        // covers them.
        fragments.push("DELIMITER");
    }
    prop::sample::select(fragments)
}

fn soup() -> impl Strategy<Value = (Dialect, String)> {
    dialect().prop_flat_map(|dialect| {
        (
            Just(dialect),
            prop::collection::vec(soup_fragment(dialect), 0..64).prop_map(|p| p.concat()),
        )
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn known_statements_split_back_at_their_lines(case in known_script()) {
        let flavor = case.dialect.flavor();
        let delimiter = match case.delimiting {
            Delimiting::Given(d) => Some(d),
            _ => None,
        };
        let got = split_statements_for_with(&flavor, &case.script, delimiter);
        prop_assert_eq!(got, case.expected, "script: {:?}", case.script);
    }

    #[test]
    fn tokens_cover_the_input_in_order((dialect, script) in soup()) {
        let flavor = dialect.flavor();
        let mut at = 0;
        for token in tokens(&flavor, &script) {
            prop_assert_eq!(token.span.start, at);
            prop_assert!(token.span.end > at, "empty token at {}", at);
            at = token.span.end;
        }
        prop_assert_eq!(at, script.len());
    }

    #[test]
    fn statements_and_separators_join_back_to_the_input((dialect, script) in soup()) {
        let flavor = dialect.flavor();
        let mut cursor = 0;
        for statement in split_statements_for_with(&flavor, &script, None) {
            prop_assert!(!statement.text.is_empty());
            let found = occurrences(&script, cursor, &statement.text)
                .find(|&at| {
                    line_at(&script, at) == statement.line
                        && only_separators(&flavor, &script, cursor, at).is_ok()
                        && first_token_within(&flavor, &script, at, &statement.text)
                });
            let Some(at) = found else {
                let why = only_separators(&flavor, &script, cursor, script.len()).err();
                return Err(TestCaseError::fail(format!(
                    "{:?} not found at line {} after byte {cursor} ({why:?})", statement.text, statement.line
                )));
            };
            cursor = at + statement.text.len();
        }
        if let Err(why) = only_separators(&flavor, &script, cursor, script.len()) {
            return Err(TestCaseError::fail(format!("after the last statement: {why}")));
        }
    }

    /// With a delimiter of the file's own (which may look like a comment, whitespace or a
    /// word), statements still stand in the script in order at their lines.
    #[test]
    fn statements_at_any_delimiter_stand_in_order_at_their_lines(
        (dialect, script) in soup(),
        delimiter in prop::sample::select(vec!["//", "GO", "\n\n", "-- end", "$$"]),
    ) {
        let flavor = dialect.flavor();
        let mut cursor = 0;
        for statement in split_statements_for_with(&flavor, &script, Some(delimiter)) {
            prop_assert!(!statement.text.is_empty());
            // Statements start at a token: not at (ASCII, the lexer's) whitespace.
            let start = statement.text.trim_start_matches(|c: char| c.is_ascii_whitespace());
            prop_assert_eq!(start, statement.text.as_str());
            let found = occurrences(&script, cursor, &statement.text)
                .find(|&at| line_at(&script, at) == statement.line);
            prop_assert!(found.is_some(), "{:?} not at line {}", statement.text, statement.line);
            cursor = found.unwrap() + statement.text.len();
        }
    }
}
