//! `migrate apply` and `migrate status` against the test PostgreSQL server: failures leave a
//! known state, reruns finish, SIGKILL at random points never applies a file twice, concurrent
//! runs never interleave, passwords never show.

mod runner_support;

use nix::sys::signal::Signal;
use runner_support::scenarios::*;
use runner_support::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_file_failing_at_statement_3_of_5_leaves_nothing_and_a_rerun_after_the_fix_completes() {
    let db = TestDb::new("fail3", true);
    fail_at_statement_3_then_fix(&db, "column \"no_such_column\" does not exist");
}

#[test]
fn tx_mode_none_keeps_good_statements_and_resumes_after_them() {
    let db = TestDb::new("txnone", true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[("1_b.sql".into(), five_statements("select no_such_column"))],
    );
    let out = apply(&db, tmp.path(), &["--tx-mode", "none"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(db.tables(), "b1,b2");
    assert!(revisions(&db).starts_with("1|2|5|"), "{}", revisions(&db));
    std::fs::write(
        tmp.path().join("1_b.sql"),
        five_statements("create table b3 (id int)"),
    )
    .unwrap();
    hash(tmp.path());
    let out = apply(&db, tmp.path(), &["--tx-mode", "none"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("resuming at statement 3"), "{stderr}");
    assert_eq!(db.tables(), "b1,b2,b3,b4,b5");
    assert_eq!(revisions(&db), "1|5|5||");
}

#[test]
fn tx_mode_all_rolls_back_the_whole_run() {
    let db = TestDb::new("txall", true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[
            ("1_a.sql".into(), "create table a (id int);\n".into()),
            ("2_b.sql".into(), five_statements("select no_such_column")),
        ],
    );
    let out = apply(&db, tmp.path(), &["--tx-mode", "all"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("whole run was rolled back"));
    assert_eq!(db.tables(), "");
    assert!(revisions(&db).starts_with("2|0|5|"), "{}", revisions(&db));
}

#[test]
fn an_applied_file_edited_since_stops_the_run_with_exit_2() {
    let db = TestDb::new("edited", true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[("1_a.sql".into(), "create table a (id int);\n".into())],
    );
    assert!(apply(&db, tmp.path(), &[]).status.success());
    write_dir(
        tmp.path(),
        &[
            ("1_a.sql".into(), "create table a (id bigint);\n".into()),
            ("2_b.sql".into(), "create table b (id int);\n".into()),
        ],
    );
    let out = apply(&db, tmp.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("1_a.sql was applied"), "{stderr}");
    assert!(stderr.contains("edited since"), "{stderr}");
    assert_eq!(db.tables(), "a");
}

#[test]
fn a_dirty_target_needs_baseline_or_allow_dirty() {
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[
            ("1_a.sql".into(), "create table a (id int);\n".into()),
            ("2_b.sql".into(), "create table b (id int);\n".into()),
        ],
    );
    let db = TestDb::new("dirty", true);
    psql(&db.url, "create table a (id int)");
    let out = apply(&db, tmp.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("not clean (it has table public.a)"),
        "{stderr}"
    );

    let out = apply(&db, tmp.path(), &["--baseline", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(db.tables(), "a,b");
    assert_eq!(revisions(&db), "1|1|1||\n2|1|1||");
    assert_eq!(
        psql(
            &db.url,
            "SELECT kind FROM schemactl.schemactl_revisions ORDER BY version"
        ),
        "baseline\napplied"
    );

    let other = TestDb::new("dirty2", true);
    psql(&other.url, "create table unrelated (id int)");
    let out = apply(&other, tmp.path(), &["--allow-dirty", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(other.tables(), "a,unrelated");
}

#[test]
fn dry_run_prints_the_pending_sql_and_changes_nothing() {
    let db = TestDb::new("dry", true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[("1_a.sql".into(), "create table a (id int);\n".into())],
    );
    let out = apply(&db, tmp.path(), &["--dry-run"]);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        "-- 1_a.sql (1 statements)\ncreate table a (id int);\n"
    );
    assert_eq!(db.tables(), "");
    assert_eq!(
        psql(
            &db.url,
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'schemactl'"
        ),
        "0"
    );
}

fn sigkill_trials(label: &str, layout: &LongDir) {
    signal_trials(
        label,
        || TestDb::new(label, true),
        20,
        layout,
        Signal::SIGKILL,
    );
}

#[test]
fn sigkill_at_random_points_then_rerun_applies_every_file_exactly_once() {
    sigkill_trials("kill_file", &LongDir::PLAIN);
}

#[test]
fn sigkill_with_txmode_none_and_idempotent_statements_also_converges() {
    // A crash between a statement and its progress row re-runs that statement: the statements
    // are written to be idempotent, as txmode none files must be.
    sigkill_trials(
        "kill_none",
        &LongDir {
            header: "-- atlas:txmode none\n",
            create: "create table if not exists",
            insert: "insert into log select {i} where not exists (select 1 from log where version = {i});",
        },
    );
}

#[test]
fn sigterm_at_random_points_exits_143_and_a_rerun_converges() {
    signal_trials(
        "term_file",
        || TestDb::new("term_file", true),
        8,
        &LongDir::PLAIN,
        Signal::SIGTERM,
    );
}

#[test]
fn two_concurrent_applies_both_finish_and_never_apply_a_file_twice() {
    concurrent_applies(|| TestDb::new("concurrent", true), 3);
}

#[test]
fn a_held_lock_makes_apply_wait_then_give_up_with_exit_1() {
    let db = TestDb::new("locked", true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[("1_a.sql".into(), "create table a (id int);\n".into())],
    );
    // Another session holds the lock (the key is "schemactl" in ASCII) for 8 s.
    let mut holder = Command::new("psql")
        .args(["-qX", "-d", &db.url, "-c"])
        .arg("SELECT pg_advisory_lock(x'736368656d6163'::bigint), pg_sleep(8)")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the holder really holds it (its psql may be slow to start under load).
    let deadline = Instant::now() + Duration::from_secs(20);
    while psql(
        &db.url,
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database \
         WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()",
    ) != "1"
    {
        assert!(Instant::now() < deadline, "the holder never took the lock");
        std::thread::sleep(Duration::from_millis(50));
    }
    apply_gives_up_on_a_held_lock(&db, tmp.path());
    holder.kill().ok();
    holder.wait().ok();
}

#[test]
fn passwords_in_urls_never_appear_in_any_output() {
    const SECRET: &str = "Pa55w0rdXYZ";
    let db = TestDb::new("secret", false);
    let url = db_url_with_password(&db.name, Some(SECRET));
    let dev = db_url_with_password("postgres", Some(SECRET));
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[
            (
                "1_a.sql".into(),
                "-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n".into(),
            ),
            ("2_b.sql".into(), "-- migrate:up\nselect broken;\n".into()),
        ],
    );
    let dir = dir_url(tmp.path());
    let bad_port = url.replace(":54329/", ":1/");
    // Command lines as text, split on spaces; URL and DIR stand for the URL and directory.
    let runs = [
        "db wait --url URL --timeout 5s",
        "db create --url URL",
        "db create --url URL",
        "migrate apply 1 --dry-run --url URL --dir DIR --dir-format dbmate",
        "migrate apply --url URL --dir DIR --dir-format dbmate",
        "migrate status --url URL --dir DIR --dir-format dbmate",
        "migrate status --format json --url URL --dir DIR --dir-format dbmate",
        "migrate down --auto-approve --dev-url DEV --url URL --dir DIR --dir-format dbmate",
        "migrate apply --url BAD_PORT --dir DIR --dir-format dbmate",
        "db wait --url BAD_PORT --timeout 1s",
        "migrate apply --url postgres://u:Pa55w0rdXYZ@host:notaport/x --dir DIR",
        "db drop --url URL",
        "up --url URL --dir DIR --dir-format dbmate",
        "db drop --url URL --force",
    ];
    let runs: Vec<Vec<&str>> = runs
        .iter()
        .map(|line| {
            line.split(' ')
                .map(|word| match word {
                    "URL" => url.as_str(),
                    "DIR" => dir.as_str(),
                    "DEV" => dev.as_str(),
                    "BAD_PORT" => bad_port.as_str(),
                    other => other,
                })
                .collect()
        })
        .collect();
    let mut failures = 0;
    for args in &runs {
        let out = schemactl(args);
        failures += usize::from(!out.status.success());
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(
            !all.contains(SECRET),
            "{args:?} printed the password:\n{all}"
        );
    }
    // The failing runs are part of the point: their errors are checked too.
    assert!(failures >= 6, "{failures}");
}

#[test]
fn the_env_url_is_the_target_and_its_revisions_schema_is_used() {
    let db = TestDb::new("env", true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        &tmp.path().join("migrations"),
        &[("1_a.sql".into(), "create table a (id int);\n".into())],
    );
    std::fs::write(
        tmp.path().join("schemactl.hcl"),
        format!(
            "env \"local\" {{\n  url = \"{}\"\n  migration {{\n    dir = \"file://migrations\"\n    revisions_schema = \"ops\"\n  }}\n}}\n",
            db.url
        ),
    )
    .unwrap();
    let config = tmp.path().join("schemactl.hcl");
    let config = config.to_str().unwrap();
    let out = schemactl(&["migrate", "apply", "--config", config, "--env", "local"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        psql(&db.url, "SELECT version FROM ops.schemactl_revisions"),
        "1"
    );
    let status = schemactl(&["migrate", "status", "--config", config, "--env", "local"]);
    assert_eq!(
        text(&status.stdout),
        "current version: 1 (1 file(s) applied)\npending: 0 file(s)\n"
    );
}

#[test]
fn txmode_none_files_run_statements_postgres_refuses_in_a_transaction() {
    let db = TestDb::new("concurrently", true);
    let tmp = tempfile::tempdir().unwrap();
    let index = "create index concurrently a_id on a (id);\n";
    write_dir(
        tmp.path(),
        &[
            ("1_a.sql".into(), "create table a (id int);\n".into()),
            ("2_i.sql".into(), index.into()),
        ],
    );
    let out = apply(&db, tmp.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("hint: put `-- atlas:txmode none`"),
        "{stderr}"
    );
    std::fs::write(
        tmp.path().join("2_i.sql"),
        format!("-- atlas:txmode none\n{index}"),
    )
    .unwrap();
    hash(tmp.path());
    let out = apply(&db, tmp.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        psql(
            &db.url,
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'a_id'"
        ),
        "1"
    );
}

#[test]
fn the_revisions_table_is_not_part_of_an_inspected_or_diffed_schema() {
    let db = TestDb::new("norev", true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[("1_a.sql".into(), "create table a (id int);\n".into())],
    );
    assert!(apply(&db, tmp.path(), &[]).status.success());
    let inspected = schemactl(&["schema", "inspect", "--url", db.url()]);
    let sql = text(&inspected.stdout);
    assert!(inspected.status.success(), "{}", text(&inspected.stderr));
    assert!(sql.contains("CREATE TABLE"), "{sql}");
    assert!(
        !sql.contains("schemactl"),
        "no revisions table or schema: {sql}"
    );
    let desired = tmp.path().join("desired.sql");
    std::fs::write(&desired, "create table a (id int);\n").unwrap();
    let diff = schemactl(&[
        "schema",
        "diff",
        "--from",
        db.url(),
        "--to",
        &format!("file://{}", desired.display()),
        "--dev-url",
        &server_url(),
    ]);
    assert!(diff.status.success(), "{}", text(&diff.stderr));
    assert_eq!(
        text(&diff.stdout),
        "",
        "a migrated database is in sync with its files"
    );
}
