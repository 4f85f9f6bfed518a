//! `db create|drop|wait` and `up` against the test PostgreSQL server.

mod runner_support;

use runner_support::*;
use std::process::Stdio;

fn exists(name: &str) -> bool {
    psql(
        &server_url(),
        &format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'"),
    ) == "1"
}

#[test]
fn db_create_is_idempotent_with_if_not_exists_and_drop_needs_force_without_a_terminal() {
    let db = TestDb::new("dbcmd", false);
    let out = schemactl(&["db", "create", "--url", &db.url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(exists(&db.name));
    let again = schemactl(&["db", "create", "--url", &db.url]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    let tolerant = schemactl(&["db", "create", "--url", &db.url, "--if-not-exists"]);
    assert!(tolerant.status.success());

    let refused = schemactl_command(&["db", "drop", "--url", &db.url])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("without --force"));
    assert!(exists(&db.name));
    let dropped = schemactl(&["db", "drop", "--url", &db.url, "--force"]);
    assert!(dropped.status.success(), "{}", text(&dropped.stderr));
    assert!(!exists(&db.name));
    let missing = schemactl(&["db", "drop", "--url", &db.url, "--force"]);
    assert!(missing.status.success());
    assert!(text(&missing.stderr).contains("does not exist"));
}

#[test]
fn db_wait_returns_once_the_server_answers_and_times_out_on_a_closed_port() {
    let db = TestDb::new("wait", false);
    // The database need not exist: the server answering is enough.
    let out = schemactl(&["db", "wait", "--url", &db.url, "--timeout", "10s"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let closed = db.url.replace(":54329/", ":9/");
    let started = std::time::Instant::now();
    let out = schemactl(&["db", "wait", "--url", &closed, "--timeout", "1s"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("does not accept connections after 1 s"));
    assert!(started.elapsed() < std::time::Duration::from_secs(8));
    let bad = schemactl(&["db", "wait", "--url", &db.url, "--timeout", "soon"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn up_creates_the_database_when_missing_then_applies() {
    let db = TestDb::new("up", false);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[("1_a.sql".into(), "create table a (id int);\n".into())],
    );
    let dir = dir_url(tmp.path());
    let out = schemactl(&["up", "--url", &db.url, "--dir", &dir]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("created database"), "{stderr}");
    assert_eq!(psql(&db.url, "SELECT count(*) FROM a"), "0");
    let again = schemactl(&["up", "--url", &db.url, "--dir", &dir]);
    assert!(again.status.success());
    assert!(text(&again.stderr).contains("up to date"));
}
