//! Property tests: for random SQL-ish text in every flavour, the tokens cover the input exactly
//! and in order, and the split statements appear in the input in order at their lines.

use super::split::line_starts;
use super::{Flavor, split_statements_for_with, tokens};
use proptest::prelude::*;

const FLAVORS: [Flavor; 3] = [Flavor::postgres(), Flavor::sqlite(), Flavor::mysql()];

fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "select",
        "x",
        "e",
        "E",
        "_",
        "a$b",
        "é",
        "1",
        "2.5",
        "1e",
        " ",
        "\n",
        "\t",
        "\r\n",
        "\n\n",
        ";",
        ",",
        ".",
        "(",
        ")",
        "::",
        "<=",
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
        "DELIMITER",
        "GO",
        "//",
    ])
}

fn script() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..48).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn tokens_cover_the_input_in_order(script in script()) {
        for flavor in &FLAVORS {
            let mut at = 0;
            for token in tokens(flavor, &script) {
                prop_assert_eq!(token.span.start, at);
                prop_assert!(token.span.end > at, "empty token at {}", at);
                at = token.span.end;
            }
            prop_assert_eq!(at, script.len());
        }
    }

    #[test]
    fn statements_appear_in_order_at_their_lines(script in script()) {
        let starts = line_starts(&script);
        for flavor in &FLAVORS {
            for delimiter in [None, Some("//"), Some("GO"), Some("\n\n")] {
                let mut cursor = 0;
                for statement in split_statements_for_with(flavor, &script, delimiter) {
                    prop_assert!(!statement.text.is_empty());
                    prop_assert_eq!(statement.text.trim_start(), statement.text.as_str());
                    let found = script[cursor..]
                        .match_indices(statement.text.as_str())
                        .map(|(i, _)| cursor + i)
                        .find(|&at| starts.partition_point(|&s| s <= at) == statement.line);
                    prop_assert!(found.is_some(), "{:?} not at line {}", statement.text, statement.line);
                    cursor = found.unwrap() + statement.text.len();
                }
            }
        }
    }
}
