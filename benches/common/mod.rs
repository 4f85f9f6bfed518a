//! Timing helpers shared by the benchmarks.

#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// How much slower `a` is than `b`.
pub fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// The median of `runs` timed calls, after one warm-up call.
pub fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm-up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Runs a command to completion; a failure stops the benchmark with its stderr.
pub fn run(command: &mut Command) {
    let output = command.output().expect("spawn");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
