//! Running a migration directory against a target database (`migrate apply|status`, `db
//! create|drop|wait`, `up`): the target's dialect opens it as a [`MigrationTarget`] and the
//! executor drives it.

use crate::dialect::{self, Dialect};
use crate::migrate::{
    self, ApplyOptions, ApplySummary, MigrationDir, MigrationTarget, PendingFile, Progress,
    Revision, RevisionFix, TargetSpec,
};
use crate::sql::Flavor;
use crate::url::DbUrl;
use anyhow::Result;
use std::time::Duration;

/// Connects to the spec's target through its dialect.
pub async fn open_target(spec: &TargetSpec) -> Result<Box<dyn MigrationTarget>> {
    dialect::of_database(&spec.url)?.open_target(spec).await
}

/// What `apply` did: the files it would run (dry run), or the summary of a real run.
#[derive(Debug)]
pub enum ApplyOutcome {
    DryRun {
        pending: Vec<PendingFile>,
        /// How the target splits the files' statements.
        flavor: &'static Flavor,
    },
    Applied(ApplySummary),
}

pub async fn apply(
    spec: &TargetSpec,
    dir: &MigrationDir,
    options: &ApplyOptions,
    dry_run: bool,
    report: &mut dyn FnMut(Progress<'_>),
) -> Result<ApplyOutcome> {
    dir.verify_sum()?;
    let files = dir.files()?;
    let target = &mut *open_target(spec).await?;
    if dry_run {
        let pending = migrate::pending_files(target, &files, options).await?;
        let flavor = target.lexer_flavor();
        return Ok(ApplyOutcome::DryRun { pending, flavor });
    }
    let summary = migrate::apply(target, &files, options, report).await?;
    Ok(ApplyOutcome::Applied(summary))
}

/// `migrate status`: the directory compared with the target's revisions.
#[derive(Debug, serde::Serialize)]
pub struct Status {
    /// The verdict, first: what a script checks.
    pub state: StatusState,
    /// The newest fully applied version.
    pub current: Option<String>,
    pub applied: usize,
    pub pending: Vec<PendingEntry>,
    /// A failed or partly applied file's revision row.
    pub incomplete: Option<Revision>,
    pub problems: Vec<String>,
}

/// The one-word verdict of `migrate status`; the last three make it exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusState {
    UpToDate,
    Pending,
    /// A file failed; its row names the statement and the error.
    Failed,
    /// A `txmode none` file stopped part-way (a killed run) without an error.
    PartlyApplied,
    /// The directory and the revisions disagree (edited or removed applied files, files out of
    /// order); see `problems`.
    Inconsistent,
}

impl StatusState {
    pub fn is_healthy(self) -> bool {
        matches!(self, StatusState::UpToDate | StatusState::Pending)
    }
}

#[derive(Debug, serde::Serialize)]
pub struct PendingEntry {
    pub version: String,
    pub file: String,
    pub statements: usize,
    /// Statements already applied (a partly applied file).
    pub applied: usize,
}

pub async fn status(spec: &TargetSpec, dir: &MigrationDir) -> Result<Status> {
    dir.verify_sum()?;
    let files = dir.files()?;
    let target = &mut *open_target(spec).await?;
    let revisions = target.revisions().await?;
    let comparison = migrate::compare(&files, &revisions, target.lexer_flavor());
    let state = match (&comparison.incomplete, comparison.problems.is_empty()) {
        (Some(revision), _) if revision.error.is_some() => StatusState::Failed,
        (Some(_), _) => StatusState::PartlyApplied,
        (None, false) => StatusState::Inconsistent,
        (None, true) if comparison.pending.is_empty() => StatusState::UpToDate,
        (None, true) => StatusState::Pending,
    };
    Ok(Status {
        state,
        current: comparison.current,
        applied: comparison.applied_count,
        pending: comparison
            .pending
            .iter()
            .map(|p| PendingEntry {
                version: p.file.version.clone(),
                file: p.file.file_name(),
                statements: p.total,
                applied: p.start,
            })
            .collect(),
        incomplete: comparison.incomplete,
        problems: comparison.problems,
    })
}

/// What `migrate set` / `migrate repair` is asked to do.
pub enum RevisionRepair<'a> {
    /// Files up to this version recorded as applied, rows after it removed.
    SetVersion(&'a str),
    /// Failed and stray rows removed, edited files' checksums accepted.
    Repair,
}

/// `migrate set` and `migrate repair`: the fixes, written to the target unless `dry_run`.
pub async fn repair_revisions(
    spec: &TargetSpec,
    dir: &MigrationDir,
    what: RevisionRepair<'_>,
    dry_run: bool,
    on_wait: &mut dyn FnMut(),
) -> Result<Vec<RevisionFix>> {
    dir.verify_sum()?;
    let files = dir.files()?;
    let target = &mut *open_target(spec).await?;
    let lock = (spec.lock_timeout, on_wait);
    migrate::fix_revisions(
        target,
        &files,
        lock,
        dry_run,
        |revisions, flavor| match what {
            RevisionRepair::SetVersion(version) => migrate::plan_set(&files, revisions, version),
            RevisionRepair::Repair => Ok(migrate::plan_repair(&files, revisions, flavor)),
        },
    )
    .await
}

/// The database a URL names, for messages: `database NAME`, `database file PATH`.
pub fn database_label(url: &DbUrl) -> String {
    match dialect::owner(url) {
        Some(dialect) => dialect.database_label(url),
        None => format!("database {url}"),
    }
}

/// Creates the URL's database (`db create`, `up`); `false` when it already existed.
pub async fn create_database(url: &DbUrl) -> Result<bool> {
    dialect::of_database(url)?.create_database(url).await
}

/// Drops the URL's database (`db drop`); `false` when it did not exist.
pub async fn drop_database(url: &DbUrl) -> Result<bool> {
    dialect::of_database(url)?.drop_database(url).await
}

/// Waits until the URL's database accepts connections; returns the dialect (which says what
/// was waited for) and how long it took.
pub async fn wait_for_database(
    url: &DbUrl,
    timeout: Duration,
) -> Result<(&'static dyn Dialect, Duration)> {
    let dialect = dialect::of_database(url)?;
    Ok((dialect, dialect.wait_until_ready(url, timeout).await?))
}

/// Creates the URL's database when it does not exist (`up`); `true` when it created it.
pub async fn ensure_database(spec: &TargetSpec) -> Result<bool> {
    let dialect = dialect::of_database(&spec.url)?;
    if dialect.database_exists(&spec.url).await? {
        return Ok(false);
    }
    dialect.create_database(&spec.url).await
}
