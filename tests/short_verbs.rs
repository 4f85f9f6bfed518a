//! The seed's short verbs (`new`, `up`, `migrate`, `status`, `rollback`/`down`, `create`,
//! `drop`, `wait`) with no project file: `DATABASE_URL` names the target, `./migrations` is
//! the directory, SQLAlchemy models are the desired state, and the dev database is the
//! dialect's own (SQLite in memory, a local ephemeral PostgreSQL cluster).

mod common;

use common::project::{copy_dir, migration_files, require_provider, succeed, testdata, text};
use std::path::Path;
use std::process::{Command, Output};

/// schemactl in `project` with only `DATABASE_URL` (no project file, no dev URL).
fn schemactl(project: &Path, database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(project)
        .env("DATABASE_URL", database_url)
        .env_remove("SCHEMACTL_DEV_URL")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

/// A directory holding only `app/models.py` (a namespace package: no `__init__.py`).
fn models_only(work: &Path) {
    copy_dir(&testdata().join("seed/app"), &work.join("app"));
}

/// The seed's README flow: plan the first migration from the models, `up` on a database that
/// does not exist yet, `status`, `rollback`, `status`.
fn seed_flow(work: &Path, url: &str) {
    let run = |args: &[&str]| schemactl(work, url, args);
    succeed(
        run(&[
            "new",
            "--message",
            "create_initial_tables",
            "--auto",
            "--models",
            "app.models",
        ]),
        "new --auto",
    );
    let files = migration_files(&work.join("migrations"));
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0]
            .to_string_lossy()
            .ends_with("_create_initial_tables.sql")
    );
    let planned = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        planned.contains("users") && planned.contains("posts"),
        "{planned}"
    );

    succeed(run(&["up"]), "up");
    let status = succeed(run(&["status"]), "status");
    assert!(status.contains("1 file(s) applied"), "{status}");
    assert!(status.contains("pending: 0"), "{status}");
    let inspected = succeed(
        run(&["schema", "inspect", "--url", url, "--format", "json"]),
        "inspect",
    );
    assert!(inspected.contains("\"posts\""), "{inspected}");

    // It drops tables: without a terminal it refuses unless approved.
    let refused = run(&["rollback"]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    succeed(run(&["rollback", "--auto-approve"]), "rollback");
    let status = succeed(run(&["status"]), "status after rollback");
    assert!(status.contains("pending: 1"), "{status}");
    // `migrate` with no subcommand applies what is pending; `down` is `rollback`.
    succeed(run(&["migrate"]), "migrate");
    assert!(succeed(run(&["status"]), "status").contains("pending: 0"));
    succeed(run(&["down", "--auto-approve"]), "down");
    assert!(succeed(run(&["status"]), "status").contains("pending: 1"));
}

#[test]
fn the_seed_flow_on_sqlite_with_no_project_file() {
    require_provider();
    let work = tempfile::tempdir().unwrap();
    models_only(work.path());
    assert!(!work.path().join("app.db").exists());
    seed_flow(work.path(), "sqlite://app.db");
    assert!(
        work.path().join("app.db").is_file(),
        "up created the database file"
    );
}

#[test]
fn zero_config_new_and_up_on_sqlite() {
    require_provider();
    let work = tempfile::tempdir().unwrap();
    models_only(work.path());
    let url = "sqlite://app.db";
    succeed(
        schemactl(
            work.path(),
            url,
            &["new", "init", "--auto", "--models", "app.models"],
        ),
        "new init",
    );
    succeed(schemactl(work.path(), url, &["up"]), "up");
    // Planned again against the applied directory: nothing to write.
    let again = succeed(
        schemactl(
            work.path(),
            url,
            &["new", "again", "--auto", "--models", "app.models"],
        ),
        "new again",
    );
    assert!(again.contains("in sync"), "{again}");
    assert_eq!(migration_files(&work.path().join("migrations")).len(), 1);
}

#[test]
fn the_seed_flow_on_postgres_with_no_project_file() {
    require_provider();
    let server = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
    let name = format!("schemactl_seed_{}", std::process::id());
    let url = match server.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("{server}"),
    };
    let work = tempfile::tempdir().unwrap();
    models_only(work.path());
    let run = |args: &[&str]| schemactl(work.path(), &url, args);
    // A leftover of an earlier run of this process id goes first.
    run(&["drop", "--force"]);
    seed_flow(work.path(), &url);
    succeed(run(&["wait", "--timeout", "5s"]), "wait");
    succeed(run(&["drop", "--force"]), "drop");
    let created = succeed(run(&["create"]), "create");
    assert!(created.contains(&name), "{created}");
    let again = run(&["create"]);
    assert_ne!(
        again.status.code(),
        Some(0),
        "create refuses an existing database"
    );
    succeed(run(&["drop", "--force"]), "drop");
}

/// `dump` writes the target's schema to schema.sql; `load` puts it into an empty database,
/// which then has the same schema, and refuses a database that holds objects.
fn dump_and_load(work: &Path, url: &str, copy: &str) {
    let run = |url: &str, args: &[&str]| schemactl(work, url, args);
    succeed(
        run(url, &["new", "init", "--auto", "--models", "app.models"]),
        "new",
    );
    // `--dump-schema` writes the schema after applying, as `dump` does.
    succeed(run(url, &["up", "--dump-schema", "after-up.sql"]), "up");
    succeed(run(url, &["dump"]), "dump");
    let dumped = std::fs::read_to_string(work.join("schema.sql")).unwrap();
    assert_eq!(
        std::fs::read_to_string(work.join("after-up.sql")).unwrap(),
        dumped
    );
    assert!(
        dumped.contains("posts") && dumped.contains("users"),
        "{dumped}"
    );
    assert!(
        !dumped.contains("revisions"),
        "the runner's own table is not dumped: {dumped}"
    );

    succeed(run(copy, &["create"]), "create the copy");
    succeed(run(copy, &["load"]), "load");
    let diff = run(url, &["schema", "diff", "--from", url, "--to", copy]);
    assert_eq!(succeed_stdout(diff), "", "the copy has the dumped schema");
    let again = run(copy, &["load"]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("not an empty database"),
        "{}",
        text(&again.stderr)
    );
}

fn succeed_stdout(out: Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn dump_and_load_on_sqlite() {
    require_provider();
    let work = tempfile::tempdir().unwrap();
    models_only(work.path());
    dump_and_load(work.path(), "sqlite://app.db", "sqlite://copy.db");
}

#[test]
fn dump_and_load_on_postgres() {
    require_provider();
    let server = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
    let base = server.rsplit_once('/').unwrap().0.to_string();
    let pid = std::process::id();
    let (url, copy) = (
        format!("{base}/schemactl_dump_{pid}"),
        format!("{base}/schemactl_load_{pid}"),
    );
    let work = tempfile::tempdir().unwrap();
    models_only(work.path());
    for db in [&url, &copy] {
        schemactl(work.path(), db, &["drop", "--force"]);
    }
    dump_and_load(work.path(), &url, &copy);
    for db in [&url, &copy] {
        succeed(schemactl(work.path(), db, &["drop", "--force"]), "drop");
    }
}

#[test]
fn init_writes_a_project_file_that_plans_and_applies() {
    require_provider();
    let work = tempfile::tempdir().unwrap();
    models_only(work.path());
    let url = "sqlite://app.db";
    let run = |args: &[&str]| schemactl(work.path(), url, args);
    succeed(run(&["init"]), "init");
    let written = std::fs::read_to_string(work.path().join("schemactl.hcl")).unwrap();
    assert!(
        written.contains("\"--module\", \"app.models\", \"--dialect\", \"sqlite\""),
        "{written}"
    );
    succeed(
        run(&["migrate", "diff", "init", "--env", "local"]),
        "migrate diff --env local",
    );
    succeed(run(&["up", "--env", "local"]), "up --env local");
    let check = run(&["migrate", "diff", "--check", "--env", "local"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let again = run(&["init"]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "an existing project file is kept"
    );
    assert_eq!(
        std::fs::read_to_string(work.path().join("schemactl.hcl")).unwrap(),
        written
    );
}

#[test]
fn create_wait_and_drop_on_sqlite() {
    let work = tempfile::tempdir().unwrap();
    let url = "sqlite://data/app.db";
    std::fs::create_dir(work.path().join("data")).unwrap();
    let run = |args: &[&str]| schemactl(work.path(), url, args);
    succeed(run(&["wait", "--timeout", "2s"]), "wait");
    succeed(run(&["create"]), "create");
    assert!(work.path().join("data/app.db").is_file());
    assert_ne!(run(&["create"]).status.code(), Some(0), "it exists already");
    let refused = run(&["drop"]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "no terminal: --force is needed"
    );
    assert!(work.path().join("data/app.db").is_file());
    succeed(run(&["drop", "--force"]), "drop");
    assert!(!work.path().join("data/app.db").exists());
}
