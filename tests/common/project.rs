//! The example projects in testdata/sqlalchemy, copied into temporary directories.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sqlalchemy")
}

/// Copies a project (without Python caches).
pub fn copy_dir(from: &Path, to: &Path) {
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

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// The `.sql` files of a migration directory in name order (none when it does not exist).
pub fn migration_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "sql"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The output of a command that must succeed (stdout then stderr); else the test fails with
/// `what`, the exit code and stderr.
pub fn succeed(out: std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: exit {:?}\n{}",
        out.status.code(),
        text(&out.stderr)
    );
    text(&out.stdout) + &text(&out.stderr)
}

pub fn require_provider() {
    let found = Command::new("schemactl-sqlalchemy")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "schemactl-sqlalchemy is not on PATH: run the tests with .ci/test (it installs the provider)"
    );
}

/// The MariaDB test server's URL (`SCHEMACTL_TEST_MYSQL_URL`, which `.ci/test` sets).
pub fn mysql_server() -> String {
    std::env::var("SCHEMACTL_TEST_MYSQL_URL")
        .expect("SCHEMACTL_TEST_MYSQL_URL must name the MariaDB test server (.ci/test sets it)")
}

/// `schemactl ARGS` run in `dir`, without colour.
pub fn schemactl_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `schemactl --no-cache ARGS` in `dir`, without colour, to spawn or run: for tests whose runs
/// must reach the dev database every time.
pub fn uncached_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_schemactl"));
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("--no-cache")
        .args(args);
    command
}

/// A temporary project whose `migrations/` holds `files` (name, text), hashed.
pub fn hashed_migrations(files: &[(&str, &str)]) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let hashed = schemactl_in(
        work.path(),
        &["migrate", "hash", "--dir", "file://migrations"],
    );
    assert!(
        hashed.status.success(),
        "{}",
        String::from_utf8_lossy(&hashed.stderr)
    );
    work
}
