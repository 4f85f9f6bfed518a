//! Benchmark: `schemactl migrate apply` of a 300-file directory (one transaction and one
//! revision row per file, under the advisory lock) against the least work that applies the
//! same files safely: one `psql` session running every file between BEGIN and COMMIT.
//! The ratio is the runner's overhead (process start, statement splitting, one round trip per
//! statement, revision rows).
//!
//! Run: `.ci/test-postgres.sh start && cargo bench --bench migrate_apply`
//! (SCHEMACTL_TEST_PG_URL picks another server; BENCH_RUNS the number of timed runs.)

mod common;

use common::{bench_runs, bench_server, in_fresh_database, median, run, timed};
use std::process::Command;

const FILES: usize = 300;

fn main() {
    let server = bench_server();
    let runs = bench_runs();
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path().join("migrations");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut script = String::new();
    let mut statements = 0;
    for i in 1..=FILES {
        let sql = file_sql(i);
        statements += sql.matches(";\n").count();
        std::fs::write(dir.join(format!("{i:04}_t{i}.sql")), &sql).expect("write file");
        script.push_str(&format!("BEGIN;\n{sql}COMMIT;\n"));
    }
    let script_path = work.path().join("all.sql");
    std::fs::write(&script_path, script).expect("write script");
    let schemactl = env!("CARGO_BIN_EXE_schemactl");
    let dir_url = format!("file://{}", dir.display());
    run(Command::new(schemactl).args(["migrate", "hash", "--dir", &dir_url]));

    let apply = median(runs, || {
        in_fresh_database(&server, "ma", |url| {
            timed(|| {
                run(Command::new(schemactl)
                    .args(["migrate", "apply", "--url", url, "--dir", &dir_url]));
            })
        })
    });
    let psql = median(runs, || {
        in_fresh_database(&server, "ma", |url| {
            timed(|| {
                run(Command::new("psql")
                    .args(["-qX", "-v", "ON_ERROR_STOP=1", "-d", url, "-f"])
                    .arg(&script_path));
            })
        })
    });
    println!(
        "migrate apply, {FILES} files / {statements} statements, median of {runs} runs:\n  \
         schemactl migrate apply   {:>7.3} s\n  \
         psql, one session         {:>7.3} s\n  \
         ratio                     {:>7.2}x",
        apply.as_secs_f64(),
        psql.as_secs_f64(),
        apply.as_secs_f64() / psql.as_secs_f64()
    );
}

/// A table, an index and a few rows: the shape of a typical small migration.
fn file_sql(i: usize) -> String {
    format!(
        "CREATE TABLE t{i} (id bigint PRIMARY KEY, name text NOT NULL, qty integer DEFAULT 0);\n\
         CREATE INDEX t{i}_name ON t{i} (name);\n\
         INSERT INTO t{i} (id, name) SELECT g, 'n' || g FROM generate_series(1, 20) g;\n\
         COMMENT ON TABLE t{i} IS 'table {i}';\n"
    )
}
