//! `migrate lint` measures each statement on the PostgreSQL test server
//! (`SCHEMACTL_TEST_PG_URL`): the locks it holds on existing relations before its commit, the
//! tables it rewrote (a new `relfilenode`) and the tables it scanned, in the JSON report's
//! `statements` and as a line per statement in the text report; the locking findings it
//! confirms say "measured", those it refutes are gone, and `--no-measure` leaves them all
//! "predicted".

mod common;
#[path = "support/lint_json.rs"]
mod lint_json;

use common::project::{hashed_migrations, schemactl_in};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn server_url() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

const BASE: &str = "CREATE TABLE users (id int PRIMARY KEY, email varchar(10), n int, name text);
CREATE TABLE posts (id int PRIMARY KEY, user_id int);
";

/// One statement per line, each measured in a transaction of its own.
const CHANGE: &str = "CREATE INDEX users_n ON users (n);
ALTER TABLE users ADD COLUMN flag boolean DEFAULT false;
ALTER TABLE users ADD COLUMN r float8 DEFAULT random();
ALTER TABLE users ALTER COLUMN n TYPE bigint;
ALTER TABLE users ALTER COLUMN email TYPE varchar(20);
ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE posts ADD CONSTRAINT posts_user_positive CHECK (user_id > 0) NOT VALID;
ALTER TABLE posts VALIDATE CONSTRAINT posts_user_positive;
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
ALTER TABLE users DROP COLUMN email;
";

const CONCURRENT: &str = "-- atlas:txmode none

CREATE INDEX CONCURRENTLY posts_user ON posts (user_id);
";

fn project() -> tempfile::TempDir {
    project_with(true)
}

/// The base and change files, and the CREATE INDEX CONCURRENTLY file when `concurrent`.
fn project_with(concurrent: bool) -> tempfile::TempDir {
    let mut files = vec![
        ("20260101000000_base.sql", BASE),
        ("20260102000000_change.sql", CHANGE),
    ];
    if concurrent {
        files.push(("20260103000000_concurrent.sql", CONCURRENT));
    }
    hashed_migrations(&files)
}

fn lint(work: &Path, extra: &[&str]) -> Output {
    let server = server_url();
    let mut args = vec![
        "migrate",
        "lint",
        "--dir",
        "file://migrations",
        "--dev-url",
        &server,
        "--latest",
        "2",
    ];
    args.extend(extra);
    schemactl_in(work, &args)
}

/// The measurement of the statement at `line` of `file`.
fn statement<'a>(json: &'a Value, file: &str, line: usize) -> &'a Value {
    json["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["file"].as_str().unwrap().ends_with(file) && s["line"] == line)
        .unwrap_or_else(|| panic!("no measurement of {file}:{line} in {json:#}"))
}

/// (strongest lock mode, rewritten, scanned) of `relation` in a statement's measurement; the
/// mode is "" when it held none.
fn effect(statement: &Value, relation: &str) -> (String, bool, bool) {
    let Some(r) = statement["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == relation)
    else {
        return (String::new(), false, false);
    };
    let mode = r["locks"][0]["mode"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (
        mode,
        r["rewritten"].as_bool().unwrap(),
        r["scanned"].as_bool().unwrap(),
    )
}

#[test]
fn locks_rewrites_and_scans_are_measured_per_statement() {
    let work = project();
    let out = lint(work.path(), &["--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    let at = |line| statement(&json, "change.sql", line);
    let e = |s: (&str, bool, bool)| (s.0.to_string(), s.1, s.2);
    // CREATE INDEX: SHARE while it reads every row; the table's file kept.
    assert_eq!(effect(at(1), "public.users"), e(("SHARE", false, true)));
    // ADD COLUMN with a constant default: metadata only; with a volatile one: a rewrite.
    assert_eq!(
        effect(at(2), "public.users"),
        e(("ACCESS EXCLUSIVE", false, false))
    );
    assert_eq!(
        effect(at(3), "public.users"),
        e(("ACCESS EXCLUSIVE", true, false))
    );
    // int -> bigint rewrites; varchar(10) -> varchar(20) does not.
    assert_eq!(
        effect(at(4), "public.users"),
        e(("ACCESS EXCLUSIVE", true, false))
    );
    assert_eq!(
        effect(at(5), "public.users"),
        e(("ACCESS EXCLUSIVE", false, false))
    );
    // ADD FOREIGN KEY: SHARE ROW EXCLUSIVE on both tables, the referencing one scanned.
    assert_eq!(
        effect(at(6), "public.posts"),
        e(("SHARE ROW EXCLUSIVE", false, true))
    );
    assert_eq!(effect(at(6), "public.users").0, "SHARE ROW EXCLUSIVE");
    // NOT VALID: no scan; VALIDATE: the scan, under SHARE UPDATE EXCLUSIVE only.
    assert_eq!(
        effect(at(7), "public.posts"),
        e(("ACCESS EXCLUSIVE", false, false))
    );
    assert_eq!(
        effect(at(8), "public.posts"),
        e(("SHARE UPDATE EXCLUSIVE", false, true))
    );
    // SET NOT NULL: ACCESS EXCLUSIVE while every row is checked.
    assert_eq!(
        effect(at(9), "public.users"),
        e(("ACCESS EXCLUSIVE", false, true))
    );
    // DROP COLUMN: ACCESS EXCLUSIVE, no rewrite.
    assert_eq!(
        effect(at(10), "public.users"),
        e(("ACCESS EXCLUSIVE", false, false))
    );
    // CREATE INDEX CONCURRENTLY refuses a transaction: no lock of it can be held by one.
    let concurrent = statement(&json, "concurrent.sql", 3);
    assert_eq!(concurrent["outside_transaction"], true);
    assert_eq!(effect(concurrent, "public.posts"), e(("", false, false)));

    // The findings the measurement confirmed say so, and those it refuted are gone.
    let basis = |code: &str, line: usize| -> Option<String> {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code && f["line"] == line)
            .map(|f| f["basis"].as_str().unwrap_or("none").to_string())
    };
    assert_eq!(basis("PG101", 1).as_deref(), Some("measured"));
    assert_eq!(basis("PG106", 3).as_deref(), Some("measured"));
    assert_eq!(basis("PG105", 4).as_deref(), Some("measured"));
    assert_eq!(
        basis("PG105", 5),
        None,
        "no rewrite measured, none predicted"
    );
    assert_eq!(basis("PG108", 6).as_deref(), Some("measured"));
    assert_eq!(basis("PG107", 1).as_deref(), Some("measured"));
    assert_eq!(basis("PG104", 7), None, "NOT VALID");
    // VALIDATE itself holds no lock that blocks writes, but in this transactional file the
    // ADD's ACCESS EXCLUSIVE is still held: a finding the per-statement measurement cannot
    // see, so it stays predicted.
    assert_eq!(basis("PG104", 8).as_deref(), Some("predicted"));
}

#[test]
fn the_text_report_has_a_line_per_statement_and_no_measure_predicts() {
    let work = project();
    let out = lint(work.path(), &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "20260102000000_change.sql:3: takes ACCESS EXCLUSIVE on public.users: blocks reads and writes; rewrites public.users"
        ),
        "{text}"
    );
    assert!(
        text.contains("20260102000000_change.sql:1: takes SHARE on public.users: blocks writes; scans public.users"),
        "{text}"
    );
    assert!(text.contains("warning PG101"), "{text}");
    assert!(text.contains("[measured]"), "{text}");

    let predicted = lint(work.path(), &["--no-measure", "--format", "json"]);
    let json: Value = serde_json::from_slice(&predicted.stdout).unwrap();
    assert_eq!(json["statements"], Value::Array(Vec::new()));
    let locking: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("PG"))
        .collect();
    assert!(!locking.is_empty());
    assert!(
        locking.iter().all(|f| f["basis"] == "predicted"),
        "{locking:#?}"
    );
    // Same findings either way, but for those the measurement refuted (none in this file
    // besides the timeouts of VALIDATE, which holds no lock that blocks writes).
    let measured_codes = lint_json::findings("measured", &lint(work.path(), &["--format", "json"]));
    let predicted_codes = lint_json::findings("predicted", &predicted);
    let dropped: Vec<_> = predicted_codes
        .iter()
        .filter(|f| !measured_codes.contains(f))
        .collect();
    assert!(
        dropped
            .iter()
            .all(|(code, _, line)| (code == "PG107" || code == "PG113") && *line == 8),
        "{dropped:?}"
    );
}

/// `schemactl ARGS` in `dir` with the cache in `cache`.
fn cached(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SCHEMACTL_CACHE_DIR", cache)
        .env_remove("SCHEMACTL_NO_CACHE")
        .output()
        .unwrap()
}

#[test]
fn on_a_kept_template_the_measurement_finds_the_same() {
    // Without the CONCURRENTLY file: it cannot run inside the borrowed transaction, so the
    // lint would start over on a copy.
    let work = project_with(false);
    let server = server_url();
    let cold = schemactl_in(
        work.path(),
        &[
            "--no-cache",
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
        ],
    );
    // Keep the state before the linted files as a template: a `migrate validate` of the
    // base file alone, with a cache of this test's own.
    let cache = work.path().join("cache");
    let prefix = work.path().join("prefix");
    std::fs::create_dir(&prefix).unwrap();
    std::fs::write(prefix.join("20260101000000_base.sql"), BASE).unwrap();
    for args in [
        vec!["migrate", "hash", "--dir", "file://prefix"],
        vec![
            "migrate",
            "validate",
            "--dir",
            "file://prefix",
            "--dev-url",
            &server,
        ],
    ] {
        let out = cached(work.path(), &cache, &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let args = [
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
    let warm = cached(work.path(), &cache, &args);
    let cleared = cached(
        work.path(),
        &cache,
        &["cache", "clear", "--dev-url", &server],
    );
    assert!(
        cleared.status.success(),
        "{}",
        String::from_utf8_lossy(&cleared.stderr)
    );
    // Inside the borrowed transaction the locks of earlier statements are still held (and
    // reported as not taken by the later ones): the lint ran on the kept template itself.
    let warm_json: Value = serde_json::from_slice(&warm.stdout).unwrap();
    let inherited = warm_json["statements"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["relations"].as_array().unwrap())
        .flat_map(|r| r["locks"].as_array().unwrap())
        .any(|l| l["taken"] == false);
    assert!(
        inherited,
        "the lint did not run on the kept template: {warm_json:#}"
    );
    let findings = |out: &Output| -> Vec<(String, u64, String)> {
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut all: Vec<(String, u64, String)> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["basis"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        all.sort();
        all
    };
    assert_eq!(findings(&warm), findings(&cold));
    // What the statements take is the same, but for the locks earlier statements of the one
    // transaction already hold: those are not taken again, so they are not in the line.
    let summaries = |out: &Output| -> std::collections::BTreeMap<u64, String> {
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        json["statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let summary = s["summary"].as_str().unwrap().to_string();
                (s["line"].as_u64().unwrap(), summary)
            })
            .collect()
    };
    let cold_lines = summaries(&cold);
    for (line, summary) in summaries(&warm) {
        let cold_line = cold_lines
            .get(&line)
            .map(String::as_str)
            .unwrap_or_default();
        for part in summary.split("; ") {
            assert!(
                cold_line.contains(part),
                "line {line}: {part:?} not measured cold: {cold_line:?}"
            );
        }
    }
}
