//! One PostgreSQL dev server shared by many runs: scratch databases of a run killed outright
//! are swept by a later run, a live run's never are, and concurrent runs all succeed and
//! leave nothing behind. Real server, real processes, SIGKILL.

mod common;

use common::project::text;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The PostgreSQL tests take turns: any run sweeps orphans, so a run of one test would sweep
/// the killed run's database another test still means to see before its own sweep.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn dev_url() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

fn psql(sql: &str) -> String {
    let out = Command::new("psql")
        .args([&dev_url(), "-v", "ON_ERROR_STOP=1", "-qAtc", sql])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

/// The scratch databases of process `pid` on the dev server.
fn scratch_of(pid: u32) -> Vec<String> {
    let names = psql(&format!(
        "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database \
         WHERE datname LIKE 'schemactl\\_dev\\_{pid}\\_%'"
    ));
    names
        .split(',')
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

/// A migration directory whose one file runs for `sleep_s` seconds when replayed.
fn project(sleep_s: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(
        migrations.join("1_a.sql"),
        format!("CREATE TABLE a (id int);\nSELECT pg_sleep({sleep_s});\n"),
    )
    .unwrap();
    assert!(schemactl(dir.path(), &["migrate", "hash"]).status.success());
    dir
}

fn command(dir: &Path, args: &[&str]) -> Command {
    common::project::uncached_command(dir, args)
}

fn schemactl(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

/// `migrate validate` started in the background, its replay sleeping on a scratch database;
/// returns once that database exists.
fn sleeping_run(dir: &Path) -> Child {
    let url = dev_url();
    let mut child = command(dir, &["migrate", "validate", "--dev-url", &url])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while scratch_of(child.id()).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no scratch database appeared"
        );
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn quick_validate(dir: &Path) -> Output {
    let out = schemactl(dir, &["migrate", "validate", "--dev-url", &dev_url()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    out
}

#[test]
fn a_killed_runs_scratch_database_is_swept_and_a_live_runs_is_not() {
    let _turn = one_at_a_time();
    let slow = project(60);
    let quick = project(0);

    // A live run: a later run leaves its database alone.
    let mut live = sleeping_run(slow.path());
    let live_dbs = scratch_of(live.id());
    quick_validate(quick.path());
    assert_eq!(
        scratch_of(live.id()),
        live_dbs,
        "a live run's database was dropped"
    );

    // Killed outright: its database stays until the next run sweeps it.
    live.kill().unwrap();
    live.wait().unwrap();
    assert_eq!(
        scratch_of(live.id()),
        live_dbs,
        "nothing cleans up after SIGKILL"
    );
    let out = quick_validate(quick.path());
    assert!(scratch_of(live.id()).is_empty(), "the orphan was not swept");
    let said = text(&out.stderr);
    assert!(
        said.contains("removed") && said.contains(&live_dbs[0]),
        "the sweep is reported: {said}"
    );
}

#[test]
fn a_database_without_a_lease_is_never_swept() {
    let _turn = one_at_a_time();
    // Named like an older run's scratch database, with no lease token or mark.
    let name = format!("schemactl_dev_{}_1", 4_000_000 + std::process::id());
    psql(&format!("DROP DATABASE IF EXISTS {name}"));
    psql(&format!("CREATE DATABASE {name}"));
    quick_validate(project(0).path());
    let still = psql(&format!(
        "SELECT count(*) FROM pg_database WHERE datname = '{name}'"
    ));
    psql(&format!("DROP DATABASE {name}"));
    assert_eq!(still, "1");
}

#[test]
fn eight_concurrent_diffs_on_one_dev_server_all_succeed_and_clean_up() {
    let _turn = one_at_a_time();
    let projects: Vec<tempfile::TempDir> = (0..8)
        .map(|i| {
            let dir = project(0);
            std::fs::write(
                dir.path().join("schema.sql"),
                format!("CREATE TABLE a (id int);\nCREATE TABLE b{i} (id int PRIMARY KEY);\n"),
            )
            .unwrap();
            dir
        })
        .collect();
    let url = dev_url();
    let runs: Vec<Child> = projects
        .iter()
        .map(|p| {
            command(
                p.path(),
                &[
                    "migrate",
                    "diff",
                    "next",
                    "--to",
                    "file://schema.sql",
                    "--dev-url",
                    &url,
                ],
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    let pids: Vec<u32> = runs.iter().map(Child::id).collect();
    for (i, run) in runs.into_iter().enumerate() {
        let out = run.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "run {i}: {}", text(&out.stderr));
    }
    for (i, p) in projects.iter().enumerate() {
        let files = common::project::migration_files(&p.path().join("migrations"));
        assert_eq!(files.len(), 2, "run {i}: {files:?}");
        let written = std::fs::read_to_string(&files[1]).unwrap();
        assert!(written.contains(&format!("b{i}")), "run {i}: {written}");
    }
    for pid in pids {
        assert!(
            scratch_of(pid).is_empty(),
            "run {pid} left {:?}",
            scratch_of(pid)
        );
    }
}

/// The scratch databases of process `pid` on the MariaDB test server.
fn mysql_scratch_of(pid: u32) -> Vec<String> {
    let server = common::project::mysql_server();
    let hostport = server
        .trim_start_matches("mysql://")
        .rsplit('@')
        .next()
        .unwrap();
    let (host, port) = hostport.trim_end_matches('/').split_once(':').unwrap();
    let out = Command::new("mariadb")
        .args(["-h", host, "-P", port, "-u", "root", "-N", "-B", "-e"])
        .arg(format!(
            "SELECT schema_name FROM information_schema.schemata \
             WHERE schema_name LIKE 'schemactl\\_dev\\_{pid}\\_%'"
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn a_killed_runs_scratch_database_is_swept_on_mariadb() {
    let server = common::project::mysql_server();
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(
        migrations.join("1_a.sql"),
        "CREATE TABLE a (id int);\nSELECT SLEEP(60);\n",
    )
    .unwrap();
    assert!(schemactl(dir.path(), &["migrate", "hash"]).status.success());
    let mut run = command(dir.path(), &["migrate", "validate", "--dev-url", &server])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while mysql_scratch_of(run.id()).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no scratch database"
        );
        assert!(run.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A second run beside the live one leaves its database alone.
    let quick = tempfile::tempdir().unwrap();
    std::fs::create_dir(quick.path().join("migrations")).unwrap();
    std::fs::write(
        quick.path().join("migrations/1_b.sql"),
        "CREATE TABLE b (id int);\n",
    )
    .unwrap();
    assert!(
        schemactl(quick.path(), &["migrate", "hash"])
            .status
            .success()
    );
    let validate = || schemactl(quick.path(), &["migrate", "validate", "--dev-url", &server]);
    let out = validate();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let orphans = mysql_scratch_of(run.id());
    assert_eq!(
        orphans.len(),
        1,
        "the live run's database stays: {orphans:?}"
    );

    run.kill().unwrap();
    run.wait().unwrap();
    let out = validate();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        mysql_scratch_of(run.id()).is_empty(),
        "the orphan was not swept"
    );
    assert!(
        text(&out.stderr).contains(&orphans[0]),
        "{}",
        text(&out.stderr)
    );
}
