//! Helpers shared by the benchmarks: timing, medians, running commands, files.

#![allow(dead_code)]

pub mod generated;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The `.sql` files of `dir`, in version order.
pub fn migration_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read migrations dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
    std::fs::write(path, text).expect("write file");
}

/// Makes every schemactl this benchmark starts run without the cache: they time cold paths
/// (the cache's own benchmark times warm ones). Call first in `main`, before any thread.
pub fn without_cache() {
    // SAFETY: called at the start of main, while the process has one thread.
    unsafe { std::env::set_var("SCHEMACTL_NO_CACHE", "1") };
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn timed(f: impl FnOnce()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

pub fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// The median of `runs` timings; `measure` returns the time of the part it wants counted.
pub fn median(runs: usize, measure: impl FnMut() -> Duration) -> Duration {
    median_with_cpu(runs, measure).0
}

pub fn run(command: &mut Command) -> Output {
    let output = command.output().expect("spawn");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        text(&output.stderr)
    );
    output
}

/// The test server's URL (`SCHEMACTL_TEST_PG_URL`).
pub fn bench_server() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

/// The number of timed runs (`BENCH_RUNS`, default 3).
pub fn bench_runs() -> usize {
    bench_runs_or(3)
}

/// The number of timed runs (`BENCH_RUNS`, else `default`).
pub fn bench_runs_or(default: usize) -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Runs one SQL command with psql; a failure stops the benchmark.
pub fn psql(url: &str, sql: &str) {
    run(Command::new("psql").args(["-qX", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]));
}

/// Runs `f` with the URL of a new, empty database named after `label`, dropped afterwards;
/// returns what `f` timed.
pub fn in_fresh_database(server: &str, label: &str, f: impl FnOnce(&str) -> Duration) -> Duration {
    let name = format!("schemactl_bench_{label}_{}", std::process::id());
    let (base, _) = server.rsplit_once('/').expect("URL with a database");
    psql(server, &format!("DROP DATABASE IF EXISTS {name}"));
    psql(server, &format!("CREATE DATABASE {name}"));
    let took = f(&format!("{base}/{name}"));
    psql(server, &format!("DROP DATABASE {name}"));
    took
}

/// The median time of `runs` whole calls of `call`, after one warm-up call.
pub fn median_call<T>(runs: usize, mut call: impl FnMut() -> T) -> Duration {
    call(); // warm-up: caches, first connection
    median(runs, || timed(|| drop(call())))
}

/// Medians of `schema inspect --format json` of `url_a` and `schema diff` from `url_a` to
/// `url_b`, and the diff's SQL (for counting what it plans).
pub fn time_inspect_and_diff(
    runs: usize,
    url_a: &str,
    url_b: &str,
) -> (Duration, Duration, String) {
    let schemactl = env!("CARGO_BIN_EXE_schemactl");
    let inspect = median_call(runs, || {
        run(Command::new(schemactl).args(["schema", "inspect", "--format", "json", "--url", url_a]))
    });
    let diff_args = ["schema", "diff", "--from", url_a, "--to", url_b];
    let diff = median_call(runs, || run(Command::new(schemactl).args(diff_args)));
    let plan = text(&run(Command::new(schemactl).args(diff_args)).stdout);
    (inspect, diff, plan)
}

/// The peak resident memory (KiB) of one run of `program args`, read by GNU time
/// (`/usr/bin/time -f %M`, Debian's `time` package); None where it is not installed.
pub fn peak_rss_kib(program: &str, args: &[&str]) -> Option<u64> {
    let gnu_time = Path::new("/usr/bin/time");
    if !gnu_time.exists() {
        return None;
    }
    let report = tempfile::NamedTempFile::new().expect("temp file");
    let out = Command::new(gnu_time)
        .args(["-f", "%M", "-o"])
        .arg(report.path())
        .arg(program)
        .args(args)
        .output()
        .expect("spawn time");
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        text(&out.stderr)
    );
    std::fs::read_to_string(report.path())
        .ok()?
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

/// CPU seconds the whole machine has spent busy (user, nice, system, irq, softirq, steal in
/// `/proc/stat`) since boot; 0 where there is no `/proc/stat`. The difference around a run
/// counts every process it kept busy, the database server's included.
pub fn machine_busy_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = stat.lines().next() else {
        return 0.0;
    };
    let fields: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: all but idle and iowait.
    let busy: f64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| fields.get(i))
        .sum();
    busy / 100.0 // USER_HZ is 100 on Linux
}

/// The cores the machine has (`available_parallelism`).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// [`median`], with the machine's busy CPU seconds during the median run.
pub fn median_with_cpu(runs: usize, mut measure: impl FnMut() -> Duration) -> (Duration, f64) {
    let mut samples: Vec<(Duration, f64)> = (0..runs.max(1))
        .map(|_| {
            let before = machine_busy_seconds();
            let took = measure();
            (took, machine_busy_seconds() - before)
        })
        .collect();
    samples.sort_by_key(|s| s.0);
    samples[samples.len() / 2]
}
