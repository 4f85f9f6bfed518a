//! The runner's must-show scenarios, written once for every dialect's [`TestTarget`]: a file
//! failing halfway, SIGKILL/SIGTERM at random points, two concurrent runs.

use super::*;
use nix::sys::signal::Signal;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

pub fn five_statements(third: &str) -> String {
    format!(
        "create table b1 (id int);\ncreate table b2 (id int);\n{third};\ncreate table b4 (id int);\ncreate table b5 (id int);\n"
    )
}

/// Must-show (1): a file that fails at statement 3 of 5 (tx-mode file) leaves nothing of itself
/// behind, the file before it stays, the revisions table names the file, statement and
/// `server_error`, the exit code is 1; after the fix and `migrate hash`, a rerun completes.
pub fn fail_at_statement_3_then_fix(db: &impl TestTarget, server_error: &str) {
    let tmp = tempfile::tempdir().unwrap();
    write_dir(
        tmp.path(),
        &[
            ("1_a.sql".into(), "create table a (id int);\n".into()),
            ("2_b.sql".into(), five_statements("select no_such_column")),
            ("3_c.sql".into(), "create table c (id int);\n".into()),
        ],
    );
    let out = apply(db, tmp.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("2_b.sql:3: statement 3 of 5 failed"),
        "{stderr}"
    );
    assert!(stderr.contains(server_error), "{stderr}");
    // File 1 stays; nothing of file 2 (b1, b2 rolled back); file 3 not run.
    assert_eq!(db.tables(), "a");
    assert_eq!(
        revisions(db),
        format!("1|1|1||\n2|0|5|{server_error}|select no_such_column")
    );
    let status = schemactl(&[
        "migrate",
        "status",
        "--url",
        db.url(),
        "--dir",
        &dir_url(tmp.path()),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["current"], "1");
    assert_eq!(json["incomplete"]["version"], "2");
    assert_eq!(json["incomplete"]["error"], server_error);
    assert_eq!(
        json["incomplete"]["error_statement"],
        "select no_such_column"
    );
    assert_eq!(json["pending"].as_array().unwrap().len(), 2);

    // The file is fixed and re-hashed: the rerun applies it and the rest.
    std::fs::write(
        tmp.path().join("2_b.sql"),
        five_statements("create table b3 (id int)"),
    )
    .unwrap();
    hash(tmp.path());
    let out = apply(db, tmp.path(), &["--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["version"], "3");
    assert_eq!(summary["applied"].as_array().unwrap().len(), 2);
    assert_eq!(summary["applied"][0]["statements"], 5);
    assert_eq!(db.tables(), "a,b1,b2,b3,b4,b5,c");
    assert_eq!(revisions(db), "1|1|1||\n2|5|5||\n3|1|1||");
}

/// How the files of a long directory are written.
pub struct LongDir<'a> {
    /// Header lines of every file (e.g. `-- atlas:txmode none\n`).
    pub header: &'a str,
    /// `create table` or `create table if not exists`.
    pub create: &'a str,
    /// The statement logging version `{i}` in table `log`.
    pub insert: &'a str,
}

impl LongDir<'_> {
    /// One `create table` and one plain `insert` per file.
    pub const PLAIN: LongDir<'static> = LongDir {
        header: "",
        create: "create table",
        insert: "insert into log values ({i});",
    };

    /// `files` files; each creates a table, logs its version in a table without a unique key,
    /// and pauses (the target's pause statement) so that a kill often lands inside a file.
    pub fn write(&self, dir: &Path, files: usize, pause: &str) {
        let LongDir {
            header,
            create,
            insert,
        } = self;
        let mut out = vec![(
            "0000_log.sql".to_string(),
            format!("{header}{create} log (version int);\n"),
        )];
        for i in 1..=files {
            out.push((
                format!("{i:04}_f.sql"),
                format!(
                    "{header}{create} t{i} (id int);\n{}\n{pause};\n",
                    insert.replace("{i}", &i.to_string())
                ),
            ));
        }
        write_dir(dir, &out);
    }
}

/// Every file of a `files`-file long directory ran exactly once and its revision is complete.
fn assert_each_file_once<T: TestTarget>(db: &T, files: usize, context: &str) {
    let counts =
        db.query("SELECT count(*), count(DISTINCT version), min(version), max(version) FROM log");
    assert_eq!(counts, format!("{files}|{files}|1|{files}"), "{context}");
    let revisions = db.query(&format!(
        "SELECT count(*), sum(CASE WHEN applied = total AND error IS NULL THEN 1 ELSE 0 END) FROM {}",
        db.revisions_table()
    ));
    assert_eq!(
        revisions,
        format!("{}|{}", files + 1, files + 1),
        "{context}"
    );
}

/// What [`signal_trials`] measured.
#[derive(Debug)]
pub struct TrialReport {
    pub trials: usize,
    pub killed_mid_run: usize,
    /// Kills that left a transaction open (where the dialect shows it: SQLite's hot journal).
    pub killed_in_transaction: usize,
    pub full_run: Duration,
    pub elapsed: Duration,
}

/// Must-show (2): stops `migrate apply` of a 40-file directory with `signal` after a random
/// delay (spread over most of one uninterrupted run), then reruns until it succeeds, on a
/// fresh target from `new_target` per trial; checks every file ran exactly once.
pub fn signal_trials<T: TestTarget>(
    label: &str,
    new_target: impl Fn() -> T,
    trials: usize,
    layout: &LongDir,
    signal: Signal,
) -> TrialReport {
    const FILES: usize = 40;
    let tmp = tempfile::tempdir().unwrap();
    let dir = dir_url(tmp.path());
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let full_run = {
        let db = new_target();
        layout.write(tmp.path(), FILES, db.pause_statement());
        let started = Instant::now();
        let out = apply(&db, tmp.path(), &[]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        started.elapsed()
    };
    eprintln!("{label}: random seed {seed}, a full run takes {full_run:?}");
    let mut killed_mid_run = 0;
    let mut killed_in_transaction = 0;
    let started = Instant::now();
    for trial in 0..trials {
        // xorshift64
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Over the first 80% of a run: a run slower than the measured one still gets killed.
        let delay = Duration::from_millis(seed % (full_run.as_millis() as u64 * 4 / 5).max(1));
        let db = new_target();
        let mut child = schemactl_command(&["migrate", "apply", "--url", db.url(), "--dir", &dir])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        let pid = nix::unistd::Pid::from_raw(child.id() as i32);
        let sent = nix::sys::signal::kill(pid, signal).is_ok();
        let status = child.wait().unwrap();
        if signal == Signal::SIGTERM && sent {
            // Interrupted runs exit 143 after cleaning up (or 0 when the run had finished); a
            // signal that lands before the process installs its handler (in its first
            // milliseconds, before any database work) ends it by the default action.
            let before_handler = status.signal() == Some(Signal::SIGTERM as i32);
            assert!(
                matches!(status.code(), Some(143) | Some(0)) || before_handler,
                "{status:?}"
            );
        }
        killed_in_transaction += usize::from(db.left_open_transaction() == Some(true));
        let mut reruns = 0;
        loop {
            let out = apply(&db, tmp.path(), &[]);
            if out.status.success() {
                break;
            }
            reruns += 1;
            assert!(
                reruns < 3,
                "trial {trial}: rerun failed: {}",
                text(&out.stderr)
            );
        }
        assert_each_file_once(&db, FILES, &format!("trial {trial} delay {delay:?}"));
    }
    let report = TrialReport {
        trials,
        killed_mid_run,
        killed_in_transaction,
        full_run,
        elapsed: started.elapsed(),
    };
    eprintln!("{label}: {report:?}");
    assert!(
        killed_mid_run >= trials / 2,
        "too few kills landed mid-run: {killed_mid_run}"
    );
    report
}

/// Must-show (3): two `migrate apply` processes started together on one target, `rounds`
/// times: both finish, the target is at head, no file ran twice.
pub fn concurrent_applies<T: TestTarget>(new_target: impl Fn() -> T, rounds: usize) {
    const FILES: usize = 15;
    let tmp = tempfile::tempdir().unwrap();
    let dir = dir_url(tmp.path());
    for round in 0..rounds {
        let db = new_target();
        if round == 0 {
            LongDir::PLAIN.write(tmp.path(), FILES, db.pause_statement());
        }
        let spawn = || {
            schemactl_command(&["migrate", "apply", "--url", db.url(), "--dir", &dir])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (first, second) = (spawn(), spawn());
        let (first, second) = (
            first.wait_with_output().unwrap(),
            second.wait_with_output().unwrap(),
        );
        assert!(first.status.success(), "{}", text(&first.stderr));
        assert!(second.status.success(), "{}", text(&second.stderr));
        let waited = [&first, &second]
            .iter()
            .filter(|o| text(&o.stderr).contains("waiting for the migration lock"))
            .count();
        assert!(waited <= 1);
        assert_each_file_once(&db, FILES, &format!("round {round}"));
    }
}

/// With the migration lock held elsewhere, `migrate apply --lock-timeout 1s` says it waits,
/// gives up within a few seconds with exit 1, and changes nothing.
pub fn apply_gives_up_on_a_held_lock(db: &impl TestTarget, dir: &Path) {
    let started = Instant::now();
    let out = apply(db, dir, &["--lock-timeout", "1s"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("waiting for the migration lock"),
        "{stderr}"
    );
    assert!(stderr.contains("holds the migration lock"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(db.tables(), "");
}
