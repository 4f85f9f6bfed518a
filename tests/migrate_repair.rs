//! `migrate status` exit codes, `--baseline` on a target with revisions, `migrate set` and
//! `migrate repair`, on real SQLite and PostgreSQL targets.

mod common;

use common::project::{schemactl_in, text};
use std::path::Path;
use std::process::Output;

/// A project directory with migration files `(name, sql)` and their sum.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    for (name, sql) in files {
        std::fs::write(dir.path().join("migrations").join(name), sql).unwrap();
    }
    assert_code(&schemactl_in(dir.path(), &["migrate", "hash"]), 0);
    dir
}

fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn run(dir: &Path, url: &str, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--url", url]);
    schemactl_in(dir, &all)
}

fn status_json(dir: &Path, url: &str) -> (i32, serde_json::Value) {
    let out = run(dir, url, &["migrate", "status", "--format", "json"]);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    (out.status.code().unwrap(), json)
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("app.db").display())
}

fn create(dir: &Path, url: &str) {
    assert_code(&schemactl_in(dir, &["db", "create", "--url", url]), 0);
}

/// Files 1 (fine) and 2 (fails on its second statement) and an empty SQLite target.
fn sqlite_project_with_a_failing_second_file() -> (tempfile::TempDir, String) {
    let dir = project(&[
        ("1_a.sql", "CREATE TABLE a (id integer);\n"),
        (
            "2_b.sql",
            "CREATE TABLE b (id integer);\nINSERT INTO nope VALUES (1);\n",
        ),
    ]);
    let url = sqlite_url(dir.path());
    create(dir.path(), &url);
    (dir, url)
}

#[test]
fn status_exits_1_on_a_failed_file_and_says_so_in_json() {
    let (dir, url) = sqlite_project_with_a_failing_second_file();
    assert_eq!(status_json(dir.path(), &url).1["state"], "pending");
    assert_code(&run(dir.path(), &url, &["migrate", "apply"]), 1);
    let (code, json) = status_json(dir.path(), &url);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["state"], "failed", "{json}");
    assert!(
        json["incomplete"]["error"]
            .as_str()
            .unwrap()
            .contains("nope"),
        "{json}"
    );
    // Text output exits 1 as well.
    assert_code(&run(dir.path(), &url, &["migrate", "status"]), 1);
}

#[test]
fn baseline_on_a_target_with_revisions_is_an_error() {
    let dir = project(&[
        ("1_a.sql", "CREATE TABLE a (id integer);\n"),
        ("2_b.sql", "CREATE TABLE b (id integer);\n"),
    ]);
    let url = sqlite_url(dir.path());
    create(dir.path(), &url);
    assert_code(&run(dir.path(), &url, &["migrate", "apply", "1"]), 0);
    let out = run(dir.path(), &url, &["migrate", "apply", "--baseline", "1"]);
    assert_code(&out, 2);
    let err = text(&out.stderr);
    assert!(
        err.contains("--baseline 1") && err.contains("already has migration revisions"),
        "{err}"
    );
    assert_eq!(
        status_json(dir.path(), &url).1["pending"][0]["version"],
        "2"
    );

    // A deploy script that always passes the baseline it once used still works.
    let adopted = project(&[
        ("1_a.sql", "CREATE TABLE a (id integer);\n"),
        ("2_b.sql", "CREATE TABLE b (id integer);\n"),
    ]);
    let url = sqlite_url(adopted.path());
    create(adopted.path(), &url);
    let a = &["migrate", "apply", "--baseline", "1", "--allow-dirty"];
    assert_code(&run(adopted.path(), &url, a), 0);
    assert_code(&run(adopted.path(), &url, a), 0);
    assert_eq!(status_json(adopted.path(), &url).1["state"], "up_to_date");
}

#[test]
fn set_moves_the_recorded_version_without_running_files() {
    let dir = project(&[
        ("1_a.sql", "CREATE TABLE a (id integer);\n"),
        ("2_b.sql", "CREATE TABLE b (id integer);\n"),
        ("3_c.sql", "CREATE TABLE c (id integer);\n"),
    ]);
    let url = sqlite_url(dir.path());
    create(dir.path(), &url);
    assert_code(&run(dir.path(), &url, &["migrate", "apply", "1"]), 0);

    // Dry run: says what it would do, changes nothing.
    let dry = run(dir.path(), &url, &["migrate", "set", "3", "--dry-run"]);
    assert_code(&dry, 0);
    assert!(
        text(&dry.stderr).contains("would: record 2_b.sql"),
        "{}",
        text(&dry.stderr)
    );
    assert_eq!(
        status_json(dir.path(), &url).1["pending"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    assert_code(&run(dir.path(), &url, &["migrate", "set", "3"]), 0);
    let (code, json) = status_json(dir.path(), &url);
    assert_eq!(
        (code, json["state"].as_str()),
        (0, Some("up_to_date")),
        "{json}"
    );
    let tables = sqlite_tables(&dir.path().join("app.db"));
    assert!(
        !tables.contains("b") && tables.contains('a'),
        "nothing ran: {tables}"
    );

    // Back to 1: the rows of 2 and 3 go, and apply runs them for real.
    let out = run(
        dir.path(),
        &url,
        &["migrate", "set", "1", "--format", "json"],
    );
    assert_code(&out, 0);
    let fixes: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fixes.as_array().unwrap().len(), 2, "{fixes}");
    assert_eq!(fixes[0]["action"], "remove");
    assert_code(&run(dir.path(), &url, &["migrate", "apply"]), 0);
    assert_eq!(sqlite_tables(&dir.path().join("app.db")), "a,b,c");

    let out = run(dir.path(), &url, &["migrate", "set", "7"]);
    assert_code(&out, 2);
    assert!(text(&out.stderr).contains("no migration file has this version"));
}

#[test]
fn repair_accepts_an_edited_file_and_clears_a_failure() {
    let (dir, url) = sqlite_project_with_a_failing_second_file();
    assert_code(&run(dir.path(), &url, &["migrate", "apply"]), 1);
    // Someone edits the applied file 1 (a comment) and fixes 2, and rehashes.
    let migrations = dir.path().join("migrations");
    std::fs::write(
        migrations.join("1_a.sql"),
        "-- the first table\nCREATE TABLE a (id integer);\n",
    )
    .unwrap();
    std::fs::write(migrations.join("2_b.sql"), "CREATE TABLE b (id integer);\n").unwrap();
    assert_code(&schemactl_in(dir.path(), &["migrate", "hash"]), 0);
    let (code, json) = status_json(dir.path(), &url);
    assert_eq!(code, 1);
    assert!(
        json["problems"][0].as_str().unwrap().contains("1_a.sql"),
        "{json}"
    );
    assert_code(&run(dir.path(), &url, &["migrate", "apply"]), 2);

    let out = run(dir.path(), &url, &["migrate", "repair"]);
    assert_code(&out, 0);
    let said = text(&out.stderr);
    assert!(said.contains("accept the edit of 1_a.sql"), "{said}");
    assert!(
        said.contains("version 2") && said.contains("it failed"),
        "{said}"
    );
    assert_code(&run(dir.path(), &url, &["migrate", "apply"]), 0);
    let (code, json) = status_json(dir.path(), &url);
    assert_eq!(
        (code, json["state"].as_str()),
        (0, Some("up_to_date")),
        "{json}"
    );
    let again = run(dir.path(), &url, &["migrate", "repair"]);
    assert!(text(&again.stderr).contains("needs no change"));
}

/// A database name on the PostgreSQL test server, dropped when the value goes.
struct PgTarget {
    dir: tempfile::TempDir,
    url: String,
}

impl Drop for PgTarget {
    fn drop(&mut self) {
        let _ = schemactl_in(
            self.dir.path(),
            &["db", "drop", "--force", "--url", &self.url],
        );
    }
}

#[test]
fn set_and_status_on_postgres() {
    let admin = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
    let (server, _) = admin.rsplit_once('/').unwrap();
    let target = PgTarget {
        dir: project(&[
            ("1_a.sql", "CREATE TABLE a (id int);\n"),
            ("2_b.sql", "CREATE TABLE b (id int);\nSELECT 1/0;\n"),
        ]),
        url: format!("{server}/repair_{}", std::process::id()),
    };
    let (dir, url) = (target.dir.path(), target.url.as_str());
    assert_code(&schemactl_in(dir, &["db", "create", "--url", url]), 0);
    assert_code(&run(dir, url, &["migrate", "apply"]), 1);
    let (code, json) = status_json(dir, url);
    assert_eq!(
        (code, json["state"].as_str()),
        (1, Some("failed")),
        "{json}"
    );
    assert_code(&run(dir, url, &["migrate", "set", "2"]), 0);
    let (code, json) = status_json(dir, url);
    assert_eq!(
        (code, json["state"].as_str()),
        (0, Some("up_to_date")),
        "{json}"
    );
}

fn sqlite_tables(file: &Path) -> String {
    let out = std::process::Command::new("sqlite3")
        .arg(file)
        .arg("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'atlas%' AND name NOT LIKE 'schemactl%' AND name NOT LIKE 'sqlite%' ORDER BY name)")
        .output()
        .unwrap();
    text(&out.stdout).trim().to_string()
}
