//! `migrate history` over the test histories in testdata/history (PostgreSQL and MariaDB on
//! the test servers, SQLite in memory): snapshots of the text and JSON, the life of one object, the
//! commit that added each file in a git repository, and time travel: for every version V,
//! `file://DIR?version=V` inspects to what a database that ran files 1..V with psql / sqlite3 /
//! the mariadb client inspects to.

mod common;

use common::project::{copy_dir, mysql_server, schemactl_in, text};
use std::path::Path;
use std::process::Command;

fn pg_server() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

const SQLITE_DEV: &str = "sqlite://dev?mode=memory";

/// The test history of `dialect` copied into a temporary directory outside any git
/// repository (as `migrations/`), hashed.
fn project(dialect: &str) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/history")
            .join(dialect),
        &work.path().join("migrations"),
    );
    let out = schemactl_in(
        work.path(),
        &["migrate", "hash", "--dir", "file://migrations"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    work
}

fn history(work: &Path, dev: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "migrate",
        "history",
        "--dir",
        "file://migrations",
        "--dev-url",
        dev,
    ];
    args.extend_from_slice(extra);
    let out = schemactl_in(work, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn versions(work: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(work.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    names
}

#[test]
fn postgres_history_text_and_json() {
    let work = project("postgres");
    insta::assert_snapshot!("postgres_text", history(work.path(), &pg_server(), &[]));
    let json = history(work.path(), &pg_server(), &["--format", "json"]);
    insta::assert_snapshot!("postgres_json", json);
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let kinds: std::collections::BTreeSet<String> = parsed["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["events"].as_array().unwrap().clone())
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    // Every kind of event the issue names shows in the history.
    for kind in [
        "table_added",
        "table_dropped",
        "table_renamed",
        "column_added",
        "column_dropped",
        "column_renamed",
        "column_type_changed",
        "column_not_null_set",
        "column_not_null_dropped",
        "column_default_set",
        "column_default_changed",
        "column_default_dropped",
        "index_added",
        "index_dropped",
        "index_renamed",
        "constraint_added",
        "constraint_dropped",
        "constraint_renamed",
        "sequence_added",
        "sequence_dropped",
        "sequence_renamed",
        "type_added",
        "type_changed",
        "view_added",
        "view_changed",
        "view_dropped",
        "function_added",
        "function_changed",
        "function_dropped",
        "trigger_added",
        "trigger_dropped",
        "policy_added",
        "comment_changed",
    ] {
        assert!(kinds.contains(kind), "no {kind} event in {kinds:?}");
    }
    assert!(json.contains("\"risk\": \"high\""));
}

#[test]
fn sqlite_history_text_and_json() {
    let work = project("sqlite");
    insta::assert_snapshot!("sqlite_text", history(work.path(), SQLITE_DEV, &[]));
    insta::assert_snapshot!(
        "sqlite_json",
        history(work.path(), SQLITE_DEV, &["--format", "json"])
    );
}

#[test]
fn mariadb_history_text_and_json() {
    let work = project("mysql");
    insta::assert_snapshot!("mysql_text", history(work.path(), &mysql_server(), &[]));
    let json = history(work.path(), &mysql_server(), &["--format", "json"]);
    insta::assert_snapshot!("mysql_json", json);
    // The MySQL family's own statements (MODIFY, RENAME INDEX, RENAME TABLE, a one-line
    // function) land as the same events as on PostgreSQL.
    for kind in [
        "column_type_changed",
        "column_not_null_set",
        "column_default_dropped",
        "index_renamed",
        "table_renamed",
        "function_added",
        "sequence_dropped",
    ] {
        assert!(json.contains(&format!("\"kind\": \"{kind}\"")), "no {kind}");
    }
}

#[test]
fn the_life_of_one_column_across_renames() {
    let work = project("postgres");
    let life = history(work.path(), &pg_server(), &["--object", "users.age"]);
    let kinds: Vec<&str> = life
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("        "))
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "column_added",
            "column_default_set",
            "column_not_null_set",
            "column_default_changed",
            "column_default_dropped",
            "column_not_null_dropped",
        ],
        "{life}"
    );
    // An old name finds the object too: `name` became `full_name`.
    let renamed = history(
        work.path(),
        &pg_server(),
        &["--object", "users.name", "--format", "json"],
    );
    let parsed: serde_json::Value = serde_json::from_str(&renamed).unwrap();
    // (`name` came with its table, whose event names the table, not its columns.)
    assert_eq!(parsed["files"].as_array().unwrap().len(), 1, "{renamed}");
    assert_eq!(parsed["files"][0]["events"][0]["kind"], "column_renamed");
    assert_eq!(parsed["files"][0]["events"][0]["from"], "name");
}

#[test]
fn each_file_names_the_commit_that_added_it() {
    let work = project("sqlite");
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(work.path())
            .args(args)
            .env("GIT_AUTHOR_NAME", "Ada Lovelace")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Ada Lovelace")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    git(&["init", "-q"]);
    git(&["add", "migrations"]);
    git(&["commit", "-q", "-m", "the first migrations"]);
    let head = git(&["rev-parse", "HEAD"]).trim().to_string();
    let json = history(work.path(), SQLITE_DEV, &["--format", "json"]);
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let first = &parsed["files"][0]["git"];
    assert_eq!(first["commit"], head.as_str());
    assert_eq!(first["author"], "Ada Lovelace");
    assert_eq!(first["subject"], "the first migrations");
}

fn inspect(work: &Path, url: &str, dev: &str) -> String {
    let out = schemactl_in(
        work,
        &[
            "schema",
            "inspect",
            "--url",
            url,
            "--dev-url",
            dev,
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{url}: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn time_travel_on_postgres_equals_psql_running_the_files() {
    let work = project("postgres");
    let name = format!("history_tt_{}", std::process::id());
    let server = pg_server();
    let psql = |url: &str, args: &[&str]| {
        let out = Command::new("psql")
            .args(["-qX", "-v", "ON_ERROR_STOP=1", "-d", url])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "psql {args:?}: {}", text(&out.stderr));
    };
    psql(&server, &["-c", &format!("DROP DATABASE IF EXISTS {name}")]);
    psql(&server, &["-c", &format!("CREATE DATABASE {name}")]);
    let db = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
    for file in versions(work.path()) {
        let version = file.split('_').next().unwrap();
        psql(
            &db,
            &[
                "-f",
                work.path().join("migrations").join(&file).to_str().unwrap(),
            ],
        );
        let travelled = inspect(
            work.path(),
            &format!("file://migrations?version={version}"),
            &server,
        );
        assert_eq!(
            travelled,
            inspect(work.path(), &db, &server),
            "version {version}"
        );
    }
    psql(&server, &["-c", &format!("DROP DATABASE {name}")]);
}

#[test]
fn time_travel_on_sqlite_equals_sqlite3_running_the_files() {
    let work = project("sqlite");
    let db = work.path().join("replayed.db");
    let db_url = format!("sqlite://{}", db.display());
    for file in versions(work.path()) {
        let version = file.split('_').next().unwrap();
        let sql = std::fs::read_to_string(work.path().join("migrations").join(&file)).unwrap();
        let out = Command::new("sqlite3").arg(&db).arg(&sql).output().unwrap();
        assert!(out.status.success(), "{file}: {}", text(&out.stderr));
        let travelled = inspect(
            work.path(),
            &format!("file://migrations?version={version}"),
            SQLITE_DEV,
        );
        assert_eq!(
            travelled,
            inspect(work.path(), &db_url, SQLITE_DEV),
            "version {version}"
        );
    }
}

#[test]
fn time_travel_on_mariadb_equals_the_mariadb_client_running_the_files() {
    let work = project("mysql");
    let server = mysql_server();
    let address = url::Url::parse(&server).unwrap();
    let name = format!("history_tt_{}", std::process::id());
    let mariadb = |args: &[&str], stdin: Option<&Path>| {
        let mut command = Command::new("mariadb");
        command
            .arg(format!("--host={}", address.host_str().unwrap()))
            .arg(format!("--port={}", address.port().unwrap_or(3306)))
            .arg(format!("--user={}", address.username()))
            .args(args);
        if let Some(file) = stdin {
            command.stdin(std::fs::File::open(file).unwrap());
        }
        let out = command.output().unwrap();
        assert!(
            out.status.success(),
            "mariadb {args:?}: {}",
            text(&out.stderr)
        );
    };
    let drop = format!("DROP DATABASE IF EXISTS {name}");
    mariadb(&["-e", &format!("{drop}; CREATE DATABASE {name}")], None);
    let db = format!("{}{name}", server.trim_end_matches('/').to_string() + "/");
    for file in versions(work.path()) {
        let version = file.split('_').next().unwrap();
        mariadb(&[&name], Some(&work.path().join("migrations").join(&file)));
        let travelled = inspect(
            work.path(),
            &format!("file://migrations?version={version}"),
            &server,
        );
        assert_eq!(
            travelled,
            inspect(work.path(), &db, &server),
            "version {version}"
        );
    }
    mariadb(&["-e", &drop], None);
}

/// (version, kind, object, risk, line) of every event of a JSON history, in order.
fn json_events(json: &str) -> Vec<String> {
    let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
    parsed["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            let version = f["version"].as_str().unwrap().to_string();
            f["events"].as_array().unwrap().iter().map(move |e| {
                format!(
                    "{version}|{}|{}|{}|{}",
                    e["kind"].as_str().unwrap(),
                    e["object"].as_str().unwrap(),
                    e["risk"].as_str().unwrap(),
                    e["line"]
                        .as_u64()
                        .map(|l| l.to_string())
                        .unwrap_or_default()
                )
            })
        })
        .collect()
}

const EVENTS_QUERY: &str = "SELECT version, kind, object, risk, coalesce(CAST(line AS text), '') \
     FROM schemactl_history_events ORDER BY position, seq";

#[test]
fn an_export_to_sqlite_and_to_postgres_holds_the_events_of_the_json() {
    let work = project("sqlite");
    let db = work.path().join("history.db");
    let export = format!("sqlite://{}", db.display());
    // Twice: the second export replaces the first.
    history(work.path(), SQLITE_DEV, &["--export", &export]);
    let json = history(
        work.path(),
        SQLITE_DEV,
        &["--format", "json", "--export", &export],
    );
    let out = Command::new("sqlite3")
        .arg(&db)
        .arg(EVENTS_QUERY)
        .output()
        .unwrap();
    let rows: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(rows, json_events(&json));
    let columns = Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT last_event, last_changed_version FROM schemactl_history_columns WHERE table_name = 'main.users' AND column_name = 'full_name'")
        .output()
        .unwrap();
    assert_eq!(
        text(&columns.stdout).trim(),
        "column_renamed|20240101000007"
    );

    let work = project("postgres");
    let name = format!("history_export_{}", std::process::id());
    let server = pg_server();
    let db = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
    history(work.path(), &server, &["--export", &db]);
    let json = history(work.path(), &server, &["--format", "json", "--export", &db]);
    let psql = |sql: &str| {
        let out = Command::new("psql")
            .args(["-qXtA", "-d", &db, "-c", sql])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let rows: Vec<String> = psql(EVENTS_QUERY).lines().map(String::from).collect();
    assert_eq!(rows, json_events(&json));
    // The question the export is for: when did users.age become NOT NULL?
    assert_eq!(
        psql("SELECT version FROM schemactl_history_events WHERE object = 'public.users.age' AND kind = 'column_not_null_set'").trim(),
        "20240101000007"
    );
    let _ = Command::new("psql")
        .args(["-qX", "-d", &server, "-c", &format!("DROP DATABASE {name}")])
        .output();
}

/// Runs headless Chromium (Debian's `chromium`, which .ci/run installs) on `page` with `args`;
/// returns stdout and stderr.
fn chromium(page: &str, args: &[&str]) -> (String, String) {
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .args(args)
        .arg(page)
        .output()
        .expect("chromium must be installed (Debian's chromium package; .ci/run installs it)");
    assert!(out.status.success(), "chromium: {}", text(&out.stderr));
    (text(&out.stdout), text(&out.stderr))
}

#[test]
fn the_html_page_loads_in_chromium_and_shows_versions_and_risky_events() {
    let work = project("postgres");
    let page = work.path().join("history.html");
    std::fs::write(
        &page,
        history(work.path(), &pg_server(), &["--format", "html"]),
    )
    .unwrap();
    let url = format!("file://{}", page.display());
    let (dom, log) = chromium(&url, &["--dump-dom"]);
    assert!(
        !log.contains("Uncaught") && !log.contains("CONSOLE"),
        "{log}"
    );
    for version in versions(work.path()) {
        let version = version.split('_').next().unwrap();
        assert!(dom.contains(&format!("id=\"v{version}\"")), "no {version}");
    }
    assert!(
        dom.contains("class=\"event risk-high\""),
        "no high-risk event"
    );
    assert!(
        dom.contains("drops column \"body\" of public.articles"),
        "{dom}"
    );

    // The table filter (chosen by the address): other tables' events are hidden.
    let (filtered, log) = chromium(&format!("{url}#table=public.users"), &["--dump-dom"]);
    assert!(!log.contains("Uncaught"), "{log}");
    assert!(
        filtered.contains("data-table=\"public.articles\" class=\"hidden\"")
            || filtered.contains("class=\"event risk-high hidden\" data-table=\"public.articles\""),
        "the filter hid nothing"
    );
    assert!(!filtered.contains("class=\"event risk-low hidden\" data-table=\"public.users\""));

    let shot = work.path().join("history.png");
    chromium(
        &url,
        &[
            "--window-size=1400,1800",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
}
