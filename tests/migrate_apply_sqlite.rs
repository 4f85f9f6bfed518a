//! The migration runner on SQLite database files: the must-show scenarios of the runner
//! (failure halfway, SIGKILL at random points, concurrent runs) as on PostgreSQL, the file
//! lock, `migrate diff` on an in-memory dev database followed by `migrate apply` of its table
//! rebuilds, `migrate status|down`, `db create|drop|wait` and `up`. No PostgreSQL is involved.

mod runner_support;

use nix::sys::signal::Signal;
use runner_support::scenarios::*;
use runner_support::*;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

/// `schemactl ARGS` with stdin closed (no terminal to confirm on).
fn run(args: &[&str]) -> Output {
    schemactl_command(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stderr)
}

#[test]
fn a_file_failing_at_statement_3_of_5_leaves_nothing_and_a_rerun_after_the_fix_completes() {
    fail_at_statement_3_then_fix(&SqliteDb::new(true), "no such column: no_such_column");
}

#[test]
fn sigkill_at_random_points_then_rerun_applies_every_file_exactly_once() {
    let report = signal_trials(
        "sqlite_kill",
        || SqliteDb::new(true),
        20,
        &LongDir::PLAIN,
        Signal::SIGKILL,
    );
    // Most kills land inside a file's transaction (a hot journal SQLite rolls back on the next
    // open), which is the case this test is about.
    assert!(
        report.killed_in_transaction >= report.trials / 5,
        "{report:?}"
    );
    assert!(report.elapsed < Duration::from_secs(90), "{report:?}");
}

#[test]
fn sigkill_with_txmode_none_and_idempotent_statements_also_converges() {
    // Statement by statement, each with its progress row: a kill between the two re-runs the
    // statement, so the statements are idempotent, as txmode none files must be.
    let layout = LongDir {
        header: "-- atlas:txmode none\n",
        create: "create table if not exists",
        insert: "insert into log select {i} where not exists (select 1 from log where version = {i});",
    };
    signal_trials(
        "sqlite_kill_none",
        || SqliteDb::new(true),
        // Few trials: a txmode none run commits (and syncs) twice per statement, ~2 s a run.
        6,
        &layout,
        Signal::SIGKILL,
    );
}

#[test]
fn two_concurrent_applies_both_finish_and_never_apply_a_file_twice() {
    concurrent_applies(|| SqliteDb::new(true), 4);
}

#[test]
fn a_held_file_lock_makes_apply_wait_then_give_up_with_exit_1() {
    let db = SqliteDb::new(true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[("1_a.sql".into(), "create table a (id int);\n".into())],
    );
    // This process holds the sidecar's lock, as a running schemactl would.
    let mut sidecar = db.path.clone().into_os_string();
    sidecar.push(".schemactl-lock");
    let holder = std::fs::File::create(&sidecar).unwrap();
    holder.lock().unwrap();
    apply_gives_up_on_a_held_lock(&db, tmp.path());
    drop(holder);
    ok(&apply(&db, tmp.path(), &["--lock-timeout", "1s"]));
    assert_eq!(db.tables(), "a");
}

#[test]
fn apply_waits_for_another_programs_write_transaction_instead_of_failing() {
    let db = SqliteDb::new(true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[("1_a.sql".into(), "create table a (id int);\n".into())],
    );
    // Another program writes to the file for a while (a long query inside its transaction).
    let mut writer = std::process::Command::new("sqlite3")
        .arg(&db.path)
        .arg(
            "begin immediate; create table other (x int); \
             with recursive c(x) as (select 1 union all select x + 1 from c where x < 5000000) \
             select count(*) from c; commit;",
        )
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut journal = db.path.clone().into_os_string();
    journal.push("-journal");
    while !Path::new(&journal).exists() {
        assert!(
            writer.try_wait().unwrap().is_none(),
            "the writer ended early"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = apply(&db, tmp.path(), &["--allow-dirty"]);
    let writer_status = writer.wait().unwrap();
    assert!(writer_status.success());
    ok(&out);
    assert_eq!(db.tables(), "a,other");
    assert_eq!(revisions(&db), "1|1|1||");
}

/// `migrate diff NAME --to file://schema.sql` on an in-memory SQLite dev database.
fn diff(project: &Path, name: &str, schema: &str) {
    std::fs::write(project.join("schema.sql"), schema).unwrap();
    let to = format!("file://{}", project.join("schema.sql").display());
    let out = schemactl_command(&[
        "migrate",
        "diff",
        name,
        "--dir",
        &dir_url(&project.join("migrations")),
        "--to",
        &to,
        "--dev-url",
        "sqlite://dev?mode=memory",
    ])
    .env("PGHOST", "/nonexistent")
    .output()
    .unwrap();
    ok(&out);
}

const USERS_V1: &str = "create table users (id integer primary key, email text not null, age text);\n\
     create table posts (id integer primary key, user_id integer not null references users (id) on delete cascade, title text);\n";

/// The user journey: `migrate diff` writes a table rebuild (a column type change on a table
/// that another table references with ON DELETE CASCADE), and `migrate apply` runs the written
/// files unedited on a database file with rows: the rows of both tables survive (foreign keys
/// are off around the file's transaction, so dropping the old table cascades nothing).
#[test]
fn migrations_written_by_migrate_diff_with_a_rebuild_apply_and_keep_rows() {
    let project = tempfile::tempdir().unwrap();
    let project = project.path();
    diff(project, "init", USERS_V1);
    let db = SqliteDb::new(false);
    let dir = dir_url(&project.join("migrations"));
    let out = run(&["migrate", "apply", "--url", &db.url, "--dir", &dir]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("schemactl db create --url"),
        "{}",
        text(&out.stderr)
    );
    ok(&run(&["db", "create", "--url", &db.url]));
    ok(&run(&["migrate", "apply", "--url", &db.url, "--dir", &dir]));
    db.query(
        "insert into users values (1, 'a@x', '41'), (2, 'b@x', null);
         insert into posts values (10, 1, 'hello'), (11, 2, 'again'), (12, 1, 'third');",
    );

    diff(
        project,
        "age",
        &USERS_V1.replace("age text", "age integer not null default 0"),
    );
    let written = std::fs::read_dir(project.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("_age.sql"))
        .unwrap();
    let sql = std::fs::read_to_string(&written).unwrap();
    assert!(sql.contains("PRAGMA foreign_keys = off"), "{sql}");
    assert!(sql.contains("DROP TABLE \"users\""), "{sql}");
    assert!(!sql.contains("txmode"), "{sql}");

    let out = run(&[
        "migrate", "apply", "--url", &db.url, "--dir", &dir, "--format", "json",
    ]);
    ok(&out);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["applied"].as_array().unwrap().len(), 1);
    assert_eq!(
        db.query("select id, email, age, typeof(age) from users order by id"),
        "1|a@x|41|integer\n2|b@x|0|integer"
    );
    assert_eq!(
        db.query("select group_concat(id) from posts"),
        "10,11,12",
        "the rebuild of users cascaded to posts"
    );
    assert_eq!(db.query("PRAGMA foreign_key_check"), "");
    let status = run(&[
        "migrate", "status", "--url", &db.url, "--dir", &dir, "--format", "json",
    ]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["applied"], 2);
    assert_eq!(status["pending"].as_array().unwrap().len(), 0);
    assert_eq!(status["incomplete"], serde_json::Value::Null);
    // The migrated file is in sync with the desired schema: the revisions table is not part
    // of it.
    let to = format!("file://{}", project.join("schema.sql").display());
    let in_sync = run(&["schema", "diff", "--from", &db.url, "--to", &to]);
    ok(&in_sync);
    assert_eq!(text(&in_sync.stdout), "");
    let inspected = run(&["schema", "inspect", "--url", &db.url]);
    assert!(!text(&inspected.stdout).contains("schemactl_revisions"));

    // A row that breaks a foreign key (written behind enforcement's back), then a rebuild of
    // its table: the file's own foreign_key_check fails, the file's transaction rolls back, and
    // the revision names the check.
    db.query("insert into posts values (13, 99, 'orphan')");
    diff(
        project,
        "strict",
        &USERS_V1
            .replace("age text", "age integer not null default 0")
            .replace("title text", "title text not null default ''"),
    );
    let out = run(&["migrate", "apply", "--url", &db.url, "--dir", &dir]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("foreign key violation"), "{stderr}");
    assert!(stderr.contains("rolled back"), "{stderr}");
    assert_eq!(
        db.query("select \"notnull\" from pragma_table_info('posts') where name = 'title'"),
        "0"
    );
    assert_eq!(db.query("select count(*) from posts"), "4");
    let failed = db.query(&format!(
        "select error_statement from {} where error is not null",
        db.revisions_table()
    ));
    assert!(failed.starts_with("PRAGMA foreign_key_check"), "{failed}");
}

#[test]
fn down_reverts_a_rebuild_with_the_reverse_plan_on_an_in_memory_dev_database() {
    let project = tempfile::tempdir().unwrap();
    let project = project.path();
    diff(project, "init", USERS_V1);
    diff(
        project,
        "age",
        &USERS_V1.replace("age text", "age integer not null default 0"),
    );
    let db = SqliteDb::new(true);
    let dir = dir_url(&project.join("migrations"));
    ok(&run(&["migrate", "apply", "--url", &db.url, "--dir", &dir]));
    db.query("insert into users values (1, 'a@x', 7); insert into posts values (10, 1, 't');");
    // No --dev-url: a SQLite target's dev database is SQLite in memory (PostgreSQL is out of
    // reach here).
    let down = |extra: &[&str]| {
        let mut args = vec!["migrate", "down", "--url", &db.url, "--dir", &dir];
        args.extend_from_slice(extra);
        schemactl_command(&args)
            .env_remove("SCHEMACTL_DEV_URL")
            .env("PGHOST", "/nonexistent")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let dry = down(&["--dry-run"]);
    ok(&dry);
    let sql = text(&dry.stdout);
    assert!(sql.contains("-- revert "), "{sql}");
    assert!(sql.contains("PRAGMA foreign_keys = off"), "{sql}");
    ok(&down(&["--auto-approve"]));
    assert_eq!(
        db.query("select type from pragma_table_info('users') where name = 'age'"),
        "TEXT"
    );
    assert_eq!(
        db.query("select count(*) from posts"),
        "1",
        "the revert's rebuild cascaded"
    );
    assert_eq!(
        db.query(&format!("select count(*) from {}", db.revisions_table())),
        "1"
    );
}

#[test]
fn down_runs_dbmate_down_sections_and_asks_before_dropping_data() {
    let db = SqliteDb::new(true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[
            (
                "1_a.sql".into(),
                "-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n".into(),
            ),
            (
                "2_i.sql".into(),
                "-- migrate:up\ncreate index a_id on a (id);\n-- migrate:down\ndrop index a_id;\n"
                    .into(),
            ),
        ],
    );
    let dir = dir_url(tmp.path());
    let args = |verb: &'static str, extra: &[&'static str]| {
        let mut all = vec!["migrate", verb, "--url", &db.url, "--dir", &dir];
        all.extend_from_slice(&["--dir-format", "dbmate"]);
        all.extend_from_slice(extra);
        run(&all)
    };
    ok(&args("apply", &[]));
    ok(&args("down", &[]));
    assert_eq!(
        db.query("select count(*) from sqlite_master where name = 'a_id'"),
        "0"
    );
    let refused = args("down", &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("--auto-approve"));
    assert_eq!(db.tables(), "a");
    ok(&args("down", &["--auto-approve"]));
    assert_eq!(db.tables(), "");
    assert_eq!(
        db.query(&format!("select count(*) from {}", db.revisions_table())),
        "0"
    );
}

#[test]
fn vacuum_in_a_transactional_file_fails_with_the_txmode_hint_and_runs_with_txmode_none() {
    let db = SqliteDb::new(true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[(
            "1_v.sql".into(),
            "create table a (id int);\nvacuum;\n".into(),
        )],
    );
    let out = apply(&db, tmp.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot VACUUM from within a transaction"));
    assert!(
        stderr.contains("hint: put `-- atlas:txmode none`"),
        "{stderr}"
    );
    assert_eq!(db.tables(), "");
    write_dir(
        tmp.path(),
        &[(
            "1_v.sql".into(),
            "-- atlas:txmode none\ncreate table a (id int);\nvacuum;\n".into(),
        )],
    );
    ok(&apply(&db, tmp.path(), &[]));
    assert_eq!(revisions(&db), "1|2|2||");
}

#[test]
fn in_memory_targets_are_refused_and_dirty_files_need_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[
            ("1_a.sql".into(), "create table a (id int);\n".into()),
            ("2_b.sql".into(), "create table b (id int);\n".into()),
        ],
    );
    let dir = dir_url(tmp.path());
    let memory = run(&[
        "migrate",
        "apply",
        "--url",
        "sqlite://x?mode=memory",
        "--dir",
        &dir,
    ]);
    assert_eq!(memory.status.code(), Some(2));
    assert!(text(&memory.stderr).contains("in-memory database"));

    let db = SqliteDb::new(true);
    db.query("create table a (id int)");
    let out = apply(&db, tmp.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not clean (it has table a)"), "{stderr}");
    ok(&apply(&db, tmp.path(), &["--baseline", "1"]));
    assert_eq!(db.tables(), "a,b");
    assert_eq!(
        db.query(&format!(
            "select group_concat(kind) from (select kind from {} order by version)",
            db.revisions_table()
        )),
        "baseline,applied"
    );
}

#[test]
fn db_create_drop_wait_and_up_work_on_files() {
    let db = SqliteDb::new(false);
    ok(&run(&["db", "wait", "--url", &db.url, "--timeout", "1s"]));
    ok(&run(&["db", "create", "--url", &db.url]));
    assert_eq!(std::fs::metadata(&db.path).unwrap().len(), 0);
    let again = run(&["db", "create", "--url", &db.url]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already exists"));
    ok(&run(&["db", "create", "--url", &db.url, "--if-not-exists"]));

    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[("1_a.sql".into(), "create table a (id int);\n".into())],
    );
    ok(&apply(&db, tmp.path(), &[]));
    let refused = run(&["db", "drop", "--url", &db.url]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("without --force"));
    assert!(db.path.exists());
    ok(&run(&["db", "drop", "--url", &db.url, "--force"]));
    let leftovers: Vec<_> = std::fs::read_dir(db.path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let missing = ok(&run(&["db", "drop", "--url", &db.url, "--force"]));
    assert!(missing.contains("does not exist"), "{missing}");

    // `up` creates the file, then applies.
    let dir = dir_url(tmp.path());
    let created = ok(&run(&["up", "--url", &db.url, "--dir", &dir]));
    assert!(created.contains("created database file"), "{created}");
    assert_eq!(db.tables(), "a");
    let again = ok(&run(&["up", "--url", &db.url, "--dir", &dir]));
    assert!(again.contains("up to date"), "{again}");

    let nowhere = "sqlite:///nonexistent-dir-schemactl/app.db";
    let out = run(&["db", "wait", "--url", nowhere, "--timeout", "300ms"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("does not exist after"));
    let out = run(&["db", "create", "--url", nowhere]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("does not exist"));
}

#[test]
fn relative_file_urls_resolve_against_the_working_directory() {
    let work = tempfile::tempdir().unwrap();
    write_dir(
        &work.path().join("migrations"),
        &[("1_a.sql".into(), "create table a (id int);\n".into())],
    );
    std::fs::create_dir(work.path().join("data")).unwrap();
    let in_work = |args: &[&str]| {
        schemactl_command(args)
            .current_dir(work.path())
            .output()
            .unwrap()
    };
    let url = "sqlite://data/app.db";
    ok(&in_work(&[
        "up",
        "--url",
        url,
        "--dir",
        "file://migrations",
    ]));
    let db = work.path().join("data/app.db");
    assert_eq!(sqlite3(&db, "select count(*) from a"), "0");
    assert!(work.path().join("data/app.db.schemactl-lock").exists());
    let status = in_work(&[
        "migrate",
        "status",
        "--url",
        url,
        "--dir",
        "file://migrations",
    ]);
    ok(&status);
    assert!(text(&status.stdout).starts_with("current version: 1 (1 file(s) applied)"));
}
