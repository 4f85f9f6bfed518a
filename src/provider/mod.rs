//! External schema providers: run a program (argv, no shell) and capture the DDL it prints.
//!
//! The program runs in its own process group with stdin closed; a timeout, an oversized output
//! or the caller dropping the future kills the whole group. Every failure is the user's bad input
//! (exit 2) and names the program and the tail of what it wrote to stderr.

mod group;
mod output;
pub mod sqlalchemy;

use crate::error::bad_input;
use anyhow::Result;
use group::GroupKiller;
use output::{StderrTail, Stdout, TAIL_LINES, read_bounded};
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;
use tokio::process::Command;

/// How long a provider may run before it is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// How much a provider may print before it is killed.
pub const DEFAULT_MAX_OUTPUT: usize = 64 * 1024 * 1024;

/// One provider program to run.
#[derive(Debug, Clone)]
pub struct ProgramSpec {
    /// The name messages use, e.g. the `external_schema` block's label.
    pub name: String,
    /// The program and its arguments; `argv[0]` is looked up on PATH unless it contains a `/`,
    /// in which case it is a path relative to `working_dir`.
    pub argv: Vec<String>,
    pub working_dir: PathBuf,
    pub timeout: Duration,
    pub max_output: usize,
    /// Globs (relative to `working_dir`) of the files the output depends on; empty: the
    /// output is never reused.
    pub inputs: Vec<String>,
    /// Environment variables the output depends on, besides those that always count.
    pub inputs_env: Vec<String>,
}

impl ProgramSpec {
    /// A spec with the default timeout and output bound.
    pub fn new(
        name: impl Into<String>,
        argv: Vec<String>,
        working_dir: impl Into<PathBuf>,
    ) -> Self {
        Self {
            name: name.into(),
            argv,
            working_dir: working_dir.into(),
            timeout: DEFAULT_TIMEOUT,
            max_output: DEFAULT_MAX_OUTPUT,
            inputs: Vec::new(),
            inputs_env: Vec::new(),
        }
    }
}

/// Runs `argv[0]` with the rest as arguments (never through a shell), in `working_dir`, stdin
/// closed, and returns what it printed on stdout.
///
/// Errors (all bad input): program not found, non-zero exit, killed by a signal, timeout,
/// empty output, output over `max_output`, output that is not UTF-8.
pub async fn run_program(spec: &ProgramSpec) -> Result<String> {
    run(spec, None).await
}

/// [`run_program`], and each piece of stdout also goes to `sink` as the program prints it
/// (the sender is dropped when stdout ends). The result is the same: the whole output, or the
/// error; what was sent before an error is the caller's to throw away.
pub async fn run_program_streaming(
    spec: &ProgramSpec,
    sink: tokio::sync::mpsc::UnboundedSender<Vec<u8>>,
) -> Result<String> {
    run(spec, Some(sink)).await
}

async fn run(
    spec: &ProgramSpec,
    sink: Option<tokio::sync::mpsc::UnboundedSender<Vec<u8>>>,
) -> Result<String> {
    let Some(first) = spec.argv.first() else {
        return Err(bad_input(format!(
            "provider `{}`: the program is empty (give at least the program name)",
            spec.name
        )));
    };
    if !spec.working_dir.is_dir() {
        return Err(bad_input(format!(
            "provider `{}`: working directory {} does not exist",
            spec.name,
            spec.working_dir.display()
        )));
    }
    let program = resolve_program(first, &spec.working_dir);
    let mut command = Command::new(&program);
    command
        .args(&spec.argv[1..])
        .current_dir(&spec.working_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = spawn_retrying_busy(&mut command)
        .await
        .map_err(|error| spawn_error(spec, &program, error))?;
    // Declared after `child` so it drops first: the group dies, then tokio reaps the leader.
    let group = GroupKiller::new(child.id());
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let tail = StderrTail::default();

    let run = async {
        let read_stdout = async {
            let out = read_bounded(stdout, spec.max_output, sink).await;
            if matches!(out, Stdout::TooLarge) {
                group.kill();
            }
            out
        };
        let (out, ()) = tokio::join!(read_stdout, tail.collect(stderr));
        let status = child.wait().await;
        (out, status)
    };
    let (out, status) = match tokio::time::timeout(spec.timeout, run).await {
        Ok(finished) => finished,
        Err(_) => {
            group.kill();
            return Err(failed(
                spec,
                &format!("did not finish within {:?} and was killed", spec.timeout),
                &tail,
            ));
        }
    };
    group.kill();
    let status =
        status.map_err(|e| failed(spec, &format!("could not be waited for: {e}"), &tail))?;
    let out = match out {
        Stdout::TooLarge => {
            return Err(failed(
                spec,
                &format!(
                    "printed more than {} bytes and was killed (raise the output bound if this is expected)",
                    spec.max_output
                ),
                &tail,
            ));
        }
        Stdout::Complete(out) => out,
    };
    if let Some(why) = exit_failure(status) {
        return Err(failed(spec, &why, &tail));
    }
    let text = String::from_utf8(out).map_err(|e| {
        failed(
            spec,
            &format!(
                "printed output that is not UTF-8 (first bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
            &tail,
        )
    })?;
    if text.trim().is_empty() {
        return Err(failed(
            spec,
            "printed no schema (its output was empty)",
            &tail,
        ));
    }
    Ok(text)
}

/// Spawns `command`, retrying briefly on ETXTBSY: a script written just before (by the user's
/// tooling, or a test) can still be open for writing in another thread's forked child.
async fn spawn_retrying_busy(command: &mut Command) -> io::Result<tokio::process::Child> {
    let mut tries = 0;
    loop {
        match command.spawn() {
            Err(error)
                if error.raw_os_error() == Some(nix::errno::Errno::ETXTBSY as i32)
                    && tries < 20 =>
            {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            other => return other,
        }
    }
}

/// A program name with a `/` is a path relative to the working directory (resolved here,
/// because how the OS resolves it after `current_dir` is platform specific); a bare name is
/// looked up on PATH.
pub fn resolve_program(program: &str, working_dir: &Path) -> PathBuf {
    if program.contains('/') {
        working_dir.join(program)
    } else {
        PathBuf::from(program)
    }
}

fn spawn_error(spec: &ProgramSpec, program: &Path, error: io::Error) -> anyhow::Error {
    let shown = spec.argv[0].as_str();
    let looked_for = if shown.contains('/') {
        format!("at {}", program.display())
    } else {
        "on PATH".to_string()
    };
    let why = match error.kind() {
        io::ErrorKind::NotFound if program.is_file() => format!(
            "program `{shown}` exists {looked_for} but could not be started: its interpreter (the #! line) was not found"
        ),
        io::ErrorKind::NotFound => format!(
            "program `{shown}` was not found {looked_for}; it must be on PATH or a path relative to the working directory {}",
            spec.working_dir.display()
        ),
        io::ErrorKind::PermissionDenied => {
            format!("program `{shown}` {looked_for} is not executable (chmod +x it)")
        }
        _ => format!("program `{shown}` could not be started: {error}"),
    };
    bad_input(format!("provider `{}`: {why}", spec.name))
}

/// Why an exit status is a failure, or `None` for success.
fn exit_failure(status: ExitStatus) -> Option<String> {
    if status.success() {
        None
    } else if let Some(code) = status.code() {
        Some(format!("exited with code {code}"))
    } else if let Some(signal) = status.signal() {
        let name = nix::sys::signal::Signal::try_from(signal)
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|_| format!("signal {signal}"));
        Some(format!("was killed by {name}"))
    } else {
        Some(format!("failed ({status})"))
    }
}

/// The error for a program that ran: what went wrong, the command line, and its stderr tail.
fn failed(spec: &ProgramSpec, why: &str, tail: &StderrTail) -> anyhow::Error {
    let mut message = format!(
        "provider `{}` ({}) {why}",
        spec.name,
        shown_command(&spec.argv)
    );
    let lines = tail.last_lines();
    if lines.is_empty() {
        message.push_str("\n(it wrote nothing to stderr)");
    } else {
        message.push_str(&format!("\nits stderr (last {TAIL_LINES} lines at most):"));
        for line in lines {
            message.push_str("\n  | ");
            message.push_str(&line);
        }
    }
    bad_input(message)
}

/// The argv as a reader would type it (quoted where needed); for messages only.
fn shown_command(argv: &[String]) -> String {
    argv.iter()
        .map(|arg| {
            let plain = !arg.is_empty()
                && arg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c));
            if plain {
                arg.clone()
            } else {
                format!("'{}'", arg.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_with_a_slash_is_relative_to_the_working_dir() {
        let resolved = resolve_program("./gen.sh", Path::new("/proj"));
        assert_eq!(resolved, PathBuf::from("/proj/./gen.sh"));
    }

    #[test]
    fn bare_program_name_is_left_for_path_lookup() {
        assert_eq!(
            resolve_program("schemactl-sqlalchemy", Path::new("/proj")),
            PathBuf::from("schemactl-sqlalchemy")
        );
    }

    #[test]
    fn absolute_program_path_is_kept() {
        assert_eq!(
            resolve_program("/usr/bin/env", Path::new("/proj")),
            PathBuf::from("/usr/bin/env")
        );
    }

    #[test]
    fn shown_command_quotes_only_what_needs_it() {
        let argv = vec![
            "prog".into(),
            "--path".into(),
            "my dir".into(),
            "it's".into(),
        ];
        assert_eq!(shown_command(&argv), r"prog --path 'my dir' 'it'\''s'");
    }

    #[test]
    fn exit_failure_names_the_code() {
        assert_eq!(
            exit_failure(ExitStatus::from_raw(3 << 8)).as_deref(),
            Some("exited with code 3")
        );
        assert_eq!(exit_failure(ExitStatus::from_raw(0)), None);
    }

    #[test]
    fn exit_failure_names_the_signal() {
        assert_eq!(
            exit_failure(ExitStatus::from_raw(9)).as_deref(),
            Some("was killed by SIGKILL")
        );
    }
}
