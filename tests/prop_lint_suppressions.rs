//! Generated-input tests of lint suppressions: `-- schemactl:nolint [CODE…]` and
//! `-- atlas:nolint [CODE…]` on the comment lines right above a statement silence exactly the
//! named rules (by code, family or Atlas alias; every rule without codes) for that statement,
//! and nothing for any other line. A blank line between the comments and the statement breaks
//! the link. A code that names no rule is an error in `schemactl:nolint`, naming its line, and
//! Atlas's own in `atlas:nolint`.

mod common;

use common::cases::config;
use proptest::prelude::*;
use schemactl::lint::rules::{ADD_UNIQUE, DROP_COLUMN, DROP_TABLE, INDEX_NOT_CONCURRENT, Rule};
use schemactl::lint::suppress::Suppressions;
use schemactl::migrate::Directives;
use std::collections::BTreeMap;

const RULES: [&Rule; 4] = [
    &DROP_TABLE,
    &DROP_COLUMN,
    &INDEX_NOT_CONCURRENT,
    &ADD_UNIQUE,
];

#[derive(Debug, Clone)]
enum Line {
    Statement,
    Blank,
    /// A comment that silences nothing (near misses of the directive included).
    Comment(&'static str),
    /// A directive: how it is written, its codes (empty: every rule), and whether it is
    /// `schemactl:nolint` (where a code that names no rule is an error) or Atlas's.
    Nolint(String, Vec<&'static str>, bool),
}

fn code() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "DS102",
        "ds103",
        "PG101",
        "destructive",
        "Locking",
        "MF102",
        "ZZ901",
    ])
}

fn line() -> impl Strategy<Value = Line> {
    let nolint = (
        prop::sample::select(vec![
            "-- schemactl:nolint",
            "--schemactl:nolint",
            "  -- atlas:nolint",
            "-- atlas:nolint\t",
        ]),
        prop::collection::vec(code(), 0..3),
    )
        .prop_map(|(written, codes)| {
            let text = std::iter::once(written.to_string())
                .chain(codes.iter().map(|c| c.to_string()))
                .collect::<Vec<_>>()
                .join(" ");
            let ours = written.contains("schemactl:");
            Line::Nolint(text, codes, ours)
        });
    prop_oneof![
        3 => Just(Line::Statement),
        1 => Just(Line::Blank),
        1 => prop::sample::select(vec![
            "-- a comment",
            "-- schemactl:nolintDS102",
            "-- atlas:nolinted",
            "-- not -- schemactl:nolint",
        ])
        .prop_map(Line::Comment),
        2 => nolint,
    ]
}

/// Whether a code names `rule` (its code, its family, or an Atlas alias of it).
fn names(code: &str, rule: &Rule) -> bool {
    code.eq_ignore_ascii_case(rule.code)
        || code.eq_ignore_ascii_case(rule.family.block_name())
        || (code.eq_ignore_ascii_case("MF102") && rule.code == "MF101")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn nolint_comments_silence_the_statement_below_them(
        lines in prop::collection::vec(line(), 0..12),
        crlf in any::<bool>(),
    ) {
        // A statement first: no header, so every directive is a statement's.
        let lines: Vec<Line> = std::iter::once(Line::Statement).chain(lines).collect();
        let mut text = String::new();
        // Statement line → its codes (None: every rule), from the comment run above it.
        let mut expected: BTreeMap<usize, Option<Vec<&str>>> = BTreeMap::new();
        let mut pending: Option<Option<Vec<&str>>> = None;
        // The line of the first `schemactl:nolint` that names an unknown code.
        let mut unknown: Option<usize> = None;
        for (index, line) in lines.iter().enumerate() {
            let number = index + 1;
            let written = match line {
                Line::Statement => {
                    if let Some(codes) = pending.take() {
                        expected.insert(number, codes);
                    }
                    format!("SELECT {number};")
                }
                Line::Blank => {
                    pending = None;
                    String::new()
                }
                Line::Comment(text) => text.to_string(),
                Line::Nolint(text, codes, ours) => {
                    if *ours && codes.contains(&"ZZ901") {
                        unknown.get_or_insert(number);
                    }
                    let merged = match (pending.take(), codes.is_empty()) {
                        (Some(None), _) | (_, true) => None,
                        (Some(Some(mut before)), false) => {
                            before.extend(codes.iter().copied());
                            Some(before)
                        }
                        (None, false) => Some(codes.clone()),
                    };
                    // Codes from several comments add up; one without codes silences all.
                    pending = Some(merged);
                    text.clone()
                }
            };
            text.push_str(&written);
            text.push_str(if crlf { "\r\n" } else { "\n" });
        }
        let header = Directives::parse(&text).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&header, &Directives::default());
        let parsed = Suppressions::parse(&text);
        if let Some(line) = unknown {
            let error = parsed.expect_err("an unknown code is an error");
            prop_assert!(error.starts_with(&format!("line {line}: `ZZ901`")), "{}", error);
            return Ok(());
        }
        let suppressions = parsed.map_err(TestCaseError::fail)?;
        for line in 1..=lines.len() + 1 {
            for rule in RULES {
                let silenced = match expected.get(&line) {
                    None => false,
                    Some(None) => true,
                    Some(Some(codes)) => codes.iter().any(|c| names(c, rule)),
                };
                prop_assert_eq!(
                    suppressions.silences(rule, line),
                    silenced,
                    "rule {} at line {} of\n{}",
                    rule.code,
                    line,
                    text
                );
            }
        }
    }
}
