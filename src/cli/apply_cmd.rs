//! `migrate apply|down|status`, `db create|drop|wait` and `up`: flags, output and prompts.
//! The runs themselves live in `crate::workflow` and `crate::migrate`'s executor.

use super::GlobalArgs;
use super::migrate_cmd::DirArgs;
use super::project::Settings;
use crate::config::parse_duration;
use crate::error::bad_input;
use crate::migrate::TargetSpec;
use crate::migrate::{ApplyOptions, PendingFile, Progress, TxMode};
use crate::sql::Flavor;
use crate::url;
use crate::workflow::{self, ApplyOutcome, DownOptions, Status};
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use std::cell::Cell;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

/// `migrate` subcommands that run against a target database.
#[derive(Debug, Subcommand)]
pub enum MigrateRunCommand {
    /// Apply pending migration files to the target database, in order.
    Apply(ApplyArgs),
    /// Revert the last N applied files (default 1).
    Down(DownArgs),
    /// Show the target's version, pending files and a failed or partly applied file (exit 1
    /// when a file failed or stopped part-way, or the directory and the target disagree).
    Status(StatusArgs),
    /// Record the target as being at VERSION without running anything (after a fix by hand).
    Set(super::repair_cmd::SetArgs),
    /// Remove failed and stray revision rows and accept edited files' checksums.
    Repair(super::repair_cmd::RepairArgs),
}

/// Top-level commands of the runner.
#[derive(Debug, Subcommand)]
pub enum RunnerCommand {
    /// Create, drop or wait for the target database.
    #[command(subcommand)]
    Db(DbCommand),
    /// Create the target database if it is missing, then apply every pending file.
    Up(ApplyArgs),
    /// Create the target database (short for `db create`).
    Create(DbCreateArgs),
    /// Drop the target database (short for `db drop`).
    Drop(DbDropArgs),
    /// Wait until the target's server accepts connections (short for `db wait`).
    Wait(DbWaitArgs),
    /// Revert the last N applied files, default 1 (short for `migrate down`).
    #[command(visible_alias = "down")]
    Rollback(DownArgs),
    /// Show the target's version and pending files (short for `migrate status`).
    Status(StatusArgs),
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create the database the URL names (SQLite: an empty database file).
    Create(DbCreateArgs),
    /// Drop the database the URL names (asks first; --force without a terminal). SQLite: removes
    /// the file with its journal and lock files.
    Drop(DbDropArgs),
    /// Wait until the server accepts connections (SQLite: until the file's directory exists).
    Wait(DbWaitArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TxModeArg {
    File,
    All,
    None,
}

/// The target database and its lock.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Target database URL (default: the env's `url`, else `$DATABASE_URL`).
    #[arg(long)]
    pub url: Option<String>,
    /// Schema of the revisions table on PostgreSQL (default: the env's
    /// `migration.revisions_schema`, else `schemactl`); SQLite keeps it in the database file.
    #[arg(long)]
    pub revisions_schema: Option<String>,
    /// How long to wait for another run's migration lock, e.g. `30s`, `2m` (SQLite: also for
    /// another program's write lock on the file, at least 5 s).
    #[arg(long, default_value = "30s")]
    pub lock_timeout: String,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Apply at most N files.
    pub count: Option<usize>,
    #[command(flatten)]
    pub dir: DirArgs,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Print the SQL that would run; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Transactions: one per file, one for the whole run, or none (statement by statement).
    #[arg(long, value_enum, default_value = "file")]
    pub tx_mode: TxModeArg,
    /// On a target without revisions, count the files up to VERSION as applied.
    #[arg(long, value_name = "VERSION")]
    pub baseline: Option<String>,
    /// Apply to a target without revisions even though it holds objects.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// After applying, write the target's schema to FILE (default `schema.sql`), as `dump`.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "schema.sql")]
    pub dump_schema: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DownArgs {
    /// How many applied files to revert.
    #[arg(default_value_t = 1)]
    pub count: usize,
    #[command(flatten)]
    pub dir: DirArgs,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Dev database server for checking the revert (default: the env's `dev`, else a local
    /// ephemeral cluster).
    #[arg(long)]
    pub dev_url: Option<String>,
    /// Revert even when it drops data.
    #[arg(long)]
    pub auto_approve: bool,
    /// Print the SQL that would run; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    #[command(flatten)]
    pub target: TargetArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct DbUrlArg {
    /// Database URL (default: the env's `url`, else `$DATABASE_URL`).
    #[arg(long)]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct DbCreateArgs {
    #[command(flatten)]
    pub url: DbUrlArg,
    /// Succeed when the database already exists.
    #[arg(long)]
    pub if_not_exists: bool,
}

#[derive(Debug, Args)]
pub struct DbDropArgs {
    #[command(flatten)]
    pub url: DbUrlArg,
    /// Drop without asking (required when stdin is not a terminal).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DbWaitArgs {
    #[command(flatten)]
    pub url: DbUrlArg,
    /// Give up after this long, e.g. `30s`.
    #[arg(long, default_value = "30s")]
    pub timeout: String,
}

pub async fn run_migrate(global: &GlobalArgs, command: MigrateRunCommand) -> Result<i32> {
    match command {
        MigrateRunCommand::Apply(args) => apply(global, args).await,
        MigrateRunCommand::Down(args) => down(global, args).await,
        MigrateRunCommand::Status(args) => status(global, args).await,
        MigrateRunCommand::Set(args) => super::repair_cmd::set(global, args).await,
        MigrateRunCommand::Repair(args) => super::repair_cmd::repair(global, args).await,
    }
}

pub async fn run(global: &GlobalArgs, command: RunnerCommand) -> Result<i32> {
    match command {
        RunnerCommand::Db(DbCommand::Create(args)) => db_create(global, args).await,
        RunnerCommand::Db(DbCommand::Drop(args)) => db_drop(global, args).await,
        RunnerCommand::Db(DbCommand::Wait(args)) => db_wait(global, args).await,
        RunnerCommand::Up(args) => up(global, args).await,
        RunnerCommand::Create(args) => db_create(global, args).await,
        RunnerCommand::Drop(args) => db_drop(global, args).await,
        RunnerCommand::Wait(args) => db_wait(global, args).await,
        RunnerCommand::Rollback(args) => down(global, args).await,
        RunnerCommand::Status(args) => status(global, args).await,
    }
}

fn duration_flag(flag: &str, value: &str) -> Result<Duration> {
    parse_duration(value).map_err(|why| bad_input(format!("{flag}: {why}")))
}

/// `--url`, else the env's `url`, else `$DATABASE_URL`.
fn target_url(settings: &Settings, flag: Option<&str>) -> Result<url::DbUrl> {
    settings.target_url(flag)
}

pub(super) fn target_spec(settings: &Settings, args: &TargetArgs) -> Result<TargetSpec> {
    let env_schema = settings
        .env()
        .and_then(|e| e.migration.revisions_schema.clone());
    Ok(TargetSpec {
        url: target_url(settings, args.url.as_deref())?,
        revisions_schema: args.revisions_schema.clone().or(env_schema),
        lock_timeout: duration_flag("--lock-timeout", &args.lock_timeout)?,
    })
}

/// Progress lines on stderr: `applying 1_a.sql (5 statements) ... ok 12ms`. `open` says
/// whether a line was started and not ended, for [`end_open_line`].
fn progress_printer<'a>(verb: &'static str, open: &'a Cell<bool>) -> impl FnMut(Progress<'_>) + 'a {
    move |progress| match progress {
        Progress::WaitingForLock => {
            eprintln!("waiting for the migration lock (another schemactl run holds it) ...")
        }
        Progress::Baselined { files, version } => {
            eprintln!("baseline: recorded {files} file(s) up to version {version} as applied")
        }
        Progress::Starting {
            file,
            statements,
            start,
        } => {
            let resume = if start > 0 {
                format!(", resuming at statement {}", start + 1)
            } else {
                String::new()
            };
            eprint!(
                "{verb} {} ({statements} statements{resume}) ... ",
                file.file_name()
            );
            open.set(true);
        }
        Progress::Done { elapsed, .. } => {
            eprintln!("ok {}ms", elapsed.as_millis());
            open.set(false);
        }
        Progress::Failed { .. } => {
            eprintln!("FAILED");
            open.set(false);
        }
    }
}

/// Ends a progress line an error cut short (a lost connection reports no `Failed`), so the
/// error message starts on a line of its own.
fn end_open_line(open: &Cell<bool>) {
    if open.replace(false) {
        eprintln!("FAILED");
    }
}

fn apply_options(settings: &Settings, args: &ApplyArgs) -> Result<ApplyOptions> {
    let env_baseline = settings.env().and_then(|e| e.migration.baseline.clone());
    Ok(ApplyOptions {
        limit: args.count,
        tx_mode: match args.tx_mode {
            TxModeArg::File => TxMode::File,
            TxModeArg::All => TxMode::All,
            TxModeArg::None => TxMode::None,
        },
        baseline: args.baseline.clone().or(env_baseline),
        baseline_explicit: args.baseline.is_some(),
        allow_dirty: args.allow_dirty,
        lock_timeout: duration_flag("--lock-timeout", &args.target.lock_timeout)?,
    })
}

pub async fn apply(global: &GlobalArgs, args: ApplyArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let spec = target_spec(&settings, &args.target)?;
    apply_with(&settings, &spec, &args).await
}

async fn apply_with(settings: &Settings, spec: &TargetSpec, args: &ApplyArgs) -> Result<i32> {
    let dir = settings.migration_dir(&args.dir)?;
    let options = apply_options(settings, args)?;
    let open_line = Cell::new(false);
    let mut report = progress_printer("applying", &open_line);
    let outcome = workflow::apply(spec, &dir, &options, args.dry_run, &mut report).await;
    end_open_line(&open_line);
    match outcome? {
        ApplyOutcome::DryRun { pending, flavor } => print_dry_run(&pending, flavor),
        ApplyOutcome::Applied(summary) => {
            if args.format == OutputFormat::Json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            }
            let statements: usize = summary.applied.iter().map(|f| f.statements).sum();
            match summary.applied.last() {
                Some(last) => eprintln!(
                    "applied {} file(s), {statements} statement(s); now at version {}{}",
                    summary.applied.len(),
                    last.version,
                    if summary.pending > 0 {
                        format!(" ({} file(s) still pending)", summary.pending)
                    } else {
                        String::new()
                    }
                ),
                None => eprintln!("the target is up to date; nothing to apply"),
            }
            if let Some(file) = &args.dump_schema {
                let statements = super::dump_cmd::write_schema(&spec.url, file).await?;
                eprintln!("wrote {} ({statements} statement(s))", file.display());
            }
        }
    }
    Ok(0)
}

fn print_dry_run(pending: &[PendingFile], flavor: &Flavor) {
    if pending.is_empty() {
        eprintln!("the target is up to date; nothing to apply");
    }
    for item in pending {
        println!("-- {} ({} statements)", item.file.file_name(), item.total);
        for statement in item.file.statements(flavor).iter().skip(item.start) {
            println!("{};", statement.text.trim_end().trim_end_matches(';'));
        }
    }
}

async fn down(global: &GlobalArgs, args: DownArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let spec = target_spec(&settings, &args.target)?;
    let dir = settings.migration_dir(&args.dir)?;
    let dev = settings.dev(args.dev_url.as_deref(), &[&spec.url])?;
    let options = DownOptions {
        count: args.count,
        dry_run: args.dry_run,
        auto_approve: args.auto_approve,
    };
    let open_line = Cell::new(false);
    let mut report = progress_printer("reverting", &open_line);
    let result = workflow::down(&spec, &dir, &dev, &options, &mut ask, &mut report).await;
    end_open_line(&open_line);
    dev.close().await?;
    let steps = result?;
    if args.dry_run {
        for step in &steps {
            println!("-- revert {}", step.file.file_name());
            for statement in &step.statements {
                println!("{};", statement.trim_end().trim_end_matches(';'));
            }
        }
    } else if steps.is_empty() {
        eprintln!("nothing is applied; nothing to revert");
    } else {
        eprintln!("reverted {} file(s)", steps.len());
    }
    Ok(0)
}

async fn status(global: &GlobalArgs, args: StatusArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let spec = target_spec(&settings, &args.target)?;
    let dir = settings.migration_dir(&args.dir)?;
    let status = workflow::status(&spec, &dir).await?;
    match args.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&status)?),
        OutputFormat::Text => print!("{}", status_text(&status)),
    }
    // A failed, half-applied or inconsistent target fails a CI step that checks status.
    Ok(if status.state.is_healthy() { 0 } else { 1 })
}

fn status_text(status: &Status) -> String {
    let mut out = format!(
        "current version: {} ({} file(s) applied)\npending: {} file(s)\n",
        status.current.as_deref().unwrap_or("none"),
        status.applied,
        status.pending.len()
    );
    for entry in &status.pending {
        out.push_str(&format!(
            "  {} ({} statements)\n",
            entry.file, entry.statements
        ));
    }
    if let Some(revision) = &status.incomplete {
        out.push_str(&format!(
            "{} version {} ({}): {} of {} statement(s) applied\n",
            if revision.error.is_some() {
                "failed"
            } else {
                "partly applied"
            },
            revision.version,
            revision.description,
            revision.applied,
            revision.total
        ));
        if let Some(error) = &revision.error {
            out.push_str(&format!("  error: {error}\n"));
        }
        if let Some(statement) = &revision.error_statement {
            out.push_str(&format!("  statement: {}\n", statement.trim()));
        }
    }
    for problem in &status.problems {
        out.push_str(&format!("problem: {problem}\n"));
    }
    out
}

/// Asks a yes/no question on the terminal; `false` without one.
fn ask(question: &str) -> Result<bool> {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Ok(false);
    }
    eprint!("{question}. Continue? [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn db_url(global: &GlobalArgs, arg: &DbUrlArg) -> Result<url::DbUrl> {
    let settings = Settings::load(global)?;
    target_url(&settings, arg.url.as_deref())
}

async fn db_create(global: &GlobalArgs, args: DbCreateArgs) -> Result<i32> {
    let url = db_url(global, &args.url)?;
    let label = workflow::database_label(&url);
    if workflow::create_database(&url).await? {
        eprintln!("created {label}");
        Ok(0)
    } else if args.if_not_exists {
        eprintln!("{label} already exists");
        Ok(0)
    } else {
        Err(crate::error::failure(format!(
            "{label} already exists (pass --if-not-exists to accept that)"
        )))
    }
}

async fn db_drop(global: &GlobalArgs, args: DbDropArgs) -> Result<i32> {
    let url = db_url(global, &args.url)?;
    let label = workflow::database_label(&url);
    if !args.force {
        if !std::io::stdin().is_terminal() {
            return Err(bad_input(format!(
                "refusing to drop {label} without --force: stdin is not a terminal to confirm on"
            )));
        }
        if !ask(&format!("drop {label} and all its data"))? {
            eprintln!("not dropped");
            return Ok(1);
        }
    }
    if workflow::drop_database(&url).await? {
        eprintln!("dropped {label}");
    } else {
        eprintln!("{label} does not exist; nothing to drop");
    }
    Ok(0)
}

async fn db_wait(global: &GlobalArgs, args: DbWaitArgs) -> Result<i32> {
    let url = db_url(global, &args.url)?;
    let timeout = duration_flag("--timeout", &args.timeout)?;
    let (dialect, waited) = workflow::wait_for_database(&url, timeout).await?;
    eprintln!("{}", dialect.ready_message(waited));
    Ok(0)
}

async fn up(global: &GlobalArgs, args: ApplyArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let spec = target_spec(&settings, &args.target)?;
    if !args.dry_run && workflow::ensure_database(&spec).await? {
        eprintln!("created {}", workflow::database_label(&spec.url));
    }
    apply_with(&settings, &spec, &args).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{Revision, RevisionKind};
    use crate::workflow::PendingEntry;

    #[test]
    fn status_text_names_the_failed_file_its_error_and_statement() {
        let status = Status {
            state: crate::workflow::StatusState::Failed,
            current: Some("1".into()),
            applied: 1,
            pending: vec![PendingEntry {
                version: "2".into(),
                file: "2_b.sql".into(),
                statements: 5,
                applied: 0,
            }],
            incomplete: Some(Revision {
                version: "2".into(),
                description: "b".into(),
                kind: RevisionKind::Applied,
                checksum: "x".into(),
                applied: 0,
                total: 5,
                error: Some("column \"nope\" does not exist".into()),
                error_statement: Some("select nope".into()),
                execution_ms: 3,
                applied_at: "2026-01-01T00:00:00Z".into(),
                operator: "ci as postgres".into(),
            }),
            problems: vec!["3_c.sql was applied on the target but has been edited since".into()],
        };
        insta::assert_snapshot!(status_text(&status), @r#"
        current version: 1 (1 file(s) applied)
        pending: 1 file(s)
          2_b.sql (5 statements)
        failed version 2 (b): 0 of 5 statement(s) applied
          error: column "nope" does not exist
          statement: select nope
        problem: 3_c.sql was applied on the target but has been edited since
        "#);
    }
}
