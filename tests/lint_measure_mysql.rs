//! `migrate lint` asks the MariaDB test server (`SCHEMACTL_TEST_MYSQL_URL`) how each ALTER on an
//! existing table can run: INSTANT, INPLACE with LOCK=NONE, INPLACE with a lock, or only as a
//! COPY; the verdicts land in the JSON report's `statements`, a copy raises MY104 (an error when
//! configured), an in-place change that blocks writes MY105, and each statement still runs
//! exactly once (a second run of the ADD COLUMN or the ADD FULLTEXT INDEX would fail the lint).
//!
//! The verdicts are MariaDB 10.11's; MySQL 8 differs in places (it adds and drops columns
//! anywhere instantly since 8.0.29, has no NOCOPY), which is why they are measured, not assumed.

mod common;
#[path = "support/lint_json.rs"]
mod lint_json;

use common::project::{hashed_migrations, mysql_server, schemactl_in};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

const BASE: &str = "CREATE TABLE `items` (
  `id` int NOT NULL PRIMARY KEY,
  `name` varchar(50) NOT NULL,
  `qty` int NOT NULL,
  `note` text,
  `legacy` int
);
";

/// Each ALTER with the algorithm MariaDB 10.11 runs it with.
const CASES: [(&str, &str); 7] = [
    (
        "ALTER TABLE `items` ADD COLUMN `color` varchar(20) NULL;",
        "instant",
    ),
    (
        "ALTER TABLE `items` ALTER COLUMN `qty` SET DEFAULT 1;",
        "instant",
    ),
    ("ALTER TABLE `items` COMMENT = 'stock';", "instant"),
    ("CREATE INDEX `items_name` ON `items` (`name`);", "inplace"),
    (
        "ALTER TABLE `items` ADD FULLTEXT INDEX `items_note` (`note`);",
        "inplace_locked",
    ),
    (
        "ALTER TABLE `items` MODIFY `qty` bigint NOT NULL DEFAULT 1;",
        "copy",
    ),
    (
        "ALTER TABLE `items` CONVERT TO CHARACTER SET latin1;",
        "copy",
    ),
];

fn project(change: &str, config: Option<&str>) -> tempfile::TempDir {
    let work = hashed_migrations(&[
        ("20260101000000_base.sql", BASE),
        ("20260102000000_change.sql", change),
    ]);
    if let Some(config) = config {
        std::fs::write(work.path().join("schemactl.hcl"), config).unwrap();
    }
    work
}

fn lint(work: &Path, extra: &[&str]) -> Output {
    let server = mysql_server();
    let mut args = vec![
        "migrate",
        "lint",
        "--dir",
        "file://migrations",
        "--dev-url",
        &server,
        "--latest",
        "1",
        "--format",
        "json",
    ];
    args.extend(extra);
    schemactl_in(work, &args)
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn each_alter_gets_the_cheapest_algorithm_the_server_accepts() {
    let change: String = CASES.iter().map(|(sql, _)| format!("{sql}\n")).collect();
    let work = project(&change, None);
    let out = lint(work.path(), &[]);
    let json = report(&out);
    let statements = json["statements"].as_array().expect("statements");
    for (line, (sql, expected)) in CASES.iter().enumerate() {
        let line = line + 1;
        let statement = statements
            .iter()
            .find(|s| s["line"] == line)
            .unwrap_or_else(|| panic!("no measurement of line {line} ({sql}): {json:#}"));
        assert_eq!(
            statement["online"]["algorithm"], *expected,
            "line {line}: {sql}\n{statement:#}"
        );
        assert_eq!(statement["online"]["table"], "main.items");
    }
    // The copies and the locked in-place change are findings, measured, with the server's
    // reason; the online ones are not.
    let found = lint_json::findings("verdicts", &out);
    let codes: Vec<(&str, usize)> = found
        .iter()
        .filter(|(code, _, _)| code.starts_with("MY10"))
        .map(|(code, _, line)| (code.as_str(), *line))
        .collect();
    assert_eq!(
        codes,
        [("MY104", 6), ("MY104", 7), ("MY105", 5)],
        "{json:#}"
    );
    let copy = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "MY104")
        .unwrap();
    assert_eq!(copy["basis"], "measured");
    assert_eq!(copy["level"], "warning");
    assert!(
        copy["detail"]
            .as_str()
            .unwrap()
            .contains("Cannot change column type"),
        "{copy:#}"
    );
    assert!(
        !found.iter().any(|(code, _, _)| code == "EX101"),
        "{json:#}"
    );
    assert_eq!(out.status.code(), Some(0), "only warnings");
}

#[test]
fn a_copy_can_fail_the_gate_and_the_text_report_says_how_each_alter_runs() {
    let change = format!("{}\n{}\n", CASES[0].0, CASES[5].0);
    let config =
        "env \"lint\" {\n  lint {\n    rule \"MY104\" {\n      level = \"error\"\n    }\n  }\n}\n";
    let work = project(&change, Some(config));
    let server = mysql_server();
    let out = schemactl_in(
        work.path(),
        &[
            "migrate",
            "lint",
            "--env",
            "lint",
            "--dir",
            "file://migrations",
            "--dev-url",
            &server,
            "--latest",
            "1",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error MY104"), "{text}");
    assert!(
        text.contains(
            "20260102000000_change.sql:1: ALTER of main.items runs with ALGORITHM=INSTANT"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "20260102000000_change.sql:2: ALTER of main.items runs only as ALGORITHM=COPY"
        ),
        "{text}"
    );
}

#[test]
fn without_measurement_nothing_is_probed() {
    let work = project(&format!("{}\n", CASES[5].0), None);
    let json = report(&lint(work.path(), &["--no-measure"]));
    assert_eq!(json["statements"], Value::Array(Vec::new()), "{json:#}");
    assert!(
        !json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "MY104"),
        "{json:#}"
    );
}

#[test]
fn a_statement_that_fails_is_reported_once_as_written() {
    // The column exists: every probe and the plain run fail alike; the error is the server's
    // own, for the statement as written.
    let work = project("ALTER TABLE `items` ADD COLUMN `qty` int;\n", None);
    let out = lint(work.path(), &[]);
    let json = report(&out);
    let failure = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "EX101")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert!(
        failure["detail"]
            .as_str()
            .unwrap()
            .contains("Duplicate column"),
        "{failure:#}"
    );
    assert_eq!(
        failure["statement"],
        "ALTER TABLE `items` ADD COLUMN `qty` int"
    );
}
