//! `migrate set VERSION` and `migrate repair`: fix the target's revisions table by hand, after
//! the database itself was fixed by hand. Nothing in a migration file runs.

use super::GlobalArgs;
use super::apply_cmd::{OutputFormat, TargetArgs, target_spec};
use super::migrate_cmd::DirArgs;
use super::project::Settings;
use crate::workflow::{self, RevisionRepair};
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The version the target is at: files up to it are recorded as applied (nothing runs),
    /// rows of later versions are removed.
    pub version: String,
    #[command(flatten)]
    pub repair: RepairArgs,
}

#[derive(Debug, Args)]
pub struct RepairArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Print what would change and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

/// `migrate set VERSION`.
pub async fn set(global: &GlobalArgs, args: SetArgs) -> Result<i32> {
    run(
        global,
        RevisionRepair::SetVersion(&args.version),
        args.repair,
    )
    .await
}

/// `migrate repair`: remove failed and partly applied rows (their files run again from the
/// first statement, so undo what they left first), accept edits of applied files, and remove
/// rows of versions no file has.
pub async fn repair(global: &GlobalArgs, args: RepairArgs) -> Result<i32> {
    run(global, RevisionRepair::Repair, args).await
}

async fn run(global: &GlobalArgs, what: RevisionRepair<'_>, args: RepairArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let spec = target_spec(&settings, &args.target)?;
    let dir = settings.migration_dir(&args.dir)?;
    let fixes = workflow::repair_revisions(&spec, &dir, what, args.dry_run, &mut || {
        eprintln!("waiting for the migration lock (another schemactl run holds it) ...")
    })
    .await?;
    if args.format == OutputFormat::Json {
        println!("{}", serde_json::to_string_pretty(&fixes)?);
    }
    let verb = if args.dry_run { "would" } else { "did" };
    for fix in &fixes {
        eprintln!("{verb}: {}", fix.describe());
    }
    if fixes.is_empty() {
        eprintln!("the revisions table needs no change");
    }
    Ok(0)
}
