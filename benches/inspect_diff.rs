//! Benchmark: `schemactl schema inspect` of a 2,000-table database against `pg_dump
//! --schema-only` of it (time and peak memory), and `schemactl schema diff` from it to a
//! modified copy against migra, measured in the same run.
//!
//! Run: `.ci/test-postgres.sh start && cargo bench --bench inspect_diff`
//! (SCHEMACTL_TEST_PG_URL picks another server; BENCH_TABLES another size; BENCH_MIGRA the
//! migra program, else `migra` on PATH; without one the migra row is left out; BENCH_KEEP=1
//! keeps both databases for profiling by hand.)

mod common;

use common::{median_call, peak_rss_kib, ratio, run, time_inspect_and_diff};
use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

fn main() {
    let server = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
    let tables: usize = std::env::var("BENCH_TABLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let base = server
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .expect("URL with a database");
    let (db_a, db_b) = ("schemactl_bench_a", "schemactl_bench_b");

    for (db, modified) in [(db_a, false), (db_b, true)] {
        psql(&server, &format!("DROP DATABASE IF EXISTS {db}"));
        psql(&server, &format!("CREATE DATABASE {db}"));
        let started = Instant::now();
        psql_file(&format!("{base}/{db}"), &schema_sql(tables, modified));
        eprintln!(
            "created {db} ({tables} tables) in {:.1}s",
            started.elapsed().as_secs_f64()
        );
    }
    let url_a = format!("{base}/{db_a}");
    let url_b = format!("{base}/{db_b}");

    let pg_dump = median_call(runs, || {
        run(Command::new("pg_dump").args(["--schema-only", "-d", &url_a]))
    });
    let (inspect, diff, plan) = time_inspect_and_diff(runs, &url_a, &url_b);
    let statements = plan.lines().filter(|l| l.starts_with("-- ")).count();
    println!("inspect + diff, {tables} tables against a modified copy: {statements} planned steps");
    println!("inspect + diff, {tables} tables against a modified copy (median of {runs} runs)");
    println!(
        "  pg_dump --schema-only (one database)   {:>8.3}s  1.00x",
        pg_dump.as_secs_f64()
    );
    println!(
        "  schemactl schema inspect (one database) {:>7.3}s  {:.2}x",
        inspect.as_secs_f64(),
        ratio(inspect, pg_dump)
    );
    println!(
        "  schemactl schema diff (two databases)  {:>8.3}s  {:.2}x",
        diff.as_secs_f64(),
        ratio(diff, pg_dump)
    );
    if let Some(migra) = migra_program() {
        let diff_of = |u: &str| u.replacen("postgres://", "postgresql+psycopg2://", 1);
        let (from, to) = (diff_of(&url_a), diff_of(&url_b));
        let migra_took = median_call(runs, || migra_diff(&migra, &from, &to));
        println!(
            "  migra --unsafe (two databases)          {:>7.3}s  {:.2}x  (schema diff / migra {:.2})",
            migra_took.as_secs_f64(),
            ratio(migra_took, pg_dump),
            ratio(diff, migra_took)
        );
    } else {
        println!("  migra: not found (BENCH_MIGRA or `migra` on PATH); left out");
    }

    let schemactl = env!("CARGO_BIN_EXE_schemactl");
    let dump_peak = peak_rss_kib("pg_dump", &["--schema-only", "-d", &url_a]);
    let inspect_peak = peak_rss_kib(schemactl, &["schema", "inspect", "--url", &url_a]);
    let diff_peak = peak_rss_kib(
        schemactl,
        &["schema", "diff", "--from", &url_a, "--to", &url_b],
    );
    if let (Some(dump), Some(inspect), Some(diff)) = (dump_peak, inspect_peak, diff_peak) {
        let mib = |kib: u64| kib as f64 / 1024.0;
        println!("peak resident memory, {tables} tables");
        println!("  pg_dump --schema-only     {:>7.1} MiB  1.00x", mib(dump));
        println!(
            "  schemactl schema inspect  {:>7.1} MiB  {:.2}x",
            mib(inspect),
            inspect as f64 / dump as f64
        );
        println!(
            "  schemactl schema diff     {:>7.1} MiB  {:.2}x",
            mib(diff),
            diff as f64 / dump as f64
        );
    } else {
        println!("peak memory: /usr/bin/time (Debian's `time`) not installed; left out");
    }

    if std::env::var_os("BENCH_KEEP").is_some() {
        eprintln!("kept {url_a} and {url_b} (BENCH_KEEP)");
        return;
    }
    for db in [db_a, db_b] {
        psql(&server, &format!("DROP DATABASE IF EXISTS {db}"));
    }
}

/// migra: `BENCH_MIGRA`, else `migra` on PATH.
fn migra_program() -> Option<String> {
    if let Ok(program) = std::env::var("BENCH_MIGRA") {
        return Some(program);
    }
    let on_path = Command::new("migra").arg("--help").output();
    on_path
        .is_ok_and(|out| out.status.success())
        .then(|| "migra".to_string())
}

/// One migra run; it exits 2 when the databases differ, which they do here.
fn migra_diff(migra: &str, from: &str, to: &str) {
    let out = Command::new(migra)
        .args(["--unsafe", from, to])
        .output()
        .expect("spawn migra");
    assert!(
        matches!(out.status.code(), Some(0 | 2)) && !out.stdout.is_empty(),
        "migra failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn psql(url: &str, sql: &str) {
    run(Command::new("psql").args(["-qX", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]));
}

fn psql_file(url: &str, sql: &str) {
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), sql).expect("write SQL");
    run(Command::new("psql")
        .args(["-qX", "-v", "ON_ERROR_STOP=1", "-d", url, "-f"])
        .arg(file.path()));
}

/// `tables` tables, each with a primary key, a foreign key to the previous one, an enum, a
/// check, an index and a comment, and a view every 10 tables. The modified copy widens a type
/// every 50 tables, adds a column every 20, drops an index every 100 and adds 5 tables.
fn schema_sql(tables: usize, modified: bool) -> String {
    let mut sql = String::from("CREATE TYPE status AS ENUM ('new', 'active', 'closed');\n");
    for i in 0..tables {
        let name_type = if modified && i % 50 == 0 {
            "varchar(200)"
        } else {
            "varchar(100)"
        };
        let parent = if i == 0 {
            String::new()
        } else {
            format!("parent_id bigint REFERENCES t{}(id),", i - 1)
        };
        let extra = if modified && i % 20 == 0 {
            ", note text"
        } else {
            ""
        };
        writeln!(
            sql,
            "CREATE TABLE t{i} (id bigserial PRIMARY KEY, {parent} name {name_type} NOT NULL, \
             status status NOT NULL DEFAULT 'new', amount numeric(10,2) CHECK (amount >= 0), \
             created_at timestamptz NOT NULL DEFAULT now(), data jsonb{extra});"
        )
        .unwrap();
        if !(modified && i % 100 == 0) {
            writeln!(sql, "CREATE INDEX t{i}_name_idx ON t{i} (name);").unwrap();
        }
        writeln!(sql, "COMMENT ON TABLE t{i} IS 'table number {i}';").unwrap();
        if i % 10 == 0 {
            writeln!(
                sql,
                "CREATE VIEW v{i} AS SELECT id, name FROM t{i} WHERE status = 'active';"
            )
            .unwrap();
        }
    }
    if modified {
        for i in 0..5 {
            writeln!(
                sql,
                "CREATE TABLE extra{i} (id int PRIMARY KEY, t0_id bigint REFERENCES t0(id));"
            )
            .unwrap();
        }
    }
    sql
}
