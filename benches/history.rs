//! Benchmark: `schemactl migrate history` of a 300-file directory (replay file by file,
//! inspect after each file and after each statement of multi-statement files, diff, plan the
//! risks) against `schemactl migrate validate` of the same directory (one replay, one
//! inspection), in the same run on the same server. The goal: at most 3x.
//!
//! Run: `.ci/test-postgres.sh start && cargo bench --bench history`
//! (SCHEMACTL_TEST_PG_URL picks another server; BENCH_RUNS the number of timed pairs, 5 unless
//! given.)

mod common;

use common::{bench_runs_or, bench_server, ratio, run, timed};
use std::process::Command;
use std::time::Duration;

const FILES: usize = 300;

fn main() {
    common::without_cache();
    let server = bench_server();
    let runs = bench_runs_or(5);
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path().join("migrations");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for i in 1..=FILES {
        std::fs::write(dir.join(format!("{i:04}_step{i}.sql")), file_sql(i)).expect("write");
    }
    let schemactl = env!("CARGO_BIN_EXE_schemactl");
    let dir_url = format!("file://{}", dir.display());
    run(Command::new(schemactl).args(["migrate", "hash", "--dir", &dir_url]));
    let time = |verb: &str| {
        timed(|| {
            run(Command::new(schemactl).args([
                "migrate",
                verb,
                "--dir",
                &dir_url,
                "--dev-url",
                &server,
            ]));
        })
    };
    // The two verbs alternate, and each pair gives one ratio: the machine's speed drifts
    // between runs (validate's CREATE DATABASE most of all), a pair sees the same drift.
    let mut pairs: Vec<(Duration, Duration)> = (0..runs.max(1))
        .map(|_| (time("history"), time("validate")))
        .collect();
    let mut ratios: Vec<f64> = pairs.iter().map(|(h, v)| ratio(*h, *v)).collect();
    ratios.sort_by(f64::total_cmp);
    pairs.sort_by_key(|(history, _)| *history);
    let history = pairs[pairs.len() / 2].0;
    pairs.sort_by_key(|(_, validate)| *validate);
    let validate = pairs[pairs.len() / 2].1;
    println!(
        "migrate history, {FILES} files, median of {runs} alternating runs:\n  \
         schemactl migrate history   {:>7.3} s\n  \
         schemactl migrate validate  {:>7.3} s\n  \
         ratio of each pair          {} (goal: at most 3x)\n  \
         median ratio                {:>7.2}x",
        history.as_secs_f64(),
        validate.as_secs_f64(),
        ratios
            .iter()
            .map(|r| format!("{r:.2}x"))
            .collect::<Vec<_>>()
            .join(" "),
        ratios[ratios.len() / 2]
    );
}

/// Every tenth file creates a table; the others change one: a column, an index, a default,
/// a comment, a rename, a drop. Some files hold two statements.
fn file_sql(i: usize) -> String {
    let table = format!("t{}", (i - 1) / 10 * 10 + 1);
    match i % 10 {
        1 => format!("CREATE TABLE {table} (id bigint PRIMARY KEY, name text NOT NULL);\n"),
        2 => format!("ALTER TABLE {table} ADD COLUMN qty integer;\n"),
        3 => format!("CREATE INDEX {table}_name ON {table} (name);\n"),
        4 => format!("ALTER TABLE {table} ALTER COLUMN qty SET DEFAULT 0;\n"),
        5 => format!(
            "UPDATE {table} SET qty = 0 WHERE qty IS NULL;\nALTER TABLE {table} ALTER COLUMN qty SET NOT NULL;\n"
        ),
        6 => format!("COMMENT ON TABLE {table} IS 'table {i}';\n"),
        7 => format!("ALTER TABLE {table} RENAME COLUMN name TO title;\n"),
        8 => format!("ALTER TABLE {table} ADD COLUMN note text, ADD COLUMN at timestamptz;\n"),
        9 => format!("ALTER TABLE {table} DROP COLUMN note;\n"),
        _ => format!("ALTER TABLE {table} ALTER COLUMN qty TYPE bigint;\n"),
    }
}
