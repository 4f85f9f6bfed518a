//! The migration runner on MariaDB (the test server of `SCHEMACTL_TEST_MYSQL_URL`): MySQL
//! commits DDL by itself, so files run statement by statement. SIGKILL at random points never
//! applies a statement twice nor skips one (the `log` rows of each file prove it), a failure
//! keeps the statements before it and a rerun after the fix resumes at the failed one, two
//! concurrent runs never interleave, and a held lock makes a run give up with exit 1.

mod runner_support;

use nix::sys::signal::Signal;
use runner_support::scenarios::*;
use runner_support::*;
use std::time::Duration;

#[test]
fn sigkill_at_random_points_then_rerun_applies_every_statement_exactly_once() {
    let report = signal_trials(
        "mysql_kill",
        || MysqlDb::new("kill"),
        20,
        &LongDir::PLAIN,
        Signal::SIGKILL,
    );
    // Kills that left a DDL statement started and unrecorded are the case the intent is for:
    // the rerun must tell whether it landed. Some trials should hit it.
    eprintln!(
        "mysql_kill: {} of {} kills left a started statement",
        report.killed_in_transaction, report.trials
    );
    assert!(report.elapsed < Duration::from_secs(240), "{report:?}");
}

#[test]
fn a_kill_between_a_ddl_statement_and_its_row_is_settled_by_the_rerun() {
    // What a kill right after `CREATE TABLE t2` landed and before its row was written leaves:
    // the table exists, the row says statement 1 of file 2 started and 0 are applied.
    let db = MysqlDb::new("landed");
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[
            ("1_log.sql".into(), "create table log (n int);\n".into()),
            (
                "2_t.sql".into(),
                "create table t2 (id int);\ninsert into log values (2);\n".into(),
            ),
        ],
    );
    let out = apply(&db, tmp.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    db.query("DELETE FROM log");
    db.query("UPDATE schemactl_revisions SET applied = 0, started = 0 WHERE version = '2'");
    let out = apply(&db, tmp.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(db.query("SELECT count(*) FROM log"), "1");
    assert_eq!(revisions(&db), "1|1|1||\n2|2|2||");

    // Without the intent the same state is a real conflict: the rerun reports it.
    db.query("DELETE FROM log");
    db.query("UPDATE schemactl_revisions SET applied = 0, started = NULL WHERE version = '2'");
    let out = apply(&db, tmp.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("2_t.sql:1: statement 1 of 2 failed"),
        "{stderr}"
    );
    assert!(stderr.contains("server error 1050"), "{stderr}");
    assert_eq!(db.query("SELECT count(*) FROM log"), "0");
}

#[test]
fn a_failure_keeps_the_statements_before_it_and_the_fixed_rerun_resumes_there() {
    let db = MysqlDb::new("fail3");
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[
            ("1_a.sql".into(), "create table a (id int);\n".into()),
            ("2_b.sql".into(), five_statements("select no_such_column")),
            ("3_c.sql".into(), "create table c (id int);\n".into()),
        ],
    );
    let out = apply(&db, tmp.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("2_b.sql:3: statement 3 of 5 failed"),
        "{stderr}"
    );
    assert!(stderr.contains("server error 1054"), "{stderr}");
    // MySQL committed b1 and b2 as they ran; the row says so, and the error.
    assert_eq!(db.tables(), "a,b1,b2");
    let rows = revisions(&db);
    assert!(
        rows.starts_with("1|1|1||\n2|2|5|Unknown column 'no_such_column'"),
        "{rows}"
    );

    std::fs::write(
        tmp.path().join("2_b.sql"),
        five_statements("create table b3 (id int)"),
    )
    .unwrap();
    hash(tmp.path());
    let out = apply(&db, tmp.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(db.tables(), "a,b1,b2,b3,b4,b5,c");
    assert_eq!(revisions(&db), "1|1|1||\n2|5|5||\n3|1|1||");
}

#[test]
fn two_concurrent_applies_both_finish_and_never_apply_a_file_twice() {
    concurrent_applies(|| MysqlDb::new("concurrent"), 3);
}

#[test]
fn a_held_lock_makes_apply_wait_then_give_up_with_exit_1() {
    let db = MysqlDb::new("locked");
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[("1_a.sql".into(), "create table a (id int);\n".into())],
    );
    // A session holding the run's named lock while schemactl tries it.
    let lock = format!("SELECT GET_LOCK('schemactl:{}', 0), SLEEP(4)", db.name);
    let holder = std::thread::spawn(move || mariadb(None, &lock));
    std::thread::sleep(Duration::from_millis(500));
    let started = std::time::Instant::now();
    let out = apply(&db, tmp.path(), &["--lock-timeout", "1s"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("holds the migration lock"), "{stderr}");
    assert!(started.elapsed() >= Duration::from_millis(900), "{stderr}");
    assert_eq!(db.tables(), "");
    holder.join().unwrap();
    let out = apply(&db, tmp.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(db.tables(), "a");
}
