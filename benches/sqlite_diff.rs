//! Benchmark: `schemactl schema diff` between two SQLite database files of 2,000 tables (the
//! second one modified so that every 50th table needs a rebuild and every 20th gets a column),
//! against `sqlite3 FILE .schema` (the catalog dump) of one of them, measured in the same run.
//!
//! Run: `cargo bench --bench sqlite_diff` (needs the sqlite3 shell for set-up and the baseline;
//! BENCH_TABLES another size, BENCH_RUNS another number of runs).

mod common;

use common::{median_call, ratio, run, time_inspect_and_diff};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn main() {
    let tables: usize = env_number("BENCH_TABLES", 2000);
    let runs: usize = env_number("BENCH_RUNS", 5);
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for (file, modified) in [(&a, false), (&b, true)] {
        let started = Instant::now();
        sqlite3(file, &schema_sql(tables, modified));
        eprintln!(
            "created {} ({tables} tables) in {:.1}s",
            file.display(),
            started.elapsed().as_secs_f64()
        );
    }
    let url_a = format!("sqlite://{}", a.display());
    let url_b = format!("sqlite://{}", b.display());

    let dump = median_call(runs, || run(Command::new("sqlite3").arg(&a).arg(".schema")));
    let (inspect, diff, text) = time_inspect_and_diff(runs, &url_a, &url_b);
    let rebuilds = text.lines().filter(|l| l.starts_with("-- rebuild")).count();
    let steps = text.lines().filter(|l| l.starts_with("-- ")).count();
    println!(
        "SQLite inspect + diff, {tables} tables against a modified copy: {steps} steps, {rebuilds} rebuilds (median of {runs} runs)"
    );
    println!(
        "  sqlite3 .schema (one file)              {:>8.3}s  1.00x",
        dump.as_secs_f64()
    );
    println!(
        "  schemactl schema inspect (one file)     {:>8.3}s  {:.2}x",
        inspect.as_secs_f64(),
        ratio(inspect, dump)
    );
    println!(
        "  schemactl schema diff (two files)       {:>8.3}s  {:.2}x",
        diff.as_secs_f64(),
        ratio(diff, dump)
    );
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn sqlite3(file: &Path, sql: &str) {
    let script = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(script.path(), format!("BEGIN;\n{sql}COMMIT;\n")).expect("write SQL");
    run(Command::new("sqlite3")
        .arg(file)
        .arg(format!(".read {}", script.path().display())));
}

/// `tables` tables with a primary key, a foreign key to the previous table, a check, a unique
/// pair, a partial expression index, and a view every 10 tables. The modified copy retypes a
/// column every 50 tables (a rebuild) and adds a nullable column every 20 (an ALTER).
fn schema_sql(tables: usize, modified: bool) -> String {
    let mut sql = String::new();
    for i in 0..tables {
        let name_type = if modified && i % 50 == 0 {
            "varchar(200)"
        } else {
            "varchar(100)"
        };
        let parent = i.saturating_sub(1);
        let extra = if modified && i % 20 == 0 {
            ", note text"
        } else {
            ""
        };
        writeln!(
            sql,
            "CREATE TABLE t{i} (id integer PRIMARY KEY, parent_id int REFERENCES t{parent}(id), \
             name {name_type} NOT NULL DEFAULT '', amount numeric(10,2) CHECK (amount >= 0){extra}, \
             UNIQUE (name, parent_id));"
        )
        .unwrap();
        writeln!(
            sql,
            "CREATE INDEX t{i}_name ON t{i} (lower(name)) WHERE amount > 0;"
        )
        .unwrap();
        if i % 10 == 0 {
            writeln!(sql, "CREATE VIEW v{i} AS SELECT id, name FROM t{i};").unwrap();
        }
    }
    sql
}
