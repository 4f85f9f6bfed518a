//! Planning: the changes and plan between two states in the run's dialect, and the next
//! migration file of a directory.

use crate::dialect::Dialect;
use crate::diff::{self, Change, DiffOptions};
use crate::error::bad_input;
use crate::migrate::{MigrationDir, next_version};
use crate::plan::Plan;
use crate::schema::Realm;
use anyhow::Result;
use std::path::PathBuf;

/// The changes and plan from `current` to `desired` in `dialect`, within the options' scope.
pub fn plan_changes(
    current: &Realm,
    desired: &Realm,
    options: &DiffOptions,
    dialect: &dyn Dialect,
) -> Result<(Vec<Change>, Plan)> {
    let (current, desired) =
        diff::narrow(current, desired, options, dialect.diff_policy()).map_err(bad_input)?;
    let changes = diff::diff(&current, &desired, options, dialect.diff_policy());
    let plan = dialect.plan(&current, &desired, &changes)?;
    Ok((changes, plan))
}

/// The plan from `current` to `desired`, without rename hints.
pub fn plan_between(current: &Realm, desired: &Realm, dialect: &dyn Dialect) -> Result<Plan> {
    Ok(plan_changes(current, desired, &DiffOptions::default(), dialect)?.1)
}

/// Writes `plan` as the next migration of `dir` (and its sum), returning the files written.
pub fn write_next_migration(dir: &MigrationDir, name: &str, plan: &Plan) -> Result<Vec<PathBuf>> {
    let version = next_version(dir)?;
    let up = plan.to_commented_sql();
    let down = plan.to_commented_reverse_sql();
    dir.write_migration(&version, name, &up, Some(&down))
}
