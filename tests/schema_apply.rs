//! `schema apply`: a live target planned to the desired state. A dry run prints the plan and
//! changes nothing; without a terminal and without `--auto-approve` it refuses (exit 1) and
//! changes nothing; with it the target ends equal to the desired state and a second apply
//! plans nothing; a failing statement leaves the target as it was (PostgreSQL: one
//! transaction). On PostgreSQL and SQLite.

mod common;

use common::project::text;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn schemactl(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap()
}

const DESIRED: &str = "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);\n\
                       CREATE TABLE posts (id integer PRIMARY KEY, user_id integer REFERENCES users (id), title text);\n\
                       CREATE INDEX posts_user ON posts (user_id);\n";

/// The plan from `url` to the desired file: empty when they are in sync.
fn remaining(dir: &Path, url: &str, dev: &str) -> String {
    let out = schemactl(
        dir,
        &[
            "schema",
            "diff",
            "--from",
            url,
            "--to",
            "file://desired.sql",
            "--dev-url",
            dev,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn apply_flow(dir: &Path, url: &str, dev: &str) {
    std::fs::write(dir.join("desired.sql"), DESIRED).unwrap();
    let apply = |extra: &[&str]| {
        let mut args = vec![
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://desired.sql",
        ];
        args.extend_from_slice(&["--dev-url", dev]);
        args.extend_from_slice(extra);
        schemactl(dir, &args)
    };
    let before = remaining(dir, url, dev);
    assert!(before.contains("CREATE TABLE"), "{before}");

    let dry = apply(&["--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    assert!(
        text(&dry.stdout).contains("CREATE TABLE"),
        "the plan is printed"
    );
    assert!(text(&dry.stderr).contains("dry run"));
    assert_eq!(
        remaining(dir, url, dev),
        before,
        "a dry run changes nothing"
    );

    let refused = apply(&[]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    assert!(text(&refused.stderr).contains("--auto-approve"));
    assert_eq!(
        remaining(dir, url, dev),
        before,
        "a refused apply changes nothing"
    );

    let applied = apply(&["--auto-approve"]);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied.stderr));
    assert!(
        text(&applied.stderr).contains("applied"),
        "{}",
        text(&applied.stderr)
    );
    assert_eq!(
        remaining(dir, url, dev),
        "",
        "the target is the desired state"
    );

    let again = apply(&["--auto-approve"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        text(&again.stderr).contains("nothing to apply"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(text(&again.stdout), "");

    // JSON: the plan's steps.
    std::fs::write(
        dir.join("desired.sql"),
        DESIRED.replace("title text", "title text, body text"),
    )
    .unwrap();
    let json = apply(&["--dry-run", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&json.stdout)));
    let statements: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("{plan}"))
        .iter()
        .flat_map(|step| step["statements"].as_array().unwrap())
        .map(|statement| statement["sql"].as_str().unwrap())
        .collect();
    assert_eq!(statements.len(), 1, "{plan}");
    assert!(statements[0].contains("ADD COLUMN"), "{plan}");
}

#[test]
fn sqlite_schema_apply() {
    let work = tempfile::tempdir().unwrap();
    let created = schemactl(work.path(), &["create", "--url", "sqlite://app.db"]);
    assert!(created.status.success(), "{}", text(&created.stderr));
    apply_flow(work.path(), "sqlite://app.db", "sqlite://dev?mode=memory");
}

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args(["-qX", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .unwrap();
    assert!(out.status.success(), "psql {sql}: {}", text(&out.stderr));
}

/// A fresh database on the test server, dropped when the guard goes.
struct Database {
    server: String,
    url: String,
    name: String,
}

impl Database {
    fn new(label: &str) -> Database {
        let server = std::env::var("SCHEMACTL_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
        let name = format!("schemactl_apply_{label}_{}", std::process::id());
        psql(&server, &format!("DROP DATABASE IF EXISTS {name}"));
        psql(&server, &format!("CREATE DATABASE {name}"));
        let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
        Database { server, url, name }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        psql(
            &self.server,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

#[test]
fn postgres_schema_apply() {
    let db = Database::new("flow");
    let work = tempfile::tempdir().unwrap();
    apply_flow(work.path(), &db.url, &db.server);
}

/// `schema apply` of desired.sql to `db`, its test server as the dev database.
fn apply_to(dir: &Path, db: &Database, flag: &str) -> Output {
    let args = [
        "schema",
        "apply",
        "--url",
        &db.url,
        "--to",
        "file://desired.sql",
    ];
    let mut args = args.to_vec();
    args.extend_from_slice(&["--dev-url", &db.server, flag]);
    schemactl(dir, &args)
}

#[test]
fn a_failing_statement_leaves_the_postgres_target_as_it_was() {
    let db = Database::new("fails");
    let work = tempfile::tempdir().unwrap();
    psql(
        &db.url,
        "CREATE TABLE users (id integer PRIMARY KEY, email text); INSERT INTO users VALUES (1, NULL)",
    );
    // The new table is created first; SET NOT NULL then fails on the row without an email.
    std::fs::write(work.path().join("desired.sql"), DESIRED).unwrap();
    let out = apply_to(work.path(), &db, "--auto-approve");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(
        said.contains("rolled back") && said.contains("NOT NULL"),
        "{said}"
    );
    let left = remaining(work.path(), &db.url, &db.server);
    assert!(
        left.contains("CREATE TABLE \"public\".\"posts\"") || left.contains("posts"),
        "{left}"
    );
    assert!(left.contains("SET NOT NULL"), "{left}");
}

#[test]
fn the_plan_is_linted_and_findings_point_at_its_lines() {
    let db = Database::new("lint");
    let work = tempfile::tempdir().unwrap();
    psql(
        &db.url,
        "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL); CREATE TABLE old_stuff (id integer)",
    );
    std::fs::write(
        work.path().join("desired.sql"),
        "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);\n",
    )
    .unwrap();
    let out = apply_to(work.path(), &db, "--dry-run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let plan = text(&out.stdout);
    let line = plan
        .lines()
        .position(|l| l.starts_with("DROP TABLE"))
        .unwrap_or_else(|| panic!("{plan}"))
        + 1;
    let said = text(&out.stderr);
    assert!(
        said.contains(&format!("plan:{line}: error DS102")),
        "{said}"
    );
    assert!(said.contains("destructive: drops table"), "{said}");
}
