//! Leak test: 20 `migrate diff` runs on `docker://` dev containers, some interrupted by SIGINT
//! or SIGTERM at random moments, some with a failing provider; afterwards the engine's API,
//! asked by label, must list no container any of those runs started.

#[path = "support/docker.rs"]
mod docker_support;

use docker_support::{TEST_DEV_URL, containers_of_pid, ensure_test_image};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const RUNS: usize = 20;
/// Runs at the same time (the engine starts containers in parallel).
const BATCH: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Completes,
    FailingProvider,
    Signal(nix::sys::signal::Signal),
}

/// A small deterministic generator; the seed is printed so that a failure can be replayed
/// with SCHEMACTL_LEAK_SEED.
struct Lcg(u64);

impl Lcg {
    fn next_below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

fn project(dir: &Path, ending: Ending) {
    let provider = match ending {
        Ending::FailingProvider => {
            "#!/bin/sh\nsleep 0.3\necho 'models do not import' >&2\nexit 3\n"
        }
        _ => {
            "#!/bin/sh\ncat <<'SQL'\nCREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);\nSQL\n"
        }
    };
    let script = dir.join("provider.sh");
    std::fs::write(&script, provider).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(
        dir.join("schemactl.hcl"),
        format!(
            "data \"external_schema\" \"app\" {{\n  program = [\"./provider.sh\"]\n}}\n\
             env \"local\" {{\n  src = data.external_schema.app.url\n  dev = \"{TEST_DEV_URL}\"\n  \
             migration {{\n    dir = \"file://migrations\"\n  }}\n}}\n"
        ),
    )
    .unwrap();
}

fn spawn(dir: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_schemactl"))
        // Each run must start its container: no cached state may stand in for it.
        .env("SCHEMACTL_NO_CACHE", "1")
        .current_dir(dir)
        .args(["migrate", "diff", "init", "--env", "local"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn no_container_survives_interrupted_failed_or_completed_runs() {
    use nix::sys::signal::Signal::{SIGINT, SIGTERM};
    ensure_test_image();
    let seed = std::env::var("SCHEMACTL_LEAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("leak test seed {seed} (set SCHEMACTL_LEAK_SEED to replay)");
    let mut random = Lcg(seed);
    let endings: Vec<Ending> = (0..RUNS)
        .map(|i| match i % 4 {
            0 => Ending::FailingProvider,
            1 => Ending::Signal(SIGINT),
            2 => Ending::Signal(SIGTERM),
            _ => Ending::Completes,
        })
        .collect();

    let mut pids = Vec::new();
    let mut interrupted = 0;
    for batch in endings.chunks(BATCH) {
        let dirs: Vec<_> = batch.iter().map(|_| tempfile::tempdir().unwrap()).collect();
        let mut children = Vec::new();
        for (ending, dir) in batch.iter().zip(&dirs) {
            project(dir.path(), *ending);
            // Up to 2.5 s: before, during and after the container's start-up (~1.5 s).
            let delay = Duration::from_millis(random.next_below(2500));
            children.push((*ending, delay, spawn(dir.path())));
        }
        let started = std::time::Instant::now();
        let mut signals: Vec<_> = children
            .iter()
            .filter_map(|(ending, delay, child)| match ending {
                Ending::Signal(signal) => Some((*delay, child.id(), *signal)),
                _ => None,
            })
            .collect();
        signals.sort();
        for (delay, pid, signal) in signals {
            std::thread::sleep(delay.saturating_sub(started.elapsed()));
            // The run may have finished already; then there is nothing to interrupt.
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), signal);
        }
        for (ending, delay, child) in children {
            let pid = child.id();
            pids.push(pid);
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let code = out.status.code();
            eprintln!("run {pid}: {ending:?} after {delay:?} -> {code:?}");
            match ending {
                Ending::Completes => assert_eq!(code, Some(0), "{stderr}"),
                Ending::FailingProvider => {
                    // A provider that fails is bad input (exit 2), as in every other run.
                    assert_eq!(code, Some(2), "{stderr}");
                    assert!(stderr.contains("models do not import"), "{stderr}");
                }
                Ending::Signal(signal) => {
                    let expected = 128 + signal as i32;
                    // 0: finished before the signal; None: killed before schemactl installed
                    // its handlers (nothing was started yet).
                    assert!(
                        code == Some(expected) || code == Some(0) || code.is_none(),
                        "{code:?}: {stderr}"
                    );
                    if code == Some(expected) {
                        interrupted += 1;
                        assert!(stderr.contains("interrupted by"), "{stderr}");
                    }
                }
            }
        }
    }
    let leaked: Vec<String> = pids
        .iter()
        .flat_map(|pid| containers_of_pid(*pid))
        .collect();
    assert_eq!(
        leaked,
        Vec::<String>::new(),
        "containers left behind (seed {seed})"
    );
    assert!(
        interrupted >= 3,
        "only {interrupted} of 10 signalled runs were interrupted mid-run (seed {seed})"
    );
}
