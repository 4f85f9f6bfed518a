//! Servers that restart in the middle of a run: a private PostgreSQL cluster restarted with
//! `pg_ctl restart -m immediate`, a private MariaDB server killed with SIGKILL and started
//! again, each at a random moment of `migrate apply`, `migrate diff` or `migrate lint`. The run
//! must exit 1 naming where it was, write no migration file, and a rerun must finish with every
//! file applied exactly once. The servers are private (own port, own data directory) so that
//! restarting them disturbs no other test. `SCHEMACTL_RESTART_TRIALS` sets the trials per case
//! (default 10); the seed is printed, `SCHEMACTL_RESTART_SEED` repeats a run.

mod common;

use common::project::text;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const FILES: usize = 8;

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci").join(name)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[derive(Clone, Copy, PartialEq)]
enum Engine {
    Postgres,
    Mariadb,
}

/// A server of this test alone, started by the CI scripts with their port and data overrides.
struct PrivateServer {
    engine: Engine,
    port: u16,
    data: PathBuf,
}

impl PrivateServer {
    fn start(engine: Engine) -> PrivateServer {
        let port = free_port();
        let tag = match engine {
            Engine::Postgres => "pg",
            Engine::Mariadb => "mariadb",
        };
        // Tests of this binary run in parallel in one process: each server needs its own place.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let data = PathBuf::from(format!(
            "/tmp/schemactl-restart-{tag}-{}-{n}",
            std::process::id()
        ));
        let server = PrivateServer { engine, port, data };
        server.run_script("start");
        server
    }

    fn run_script(&self, action: &str) {
        let (file, port_var, data_var) = match self.engine {
            Engine::Postgres => (
                "test-postgres.sh",
                "SCHEMACTL_TEST_PG_PORT",
                "SCHEMACTL_TEST_PG_DATA",
            ),
            Engine::Mariadb => (
                "test-mariadb.sh",
                "SCHEMACTL_TEST_MYSQL_PORT",
                "SCHEMACTL_TEST_MYSQL_DATA",
            ),
        };
        let out = Command::new("bash")
            .arg(script(file))
            .arg(action)
            .env(port_var, self.port.to_string())
            .env(data_var, &self.data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{file} {action}: {}",
            text(&out.stderr)
        );
    }

    fn url(&self, database: &str) -> String {
        match self.engine {
            Engine::Postgres => format!("postgres://postgres@127.0.0.1:{}/{database}", self.port),
            Engine::Mariadb => format!("mysql://root@127.0.0.1:{}/{database}", self.port),
        }
    }

    /// The server dies at once (no clean shutdown) and comes back.
    fn crash_and_restart(&self) {
        match self.engine {
            Engine::Postgres => {
                let bin = "/usr/lib/postgresql/15/bin/pg_ctl";
                // The server's output goes to its log: a pipe it inherited would keep this
                // call waiting for as long as the server runs.
                let out = Command::new("runuser")
                    .args(["-u", "postgres", "--", bin, "-D"])
                    .arg(&self.data)
                    .arg("-l")
                    .arg(self.data.join("server.log"))
                    .args(["-m", "immediate", "-w", "restart"])
                    .stdout(Stdio::null())
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "pg_ctl restart: {}",
                    text(&out.stderr)
                );
            }
            Engine::Mariadb => {
                let pid_file = self.data.with_extension("pid");
                let pid = std::fs::read_to_string(&pid_file).unwrap();
                let pid = pid.trim();
                Command::new("kill").args(["-9", pid]).status().unwrap();
                let gone = Instant::now();
                while Path::new(&format!("/proc/{pid}")).exists() {
                    assert!(gone.elapsed() < Duration::from_secs(20), "mariadbd lingers");
                    std::thread::sleep(Duration::from_millis(20));
                }
                self.run_script("start");
            }
        }
    }

    fn sql(&self, database: &str, sql: &str) -> String {
        let out = match self.engine {
            Engine::Postgres => Command::new("psql")
                .args([&self.url(database), "-v", "ON_ERROR_STOP=1", "-qAtc", sql])
                .output(),
            Engine::Mariadb => Command::new("mariadb")
                .args([
                    "-h",
                    "127.0.0.1",
                    "-P",
                    &self.port.to_string(),
                    "-u",
                    "root",
                ])
                .args(["-N", "-B", "-D", database, "-e", sql])
                .output(),
        }
        .unwrap();
        assert!(out.status.success(), "{sql}: {}", text(&out.stderr));
        text(&out.stdout).trim().to_string()
    }

    fn create_database(&self, name: &str) {
        let admin = match self.engine {
            Engine::Postgres => "postgres",
            Engine::Mariadb => "mysql",
        };
        self.sql(admin, &format!("CREATE DATABASE {name}"));
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        self.run_script("stop");
        let _ = std::fs::remove_dir_all(&self.data);
        for beside in ["pid", "sock", "err", "install.log"] {
            let _ = std::fs::remove_file(self.data.with_extension(beside));
        }
    }
}

/// A small deterministic generator for the moments of the crashes.
struct Moments(u64);

impl Moments {
    fn new(case: &str) -> Moments {
        let seed = std::env::var("SCHEMACTL_RESTART_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("{case}: SCHEMACTL_RESTART_SEED={seed}");
        Moments(seed | 1)
    }

    /// A duration in [from, to).
    fn between(&mut self, from: Duration, to: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let span = (to - from).as_millis() as u64;
        from + Duration::from_millis(self.0 % span.max(1))
    }
}

fn trials() -> usize {
    std::env::var("SCHEMACTL_RESTART_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
}

/// A project whose files each create a table, log themselves and sleep, so that a run lasts
/// long enough to be hit.
fn project(engine: Engine) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(
        migrations.join("0_log.sql"),
        "CREATE TABLE applied_log (n int);\n",
    )
    .unwrap();
    let sleep = match engine {
        Engine::Postgres => "SELECT pg_sleep(0.12)",
        Engine::Mariadb => "SELECT SLEEP(0.12)",
    };
    for i in 1..=FILES {
        std::fs::write(
            migrations.join(format!("{i}_f{i}.sql")),
            format!(
                "CREATE TABLE t{i} (id int);\nINSERT INTO applied_log VALUES ({i});\n{sleep};\n"
            ),
        )
        .unwrap();
    }
    assert!(schemactl(dir.path(), &["migrate", "hash"]).status.success());
    dir
}

fn command(dir: &Path, args: &[&str]) -> Command {
    common::project::uncached_command(dir, args)
}

fn schemactl(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

/// Runs `args`, crashes the server after `delay`, and returns the run's output.
fn crash_during(server: &PrivateServer, dir: &Path, args: &[&str], delay: Duration) -> Output {
    let child: Child = command(dir, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    server.crash_and_restart();
    child.wait_with_output().unwrap()
}

/// The directory's file names and bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

/// Asserts a run the crash hit: exit 1 and a message that names the server's loss and, when
/// it got as far as a file, that file and line.
fn assert_hit(trial: usize, out: &Output) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "trial {trial}: {err}");
    if err.contains("went away") && err.contains("applying ") {
        assert!(
            err.lines()
                .any(|l| l.contains(".sql:") && l.contains("statement")),
            "trial {trial}: the file and statement are named: {err}"
        );
    }
}

fn apply_trials(engine: Engine) {
    let server = PrivateServer::start(engine);
    let dir = project(engine);
    let before = snapshot(&dir.path().join("migrations"));
    let mut moments = Moments::new("apply");
    let mut hit = 0;
    for trial in 0..trials() {
        let db = format!("restart_{trial}");
        server.create_database(&db);
        let url = server.url(&db);
        let delay = moments.between(Duration::from_millis(80), Duration::from_millis(900));
        let out = crash_during(
            &server,
            dir.path(),
            &["migrate", "apply", "--url", &url],
            delay,
        );
        if out.status.code() != Some(0) {
            assert_hit(trial, &out);
            hit += 1;
        }
        let rerun = schemactl(dir.path(), &["migrate", "apply", "--url", &url]);
        assert_eq!(
            rerun.status.code(),
            Some(0),
            "trial {trial}: {}",
            text(&rerun.stderr)
        );
        let status = schemactl(dir.path(), &["migrate", "status", "--url", &url]);
        assert_eq!(
            status.status.code(),
            Some(0),
            "trial {trial}: {}",
            text(&status.stdout)
        );
        assert!(text(&status.stdout).contains(&format!("current version: {FILES}")));
        let logged = server.sql(
            &db,
            "SELECT concat(count(*), ',', count(DISTINCT n)) FROM applied_log",
        );
        assert_eq!(
            logged,
            format!("{FILES},{FILES}"),
            "trial {trial}: each file once"
        );
        assert_eq!(
            snapshot(&dir.path().join("migrations")),
            before,
            "no stray files"
        );
    }
    eprintln!("apply: {hit} of {} runs were hit mid-run", trials());
    assert!(
        hit * 2 >= trials(),
        "most crashes should land inside the run ({hit})"
    );
}

#[test]
fn postgres_restarts_during_apply() {
    apply_trials(Engine::Postgres);
}

#[test]
fn mariadb_crashes_during_apply() {
    apply_trials(Engine::Mariadb);
}

/// `migrate diff` or `migrate lint` with the private server as the dev database.
fn dev_trials(case: &str, args_of: impl Fn(&str) -> Vec<String>, prepare: impl Fn(&Path)) {
    let server = PrivateServer::start(Engine::Postgres);
    let dir = project(Engine::Postgres);
    prepare(dir.path());
    let migrations = dir.path().join("migrations");
    let before = snapshot(&migrations);
    let args = args_of(&server.url("postgres"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut moments = Moments::new(case);
    let mut hit = 0;
    for trial in 0..trials() {
        let delay = moments.between(Duration::from_millis(80), Duration::from_millis(900));
        let out = crash_during(&server, dir.path(), &args, delay);
        if out.status.code() != Some(0) {
            assert_hit(trial, &out);
            hit += 1;
        }
        if case == "diff" && out.status.code() != Some(0) {
            assert_eq!(
                snapshot(&migrations),
                before,
                "trial {trial}: no file written"
            );
        }
        let rerun = schemactl(dir.path(), &args);
        assert_eq!(
            rerun.status.code(),
            Some(0),
            "trial {trial}: {}",
            text(&rerun.stderr)
        );
        if case == "diff" {
            // One new file; put the directory back for the next trial.
            let after = snapshot(&migrations);
            assert_eq!(after.len(), before.len() + 1, "trial {trial}");
            for (path, _) in &after {
                if !before.iter().any(|(p, _)| p == path) {
                    std::fs::remove_file(path).unwrap();
                }
            }
            assert!(schemactl(dir.path(), &["migrate", "hash"]).status.success());
        }
        assert_eq!(
            snapshot(&migrations),
            before,
            "trial {trial}: no stray files"
        );
    }
    eprintln!("{case}: {hit} of {} runs were hit mid-run", trials());
    assert!(
        hit * 2 >= trials(),
        "most crashes should land inside the run ({hit})"
    );
}

#[test]
fn postgres_dev_server_restarts_during_diff() {
    dev_trials(
        "diff",
        |dev| {
            [
                "migrate",
                "diff",
                "next",
                "--to",
                "file://schema.sql",
                "--dev-url",
                dev,
            ]
            .map(str::to_string)
            .to_vec()
        },
        |dir| {
            let tables: String = (1..=FILES)
                .map(|i| format!("CREATE TABLE t{i} (id int);\n"))
                .collect();
            let desired = format!(
                "CREATE TABLE applied_log (n int);\n{tables}CREATE TABLE extra (id int);\n"
            );
            std::fs::write(dir.join("schema.sql"), desired).unwrap();
        },
    );
}

#[test]
fn postgres_dev_server_restarts_during_lint() {
    dev_trials(
        "lint",
        |dev| {
            ["migrate", "lint", "--latest", "4", "--dev-url", dev]
                .map(str::to_string)
                .to_vec()
        },
        |_| {},
    );
}
