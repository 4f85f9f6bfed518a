//! The main job end to end: SQLAlchemy models → `migrate diff` → migration files, with the
//! example project in testdata/sqlalchemy, the real provider (`schemactl-sqlalchemy` on PATH,
//! installed by .ci/test) and the test PostgreSQL server as dev database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn server_url() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sqlalchemy")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "__pycache__" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn schemactl(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(project)
        .env("SCHEMACTL_DEV_URL", server_url())
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn migration_files(project: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(project.join("migrations"))
        .map(|rd| {
            rd.map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "sql"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
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

fn require_provider() {
    let found = Command::new("schemactl-sqlalchemy")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "schemactl-sqlalchemy is not on PATH: run the tests with .ci/test (it installs the provider)"
    );
}

#[test]
fn models_to_migrations_and_drift_check() {
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
    let files = migration_files(&project);
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
    let files = migration_files(&project);
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
    assert_eq!(migration_files(&project).len(), 2);

    // Another model change: the gate fails and still writes nothing.
    copy_dir(&testdata().join("versions/v3"), &project.join("models"));
    let out = schemactl(&project, &["migrate", "diff", "--check", "--env", "local"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(migration_files(&project).len(), 2);

    // The directory replays cleanly.
    let out = schemactl(&project, &["migrate", "validate", "--env", "local"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
