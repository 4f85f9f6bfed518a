//! `migrate down`: reverting from down sections or from a reverse plan computed on the dev
//! database, checked there first; reverts that drop data need --auto-approve.

mod runner_support;

use runner_support::*;
use std::path::Path;
use std::process::Stdio;

fn run(db: &TestDb, dir: &Path, format: &str, args: &[&str]) -> std::process::Output {
    let dir = dir_url(dir);
    let server = server_url();
    let mut all = args.to_vec();
    all.extend_from_slice(&["--url", &db.url, "--dir", &dir, "--dir-format", format]);
    if args[1] == "down" {
        all.extend_from_slice(&["--dev-url", &server]);
    }
    schemactl_command(&all)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn applied_versions(db: &TestDb) -> String {
    psql(
        &db.url,
        "SELECT string_agg(version, ',' ORDER BY version) FROM schemactl.schemactl_revisions",
    )
}

#[test]
fn down_runs_dbmate_down_sections_newest_first() {
    let db = TestDb::new("down_dbmate", true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[
            (
                "1_a.sql".into(),
                "-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n".into(),
            ),
            (
                "2_b.sql".into(),
                "-- migrate:up\ncreate view v as select 1 as x;\n-- migrate:down\ndrop view v;\n"
                    .into(),
            ),
            (
                "3_c.sql".into(),
                "-- migrate:up\ncreate index a_id on a (id);\n-- migrate:down\ndrop index a_id;\n"
                    .into(),
            ),
        ],
    );
    assert!(
        run(&db, tmp.path(), "dbmate", &["migrate", "apply"])
            .status
            .success()
    );
    let out = run(&db, tmp.path(), "dbmate", &["migrate", "down", "2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(applied_versions(&db), "1");
    assert_eq!(
        psql(
            &db.url,
            "SELECT count(*) FROM pg_class WHERE relname IN ('v', 'a_id')"
        ),
        "0"
    );

    // Dropping table a drops data: refused without --auto-approve (no terminal to ask on).
    let out = run(&db, tmp.path(), "dbmate", &["migrate", "down"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--auto-approve"), "{stderr}");
    assert_eq!(applied_versions(&db), "1");
    let out = run(
        &db,
        tmp.path(),
        "dbmate",
        &["migrate", "down", "--auto-approve"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(applied_versions(&db), "");
    assert_eq!(
        psql(&db.url, "SELECT count(*) FROM pg_class WHERE relname = 'a'"),
        "0"
    );
}

#[test]
fn down_without_a_down_section_uses_the_reverse_plan_from_the_dev_database() {
    let db = TestDb::new("down_plan", true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[
            ("1_a.sql".into(), "create table a (id int);\n".into()),
            (
                "2_b.sql".into(),
                "alter table a add column note text;\ncreate index a_id on a (id);\n".into(),
            ),
        ],
    );
    assert!(
        run(&db, tmp.path(), "atlas", &["migrate", "apply"])
            .status
            .success()
    );
    let dry = run(&db, tmp.path(), "atlas", &["migrate", "down", "--dry-run"]);
    let sql = text(&dry.stdout);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(sql.contains("-- revert 2_b.sql"), "{sql}");
    assert!(sql.contains("DROP INDEX"), "{sql}");
    assert_eq!(applied_versions(&db), "1,2");
    // The reverse plan drops column note: data.
    let out = run(
        &db,
        tmp.path(),
        "atlas",
        &["migrate", "down", "--auto-approve"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(applied_versions(&db), "1");
    assert_eq!(
        psql(
            &db.url,
            "SELECT string_agg(attname, ',') FROM pg_attribute WHERE attrelid = 'a'::regclass AND attnum > 0 AND NOT attisdropped"
        ),
        "id"
    );
}

#[test]
fn a_down_section_that_does_not_restore_the_schema_is_refused_before_it_runs() {
    let db = TestDb::new("down_bad", true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[(
            "1_a.sql".into(),
            "-- migrate:up\ncreate table a (id int);\ncreate table b (id int);\n-- migrate:down\ndrop table a;\n".into(),
        )],
    );
    assert!(
        run(&db, tmp.path(), "dbmate", &["migrate", "apply"])
            .status
            .success()
    );
    let out = run(
        &db,
        tmp.path(),
        "dbmate",
        &["migrate", "down", "--auto-approve"],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("does not restore the schema"), "{stderr}");
    assert_eq!(applied_versions(&db), "1");
    assert_eq!(
        psql(
            &db.url,
            "SELECT count(*) FROM pg_class WHERE relname IN ('a', 'b')"
        ),
        "2"
    );
}

#[test]
fn down_runs_golang_migrate_down_files() {
    let db = TestDb::new("down_golang", true);
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[
            ("1_a.up.sql".into(), "create table a (id int);\n".into()),
            ("1_a.down.sql".into(), "drop table a;\n".into()),
            (
                "2_v.up.sql".into(),
                "create view v as select id from a;\n".into(),
            ),
            ("2_v.down.sql".into(), "drop view v;\n".into()),
        ],
    );
    let applied = run(&db, tmp.path(), "golang-migrate", &["migrate", "apply"]);
    assert!(applied.status.success(), "{}", text(&applied.stderr));
    let out = run(&db, tmp.path(), "golang-migrate", &["migrate", "down"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("reverting 2_v.up.sql"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(applied_versions(&db), "1");
    assert_eq!(
        psql(
            &db.url,
            "SELECT count(*) FROM pg_class WHERE relname IN ('a', 'v')"
        ),
        "1"
    );
}
