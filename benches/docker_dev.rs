//! Benchmark: `schemactl migrate diff --check` of a 40-file migration directory against a
//! desired SQL file, with three dev databases in the same run: a cold per-run Docker container,
//! a warm reused container (`?reuse=true`), and the local test server (the baseline).
//!
//! Run: `bash testdata/docker/build-images.sh && .ci/test-postgres.sh start &&
//! cargo bench --bench docker_dev` (BENCH_RUNS sets the timed runs per kind, default 5;
//! SCHEMACTL_TEST_PG_URL another server).

mod common;

use common::{bench_runs_or, bench_server, median, ratio};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const FILES: usize = 40;
const TABLES_PER_FILE: usize = 3;
const IMAGE_URL: &str = "docker+postgres://schemactl-test/postgres:15/bench";

fn main() {
    common::without_cache();
    let server = bench_server();
    let runs = bench_runs_or(5);
    let build = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/docker/build-images.sh"))
        .status()
        .expect("run build-images.sh");
    assert!(build.success(), "build-images.sh failed");

    let work = tempfile::tempdir().expect("temp dir");
    write_project(work.path());
    let warm_url = format!("{IMAGE_URL}?reuse=true");

    // Untimed: checks the result once per kind, and creates the warm container.
    for dev in [IMAGE_URL, warm_url.as_str(), server.as_str()] {
        let out = migrate_diff(work.path(), dev);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{dev}: --check must report the missing tables: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let cold = median(runs, || time(|| migrate_diff(work.path(), IMAGE_URL)));
    let warm = median(runs, || time(|| migrate_diff(work.path(), &warm_url)));
    let local = median(runs, || time(|| migrate_diff(work.path(), &server)));
    let stopped = schemactl(work.path(), &["dev", "stop", IMAGE_URL]);
    assert!(stopped.status.success(), "dev stop");

    println!(
        "migrate diff --check, {FILES} files ({} tables), median of {runs}:",
        FILES * TABLES_PER_FILE
    );
    println!("  cold container        {:>6.2} s", cold.as_secs_f64());
    println!("  warm reused container {:>6.2} s", warm.as_secs_f64());
    println!("  local dev server URL  {:>6.2} s", local.as_secs_f64());
    println!(
        "  ratios: cold/local {:.2}x, warm/local {:.2}x, cold/warm {:.2}x",
        ratio(cold, local),
        ratio(warm, local),
        ratio(cold, warm)
    );
}

/// `FILES` migration files with their sum file, and a desired state with two more tables.
fn write_project(dir: &Path) {
    let migrations = dir.join("migrations");
    std::fs::create_dir_all(&migrations).expect("mkdir migrations");
    let mut desired = String::new();
    for file in 0..FILES {
        let mut sql = String::new();
        for t in 0..TABLES_PER_FILE {
            let n = file * TABLES_PER_FILE + t;
            sql.push_str(&format!(
                "CREATE TABLE t{n} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());\n\
                 CREATE INDEX t{n}_name ON t{n} (name);\n"
            ));
        }
        desired.push_str(&sql);
        let name = format!("2026010100{:04}_step{file}.sql", file);
        std::fs::write(migrations.join(name), sql).expect("write migration");
    }
    desired.push_str(
        "CREATE TABLE extra1 (id int PRIMARY KEY);\nCREATE TABLE extra2 (id int PRIMARY KEY);\n",
    );
    std::fs::write(dir.join("desired.sql"), desired).expect("write desired.sql");
    let hashed = schemactl(dir, &["migrate", "hash", "--dir", "file://migrations"]);
    assert!(hashed.status.success(), "migrate hash");
}

fn migrate_diff(dir: &Path, dev: &str) -> Output {
    schemactl(
        dir,
        &[
            "migrate",
            "diff",
            "--check",
            "--dir",
            "file://migrations",
            "--to",
            "file://desired.sql",
            "--dev-url",
            dev,
        ],
    )
}

fn schemactl(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run schemactl")
}

fn time(run: impl FnOnce() -> Output) -> Duration {
    let started = Instant::now();
    let out = run();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}
