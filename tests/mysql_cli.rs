//! Bad input and unreachable servers on MySQL/MariaDB, through the CLI: SQL the server refuses
//! names the file, the line, the statement and the server's error (exit 2); a wrong password
//! or a closed port gets a clear message without the password.

mod common;

use common::project::{mysql_server, schemactl_in, text};
use std::path::Path;
use std::process::Output;

fn schemactl(dir: &Path, args: &[&str]) -> Output {
    schemactl_in(dir, args)
}

fn project_with_bad_file() -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("20260101000000_init.sql"),
        "CREATE TABLE a (id int);\n\nCREATE TABLE b (id int, KEY (nope));\n",
    )
    .unwrap();
    let hashed = schemactl(
        work.path(),
        &["migrate", "hash", "--dir", "file://migrations"],
    );
    assert!(hashed.status.success(), "{}", text(&hashed.stderr));
    work
}

#[test]
fn a_statement_the_server_refuses_names_file_line_statement_and_error() {
    let work = project_with_bad_file();
    let out = schemactl(
        work.path(),
        &[
            "migrate",
            "validate",
            "--dir",
            "file://migrations",
            "--dev-url",
            &mysql_server(),
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for expected in [
        "migrations/20260101000000_init.sql:3",
        "CREATE TABLE b (id int, KEY (nope))",
        "Key column 'nope' doesn't exist",
        "server error 1072",
    ] {
        assert!(
            stderr.contains(expected),
            "{expected:?} missing from:\n{stderr}"
        );
    }
}

#[test]
fn a_wrong_password_and_a_closed_port_are_clear_and_redacted() {
    let work = project_with_bad_file();
    let host = mysql_server()
        .trim_start_matches("mysql://")
        .split('@')
        .next_back()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let wrong = format!("mysql://schemactl_pw:not%40the%2Fpassword@{host}/");
    let out = schemactl(
        work.path(),
        &[
            "migrate",
            "validate",
            "--dir",
            "file://migrations",
            "--dev-url",
            &wrong,
        ],
    );
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("access denied"), "{stderr}");
    assert!(
        !stderr.contains("not@the/password") && !stderr.contains("not%40the"),
        "{stderr}"
    );

    let closed = "mysql://u:hunter2secret@127.0.0.1:1/";
    let out = schemactl(
        work.path(),
        &[
            "migrate",
            "validate",
            "--dir",
            "file://migrations",
            "--dev-url",
            closed,
        ],
    );
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("127.0.0.1:1"), "{stderr}");
    assert!(!stderr.contains("hunter2secret"), "{stderr}");
}
