//! `migrate down`: reverting applied files, each checked on the dev database first.

use super::migration::plan_changes;
use super::state::{realm_from_files, replay_files};
use super::target::open_target;
use crate::dialect::Dev;
use crate::diff::DiffOptions;
use crate::driver::DevConnection;
use crate::error::bad_input;
use crate::migrate::{
    self, MigrationDir, MigrationFile, MigrationTarget, Progress, RevertStep, TargetSpec,
};
use crate::schema::Realm;
use crate::sql::split_statements_for_with;
use anyhow::Result;
use std::time::Duration;

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
    let target = &mut *open_target(spec).await?;
    down_on(
        target,
        spec.lock_timeout,
        &files,
        dev,
        options,
        confirm,
        report,
    )
    .await
}

async fn down_on<T: MigrationTarget + ?Sized>(
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
    let (_, reverse) = plan_changes(&after, &before, &DiffOptions::default(), dev.dialect())?;
    let drops_data = reverse.drops_rows();
    let Some(down) = &file.down else {
        let statements = reverse.statements().map(|s| s.sql.clone()).collect();
        return Ok(CheckedDown {
            statements,
            drops_data,
        });
    };
    let flavor = dev.dialect().lexer_flavor();
    let statements: Vec<String> =
        split_statements_for_with(flavor, down, file.directives.delimiter.as_deref())
            .into_iter()
            .map(|s| s.text)
            .collect();
    let reverted = dev
        .realm_after(async |conn: &mut dyn DevConnection| {
            replay_files(&mut *conn, &files[..=index]).await?;
            run_down(conn, file, &statements).await
        })
        .await?;
    if reverted != before {
        let (_, rest) = plan_changes(&reverted, &before, &DiffOptions::default(), dev.dialect())?;
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
        return dev
            .realm_after(async |_: &mut dyn DevConnection| Ok(()))
            .await;
    }
    realm_from_files(files, dev).await
}

async fn run_down(
    conn: &mut dyn DevConnection,
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
