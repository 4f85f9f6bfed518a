//! Running provider programs: real scripts in a temp dir, each failure mode and its message.

use schemactl::error::exit_code;
use schemactl::provider::{ProgramSpec, run_program};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Writes an executable script into `dir`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn spec(dir: &Path, argv: &[&str]) -> ProgramSpec {
    ProgramSpec::new("test", argv.iter().map(|a| a.to_string()).collect(), dir)
}

async fn run_err(spec: &ProgramSpec) -> (String, i32) {
    let error = run_program(spec)
        .await
        .expect_err("the program was expected to fail");
    (format!("{error:#}"), exit_code(&error))
}

/// True once `pid` no longer runs (gone, or a zombie nobody reaped yet).
fn is_gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

fn wait_until_gone(pid: i32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if is_gone(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn read_pid(path: &Path) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && let Ok(pid) = text.trim().parse()
        {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn returns_stdout_of_a_successful_program_run_in_its_working_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("models.sql"), "CREATE TABLE t (id int);\n").unwrap();
    script(
        dir.path(),
        "gen.sh",
        r#"echo "-- args: $1 $2"; cat models.sql; echo "progress" >&2"#,
    );
    let out = run_program(&spec(dir.path(), &["./gen.sh", "--dialect", "postgresql"]))
        .await
        .unwrap();
    assert_eq!(
        out,
        "-- args: --dialect postgresql\nCREATE TABLE t (id int);\n"
    );
}

#[tokio::test]
async fn arguments_are_passed_without_a_shell() {
    let dir = tempfile::tempdir().unwrap();
    script(dir.path(), "echo.sh", r#"printf '%s\n' "$@""#);
    let out = run_program(&spec(dir.path(), &["./echo.sh", "a b", "$HOME", "*;ls"]))
        .await
        .unwrap();
    assert_eq!(out, "a b\n$HOME\n*;ls\n");
}

#[tokio::test]
async fn stdin_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    script(dir.path(), "read.sh", r#"cat; echo "read done""#);
    let out = run_program(&spec(dir.path(), &["./read.sh"]))
        .await
        .unwrap();
    assert_eq!(out, "read done\n");
}

#[tokio::test]
async fn program_on_path_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_program(&spec(dir.path(), &["echo", "SELECT 1;"]))
        .await
        .unwrap();
    assert_eq!(out, "SELECT 1;\n");
}

#[tokio::test]
async fn missing_program_says_where_it_was_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    let (message, code) = run_err(&spec(dir.path(), &["schemactl-no-such-provider"])).await;
    assert_eq!(code, 2);
    assert!(
        message.contains("`schemactl-no-such-provider` was not found on PATH"),
        "{message}"
    );
    assert!(
        message.contains("relative to the working directory"),
        "{message}"
    );

    let (message, _) = run_err(&spec(dir.path(), &["./missing.sh"])).await;
    let expected = format!(
        "was not found at {}",
        dir.path().join("./missing.sh").display()
    );
    assert!(message.contains(&expected), "{message}");
}

#[tokio::test]
async fn script_that_is_not_executable_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = script(dir.path(), "gen.sh", "echo hi");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (message, code) = run_err(&spec(dir.path(), &["./gen.sh"])).await;
    assert_eq!(code, 2);
    assert!(message.contains("is not executable"), "{message}");
}

#[tokio::test]
async fn missing_working_dir_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("nope");
    let (message, _) = run_err(&spec(&gone, &["echo", "x"])).await;
    assert!(message.contains("working directory"), "{message}");
    assert!(message.contains("does not exist"), "{message}");
}

#[tokio::test]
async fn failing_program_shows_exit_code_and_stderr_tail() {
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "fail.sh",
        r#"i=1; while [ $i -le 30 ]; do echo "trace line $i" >&2; i=$((i+1)); done
echo "CREATE TABLE partial (id int);"
echo "ImportError: No module named models" >&2
exit 3"#,
    );
    let (message, code) = run_err(&spec(dir.path(), &["./fail.sh", "--path", "./models"])).await;
    assert_eq!(code, 2);
    assert!(
        message.contains("provider `test` (./fail.sh --path ./models) exited with code 3"),
        "{message}"
    );
    assert!(
        message.contains("ImportError: No module named models"),
        "{message}"
    );
    assert!(message.contains("trace line 30"), "{message}");
    assert!(
        !message.contains("trace line 11\n"),
        "only the tail is shown: {message}"
    );
    assert!(
        !message.contains("trace line 10"),
        "only the tail is shown: {message}"
    );
}

#[tokio::test]
async fn program_killed_by_a_signal_says_so() {
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "die.sh",
        r#"echo "about to die" >&2; kill -TERM $$"#,
    );
    let (message, _) = run_err(&spec(dir.path(), &["./die.sh"])).await;
    assert!(message.contains("was killed by SIGTERM"), "{message}");
    assert!(message.contains("about to die"), "{message}");
}

#[tokio::test]
async fn hanging_program_and_its_grandchild_are_killed_at_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "hang.sh",
        r#"sleep 300 &
echo $! > grandchild.pid
echo "waiting for the database" >&2
wait"#,
    );
    let mut spec = spec(dir.path(), &["./hang.sh"]);
    spec.timeout = Duration::from_secs(1);
    let started = Instant::now();
    let (message, code) = run_err(&spec).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(code, 2);
    assert!(
        message.contains("did not finish within 1s and was killed"),
        "{message}"
    );
    assert!(message.contains("waiting for the database"), "{message}");
    let grandchild = read_pid(&dir.path().join("grandchild.pid"));
    assert!(
        wait_until_gone(grandchild),
        "grandchild {grandchild} still runs"
    );
}

#[tokio::test]
async fn dropping_the_run_kills_the_program_and_its_grandchild() {
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "hang.sh",
        r#"sleep 300 &
echo $! > grandchild.pid
echo $$ > child.pid
wait"#,
    );
    let spec = spec(dir.path(), &["./hang.sh"]);
    // Stands in for Ctrl-C: schemactl's signal handling drops the running future.
    let pid_file = dir.path().join("child.pid");
    let mut run = Box::pin(run_program(&spec));
    tokio::select! {
        result = &mut run => panic!("the program should still be running: {result:?}"),
        _ = async {
            while !pid_file.exists() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        } => {}
    }
    let child = read_pid(&pid_file);
    let grandchild = read_pid(&dir.path().join("grandchild.pid"));
    drop(run);
    assert!(
        wait_until_gone(child),
        "program {child} still runs: {:?}",
        std::fs::read_to_string(format!("/proc/{child}/stat"))
    );
    assert!(
        wait_until_gone(grandchild),
        "grandchild {grandchild} still runs"
    );
}

#[tokio::test]
async fn empty_output_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "quiet.sh",
        r#"echo "  "; echo "no models found" >&2"#,
    );
    let (message, code) = run_err(&spec(dir.path(), &["./quiet.sh"])).await;
    assert_eq!(code, 2);
    assert!(message.contains("printed no schema"), "{message}");
    assert!(message.contains("no models found"), "{message}");
}

#[tokio::test]
async fn output_over_the_bound_kills_the_program() {
    let dir = tempfile::tempdir().unwrap();
    script(dir.path(), "flood.sh", "yes 'CREATE TABLE t (id int);'");
    let mut spec = spec(dir.path(), &["./flood.sh"]);
    spec.max_output = 1024 * 1024;
    let started = Instant::now();
    let (message, code) = run_err(&spec).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(code, 2);
    assert!(
        message.contains("printed more than 1048576 bytes"),
        "{message}"
    );
}

#[tokio::test]
async fn non_utf8_output_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "latin1.sh",
        r#"printf 'CREATE TABLE caf\351 (id int);\n'"#,
    );
    let (message, code) = run_err(&spec(dir.path(), &["./latin1.sh"])).await;
    assert_eq!(code, 2);
    assert!(
        message.contains("not UTF-8 (first bad byte at offset 16)"),
        "{message}"
    );
}

#[tokio::test]
async fn empty_argv_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let (message, code) = run_err(&spec(dir.path(), &[])).await;
    assert_eq!(code, 2);
    assert!(message.contains("the program is empty"), "{message}");
}
