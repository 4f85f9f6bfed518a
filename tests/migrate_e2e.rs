//! The main job end to end: SQLAlchemy models → `migrate diff` → migration files, with the
//! example project in testdata/sqlalchemy, the real provider (`schemactl-sqlalchemy` on PATH,
//! installed by .ci/test) and the test PostgreSQL server as dev database.

mod common;
#[path = "support/docker.rs"]
mod docker_support;

use common::project::{copy_dir, migration_files, require_provider, testdata, text};
use std::path::Path;
use std::process::{Command, Output};

fn server_url() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

fn schemactl(project: &Path, args: &[&str]) -> Output {
    schemactl_on(project, &server_url(), args)
}

/// Runs schemactl in `project` with `dev_url` as the env's dev database.
fn schemactl_on(project: &Path, dev_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(project)
        .env("SCHEMACTL_DEV_URL", dev_url)
        .args(args)
        .output()
        .unwrap()
}

fn psql(url: &str, args: &[&str]) {
    let out = Command::new("psql")
        .args(["-qX", "-v", "ON_ERROR_STOP=1", "-d", url])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "psql {args:?}: {}", text(&out.stderr));
}

fn db_url(name: &str) -> String {
    let server = server_url();
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

#[test]
fn models_to_migrations_and_drift_check() {
    models_to_migrations_with_dev(&server_url());
}

/// The same journey with a throwaway Docker container as dev database.
#[test]
fn models_to_migrations_with_a_docker_dev_url() {
    docker_support::ensure_test_image();
    models_to_migrations_with_dev(docker_support::TEST_DEV_URL);
}

fn models_to_migrations_with_dev(dev_url: &str) {
    let schemactl = |project: &Path, args: &[&str]| schemactl_on(project, dev_url, args);
    require_provider();
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("shop");
    copy_dir(&testdata().join("shop"), &project);

    // v1: the first migration holds the whole schema.
    let out = schemactl(&project, &["migrate", "diff", "init", "--env", "local"]);
    assert!(
        out.status.success(),
        "migrate diff init: {}",
        text(&out.stderr)
    );
    let files = migration_files(&project.join("migrations"));
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(project.join("migrations/atlas.sum").exists());
    let init = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        init.contains("CREATE TABLE \"public\".\"customers\""),
        "{init}"
    );
    assert!(
        files[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .ends_with("_init.sql")
    );

    // v2: only the delta.
    copy_dir(&testdata().join("versions/v2"), &project.join("models"));
    let out = schemactl(&project, &["migrate", "diff", "v2", "--env", "local"]);
    assert!(
        out.status.success(),
        "migrate diff v2: {}",
        text(&out.stderr)
    );
    let files = migration_files(&project.join("migrations"));
    assert_eq!(files.len(), 2, "{files:?}");
    let delta = std::fs::read_to_string(&files[1]).unwrap();
    for expected in [
        "CREATE TABLE \"public\".\"reviews\"",
        "ADD COLUMN \"description\"",
        "CREATE INDEX ix_products_price",
        "TYPE character varying(200)",
        "ADD VALUE 'cancelled'",
        "FOREIGN KEY",
    ] {
        assert!(
            delta.contains(expected),
            "second migration lacks {expected}:\n{delta}"
        );
    }
    assert!(
        !delta.contains("CREATE TABLE \"public\".\"customers\""),
        "not a delta:\n{delta}"
    );
    assert!(
        !delta.contains("DROP"),
        "nothing is dropped between v1 and v2:\n{delta}"
    );

    // Replaying both files gives what the provider describes.
    let replayed = format!("e2e_replayed_{}", std::process::id());
    let provided = format!("e2e_provided_{}", std::process::id());
    for db in [&replayed, &provided] {
        psql(
            &server_url(),
            &[
                "-c",
                &format!("DROP DATABASE IF EXISTS {db}"),
                "-c",
                &format!("CREATE DATABASE {db}"),
            ],
        );
    }
    for file in &files {
        psql(&db_url(&replayed), &["-f", file.to_str().unwrap()]);
    }
    let ddl = Command::new("schemactl-sqlalchemy")
        .current_dir(&project)
        .args(["--path", "./models", "--dialect", "postgresql"])
        .output()
        .unwrap();
    assert!(ddl.status.success(), "{}", text(&ddl.stderr));
    let ddl_file = work.path().join("desired.sql");
    std::fs::write(&ddl_file, &ddl.stdout).unwrap();
    psql(&db_url(&provided), &["-f", ddl_file.to_str().unwrap()]);
    let out = schemactl(
        &project,
        &[
            "schema",
            "diff",
            "--from",
            &db_url(&replayed),
            "--to",
            &db_url(&provided),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "",
        "replayed migrations differ from the models"
    );
    for db in [&replayed, &provided] {
        psql(
            &server_url(),
            &["-c", &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")],
        );
    }

    // In sync: the drift gate passes and nothing is written.
    let out = schemactl(&project, &["migrate", "diff", "--check", "--env", "local"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = schemactl(&project, &["migrate", "diff", "--env", "local"]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("in sync"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(migration_files(&project.join("migrations")).len(), 2);

    // Another model change: the gate fails and still writes nothing.
    copy_dir(&testdata().join("versions/v3"), &project.join("models"));
    let out = schemactl(&project, &["migrate", "diff", "--check", "--env", "local"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(migration_files(&project.join("migrations")).len(), 2);

    // The directory replays cleanly.
    let out = schemactl(&project, &["migrate", "validate", "--env", "local"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// A project whose provider is a small script printing `ddl`, dev database the test server.
fn script_project(ddl: &str, format: &str) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("provider.sh");
    std::fs::write(&script, format!("#!/bin/sh\ncat <<'SQL'\n{ddl}\nSQL\n")).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let hcl = format!(
        "data \"external_schema\" \"app\" {{\n  program = [\"./provider.sh\"]\n}}\n\
         env \"local\" {{\n  src = data.external_schema.app.url\n  dev = getenv(\"SCHEMACTL_DEV_URL\")\n  \
         migration {{\n    dir = \"file://migrations\"\n    format = \"{format}\"\n  }}\n}}\n"
    );
    std::fs::write(dir.path().join("schemactl.hcl"), hcl).unwrap();
    dir
}

#[test]
fn provider_schemas_and_extensions_are_created_and_planned() {
    let project = script_project(
        "CREATE EXTENSION IF NOT EXISTS citext;\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\n\
         CREATE SCHEMA IF NOT EXISTS billing;\n\
         CREATE TABLE billing.accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email citext NOT NULL UNIQUE);",
        "atlas",
    );
    let out = schemactl(
        project.path(),
        &["migrate", "diff", "init", "--env", "local"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let files = migration_files(&project.path().join("migrations"));
    let sql = std::fs::read_to_string(&files[0]).unwrap();
    for expected in [
        "CREATE EXTENSION IF NOT EXISTS \"citext\"",
        "CREATE SCHEMA \"billing\"",
        "CREATE TABLE \"billing\".\"accounts\"",
    ] {
        assert!(sql.contains(expected), "lacks {expected}:\n{sql}");
    }
    let out = schemactl(
        project.path(),
        &["migrate", "diff", "--check", "--env", "local"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "replayed directory must match: {}",
        text(&out.stderr)
    );
}

#[test]
fn dbmate_and_golang_migrate_directories_get_down_sections_from_the_reverse_plan() {
    for (format, down_marker) in [("dbmate", "-- migrate:down"), ("golang-migrate", "")] {
        let project = script_project("CREATE TABLE users (id int PRIMARY KEY);", format);
        let out = schemactl(
            project.path(),
            &["migrate", "diff", "init", "--env", "local"],
        );
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
        let ddl = "#!/bin/sh\necho 'CREATE TABLE users (id int PRIMARY KEY, age int);'\n";
        std::fs::write(project.path().join("provider.sh"), ddl).unwrap();
        let out = schemactl(
            project.path(),
            &["migrate", "diff", "add_age", "--env", "local"],
        );
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
        let files = migration_files(&project.path().join("migrations"));
        let down: String = files
            .iter()
            .filter(|f| f.to_string_lossy().contains("add_age"))
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        assert!(down.contains(down_marker), "{format}: {down}");
        assert!(
            down.contains("DROP COLUMN \"age\""),
            "{format}: down section missing:\n{down}"
        );
        let out = schemactl(
            project.path(),
            &["migrate", "diff", "--check", "--env", "local"],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            text(&out.stderr)
        );
    }
}
