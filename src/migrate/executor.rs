//! The executor: applies pending files to a [`MigrationTarget`] (or reverts applied ones) under
//! the target's migration lock, recording each file in the revisions table, so that whatever
//! happens the target ends in a known state and each file is applied once.
//!
//! Transaction modes (`--tx-mode`, overridden per file by `-- atlas:txmode`):
//! - `file` (default): each file and its revision row commit together; a failing file leaves
//!   nothing behind but a revision row naming the statement and the server's error;
//! - `all`: the whole run is one transaction; a failure rolls every file of the run back;
//! - `none`: each statement commits on its own and the revision row's `applied` count is
//!   written after it, so a rerun resumes after the last good statement. A crash between a
//!   statement and its progress row makes the rerun run that one statement again: statements
//!   of `txmode none` files should be idempotent (`IF NOT EXISTS`, …). A target may close
//!   that gap (`MigrationTarget::execute_recorded`): MySQL, where every file runs this way,
//!   applies each statement exactly once.

use super::dir::MigrationFile;
use super::directives::TxMode;
use super::format::compare_versions;
use super::pending::{PendingFile, baseline_files, compare, files_to_apply, up_checksum};
use super::target::{MigrationTarget, Revision, RevisionKind};
use crate::error::{bad_input, failure};
use crate::sql::SplitStatement;
use anyhow::Context;
use std::time::{Duration, Instant};

/// What `apply` was asked to do.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Apply at most this many files.
    pub limit: Option<usize>,
    pub tx_mode: TxMode,
    /// On a target without revisions, record files up to this version as present.
    pub baseline: Option<String>,
    /// The baseline was asked for on the command line (not by the project file, which names
    /// it for every run): on a target that already has revisions it is then an error, unless
    /// they record that very baseline (a deploy script that always passes it).
    pub baseline_explicit: bool,
    /// Apply to a target without revisions that holds objects anyway.
    pub allow_dirty: bool,
    pub lock_timeout: Duration,
}

/// What the executor reports while it runs (the CLI prints it on stderr).
#[derive(Debug)]
pub enum Progress<'a> {
    WaitingForLock,
    Baselined {
        files: usize,
        version: &'a str,
    },
    Starting {
        file: &'a MigrationFile,
        statements: usize,
        start: usize,
    },
    Done {
        file: &'a MigrationFile,
        elapsed: Duration,
    },
    Failed {
        file: &'a MigrationFile,
    },
}

/// One file a run applied.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AppliedFile {
    pub version: String,
    pub name: String,
    pub statements: usize,
    pub execution_ms: u64,
}

/// The outcome of a successful run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ApplySummary {
    /// The target's version after the run (the newest fully applied file).
    pub version: Option<String>,
    pub applied: Vec<AppliedFile>,
    pub baselined: usize,
    /// Files still pending (when a limit stopped the run early).
    pub pending: usize,
}

type Report<'r> = &'r mut dyn FnMut(Progress<'_>);

/// Runs `work` holding the target's migration lock, and releases the lock whatever happened.
pub async fn with_lock<T: MigrationTarget + ?Sized, R>(
    target: &mut T,
    timeout: Duration,
    on_wait: &mut dyn FnMut(),
    work: impl AsyncFnOnce(&mut T) -> anyhow::Result<R>,
) -> anyhow::Result<R> {
    target.lock(timeout, on_wait).await?;
    let result = work(target).await;
    release(target, result).await
}

/// Releases the lock; the work's error wins over an unlock error.
async fn release<T: MigrationTarget + ?Sized, R>(
    target: &mut T,
    result: anyhow::Result<R>,
) -> anyhow::Result<R> {
    let unlocked = target.unlock().await;
    let value = result?;
    unlocked?;
    Ok(value)
}

/// The files a run would apply, read-only (no lock, no revisions table created): `--dry-run`.
pub async fn pending_files<T: MigrationTarget + ?Sized>(
    target: &mut T,
    files: &[MigrationFile],
    options: &ApplyOptions,
) -> anyhow::Result<Vec<PendingFile>> {
    let revisions = target.revisions().await?;
    check_explicit_baseline(&revisions, options)?;
    let mut skip = Vec::new();
    if revisions.is_empty() {
        skip = admit_unrevisioned(target, files, options).await?;
    }
    let pending = files_to_apply(compare(files, &revisions, target.lexer_flavor()), None)?;
    let mut pending: Vec<PendingFile> = pending
        .into_iter()
        .filter(|p| !skip.iter().any(|s| s.version == p.file.version))
        .collect();
    if let Some(limit) = options.limit {
        pending.truncate(limit);
    }
    Ok(pending)
}

/// Applies the pending files of `files` (in apply order) to `target`.
pub async fn apply<T: MigrationTarget + ?Sized>(
    target: &mut T,
    files: &[MigrationFile],
    options: &ApplyOptions,
    report: Report<'_>,
) -> anyhow::Result<ApplySummary> {
    target
        .lock(options.lock_timeout, &mut || {
            report(Progress::WaitingForLock)
        })
        .await?;
    let result = apply_locked(target, files, options, report).await;
    release(target, result).await
}

async fn apply_locked<T: MigrationTarget + ?Sized>(
    target: &mut T,
    files: &[MigrationFile],
    options: &ApplyOptions,
    report: Report<'_>,
) -> anyhow::Result<ApplySummary> {
    target.ensure_revisions_table().await?;
    let mut summary = ApplySummary::default();
    let mut revisions = target.revisions().await?;
    check_explicit_baseline(&revisions, options)?;
    if revisions.is_empty() {
        let baselined = admit_unrevisioned(target, files, options).await?;
        for file in &baselined {
            let total = file.statements(target.lexer_flavor()).len();
            let revision = revision_of(target, file, RevisionKind::Baseline, total);
            target.write_revision(&revision).await?;
            revisions.push(revision);
        }
        if let (Some(version), false) = (&options.baseline, baselined.is_empty()) {
            report(Progress::Baselined {
                files: baselined.len(),
                version,
            });
        }
        summary.baselined = baselined.len();
    }
    let comparison = compare(files, &revisions, target.lexer_flavor());
    summary.version = comparison.current.clone();
    let pending = files_to_apply(comparison, None)?;
    let run: Vec<PendingFile> = pending
        .iter()
        .take(options.limit.unwrap_or(usize::MAX))
        .cloned()
        .collect();
    summary.pending = pending.len() - run.len();
    check_tx_modes(&run, options.tx_mode)?;
    if !target.transactional_ddl() && options.tx_mode == TxMode::All && !run.is_empty() {
        return Err(bad_input(
            "--tx-mode all needs DDL inside transactions, which this database commits \
             statement by statement; use --tx-mode file (each statement is recorded as it lands)",
        ));
    }

    if options.tx_mode == TxMode::All && !run.is_empty() {
        let flavor = target.lexer_flavor();
        let statements: Vec<_> = run.iter().flat_map(|p| p.file.statements(flavor)).collect();
        target.begin(&texts(&statements)).await?;
        for item in &run {
            match apply_file(target, item, Commit::WithTransaction, report).await {
                Ok(done) => summary.applied.push(done),
                Err(error) => {
                    return Err(error.context(format!(
                        "the whole run was rolled back (--tx-mode all): {} file(s) before it are not applied either",
                        summary.applied.len()
                    )));
                }
            }
        }
        target.commit().await?;
        summary.version = run.last().map(|p| p.file.version.clone());
        return Ok(summary);
    }
    for item in &run {
        let mode = match target.transactional_ddl() {
            true => item.file.directives.tx_mode.unwrap_or(options.tx_mode),
            false => TxMode::None,
        };
        let done = match mode {
            TxMode::None => apply_file(target, item, Commit::EachStatement, report).await?,
            TxMode::File | TxMode::All => {
                let statements = item.file.statements(target.lexer_flavor());
                // A connection lost at BEGIN or COMMIT names the file too.
                let at = |what: &str| {
                    format!(
                        "{}:{}: {what} the transaction of the file's {} statement(s)",
                        item.file.path.display(),
                        statements.first().map_or(1, |s| s.line),
                        statements.len()
                    )
                };
                target
                    .begin(&texts(&statements))
                    .await
                    .with_context(|| at("starting"))?;
                let done = apply_file(target, item, Commit::WithTransaction, report).await?;
                target.commit().await.with_context(|| at("committing"))?;
                done
            }
        };
        summary.version = Some(done.version.clone());
        summary.applied.push(done);
    }
    Ok(summary)
}

/// `--baseline VERSION` on a target with revisions: bad input, unless the rows already record
/// that baseline.
fn check_explicit_baseline(revisions: &[Revision], options: &ApplyOptions) -> anyhow::Result<()> {
    let Some(version) = options
        .baseline
        .as_deref()
        .filter(|_| options.baseline_explicit)
    else {
        return Ok(());
    };
    if revisions.is_empty()
        || revisions.iter().any(|r| {
            r.kind == RevisionKind::Baseline && compare_versions(&r.version, version).is_eq()
        })
    {
        return Ok(());
    }
    let newest = revisions
        .iter()
        .map(|r| r.version.as_str())
        .max_by(|a, b| compare_versions(a, b))
        .unwrap_or_default();
    Err(bad_input(format!(
        "--baseline {version}: the target already has migration revisions (up to version \
         {newest}); a baseline only adopts a database that has none. To move the recorded \
         version by hand, use `migrate set VERSION`"
    )))
}

/// A target without revisions must be clean, or be baselined, or be allowed dirty; returns the
/// files to record as baseline.
async fn admit_unrevisioned<T: MigrationTarget + ?Sized>(
    target: &mut T,
    files: &[MigrationFile],
    options: &ApplyOptions,
) -> anyhow::Result<Vec<MigrationFile>> {
    if let Some(version) = &options.baseline {
        return baseline_files(files, version);
    }
    let objects = target.user_objects().await?;
    if objects.is_empty() || options.allow_dirty {
        return Ok(Vec::new());
    }
    Err(bad_input(format!(
        "the target database is not clean (it has {}) and has no migration revisions; if its schema is what the files up to some version produce, pass --baseline VERSION, or pass --allow-dirty to apply every file anyway",
        objects.join(", ")
    )))
}

/// `txmode none` files cannot run inside the single transaction of `--tx-mode all`.
fn check_tx_modes(run: &[PendingFile], mode: TxMode) -> anyhow::Result<()> {
    if mode != TxMode::All {
        return Ok(());
    }
    match run
        .iter()
        .find(|p| p.file.directives.tx_mode == Some(TxMode::None))
    {
        Some(p) => Err(bad_input(format!(
            "{} says `txmode none`, which cannot run inside the one transaction of --tx-mode all; use --tx-mode file",
            p.file.path.display()
        ))),
        None => Ok(()),
    }
}

fn texts(statements: &[SplitStatement]) -> Vec<&str> {
    statements.iter().map(|s| s.text.as_str()).collect()
}

pub(super) fn revision_of<T: MigrationTarget + ?Sized>(
    target: &T,
    file: &MigrationFile,
    kind: RevisionKind,
    applied: usize,
) -> Revision {
    Revision {
        version: file.version.clone(),
        description: file.name.clone(),
        kind,
        checksum: up_checksum(file),
        applied,
        total: file.statements(target.lexer_flavor()).len(),
        error: None,
        error_statement: None,
        execution_ms: 0,
        applied_at: String::new(),
        operator: target.operator(),
    }
}

/// How one file's statements commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Commit {
    /// Inside the caller's transaction, with the revision row written in it too; on a server
    /// error it rolls back and records the error outside the transaction.
    WithTransaction,
    /// `txmode none`: each statement commits on its own with its progress row
    /// (`MigrationTarget::execute_recorded`).
    EachStatement,
}

async fn apply_file<T: MigrationTarget + ?Sized>(
    target: &mut T,
    item: &PendingFile,
    commit: Commit,
    report: Report<'_>,
) -> anyhow::Result<AppliedFile> {
    let by_statement = commit == Commit::EachStatement;
    report(Progress::Starting {
        file: &item.file,
        statements: item.total,
        start: item.start,
    });
    let started = Instant::now();
    let mut revision = revision_of(target, &item.file, RevisionKind::Applied, item.start);
    if by_statement {
        target.write_revision(&revision).await?;
    }
    let statements = item.file.statements(target.lexer_flavor());
    for (index, statement) in statements.iter().enumerate().skip(item.start) {
        // A connection lost under a statement names where the run was.
        let at = || {
            format!(
                "{}:{}: running statement {} of {}",
                item.file.path.display(),
                statement.line,
                index + 1,
                statements.len()
            )
        };
        let outcome = match by_statement {
            true => {
                revision.applied = index + 1;
                revision.execution_ms = started.elapsed().as_millis() as u64;
                target
                    .execute_recorded(&statement.text, &revision)
                    .await
                    .with_context(at)?
            }
            false => target.execute(&statement.text).await.with_context(at)?,
        };
        if let Err(server) = outcome {
            let (applied, outcome) = if by_statement {
                (
                    index,
                    "statements before it stay applied (txmode none); a rerun resumes at it",
                )
            } else {
                target.rollback().await?;
                (item.start, "the file's transaction was rolled back")
            };
            report(Progress::Failed { file: &item.file });
            let failed = FailedAt {
                index,
                applied,
                outcome,
                started,
            };
            return Err(record_failure(target, item, &server, failed).await);
        }
    }
    if !by_statement {
        revision.applied = item.total;
        revision.execution_ms = started.elapsed().as_millis() as u64;
        target.write_revision(&revision).await?;
    }
    report(Progress::Done {
        file: &item.file,
        elapsed: started.elapsed(),
    });
    Ok(applied_file(&item.file, item.total, started))
}

fn applied_file(file: &MigrationFile, statements: usize, started: Instant) -> AppliedFile {
    AppliedFile {
        version: file.version.clone(),
        name: file.name.clone(),
        statements,
        execution_ms: started.elapsed().as_millis() as u64,
    }
}

/// Where a file failed: the statement, how many statements stay applied, what happened to
/// the rest, and when the file started.
struct FailedAt {
    index: usize,
    applied: usize,
    outcome: &'static str,
    started: Instant,
}

/// Writes the failing file's revision row (error, statement, how far it got) and returns the
/// run's error: the file, line, statement number and the server's message.
async fn record_failure<T: MigrationTarget + ?Sized>(
    target: &mut T,
    item: &PendingFile,
    server: &super::target::ServerError,
    failed: FailedAt,
) -> anyhow::Error {
    let FailedAt {
        index,
        applied,
        outcome,
        started,
    } = failed;
    let statement = &item.file.statements(target.lexer_flavor())[index];
    let mut revision = revision_of(target, &item.file, RevisionKind::Applied, applied);
    revision.error = Some(server.to_string());
    revision.error_statement = Some(statement.text.clone());
    revision.execution_ms = started.elapsed().as_millis() as u64;
    let recorded = target.write_revision(&revision).await;
    let mut message = format!(
        "{}:{}: statement {} of {} failed: {server}\n  statement: {}\n  {outcome}",
        item.file.path.display(),
        statement.line,
        index + 1,
        item.total,
        statement.text.trim()
    );
    // PostgreSQL says "cannot run inside a transaction block", SQLite "cannot VACUUM from
    // within a transaction".
    if server.message.contains("inside a transaction block")
        || server.message.contains("within a transaction")
    {
        message.push_str(
            "\n  hint: put `-- atlas:txmode none` in the file's header to run it outside a transaction",
        );
    }
    if let Err(e) = recorded {
        message.push_str(&format!(
            "\n  and the failure could not be recorded in the revisions table: {e:#}"
        ));
    }
    failure(message)
}

/// One file to revert and the statements that undo it.
#[derive(Debug, Clone)]
pub struct RevertStep {
    pub file: MigrationFile,
    pub statements: Vec<String>,
}

/// Reverts `steps` in order (newest file first), each in a transaction with the deletion of
/// its revision row. The caller holds the lock (see [`with_lock`]).
pub async fn revert<T: MigrationTarget + ?Sized>(
    target: &mut T,
    steps: &[RevertStep],
    report: Report<'_>,
) -> anyhow::Result<usize> {
    for step in steps {
        report(Progress::Starting {
            file: &step.file,
            statements: step.statements.len(),
            start: 0,
        });
        let started = Instant::now();
        let texts: Vec<&str> = step.statements.iter().map(String::as_str).collect();
        target.begin(&texts).await?;
        for (index, sql) in step.statements.iter().enumerate() {
            if let Err(server) = target.execute(sql).await? {
                target.rollback().await?;
                report(Progress::Failed { file: &step.file });
                let outcome = if target.transactional_ddl() {
                    "the revert of this file was rolled back; it stays applied".to_string()
                } else {
                    format!(
                        "this database commits DDL statement by statement: the {index} before it \
                         stay reverted and the file stays recorded as applied"
                    )
                };
                return Err(failure(format!(
                    "reverting {}: statement {} of {} failed: {server}\n  statement: {}\n  {outcome}",
                    step.file.file_name(),
                    index + 1,
                    step.statements.len(),
                    sql.trim()
                )));
            }
        }
        target.delete_revision(&step.file.version).await?;
        target.commit().await?;
        report(Progress::Done {
            file: &step.file,
            elapsed: started.elapsed(),
        });
    }
    Ok(steps.len())
}
