//! Shared pieces of the runner's tests: throwaway databases on the test server, running the
//! binary, querying with psql, and writing migration directories.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

pub fn server_url() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

/// The server URL for database `name`, with `password` in it when given (the test server uses
/// trust auth, so any password connects).
pub fn db_url_with_password(name: &str, password: Option<&str>) -> String {
    let server = server_url();
    let (base, _) = server.rsplit_once('/').unwrap();
    match password {
        Some(password) => {
            let (scheme, rest) = base.split_once("://").unwrap();
            let rest = match rest.split_once('@') {
                Some((user, host)) => format!("{user}:{password}@{host}"),
                None => rest.to_string(),
            };
            format!("{scheme}://{rest}/{name}")
        }
        None => format!("{base}/{name}"),
    }
}

pub fn db_url(name: &str) -> String {
    db_url_with_password(name, None)
}

/// A database created for one test and dropped when the value goes out of scope.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A unique name; `create` says whether to create the database now.
    pub fn new(label: &str, create: bool) -> TestDb {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!(
            "runner_{label}_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        if create {
            psql(&server_url(), &format!("CREATE DATABASE {name}"));
        }
        let url = db_url(&name);
        TestDb { name, url }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args(["-qX", "-d", &server_url(), "-c"])
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .output();
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// Runs a statement and returns its output, unaligned, tuples only; panics on failure.
pub fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-qXtA", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .unwrap();
    assert!(out.status.success(), "psql {sql}: {}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

pub fn schemactl_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_schemactl"));
    command.args(args).env("NO_COLOR", "1");
    command
}

pub fn schemactl(args: &[&str]) -> Output {
    schemactl_command(args).output().unwrap()
}

/// Writes `files` (name, text) into `dir` and its atlas.sum.
pub fn write_dir(dir: &Path, files: &[(String, String)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).unwrap();
    }
    hash(dir);
}

pub fn hash(dir: &Path) {
    let dir_url = format!("file://{}", dir.display());
    let out = schemactl(&["migrate", "hash", "--dir", &dir_url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

pub fn dir_url(dir: &Path) -> String {
    format!("file://{}", dir.display())
}
