//! Finding and killing the processes that run inside a local server's directory.
//!
//! A server and an install's bootstrap server name the directory in their arguments
//! (`--datadir=<dir>/data`, `--socket=<dir>/mysql.sock`), and the directory's name is unique
//! (it holds a random part), so that "a process whose command line names a path inside it"
//! picks out exactly its processes, also after the run that started them was killed.

use crate::devdb::cleanup::process_alive;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long to wait for killed processes to go.
const GONE_TIMEOUT: Duration = Duration::from_secs(10);

/// Process ids (other than ours) whose command line names a path inside `dir`.
pub(super) fn processes_in(dir: &Path) -> Vec<i32> {
    let mut needle = dir.as_os_str().as_encoded_bytes().to_vec();
    needle.push(b'/');
    let me = std::process::id() as i32;
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| *pid != me)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmdline| cmdline.windows(needle.len()).any(|w| w == needle))
        })
        .collect()
}

/// SIGKILLs every process in `dir` until none is left (a shell script may fork between a scan
/// and the kill) and waits until they are gone. The data is thrown away, so there is nothing
/// to shut down cleanly.
pub(super) fn kill_all_in(dir: &Path) {
    let deadline = Instant::now() + GONE_TIMEOUT;
    let mut killed = Vec::new();
    while Instant::now() < deadline {
        let pids = processes_in(dir);
        if pids.is_empty() {
            break;
        }
        for pid in pids {
            kill(nix::unistd::Pid::from_raw(pid));
            killed.push(pid);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    while killed.iter().any(|pid| process_alive(*pid)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// SIGKILLs a process group we started (its leader's pid; never 0 or 1, which would mean our
/// own group or every process).
pub(super) fn kill_group(group: i32) {
    if group > 1 {
        kill(nix::unistd::Pid::from_raw(-group));
    }
}

fn kill(pid: nix::unistd::Pid) {
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).ok();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_naming_the_directory_is_found_and_killed() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("data");
        std::fs::write(&marker, "").unwrap();
        // One process (no child of its own to orphan) with a path inside `dir` as argument.
        let mut child = std::process::Command::new("tail")
            .arg("-f")
            .arg(&marker)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id() as i32;
        let deadline = Instant::now() + Duration::from_secs(5);
        while !processes_in(dir.path()).contains(&pid) {
            assert!(Instant::now() < deadline, "{pid} not found");
            std::thread::sleep(Duration::from_millis(10));
        }
        let other = tempfile::tempdir().unwrap();
        assert!(!processes_in(other.path()).contains(&pid));
        kill_all_in(dir.path());
        assert!(child.wait().unwrap().code().is_none(), "killed by a signal");
    }
}
