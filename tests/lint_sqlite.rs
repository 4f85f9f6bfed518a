//! `migrate lint` on SQLite migrations, replayed in memory: the families that read the schema
//! difference run as on the servers, the table rebuild the SQLite planner writes is one LK101
//! (not a dropped table and a data copy), and the suppression bookkeeping holds: a
//! `schemactl:nolint` code that names no rule is an error naming its file and line (exit 2),
//! and a directive that silences nothing is LN101.

mod common;
#[path = "support/lint_json.rs"]
mod lint_json;

use common::project::{hashed_migrations, schemactl_in};
use std::path::Path;
use std::process::Output;

const DEV: &str = "sqlite://dev?mode=memory";
const BASE: &str = "CREATE TABLE users (id integer PRIMARY KEY, email text, name text);
CREATE INDEX users_email ON users (email);
";

fn project(change: &str) -> tempfile::TempDir {
    hashed_migrations(&[
        ("20260101000000_base.sql", BASE),
        ("20260102000000_change.sql", change),
    ])
}

fn lint(work: &Path) -> Output {
    schemactl_in(
        work,
        &[
            "migrate",
            "lint",
            "--dir",
            "file://migrations",
            "--dev-url",
            DEV,
            "--format",
            "json",
        ],
    )
}

fn codes(out: &Output) -> Vec<(String, usize)> {
    lint_json::findings("sqlite lint", out)
        .into_iter()
        .map(|(code, _, line)| (code, line))
        .collect()
}

#[test]
fn the_planners_rebuild_is_one_finding() {
    // The rebuild as the planner writes it, for a column made NOT NULL.
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("from.sql"), BASE).unwrap();
    std::fs::write(
        work.path().join("to.sql"),
        BASE.replace("email text,", "email text NOT NULL,"),
    )
    .unwrap();
    let planned = schemactl_in(
        work.path(),
        &[
            "schema",
            "diff",
            "--from",
            "file://from.sql",
            "--to",
            "file://to.sql",
            "--dev-url",
            DEV,
        ],
    );
    assert!(
        planned.status.success(),
        "{}",
        String::from_utf8_lossy(&planned.stderr)
    );
    let rebuild = String::from_utf8(planned.stdout).unwrap();
    assert!(rebuild.contains("DROP TABLE \"users\""), "{rebuild}");
    let linted = project(&rebuild);
    let out = lint(linted.path());
    let rename_line = rebuild
        .lines()
        .position(|l| l.contains("RENAME TO \"users\""))
        .unwrap()
        + 1;
    assert_eq!(
        codes(&out),
        [("LK101".to_string(), rename_line)],
        "{rebuild}"
    );
    assert_eq!(out.status.code(), Some(0), "a rebuild only warns");
}

#[test]
fn destructive_and_incompatible_changes_are_found_on_sqlite() {
    let work = project(
        "ALTER TABLE users DROP COLUMN name;\nALTER TABLE users RENAME COLUMN email TO mail;\nDROP TABLE users;\n",
    );
    let out = lint(work.path());
    assert_eq!(
        codes(&out),
        [
            ("BC102".to_string(), 2),
            ("DS102".to_string(), 3),
            ("DS103".to_string(), 1)
        ]
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn an_unknown_code_in_a_nolint_is_an_error_naming_the_line() {
    let work = project("SELECT 1;\n-- schemactl:nolint DS103 DS1O2\nDROP TABLE users;\n");
    let out = lint(work.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("20260102000000_change.sql: line 2: `DS1O2`"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_nolint_that_silences_nothing_is_reported() {
    let work = project(
        "SELECT 1;\n-- schemactl:nolint DS102 BC102\nDROP TABLE users;\n-- atlas:nolint CD101\nSELECT 2;\n",
    );
    let out = lint(work.path());
    // DS102 is silenced; BC102 silences nothing; Atlas's own code is left alone.
    assert_eq!(codes(&out), [("LN101".to_string(), 2)]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let detail = json["findings"][0]["detail"].as_str().unwrap();
    assert!(detail.starts_with("`BC102`"), "{detail}");
    assert_eq!(json["findings"][0]["level"], "warning");
    assert_eq!(out.status.code(), Some(0));
}
