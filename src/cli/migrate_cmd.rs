//! `migrate diff`, `migrate new`, `migrate hash` and `migrate validate`.

use super::GlobalArgs;
use super::project::{Settings, parse_rename_flag};
use crate::diff::Change;
use crate::diff::{DiffOptions, RenameCandidate, rename_candidates};
use crate::migrate::next_version;
use crate::plan::Plan;
use crate::url::DbUrl;
use crate::workflow::{
    DesiredSource, current_and_desired, load_cached, plan_changes, plan_key, realm_from_dir,
    state_keys, store_cached, write_next_migration,
};
use anyhow::Result;
use clap::Args;
use std::io::{BufRead, IsTerminal, Write};

/// Where the migration directory is and how its files are laid out.
#[derive(Debug, Args)]
pub struct DirArgs {
    /// Migration directory, e.g. `file://migrations` (default: the env's, else `file://migrations`).
    #[arg(long)]
    pub dir: Option<String>,
    /// Directory format: atlas (= schemactl), dbmate or golang-migrate.
    #[arg(long)]
    pub dir_format: Option<String>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Name of the new migration file (`VERSION_NAME.sql`).
    pub name: Option<String>,
    #[command(flatten)]
    pub dir: DirArgs,
    /// Desired state: a database or SQL files (default: the env's `src`).
    #[arg(long)]
    pub to: Option<String>,
    /// Dev database: `postgres://…` or `docker://postgres/TAG/DB[?reuse=true]` (default: the
    /// env's `dev`, else a local ephemeral cluster).
    #[arg(long)]
    pub dev_url: Option<String>,
    /// Write nothing; exit 1 when a migration would be generated (CI drift gate).
    #[arg(long)]
    pub check: bool,
    /// A rename to plan as such: `table=new_table`, `schema.table=schema2.table2`, or
    /// `[schema.]table.column=new_column` (repeatable).
    #[arg(long = "rename", value_name = "OLD=NEW")]
    pub renames: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Name of the new, empty migration file.
    pub name: Option<String>,
    #[command(flatten)]
    pub dir: DirArgs,
}

/// The seed's `new`: an empty migration file, or with `--auto` the next planned one.
#[derive(Debug, Args)]
pub struct ShortNewArgs {
    /// Name of the new migration file.
    pub name: Option<String>,
    /// The name, as a message (`--message create_initial_tables`).
    #[arg(long, short = 'm', conflicts_with = "name")]
    pub message: Option<String>,
    /// Plan the file: the difference between the directory and the desired state (as
    /// `migrate diff`), instead of an empty file.
    #[arg(long)]
    pub auto: bool,
    /// SQLAlchemy models to plan from (a module, e.g. `app.models`, imported from the working
    /// directory by `schemactl-sqlalchemy`); default: the env's `src`.
    #[arg(long, requires = "auto", value_name = "MODULE")]
    pub models: Option<String>,
    #[command(flatten)]
    pub dir: DirArgs,
    /// Desired state: a database or SQL files (instead of --models).
    #[arg(long, requires = "auto", conflicts_with = "models")]
    pub to: Option<String>,
    /// The target database, whose dialect the models are printed for (default: the env's
    /// `url`, else `$DATABASE_URL`).
    #[arg(long)]
    pub url: Option<String>,
    /// Dev database to plan on (default: the env's `dev`, else the dialect's own: a local
    /// ephemeral server, SQLite in memory).
    #[arg(long)]
    pub dev_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct HashArgs {
    #[command(flatten)]
    pub dir: DirArgs,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    /// Dev database to replay on: `postgres://…` or `docker://postgres/TAG/DB[?reuse=true]`
    /// (default: the env's `dev`, else a local ephemeral cluster).
    #[arg(long)]
    pub dev_url: Option<String>,
}

pub async fn diff(global: &GlobalArgs, args: DiffArgs) -> Result<i32> {
    diff_with(Settings::load(global)?, args).await
}

/// The seed's `new [--auto --models MODULE]`: `migrate new`, or `migrate diff` planned from
/// the models.
pub async fn short_new(global: &GlobalArgs, args: ShortNewArgs) -> Result<i32> {
    let name = args.name.or(args.message);
    if !args.auto {
        return new(
            global,
            NewArgs {
                name,
                dir: args.dir,
            },
        )
        .await;
    }
    let settings = Settings::load(global)?.with_models(args.models, args.url);
    let diff = DiffArgs {
        name,
        dir: args.dir,
        to: args.to,
        dev_url: args.dev_url,
        check: false,
        renames: Vec::new(),
    };
    diff_with(settings, diff).await
}

async fn diff_with(settings: Settings, args: DiffArgs) -> Result<i32> {
    let dir = settings.migration_dir(&args.dir)?;
    dir.verify_sum()?;
    let source = settings.desired_source(args.to.as_deref())?;
    let targets: Vec<&DbUrl> = match &source {
        DesiredSource::Url(url) => vec![url],
        DesiredSource::Program(_) => Vec::new(),
    };
    let dev = settings.dev(args.dev_url.as_deref(), &targets)?;
    let dialect = dev.dialect();
    let mut options = settings.diff_options(dialect.default_schema(), true)?;
    for flag in &args.renames {
        options
            .renames
            .push(parse_rename_flag(flag, dialect.default_schema())?);
    }
    let planned = plan_through_cache(&dir, &source, &dev, &options).await;
    let (changes, mut plan) = match planned {
        Ok(planned) => planned,
        Err(e) => {
            dev.close().await?;
            return Err(e);
        }
    };
    let accepted = confirm_renames(&rename_candidates(&changes))?;
    let replanned = match accepted.is_empty() {
        true => Ok(()),
        false => {
            options.renames.extend(accepted);
            current_and_desired(&dir, &source, &dev)
                .await
                .and_then(|(current, desired)| {
                    plan = plan_changes(&current, &desired, &options, dialect)?.1;
                    Ok(())
                })
        }
    };
    dev.close().await?;
    replanned?;

    if plan.is_empty() {
        eprintln!("The migration directory is in sync with the desired state; nothing to write.");
        return Ok(0);
    }
    let statements = plan.statements().count();
    if args.check {
        eprintln!(
            "The desired state differs from the migration directory: a new migration would hold {statements} statement(s). Run `schemactl migrate diff` to write it."
        );
        return Ok(1);
    }
    let name = args.name.unwrap_or_default();
    let written = write_next_migration(&dir, &name, &plan)?;
    eprintln!("planned {statements} statement(s)");
    for path in &written {
        eprintln!("wrote {}", path.display());
    }
    Ok(0)
}

pub async fn new(global: &GlobalArgs, args: NewArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let dir = settings.migration_dir(&args.dir)?;
    dir.verify_sum()?;
    let version = next_version(&dir)?;
    for path in dir.new_migration(&version, &args.name.unwrap_or_default())? {
        eprintln!("wrote {}", path.display());
    }
    Ok(0)
}

pub async fn hash(global: &GlobalArgs, args: HashArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let dir = settings.migration_dir(&args.dir)?;
    dir.write_sum()?;
    eprintln!("wrote the sum file of {}", dir.path().display());
    Ok(0)
}

pub async fn validate(global: &GlobalArgs, args: ValidateArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let dir = settings.migration_dir(&args.dir)?;
    dir.verify_sum()?;
    let dev = settings.dev(args.dev_url.as_deref(), &[])?;
    let replayed = realm_from_dir(&dir, &dev).await;
    dev.close().await?;
    let realm = replayed?;
    eprintln!(
        "{}: {} file(s) replay cleanly ({} objects)",
        dir.path().display(),
        dir.files()?.len(),
        realm.object_count()
    );
    Ok(0)
}

/// Asks on a terminal whether each drop-and-add pair is a rename; without a terminal, warns
/// loudly and keeps the drop.
/// The changes and plan from the directory to the desired state: from the cache when both
/// states are cached and were planned with these options before (no model is even read),
/// else from the two models, stored for the next run.
async fn plan_through_cache(
    dir: &crate::migrate::MigrationDir,
    source: &DesiredSource,
    dev: &crate::dialect::Dev,
    options: &DiffOptions,
) -> Result<(Vec<Change>, Plan)> {
    let key = state_keys(dir, source, dev)
        .await?
        .map(|(current, desired)| plan_key(&current, &desired, options));
    if let Some(planned) = key.as_deref().and_then(|k| load_cached(dev, "plan", k)) {
        return Ok(planned);
    }
    let (current, desired) = current_and_desired(dir, source, dev).await?;
    let planned = plan_changes(&current, &desired, options, dev.dialect())?;
    if let Some(key) = &key {
        store_cached(dev, "plan", key, "migrate diff", &planned);
    }
    Ok(planned)
}

fn confirm_renames(candidates: &[RenameCandidate]) -> Result<Vec<crate::diff::RenameHint>> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut accepted = Vec::new();
    for candidate in candidates {
        if !interactive {
            eprintln!(
                "WARNING: {}. The plan DROPS it and adds a new one, losing its data. If it is a rename, \
                 say so with --rename or a `diff {{ rename {{ ... }} }}` block in the project file.",
                candidate.reason
            );
            continue;
        }
        eprint!("{}. Is it a rename? [y/N] ", candidate.reason);
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if matches!(answer.trim(), "y" | "Y" | "yes") {
            accepted.push(candidate.hint.clone());
        }
    }
    Ok(accepted)
}
