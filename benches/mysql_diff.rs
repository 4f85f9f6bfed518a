//! Benchmark: `schemactl schema inspect` and `schema diff` of a 2,000-table MariaDB database
//! against a modified copy (every 20th table gains a column, every 50th retypes one), against
//! `mariadb-dump --no-data` of the same database, measured in the same run.
//!
//! Run: `.ci/test-mariadb.sh start && cargo bench --bench mysql_diff` (needs the mariadb
//! client tools; SCHEMACTL_TEST_MYSQL_URL another server as `mysql://root@HOST:PORT/`,
//! BENCH_TABLES another size, BENCH_RUNS another number of runs).

mod common;

use common::{median_call, ratio, run, time_inspect_and_diff};
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let tables: usize = env_number("BENCH_TABLES", 2000);
    let runs: usize = env_number("BENCH_RUNS", 5);
    let server = std::env::var("SCHEMACTL_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:33069/".into());
    let (host, port) = host_port(&server);
    for (name, modified) in [("schemactl_bench_a", false), ("schemactl_bench_b", true)] {
        let started = Instant::now();
        mariadb(&host, &port, &schema_sql(name, tables, modified));
        eprintln!(
            "created {name} ({tables} tables) in {:.1}s",
            started.elapsed().as_secs_f64()
        );
    }
    let (url_a, url_b) = (
        format!("{server}schemactl_bench_a"),
        format!("{server}schemactl_bench_b"),
    );
    let dump = median_call(runs, || {
        run(Command::new("mariadb-dump").args([
            "-h",
            &host,
            "-P",
            &port,
            "-uroot",
            "--no-data",
            "schemactl_bench_a",
        ]))
    });
    let (inspect, diff, text) = time_inspect_and_diff(runs, &url_a, &url_b);
    let steps = text.lines().filter(|l| l.starts_with("-- ")).count();
    mariadb(
        &host,
        &port,
        "DROP DATABASE schemactl_bench_a; DROP DATABASE schemactl_bench_b;",
    );
    println!(
        "MariaDB inspect + diff, {tables} tables against a modified copy: {steps} steps (median of {runs} runs)"
    );
    println!(
        "  mariadb-dump --no-data (one database)   {:>8.3}s  1.00x",
        dump.as_secs_f64()
    );
    println!(
        "  schemactl schema inspect (one database) {:>8.3}s  {:.2}x",
        inspect.as_secs_f64(),
        ratio(inspect, dump)
    );
    println!(
        "  schemactl schema diff (two databases)   {:>8.3}s  {:.2}x",
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

/// Host and port of a `mysql://root@HOST:PORT/` URL.
fn host_port(url: &str) -> (String, String) {
    let place = url
        .trim_start_matches("mysql://")
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    match place.rsplit_once(':') {
        Some((host, port)) => (host.to_string(), port.to_string()),
        None => (place.to_string(), "3306".to_string()),
    }
}

fn mariadb(host: &str, port: &str, sql: &str) {
    let mut child = Command::new("mariadb")
        .args(["-h", host, "-P", port, "-uroot"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("the mariadb client");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "mariadb client failed");
}

/// `tables` tables with a primary key, a foreign key to the previous table, a unique pair, an
/// index and a default expression, and a view every 10 tables.
fn schema_sql(database: &str, tables: usize, modified: bool) -> String {
    let mut sql = format!(
        "DROP DATABASE IF EXISTS {database}; CREATE DATABASE {database}; USE {database};\n"
    );
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
        let fk = if i > 0 {
            format!(", FOREIGN KEY (parent_id) REFERENCES t{parent} (id)")
        } else {
            String::new()
        };
        writeln!(
            sql,
            "CREATE TABLE t{i} (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, parent_id int, \
             name {name_type} NOT NULL DEFAULT '', amount decimal(10,2) DEFAULT 0, \
             created_at datetime DEFAULT CURRENT_TIMESTAMP{extra}, UNIQUE KEY (name, parent_id), \
             KEY t{i}_amount (amount){fk});"
        )
        .unwrap();
        if i % 10 == 0 {
            writeln!(sql, "CREATE VIEW v{i} AS SELECT id, name FROM t{i};").unwrap();
        }
    }
    sql
}
