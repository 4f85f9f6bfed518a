//! Shared pieces of the runner's tests: throwaway target databases (PostgreSQL and MariaDB on
//! the test servers, SQLite files) behind one [`TestTarget`] interface, running the binary, writing
//! migration directories, and the scenarios every dialect must pass (`scenarios`).
#![allow(dead_code)]

pub mod scenarios;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// A target database of one test, whatever its dialect.
pub trait TestTarget {
    fn url(&self) -> &str;
    /// Runs `sql` and returns its rows as `a|b` lines (NULL as empty), trimmed; panics on failure.
    fn query(&self, sql: &str) -> String;
    /// The revisions table, qualified as the dialect needs.
    fn revisions_table(&self) -> &'static str;
    /// The user tables, sorted, comma-separated (the revisions table left out).
    fn tables(&self) -> String;
    /// A statement that takes about 10 ms, so that a kill often lands inside a file.
    fn pause_statement(&self) -> &'static str;
    /// After a kill: whether it left work for the next run to settle (a SQLite hot journal to
    /// roll back, a MySQL statement started and not recorded), when the dialect shows it.
    fn left_open_transaction(&self) -> Option<bool> {
        None
    }
}

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

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A name no other test (or test process) uses at the same time.
fn unique_name(label: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "runner_{label}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A database created for one test and dropped when the value goes out of scope.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    /// A unique name; `create` says whether to create the database now.
    pub fn new(label: &str, create: bool) -> TestDb {
        let name = unique_name(label);
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

impl TestTarget for TestDb {
    fn url(&self) -> &str {
        &self.url
    }

    fn query(&self, sql: &str) -> String {
        psql(&self.url, sql)
    }

    fn revisions_table(&self) -> &'static str {
        "schemactl.schemactl_revisions"
    }

    fn tables(&self) -> String {
        self.query(
            "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND relkind = 'r'",
        )
    }

    fn pause_statement(&self) -> &'static str {
        "select pg_sleep(0.01)"
    }
}

/// A SQLite database file in a temporary directory of its own, removed with the value.
pub struct SqliteDb {
    pub path: PathBuf,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl SqliteDb {
    /// `create` says whether to create the (empty) file now.
    pub fn new(create: bool) -> SqliteDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        if create {
            std::fs::File::create(&path).unwrap();
        }
        let url = format!("sqlite://{}", path.display());
        SqliteDb {
            path,
            url,
            _dir: dir,
        }
    }
}

impl TestTarget for SqliteDb {
    fn url(&self) -> &str {
        &self.url
    }

    fn query(&self, sql: &str) -> String {
        sqlite3(&self.path, sql)
    }

    fn revisions_table(&self) -> &'static str {
        "schemactl_revisions"
    }

    fn tables(&self) -> String {
        self.query(
            "SELECT coalesce(group_concat(name, ','), '') FROM (SELECT name FROM sqlite_master \
             WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'schemactl_revisions' \
             ORDER BY name)",
        )
    }

    fn left_open_transaction(&self) -> Option<bool> {
        let mut journal = self.path.clone().into_os_string();
        journal.push("-journal");
        Some(std::fs::metadata(journal).is_ok_and(|m| m.len() > 0))
    }

    fn pause_statement(&self) -> &'static str {
        "with recursive c(x) as (select 1 union all select x + 1 from c where x < 20000) select count(*) from c"
    }
}

/// A database on the MariaDB test server (`SCHEMACTL_TEST_MYSQL_URL`), dropped with the value.
pub struct MysqlDb {
    pub name: String,
    pub url: String,
}

/// The MariaDB test server's URL, without a database.
pub fn mysql_server_url() -> String {
    std::env::var("SCHEMACTL_TEST_MYSQL_URL")
        .expect("SCHEMACTL_TEST_MYSQL_URL must name the MariaDB test server (.ci/test sets it)")
}

impl MysqlDb {
    pub fn new(label: &str) -> MysqlDb {
        let name = unique_name(label);
        mariadb(None, &format!("CREATE DATABASE {name}"));
        let url = format!("{}/{name}", mysql_server_url().trim_end_matches('/'));
        MysqlDb { name, url }
    }
}

impl Drop for MysqlDb {
    fn drop(&mut self) {
        mariadb(None, &format!("DROP DATABASE IF EXISTS {}", self.name));
    }
}

impl TestTarget for MysqlDb {
    fn url(&self) -> &str {
        &self.url
    }

    fn query(&self, sql: &str) -> String {
        mariadb(Some(&self.name), sql)
    }

    fn revisions_table(&self) -> &'static str {
        "schemactl_revisions"
    }

    fn tables(&self) -> String {
        self.query(
            "SELECT coalesce(group_concat(TABLE_NAME ORDER BY TABLE_NAME SEPARATOR ','), '') \
             FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() \
             AND TABLE_NAME <> 'schemactl_revisions'",
        )
    }

    /// A statement marked as started and not recorded: the rerun has to tell whether it landed.
    fn left_open_transaction(&self) -> Option<bool> {
        let pending = self.query(
            "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() \
             AND TABLE_NAME = 'schemactl_revisions'",
        );
        if pending == "0" {
            return Some(false);
        }
        Some(
            self.query(
                "SELECT count(*) FROM schemactl_revisions WHERE started = applied AND error IS NULL",
            ) != "0",
        )
    }

    fn pause_statement(&self) -> &'static str {
        "do sleep(0.01)"
    }
}

/// Runs SQL with the `mariadb` client on the test server (in `database` when given); rows as
/// `a|b` lines, NULL as empty; panics on failure.
pub fn mariadb(database: Option<&str>, sql: &str) -> String {
    let server = mysql_server_url();
    let authority = server
        .trim_start_matches("mysql://")
        .trim_end_matches('/')
        .to_string();
    let (user, host) = authority.split_once('@').unwrap_or(("root", &authority));
    let (host, port) = host.split_once(':').unwrap_or((host, "3306"));
    let mut command = Command::new("mariadb");
    command.args(["-N", "-B", "-h", host, "-P", port, "-u", user, "-e", sql]);
    if let Some(database) = database {
        command.arg(database);
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "mariadb {sql}: {}", text(&out.stderr));
    // Not trimmed: a last row's empty fields end in tabs.
    text(&out.stdout)
        .trim_end_matches('\n')
        .lines()
        .map(|line| {
            line.split('\t')
                .map(|field| if field == "NULL" { "" } else { field })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect::<Vec<_>>()
        .join("\n")
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

/// Runs SQL with the `sqlite3` shell on `path` (rows as `a|b` lines); panics on failure.
pub fn sqlite3(path: &Path, sql: &str) -> String {
    let out = Command::new("sqlite3")
        .args(["-batch", "-bail", "-noheader", "-list"])
        .arg(path)
        .arg(sql)
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "sqlite3 {sql}: {}",
        text(&out.stderr)
    );
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

/// `migrate apply --url TARGET --dir DIR EXTRA…`.
pub fn apply(db: &impl TestTarget, dir: &Path, extra: &[&str]) -> Output {
    let dir = dir_url(dir);
    let mut args = vec!["migrate", "apply", "--url", db.url(), "--dir", &dir];
    args.extend_from_slice(extra);
    schemactl(&args)
}

/// The revisions rows as `version|applied|total|error|statement` lines.
pub fn revisions(db: &impl TestTarget) -> String {
    db.query(&format!(
        "SELECT version, applied, total, coalesce(error, ''), coalesce(error_statement, '') \
         FROM {} ORDER BY version",
        db.revisions_table()
    ))
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
