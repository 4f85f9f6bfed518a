//! `docker://` dev databases on a real Docker engine, with the image that
//! testdata/docker/build-images.sh builds from the host's PostgreSQL packages (no registry).

#[path = "support/docker.rs"]
mod docker_support;
#[path = "support/lint_json.rs"]
mod lint_json;

use docker_support::{TEST_DEV_URL, containers_labelled, containers_of_pid, ensure_test_image};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// Runs schemactl in `dir`; returns its output and process id.
fn schemactl(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> (Output, u32) {
    let child = Command::new(env!("CARGO_BIN_EXE_schemactl"))
        // Each run must start its container: no cached state may stand in for it.
        .env("SCHEMACTL_NO_CACHE", "1")
        .current_dir(dir)
        .args(args)
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    (child.wait_with_output().unwrap(), pid)
}

/// `schema diff` of the two files `write_schemas` writes, on dev database `dev`.
fn diff_args(dev: &str) -> [&str; 8] {
    [
        "schema",
        "diff",
        "--from",
        "file://current.sql",
        "--to",
        "file://desired.sql",
        "--dev-url",
        dev,
    ]
}

fn write_schemas(dir: &Path) {
    std::fs::write(
        dir.join("current.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("desired.sql"),
        "CREATE TYPE mood AS ENUM ('ok', 'sad');\n\
         CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, mood mood);\n\
         CREATE INDEX users_email ON users (email);\n",
    )
    .unwrap();
}

#[test]
fn schema_diff_on_a_docker_dev_database_plans_and_removes_the_container() {
    ensure_test_image();
    let work = tempfile::tempdir().unwrap();
    write_schemas(work.path());
    let args = diff_args(TEST_DEV_URL);
    let mut child = Command::new(env!("CARGO_BIN_EXE_schemactl"))
        // Each run must start its container: no cached state may stand in for it.
        .env("SCHEMACTL_NO_CACHE", "1")
        .current_dir(work.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // While it runs, the engine lists its container under its pid label (what the leak test
    // relies on).
    let mut seen = Vec::new();
    while seen.is_empty() && child.try_wait().unwrap().is_none() {
        seen = containers_of_pid(pid);
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(seen.len(), 1, "the running container carries the pid label");
    assert!(seen[0].starts_with("schemactl-dev-"), "{seen:?}");
    let sql = text(&out.stdout);
    for expected in [
        "CREATE TYPE \"public\".\"mood\" AS ENUM ('ok', 'sad')",
        "ADD COLUMN \"mood\" public.mood",
        "CREATE INDEX users_email",
    ] {
        assert!(sql.contains(expected), "lacks {expected}:\n{sql}");
    }
    assert_eq!(containers_of_pid(pid), Vec::<String>::new());
}

#[test]
fn statement_errors_name_the_file_and_still_remove_the_container() {
    ensure_test_image();
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("bad.sql"),
        "CREATE TABLE t (id int);\nCREATE TABLE t (id int);\n",
    )
    .unwrap();
    let (out, pid) = schemactl(
        work.path(),
        &[
            "schema",
            "inspect",
            "--url",
            "file://bad.sql",
            "--dev-url",
            TEST_DEV_URL,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bad.sql:2"), "{stderr}");
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(containers_of_pid(pid), Vec::<String>::new());
}

#[test]
fn reuse_keeps_one_warm_container_with_a_clean_database_per_run() {
    ensure_test_image();
    let work = tempfile::tempdir().unwrap();
    write_schemas(work.path());
    // A database name of our own: its warm container is ours alone.
    let dev = format!(
        "docker+postgres://schemactl-test/postgres:15/reuse{}?reuse=true",
        std::process::id()
    );
    let base = dev.trim_end_matches("?reuse=true");
    // Removes the warm container even when an assertion below fails.
    struct StopOnDrop<'a>(&'a Path, &'a str);
    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            schemactl(self.0, &["dev", "stop", self.1], &[]);
        }
    }
    let _stop = StopOnDrop(work.path(), base);
    let args = diff_args(&dev);
    let mut plans = Vec::new();
    for _ in 0..2 {
        let (out, pid) = schemactl(work.path(), &args, &[]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(containers_of_pid(pid), Vec::<String>::new());
        plans.push(text(&out.stdout));
        let warm: Vec<_> = containers_labelled("schemactl.url", &dev);
        assert_eq!(warm.len(), 1, "one warm container: {warm:?}");
        assert_eq!(warm[0].1["schemactl.dev"], "reuse");
    }
    // The second run saw a clean database, not the first run's leftovers.
    assert_eq!(plans[0], plans[1]);
    assert!(plans[0].contains("ADD COLUMN"), "{}", plans[0]);

    let (out, _) = schemactl(work.path(), &["dev", "stop", base], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("removed schemactl-reuse-"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(containers_labelled("schemactl.url", &dev).len(), 0);
}

#[test]
fn no_docker_engine_names_docker_host_and_the_other_dev_urls() {
    let work = tempfile::tempdir().unwrap();
    write_schemas(work.path());
    let (out, _) = schemactl(
        work.path(),
        &diff_args("docker://postgres/16/dev"),
        &[("DOCKER_HOST", "unix:///nonexistent/docker.sock")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    for expected in [
        "unix:///nonexistent/docker.sock",
        "DOCKER_HOST",
        "--dev-url postgres://",
        "local ephemeral PostgreSQL",
    ] {
        assert!(stderr.contains(expected), "lacks {expected}: {stderr}");
    }
    assert_eq!(text(&out.stdout), "");
}

/// A MySQL container without an engine: the error suggests MySQL's dev databases that need no
/// Docker, not PostgreSQL's.
#[test]
fn a_mysql_container_without_an_engine_suggests_a_mysql_server() {
    let work = tempfile::tempdir().unwrap();
    write_schemas(work.path());
    let (out, _) = schemactl(
        work.path(),
        &diff_args("docker://mysql/8/dev"),
        &[("DOCKER_HOST", "unix:///nonexistent/docker.sock")],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for expected in ["DOCKER_HOST", "--dev-url mysql://"] {
        assert!(stderr.contains(expected), "lacks {expected}: {stderr}");
    }
    assert!(!stderr.contains("postgres://"), "{stderr}");
}

/// A container whose server exits during start-up: a MySQL contract given to a PostgreSQL
/// image (no POSTGRES_PASSWORD, so its entrypoint refuses to initialise).
#[test]
fn a_container_that_stops_fails_with_its_log_and_is_removed() {
    ensure_test_image();
    let url = match schemactl::url::parse(&format!(
        "docker+mysql://schemactl-test/postgres:15/stops{}",
        std::process::id()
    ))
    .unwrap()
    {
        schemactl::url::DbUrl::Docker(url) => url,
        other => panic!("{other}"),
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let err = runtime.block_on(async {
        match schemactl::devdb::docker::start(&url).await {
            Ok(container) => {
                container.close().await.unwrap();
                panic!("a server without a password must not become ready");
            }
            Err(err) => format!("{err:#}"),
        }
    });
    assert!(
        err.contains("did not become ready: the container stopped"),
        "{err}"
    );
    assert!(err.contains("superuser password is not specified"), "{err}");
    let mine = containers_labelled("schemactl.pid", &std::process::id().to_string());
    assert!(
        mine.iter()
            .all(|(_, labels)| labels["schemactl.url"] != url.to_string()),
        "{mine:?}"
    );
}

#[test]
fn an_absent_image_is_pulled_and_a_failed_pull_says_how_to_provide_it() {
    let work = tempfile::tempdir().unwrap();
    write_schemas(work.path());
    let (out, pid) = schemactl(
        work.path(),
        &diff_args("docker+postgres://schemactl-test/absent:1/dev"),
        &[],
    );
    // Our machines reach no registry; where one answers, the image still does not exist.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("pulling schemactl-test/absent:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cannot pull image schemactl-test/absent:1"),
        "{stderr}"
    );
    assert!(stderr.contains("docker import"), "{stderr}");
    assert_eq!(containers_of_pid(pid), Vec::<String>::new());
}

/// SIGKILL leaves no chance to clean up; the next run on this host removes what it left.
#[test]
fn the_next_run_removes_containers_of_a_killed_run() {
    ensure_test_image();
    let work = tempfile::tempdir().unwrap();
    write_schemas(work.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_schemactl"))
        // Each run must start its container: no cached state may stand in for it.
        .env("SCHEMACTL_NO_CACHE", "1")
        .current_dir(work.path())
        .args(diff_args(TEST_DEV_URL))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let killed = child.id();
    let started = std::time::Instant::now();
    while containers_of_pid(killed).is_empty() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "no container appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // SIGKILL left it (unless a run of a parallel test already removed it: only the orphan
    // removal of some schemactl run removes it at all).

    let (out, pid) = schemactl(work.path(), &diff_args(TEST_DEV_URL), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(containers_of_pid(killed), Vec::<String>::new());
    assert_eq!(containers_of_pid(pid), Vec::<String>::new());
}

/// `migrate lint` replays the directory on a `docker://` dev database: the latest file's
/// findings come at their lines, and the container is gone afterwards.
#[test]
fn migrate_lint_on_a_docker_dev_database_reports_and_removes_the_container() {
    ensure_test_image();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("20240101000000_users.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("20240102000000_change.sql"),
        "SET lock_timeout = '2s';\n\
         SET statement_timeout = '60s';\n\
         CREATE INDEX users_email ON users (email);\n\
         ALTER TABLE users DROP COLUMN name;\n",
    )
    .unwrap();
    let (hashed, _) = schemactl(
        work.path(),
        &["migrate", "hash", "--dir", "file://migrations"],
        &[],
    );
    assert!(hashed.status.success(), "{}", text(&hashed.stderr));
    let (out, pid) = schemactl(
        work.path(),
        &[
            "migrate",
            "lint",
            "--dir",
            "file://migrations",
            "--latest",
            "1",
            "--dev-url",
            TEST_DEV_URL,
            "--format",
            "json",
        ],
        &[("NO_COLOR", "1")],
    );
    // DS103 is an error: exit 1 with the report on stdout.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let found = lint_json::findings("migrate lint", &out);
    let change = "20240102000000_change.sql".to_string();
    assert_eq!(
        found,
        [
            ("DS103".to_string(), change.clone(), 4),
            ("PG101".to_string(), change, 3),
        ]
    );
    assert_eq!(containers_of_pid(pid), Vec::<String>::new());
}
