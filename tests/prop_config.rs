//! Generated-input tests of the HCL project loader (`config::load_project`).
//!
//! - Projects built from random `variable`, `locals` and `env` blocks, with strings holding
//!   quotes, backslashes, `${`, newlines and unicode, load to exactly the values written.
//! - The same projects with a broken line (a stray brace, an unterminated string, an unknown
//!   block, invalid UTF-8, a NUL byte…) fail as bad input whose message names the file and a
//!   line of it; any bytes at all never panic.

mod common;

use common::cases::config;
use proptest::prelude::*;
use schemactl::config::load_project;
use schemactl::error::exit_code;
use std::path::Path;

/// A value to write as an HCL string.
fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "a",
            "postgres://u:p@h/db",
            "\"",
            "\\",
            "${",
            "%{",
            "$",
            "%",
            "\n",
            "\t",
            "é",
            "日本",
            " ",
            "}",
            "{",
            "=",
            "#",
            "//",
            "/*",
        ]),
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

/// `s` as an HCL string literal.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,6}"
}

#[derive(Debug, Clone)]
struct Env {
    name: String,
    url: Option<String>,
    dev: Option<String>,
    /// Whether `url` is written as `var.NAME` (a variable holding it) rather than a literal.
    url_from_var: bool,
    schemas: Vec<String>,
}

fn env() -> impl Strategy<Value = Env> {
    (
        ident(),
        prop::option::of(value()),
        prop::option::of(value()),
        any::<bool>(),
        prop::collection::vec(value(), 0..3),
    )
        .prop_map(|(name, url, dev, url_from_var, schemas)| Env {
            name,
            url,
            dev,
            url_from_var,
            schemas,
        })
}

/// The text of a project: one variable and one local per env holding its URL, then the envs.
fn project(envs: &[Env], comments: bool) -> String {
    let mut text = String::new();
    if comments {
        text.push_str("# generated\n// project\n/* block\ncomment */\n");
    }
    for (i, env) in envs.iter().enumerate() {
        if let Some(url) = &env.url {
            text.push_str(&format!(
                "variable \"v{i}\" {{\n  type    = string\n  default = {}\n}}\n",
                quoted(url)
            ));
        }
    }
    text.push_str("locals {\n  unused = \"x\"\n}\n");
    for (i, env) in envs.iter().enumerate() {
        text.push_str(&format!("env {} {{\n", quoted(&env.name)));
        if let Some(url) = &env.url {
            let written = if env.url_from_var {
                format!("var.v{i}")
            } else {
                quoted(url)
            };
            text.push_str(&format!("  url = {written}\n"));
        }
        if let Some(dev) = &env.dev {
            text.push_str(&format!("  dev = {}\n", quoted(dev)));
        }
        if !env.schemas.is_empty() {
            let list: Vec<String> = env.schemas.iter().map(|s| quoted(s)).collect();
            text.push_str(&format!("  schemas = [{}]\n", list.join(", ")));
        }
        text.push_str("}\n");
    }
    text
}

fn envs() -> impl Strategy<Value = Vec<Env>> {
    prop::collection::vec(env(), 0..4).prop_map(|envs| {
        let mut seen = std::collections::BTreeSet::new();
        envs.into_iter()
            .filter(|e| seen.insert(e.name.clone()))
            .collect()
    })
}

/// A line that breaks a project wherever it goes.
fn breakage() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec![
        b"}".to_vec(),
        b"env {".to_vec(),
        b"x = \"unterminated".to_vec(),
        b"= 1".to_vec(),
        b"resource \"aws\" \"x\" {}".to_vec(),
        b"env \"e\" { nonsense = 1 }".to_vec(),
        b"url = var.missing".to_vec(),
        b"locals { a = undefined_function(1) }".to_vec(),
        b"\xff\xfe".to_vec(),
        b"name = \"\xc3\x28\"".to_vec(),
        b"\0".to_vec(),
        b"variable \"v\" { default = 1 } variable \"v\" { default = 2 }".to_vec(),
    ])
}

fn write_project(dir: &Path, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join("schemactl.hcl");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The project fails as bad input naming the file and one of its lines.
fn check_error_names_a_line(path: &Path, bytes: &[u8]) -> Result<(), TestCaseError> {
    let lines = bytes.split(|&b| b == b'\n').count();
    let error = match load_project(path, &[]) {
        Ok(_) => {
            return Err(TestCaseError::fail(format!(
                "loaded: {}",
                String::from_utf8_lossy(bytes)
            )));
        }
        Err(error) => error,
    };
    let message = format!("{error:#}");
    prop_assert_eq!(exit_code(&error), 2, "{}", message);
    let prefix = format!("{}:", path.display());
    let rest = message.strip_prefix(&prefix);
    let line = rest
        .and_then(|r| r.split_once(':'))
        .and_then(|(n, _)| n.parse::<usize>().ok());
    prop_assert!(
        line.is_some_and(|n| (1..=lines).contains(&n)),
        "no line of the file (1..={}) in: {}\n{}",
        lines,
        message,
        String::from_utf8_lossy(bytes)
    );
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn projects_load_to_the_values_written(envs in envs(), comments in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let text = project(&envs, comments);
        let path = write_project(dir.path(), text.as_bytes());
        let loaded = load_project(&path, &[]).map_err(|e| TestCaseError::fail(format!("{e:#}\n{text}")))?;
        prop_assert_eq!(loaded.envs.len(), envs.len());
        for env in &envs {
            let got = loaded.env(&env.name).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
            prop_assert_eq!(&got.url, &env.url, "{}", text);
            prop_assert_eq!(&got.dev, &env.dev);
            prop_assert_eq!(&got.schemas, &env.schemas);
        }
    }

    #[test]
    fn broken_projects_are_bad_input_naming_the_file_and_a_line(
        envs in envs(),
        bad in breakage(),
        at in any::<prop::sample::Index>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text = project(&envs, false);
        let lines: Vec<&str> = text.lines().collect();
        // Between two lines that are not inside a block's strings: any line boundary.
        let at = at.index(lines.len() + 1);
        let mut bytes = Vec::new();
        for line in &lines[..at] {
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(&bad);
        bytes.push(b'\n');
        for line in &lines[at..] {
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
        }
        let path = write_project(dir.path(), &bytes);
        check_error_names_a_line(&path, &bytes)?;
    }

    #[test]
    fn any_bytes_load_or_fail_as_bad_input(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..64),
            "(env|variable|locals|data|lint|diff|x)( \"[a-z]{0,3}\"){0,2} \\{\n( *[a-z]{1,4} = (\"[^\"]{0,6}\"|[0-9]{1,3}|\\[\\]|\\{\\}|[a-z.]{1,8}))?\n\\}\n?"
                .prop_map(String::into_bytes),
        ]
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = write_project(dir.path(), &bytes);
        if let Err(error) = load_project(&path, &[]) {
            let message = format!("{error:#}");
            prop_assert_eq!(exit_code(&error), 2, "{}", message);
            prop_assert!(message.starts_with(&format!("{}:", path.display())), "{}", message);
        }
    }
}
