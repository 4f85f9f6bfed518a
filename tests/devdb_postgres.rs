//! devdb against real servers: the test server at SCHEMACTL_TEST_PG_URL and local ephemeral
//! clusters, including cleanup after errors and signals.

use schemactl::devdb::{DevServer, DevSpec, SCRATCH_PREFIX};
use schemactl::error::exit_code;
use schemactl::url::{PgUrl, parse_postgres};
use sqlx::{Connection, Executor, PgConnection};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

fn test_server() -> PgUrl {
    let url = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
    parse_postgres(&url).unwrap()
}

async fn admin() -> PgConnection {
    PgConnection::connect_with(&test_server().connect_options())
        .await
        .expect("test server (run .ci/test-postgres.sh start)")
}

static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// A fresh database on the test server to use as a dev URL; the caller drops it.
async fn fresh_database(setup: &str) -> PgUrl {
    let name = format!(
        "devdb_test_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::Relaxed)
    );
    admin()
        .await
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let url = test_server().with_database(&name);
    if !setup.is_empty() {
        let mut conn = PgConnection::connect_with(&url.connect_options())
            .await
            .unwrap();
        conn.execute(setup).await.unwrap();
    }
    url
}

async fn drop_database(url: &PgUrl) {
    admin()
        .await
        .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", url.database()).as_str())
        .await
        .unwrap();
}

async fn database_exists(name: &str) -> bool {
    let (exists,): (bool,) =
        sqlx::query_as("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut admin().await)
            .await
            .unwrap();
    exists
}

fn postmaster_pid(cluster_dir: &Path) -> i32 {
    let text = std::fs::read_to_string(cluster_dir.join("data/postmaster.pid")).unwrap();
    text.lines().next().unwrap().trim().parse().unwrap()
}

/// Whether a process runs (zombies waiting for init count as gone).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap()
            .trim_start()
            .starts_with('Z')
    })
}

/// Whether any process mentions `dir` on its command line (a postmaster started with -D).
fn any_process_mentions(dir: &Path) -> bool {
    let needle = dir.display().to_string();
    std::fs::read_dir("/proc").unwrap().flatten().any(|entry| {
        std::fs::read(entry.path().join("cmdline"))
            .is_ok_and(|cmd| String::from_utf8_lossy(&cmd).contains(&needle))
    })
}

#[tokio::test]
async fn scratch_databases_are_created_and_dropped_on_an_existing_server() {
    let dev = fresh_database("").await;
    let server = DevServer::open(&DevSpec::Server(dev.clone()))
        .await
        .unwrap();
    let first = server.scratch().await.unwrap();
    let second = server.scratch().await.unwrap();
    let kept = server.scratch().await.unwrap();
    let names = [first.name(), second.name(), kept.name()].map(str::to_string);
    for name in &names {
        assert!(name.starts_with(SCRATCH_PREFIX), "{name}");
        assert!(database_exists(name).await, "{name} was not created");
    }
    // A scratch database is empty and usable.
    let mut conn = first.connect().await.unwrap();
    conn.execute("CREATE TABLE t (id int)").await.unwrap();

    first.drop_now().await.unwrap();
    assert!(!database_exists(&names[0]).await);
    drop(second); // an error path: dropped without drop_now
    assert!(!database_exists(&names[1]).await);
    server.close().await.unwrap();
    assert!(!database_exists(&names[2]).await);
    assert!(
        dev_still_exists(&dev).await,
        "the dev database itself is never dropped"
    );
    drop(kept);
    drop_database(&dev).await;
}

async fn dev_still_exists(dev: &PgUrl) -> bool {
    database_exists(dev.database()).await
}

#[tokio::test]
async fn a_dev_database_with_objects_is_refused_as_bad_input() {
    let dev = fresh_database("CREATE TABLE users (id int); CREATE SCHEMA app;").await;
    let err = DevServer::open(&DevSpec::Server(dev.clone()))
        .await
        .unwrap_err();
    assert_eq!(exit_code(&err), 2, "{err:#}");
    let text = err.to_string();
    assert!(text.contains("not clean"), "{text}");
    assert!(text.contains("schema app"), "{text}");
    assert!(text.contains("table public.users"), "{text}");
    drop_database(&dev).await;
}

#[tokio::test]
async fn a_dev_database_with_only_a_function_is_refused() {
    let dev = fresh_database("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1'").await;
    let err = DevServer::open(&DevSpec::Server(dev.clone()))
        .await
        .unwrap_err();
    assert_eq!(exit_code(&err), 2);
    assert!(err.to_string().contains("function public.f"), "{err}");
    drop_database(&dev).await;
}

#[tokio::test]
async fn an_unreachable_server_is_a_failure_naming_host_and_port_without_password() {
    let url = parse_postgres("postgres://postgres:hunter2@127.0.0.1:1/postgres").unwrap();
    let err = DevServer::open(&DevSpec::Server(url.clone()))
        .await
        .unwrap_err();
    assert_eq!(exit_code(&err), 1);
    let text = format!("{err:#}");
    assert!(text.contains("127.0.0.1:1"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

#[tokio::test]
async fn an_ephemeral_cluster_answers_and_is_gone_after_close() {
    let server = DevServer::open(&DevSpec::Ephemeral).await.unwrap();
    let dir = server.cluster_dir().unwrap().to_path_buf();
    let pid = postmaster_pid(&dir);
    let scratch = server.scratch().await.unwrap();
    let mut conn = scratch.connect().await.unwrap();
    let (db, locks): (String, String) = sqlx::query_as(
        "SELECT current_database()::text, current_setting('max_locks_per_transaction')",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(db, scratch.name());
    assert_eq!(locks, "4096");
    drop(conn);
    server.close().await.unwrap();
    assert!(!dir.exists(), "{} remains", dir.display());
    assert!(!alive(pid), "postmaster {pid} still runs");
    drop(scratch); // after close: nothing left to do, must not hang or panic
}

#[tokio::test]
async fn an_ephemeral_cluster_dropped_on_an_error_path_still_cleans_up() {
    async fn fails_midway(dir: &mut PathBuf, pid: &mut i32) -> anyhow::Result<()> {
        let server = DevServer::open(&DevSpec::Ephemeral).await?;
        *dir = server.cluster_dir().unwrap().to_path_buf();
        *pid = postmaster_pid(dir);
        let _scratch = server.scratch().await?;
        anyhow::bail!("planning failed")
    }
    let (mut dir, mut pid) = (PathBuf::new(), 0);
    assert!(fails_midway(&mut dir, &mut pid).await.is_err());
    assert!(!dir.as_os_str().is_empty());
    assert!(!dir.exists(), "{} remains", dir.display());
    assert!(!alive(pid), "postmaster {pid} still runs");
}

fn example_binary() -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let target = deps.parent().unwrap().parent().unwrap();
    let path = target.join("examples/devdb_signal");
    if !path.exists() {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--example", "devdb_signal", "--quiet"])
            .status()
            .unwrap();
        assert!(status.success());
    }
    path
}

/// Starts the example holding dev databases; returns it with its cluster dir and scratch db.
fn start_holder(args: &[&str]) -> (std::process::Child, Option<PathBuf>, String) {
    let mut child = Command::new(example_binary())
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let parts: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(parts.first(), Some(&"ready"), "holder said {line:?}");
    let dir = (parts[1] != "-").then(|| PathBuf::from(parts[1]));
    (child, dir, parts[2].to_string())
}

fn signal_and_wait(child: &mut std::process::Child, signal: nix::sys::signal::Signal) -> i32 {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), signal).unwrap();
    for _ in 0..300 {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().ok();
    panic!("holder did not exit after {signal}");
}

#[test]
fn sigint_while_holding_a_cluster_leaves_nothing_behind() {
    let (mut child, dir, _) = start_holder(&["cluster"]);
    let dir = dir.unwrap();
    let pid = postmaster_pid(&dir);
    assert!(alive(pid));
    assert_eq!(
        signal_and_wait(&mut child, nix::sys::signal::Signal::SIGINT),
        130
    );
    assert!(!dir.exists(), "{} remains", dir.display());
    assert!(!alive(pid), "postmaster {pid} still runs");
    assert!(!any_process_mentions(&dir));
}

#[test]
fn sigterm_while_holding_a_cluster_leaves_nothing_behind() {
    let (mut child, dir, _) = start_holder(&["cluster"]);
    let dir = dir.unwrap();
    let pid = postmaster_pid(&dir);
    assert_eq!(
        signal_and_wait(&mut child, nix::sys::signal::Signal::SIGTERM),
        143
    );
    assert!(!dir.exists(), "{} remains", dir.display());
    assert!(!alive(pid), "postmaster {pid} still runs");
    assert!(!any_process_mentions(&dir));
}

#[tokio::test]
async fn signals_while_holding_a_scratch_database_on_an_existing_server_drop_it() {
    for (signal, code) in [
        (nix::sys::signal::Signal::SIGTERM, 143),
        (nix::sys::signal::Signal::SIGINT, 130),
    ] {
        let dev = fresh_database("").await;
        let full = dev.to_url_string();
        let (mut child, dir, scratch) = start_holder(&["existing", &full]);
        assert!(dir.is_none());
        assert!(database_exists(&scratch).await);
        assert_eq!(signal_and_wait(&mut child, signal), code);
        assert!(
            !database_exists(&scratch).await,
            "{scratch} remains after {signal}"
        );
        drop_database(&dev).await;
    }
}
