//! Benchmark: `schemactl migrate lint --latest 1` on a generated 300-file directory (replaying
//! the 299 files before the latest on the dev database, then checking each statement of the
//! latest against the inspected state before and after it), against `psql` replaying the same
//! 300 files in the same run; and the price of measuring each statement (locks, rewrites):
//! the same lint with and without `--no-measure`, paired, cold (no cache) and warm (the 299
//! files kept as a template on the server).
//!
//! Run: `.ci/test-postgres.sh start && cargo bench --bench lint`
//! (SCHEMACTL_TEST_PG_URL picks another server; BENCH_RUNS the number of timed runs.)

mod common;

use common::{
    bench_runs, bench_server, in_fresh_database, median, migration_files, ratio, run, text, timed,
    write,
};
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

const FILES: usize = 300;
/// Tables created by the first file; every later file adds one more with an index.
const FIRST_FILE_TABLES: usize = 200;

fn main() {
    common::without_cache();
    let server = bench_server();
    let runs = bench_runs();
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path().join("migrations");
    write_migrations(&dir);
    run(Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .args(["migrate", "hash", "--dir"])
        .arg(format!("file://{}", dir.display())));
    let files = migration_files(&dir);
    assert_eq!(files.len(), FILES);
    let all_sql = work.path().join("all.sql");
    let concatenated: Vec<u8> = files
        .iter()
        .flat_map(|f| std::fs::read(f).expect("read migration"))
        .collect();
    std::fs::write(&all_sql, concatenated).expect("write concatenated migrations");

    // One untimed run checks the findings: the latest file's risky statements, nothing else.
    let checked = lint(&server, &dir, &[], None);
    let report = text(&checked.stdout);
    for code in ["PG101", "MF104", "DS103"] {
        assert!(report.contains(code), "expected {code} in:\n{report}");
    }
    assert_eq!(checked.status.code(), Some(1), "DS103 fails the gate");

    let lint_time = median(runs, || timed(|| drop(lint(&server, &dir, &[], None))));
    // Paired runs, alternating, so that both see the same server and machine load.
    let cache = work.path().join("cache");
    let mut cold = (Vec::new(), Vec::new());
    let mut warm = (Vec::new(), Vec::new());
    // `migrate validate` of the 299 files before the latest keeps the template the warm runs
    // start from (as a `migrate diff` or `validate` of the main branch does in CI).
    let prefix = work.path().join("prefix");
    std::fs::create_dir(&prefix).expect("prefix dir");
    for file in &files[..FILES - 1] {
        std::fs::copy(file, prefix.join(file.file_name().unwrap())).expect("copy");
    }
    for args in [
        vec!["migrate", "hash", "--dir"],
        vec!["migrate", "validate", "--dev-url", &server, "--dir"],
    ] {
        run(Command::new(env!("CARGO_BIN_EXE_schemactl"))
            .args(args)
            .arg(format!("file://{}", prefix.display()))
            .env_remove("SCHEMACTL_NO_CACHE")
            .env("SCHEMACTL_CACHE_DIR", &cache));
    }
    for _ in 0..runs {
        cold.0.push(timed(|| drop(lint(&server, &dir, &[], None))));
        cold.1
            .push(timed(|| drop(lint(&server, &dir, &["--no-measure"], None))));
        warm.0
            .push(timed(|| drop(lint(&server, &dir, &[], Some(&cache)))));
        warm.1.push(timed(|| {
            drop(lint(&server, &dir, &["--no-measure"], Some(&cache)))
        }));
    }
    run(Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .args(["cache", "clear", "--dev-url", &server])
        .env_remove("SCHEMACTL_NO_CACHE")
        .env("SCHEMACTL_CACHE_DIR", &cache));
    let replay_each = median(runs, || {
        in_fresh_database(&server, "lint", |url| {
            timed(|| {
                for file in &files {
                    psql_file(url, file);
                }
            })
        })
    });
    let replay_one = median(runs, || {
        in_fresh_database(&server, "lint", |url| timed(|| psql_file(url, &all_sql)))
    });
    println!("migrate lint --latest 1 on a {FILES}-file directory, median of {runs} runs");
    let row = |label: &str, d: Duration| println!("  {label:<52} {:>8.3}s", d.as_secs_f64());
    row(
        "(a) schemactl migrate lint --latest 1 (with replay)",
        lint_time,
    );
    row(
        "(b) psql -f per migration file (300 processes)",
        replay_each,
    );
    row("(b') psql -f of the 300 files concatenated", replay_one);
    println!("  ratio a / b  = {:.2}", ratio(lint_time, replay_each));
    println!("  ratio a / b' = {:.2}", ratio(lint_time, replay_one));
    let pair = |label: &str, (measured, unmeasured): &(Vec<Duration>, Vec<Duration>)| {
        let m = median_of(measured);
        let u = median_of(unmeasured);
        let ratios: Vec<f64> = measured
            .iter()
            .zip(unmeasured)
            .map(|(m, u)| ratio(*m, *u))
            .collect();
        let low = ratios.iter().copied().fold(f64::MAX, f64::min);
        let high = ratios.iter().copied().fold(0.0, f64::max);
        println!(
            "  {label:<30} measured {:>7.3}s  --no-measure {:>7.3}s  ratio {:.2} ({low:.2} to {high:.2}; goal at most 1.3)",
            m.as_secs_f64(),
            u.as_secs_f64(),
            ratio(m, u)
        );
    };
    println!("the measurement's price, {runs} paired runs:");
    pair("cold (no cache)", &cold);
    pair("warm (kept template)", &warm);
}

fn median_of(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

/// `migrate lint --latest 1`, with `extra` flags; `cache`: run with the cache in that directory
/// (else without any).
fn lint(server: &str, dir: &Path, extra: &[&str], cache: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_schemactl"));
    command
        .args([
            "migrate",
            "lint",
            "--latest",
            "1",
            "--dev-url",
            server,
            "--dir",
        ])
        .arg(format!("file://{}", dir.display()))
        .args(extra);
    if let Some(cache) = cache {
        command
            .env_remove("SCHEMACTL_NO_CACHE")
            .env("SCHEMACTL_CACHE_DIR", cache);
    }
    let output = command.output().expect("spawn schemactl");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "lint failed: {}",
        text(&output.stderr)
    );
    output
}

fn psql_file(url: &str, file: &Path) {
    run(Command::new("psql")
        .args(["-qX", "-v", "ON_ERROR_STOP=1", "-d", url, "-f"])
        .arg(file));
}

fn create_table(i: usize) -> String {
    let parent = match i {
        0 => String::new(),
        _ => format!(" REFERENCES t{} (id)", i - 1),
    };
    format!(
        "CREATE TABLE t{i} (\n  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n  \
         name text NOT NULL,\n  note text,\n  parent_id bigint{parent},\n  \
         created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX t{i}_parent ON t{i} (parent_id);\n"
    )
}

/// 300 files: many tables first, one table per file after, and a risky latest file.
fn write_migrations(dir: &Path) {
    let mut files = vec![(0..FIRST_FILE_TABLES).map(create_table).collect::<String>()];
    for k in 1..FILES - 1 {
        files.push(create_table(FIRST_FILE_TABLES + k - 1));
    }
    files.push(
        "SET lock_timeout = '2s';\nSET statement_timeout = '1min';\n\
         CREATE INDEX t5_name ON t5 (name);\n\
         ALTER TABLE t6 ALTER COLUMN note SET NOT NULL;\n\
         ALTER TABLE t7 DROP COLUMN note;\n"
            .to_string(),
    );
    for (n, sql) in files.iter().enumerate() {
        let version = format!("20240101{:02}{:02}00", n / 60, n % 60);
        write(&dir.join(format!("{version}_step_{:03}.sql", n + 1)), sql);
    }
}
