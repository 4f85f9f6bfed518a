//! Running a migration directory against a target database: opens the target for the URL's
//! dialect and drives the executor (`migrate apply|down|status`, `up`). A new dialect plugs in
//! here (a [`MigrationTarget`] of its own in `driver::<dialect>`), without touching the executor.

use crate::diff::Change;
use crate::diff::DiffOptions;
use crate::driver::postgres::{self, PgTarget};
use crate::driver::sqlite::{self, SqliteTarget};
use crate::driver::{DevConnection, StatementRunner};
use crate::error::bad_input;
use crate::migrate::{
    self, ApplyOptions, ApplySummary, MigrationDir, MigrationFile, MigrationTarget, PendingFile,
    Progress, RevertStep, Revision,
};
use crate::plan::Plan;
use crate::schema::Realm;
use crate::source::{Dev, realm_after};
use crate::sql::split_statements_with;
use crate::url::DbUrl;
use crate::versioned::{plan_changes, realm_from_files, replay_files};
use anyhow::Result;
use std::time::Duration;

/// The target database of a run and how to treat it.
#[derive(Debug, Clone)]
pub struct TargetSpec {
    pub url: DbUrl,
    /// Schema of the revisions table (PostgreSQL; SQLite keeps it in the database file).
    pub revisions_schema: String,
    /// How long to wait for the migration lock (and, on SQLite, for another program's write
    /// lock on the file).
    pub lock_timeout: Duration,
}

fn unsupported_target(url: &DbUrl) -> anyhow::Error {
    bad_input(format!(
        "target {url}: only postgres:// and sqlite:// targets can run migrations so far"
    ))
}

/// Connects to the spec's target and evaluates `$body` with `$target` bound to it (`&mut` of
/// the dialect's [`MigrationTarget`]): where a dialect plugs in. MySQL adds an arm here; the
/// executor does not change.
macro_rules! with_target {
    ($spec:expr, $target:ident => $body:expr) => {
        match &$spec.url {
            DbUrl::Postgres(pg) => {
                let $target = &mut PgTarget::connect(pg, &$spec.revisions_schema).await?;
                $body
            }
            DbUrl::Sqlite(file) => {
                let $target = &mut SqliteTarget::connect(file, $spec.lock_timeout).await?;
                $body
            }
            other => Err(unsupported_target(other)),
        }
    };
}

/// What `apply` did: the files it would run (dry run), or the summary of a real run.
#[derive(Debug)]
pub enum ApplyOutcome {
    DryRun(Vec<PendingFile>),
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
    with_target!(spec, target => {
        if dry_run {
            let pending = migrate::pending_files(target, &files, options).await?;
            return Ok(ApplyOutcome::DryRun(pending));
        }
        let summary = migrate::apply(target, &files, options, report).await?;
        Ok(ApplyOutcome::Applied(summary))
    })
}

/// `migrate status`: the directory compared with the target's revisions.
#[derive(Debug, serde::Serialize)]
pub struct Status {
    /// The newest fully applied version.
    pub current: Option<String>,
    pub applied: usize,
    pub pending: Vec<PendingEntry>,
    /// A failed or partly applied file's revision row.
    pub incomplete: Option<Revision>,
    pub problems: Vec<String>,
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
    let revisions = with_target!(spec, target => target.revisions().await)?;
    let comparison = migrate::compare(&files, &revisions);
    Ok(Status {
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

/// What `down` was asked to do.
pub struct DownOptions {
    pub count: usize,
    pub dry_run: bool,
    /// Revert even when it drops data; without it, `confirm` is asked.
    pub auto_approve: bool,
}

/// `migrate down`: reverts the last `count` applied files, newest first, each from its down
/// section or else from the reverse plan computed on the dev database. Every step is checked on
/// the dev database before it runs: replaying the files up to the one reverted and then its
/// down statements must leave the schema of the version before. Returns the steps (run, or
/// only planned on a dry run).
pub async fn down(
    spec: &TargetSpec,
    dir: &MigrationDir,
    dev: &Dev,
    options: &DownOptions,
    confirm: &mut dyn FnMut(&str) -> Result<bool>,
    report: &mut dyn FnMut(Progress<'_>),
) -> Result<Vec<RevertStep>> {
    dir.verify_sum()?;
    let files = dir.files()?;
    with_target!(spec, target => down_on(target, spec.lock_timeout, &files, dev, options, confirm, report).await)
}

async fn down_on<T: MigrationTarget>(
    target: &mut T,
    timeout: Duration,
    files: &[MigrationFile],
    dev: &Dev,
    options: &DownOptions,
    confirm: &mut dyn FnMut(&str) -> Result<bool>,
    report: &mut dyn FnMut(Progress<'_>),
) -> Result<Vec<RevertStep>> {
    let mut on_wait =
        || eprintln!("waiting for the migration lock (another schemactl run holds it) ...");
    migrate::with_lock(target, timeout, &mut on_wait, async |target: &mut T| {
        let revisions = target.revisions().await?;
        let revert = migrate::files_to_revert(files, &revisions, options.count)?;
        let mut steps = Vec::new();
        let mut drops_data = Vec::new();
        for (file, _) in &revert {
            let checked = checked_down(files, file, dev).await?;
            if checked.drops_data {
                drops_data.push(file.file_name());
            }
            steps.push(RevertStep {
                file: file.clone(),
                statements: checked.statements,
            });
        }
        if options.dry_run || steps.is_empty() {
            return Ok(steps);
        }
        if !drops_data.is_empty() && !options.auto_approve {
            let question = format!(
                "reverting {} drops data (tables, columns or other objects holding rows)",
                drops_data.join(", ")
            );
            if !confirm(&question)? {
                return Err(bad_input(format!(
                    "{question}; nothing was reverted. Pass --auto-approve to revert anyway"
                )));
            }
        }
        migrate::revert(target, &steps, report).await?;
        Ok(steps)
    })
    .await
}

/// A file's down statements, checked on the dev database.
struct CheckedDown {
    statements: Vec<String>,
    drops_data: bool,
}

async fn checked_down(
    files: &[MigrationFile],
    file: &MigrationFile,
    dev: &Dev,
) -> Result<CheckedDown> {
    let index = files
        .iter()
        .position(|f| f.version == file.version)
        .expect("the file to revert is one of the directory's");
    let (before, after) = tokio::try_join!(
        realm_before(&files[..index], dev),
        realm_from_files(&files[..=index], dev)
    )?;
    let (_, reverse) = plan_changes(&after, &before, &DiffOptions::default(), dev.dialect());
    let drops_data = plan_drops_data(&reverse);
    let Some(down) = &file.down else {
        let statements = reverse.statements().map(|s| s.sql.clone()).collect();
        return Ok(CheckedDown {
            statements,
            drops_data,
        });
    };
    let statements: Vec<String> = split_statements_with(down, file.directives.delimiter.as_deref())
        .into_iter()
        .map(|s| s.text)
        .collect();
    let reverted = realm_after(dev, async |conn: &mut DevConnection| {
        replay_files(conn, &files[..=index]).await?;
        run_down(conn, file, &statements).await
    })
    .await?;
    if reverted != before {
        let (_, rest) = plan_changes(&reverted, &before, &DiffOptions::default(), dev.dialect());
        return Err(bad_input(format!(
            "the down section of {} does not restore the schema before it; after it, the dev database still needs:\n{}",
            file.file_name(),
            rest.to_sql()
        )));
    }
    Ok(CheckedDown {
        statements,
        drops_data,
    })
}

/// The schema before any file is the fresh database's; else the files' replay.
async fn realm_before(files: &[MigrationFile], dev: &Dev) -> Result<Realm> {
    if files.is_empty() {
        return realm_after(dev, async |_: &mut DevConnection| Ok(())).await;
    }
    realm_from_files(files, dev).await
}

async fn run_down(
    conn: &mut DevConnection,
    file: &MigrationFile,
    statements: &[String],
) -> Result<()> {
    if let Err(failed) = conn.execute_each(statements).await {
        return Err(bad_input(format!(
            "the down section of {} fails on the dev database: {failed}",
            file.file_name()
        )));
    }
    Ok(())
}

/// Whether a plan drops rows: a table, a column or a schema (dropping a view, an index or a
/// function loses no data; they are re-created from their definitions).
fn plan_drops_data(plan: &Plan) -> bool {
    plan.steps.iter().any(|step| {
        matches!(
            step.change,
            Change::DropTable { .. } | Change::DropColumn { .. } | Change::DropSchema { .. }
        )
    })
}

/// The database a URL names, for messages: `database NAME` on PostgreSQL, `database file
/// PATH` on SQLite.
pub fn database_label(url: &DbUrl) -> String {
    match url {
        DbUrl::Postgres(pg) => format!("database {}", pg.database()),
        DbUrl::Sqlite(file) => format!("database file {}", file.path()),
        other => format!("database {other}"),
    }
}

/// Creates the URL's database (`db create`, `up`); `false` when it already existed.
pub async fn create_database(url: &DbUrl) -> Result<bool> {
    match url {
        DbUrl::Postgres(pg) => postgres::create_database(pg).await,
        DbUrl::Sqlite(file) => sqlite::create_database(file),
        other => Err(unsupported_target(other)),
    }
}

/// Drops the URL's database (`db drop`); `false` when it did not exist.
pub async fn drop_database(url: &DbUrl) -> Result<bool> {
    match url {
        DbUrl::Postgres(pg) => postgres::drop_database(pg).await,
        DbUrl::Sqlite(file) => sqlite::drop_database(file),
        other => Err(unsupported_target(other)),
    }
}

/// Waits until the URL's server accepts connections (SQLite: until the file's directory
/// exists); returns how long it took.
pub async fn wait_for_database(url: &DbUrl, timeout: Duration) -> Result<Duration> {
    match url {
        DbUrl::Postgres(pg) => postgres::wait_until_ready(pg, timeout).await,
        DbUrl::Sqlite(file) => sqlite::wait_until_ready(file, timeout).await,
        other => Err(unsupported_target(other)),
    }
}

/// Creates the URL's database when it does not exist (`up`); `true` when it created it.
pub async fn ensure_database(spec: &TargetSpec) -> Result<bool> {
    let exists = match &spec.url {
        DbUrl::Postgres(pg) => postgres::database_exists(pg).await?,
        DbUrl::Sqlite(file) => sqlite::database_exists(file)?,
        other => return Err(unsupported_target(other)),
    };
    if exists {
        return Ok(false);
    }
    create_database(&spec.url).await
}
