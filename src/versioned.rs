//! Versioned migrations: the schema a migration directory leaves behind, the desired schema of
//! an environment, and the next migration file between the two.

use crate::diff::{self, Change, DiffOptions};
use crate::driver::{DevConnection, Dialect, StatementRunner};
use crate::migrate::{MigrationDir, MigrationFile, next_version};
use crate::plan::{Plan, plan_for};
use crate::provider::{ProgramSpec, run_program};
use crate::schema::Realm;
use crate::source::{
    Dev, Script, execute_statements, realm_after, realm_from_scripts, realm_from_url,
};
use crate::url::DbUrl;
use anyhow::Result;
use std::path::PathBuf;

/// Where the desired state comes from.
#[derive(Debug, Clone)]
pub enum DesiredSource {
    Url(DbUrl),
    Program(ProgramSpec),
}

/// Replays every file of `dir` on `conn`, in version order; a failure names the file, the line,
/// the statement and the server's message.
pub async fn replay_dir(conn: &mut impl StatementRunner, dir: &MigrationDir) -> Result<()> {
    replay_files(conn, &dir.files()?).await
}

/// Replays `files` on `conn`, in the order given.
pub async fn replay_files(conn: &mut impl StatementRunner, files: &[MigrationFile]) -> Result<()> {
    for file in files {
        execute_statements(conn, &file.path.display().to_string(), &file.statements()).await?;
    }
    Ok(())
}

/// The schema `files` produce, replayed on a scratch database of the dev server.
pub async fn realm_from_files(files: &[MigrationFile], dev: &Dev) -> Result<Realm> {
    realm_after(dev, async |conn: &mut DevConnection| {
        replay_files(conn, files).await
    })
    .await
}

/// The schema the directory's files produce, replayed on a scratch database of the dev server.
pub async fn realm_from_dir(dir: &MigrationDir, dev: &Dev) -> Result<Realm> {
    realm_after(dev, async |conn: &mut DevConnection| {
        replay_dir(conn, dir).await
    })
    .await
}

/// The desired schema, loaded on a scratch database of the dev server.
pub async fn desired_realm(source: &DesiredSource, dev: &Dev) -> Result<Realm> {
    match source {
        DesiredSource::Url(url) => realm_from_url(url, dev).await,
        DesiredSource::Program(spec) => {
            let sql = run_program(spec).await?;
            let origin = format!("output of {}", spec.name);
            realm_from_scripts(&[Script::new(origin, sql)], dev).await
        }
    }
}

/// The current (replayed) and desired states, loaded concurrently on two scratch databases.
pub async fn current_and_desired(
    dir: &MigrationDir,
    source: &DesiredSource,
    dev: &Dev,
) -> Result<(Realm, Realm)> {
    tokio::try_join!(realm_from_dir(dir, dev), desired_realm(source, dev))
}

/// The changes and plan from `current` to `desired` in `dialect`.
pub fn plan_changes(
    current: &Realm,
    desired: &Realm,
    options: &DiffOptions,
    dialect: Dialect,
) -> (Vec<Change>, Plan) {
    let policy = crate::plan::diff_policy_for(dialect);
    let changes = diff::diff(current, desired, options, policy);
    let plan = plan_for(dialect, current, desired, &changes);
    (changes, plan)
}

/// Writes `plan` as the next migration of `dir` (and its sum), returning the files written.
pub fn write_next_migration(dir: &MigrationDir, name: &str, plan: &Plan) -> Result<Vec<PathBuf>> {
    let version = next_version(dir)?;
    let up = plan.to_commented_sql();
    let down = plan.to_commented_reverse_sql();
    dir.write_migration(&version, name, &up, Some(&down))
}
