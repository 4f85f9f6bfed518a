//! Command line: clap commands, output formats and exit codes. Behaviour lives in the library;
//! this module parses, dispatches and reports.

mod apply_cmd;
mod cache_cmd;
mod completion_cmd;
mod dev_cmd;
mod dump_cmd;
mod history_cmd;
mod import_cmd;
mod init_cmd;
mod lint_cmd;
mod migrate_cmd;
mod paint;
mod project;
mod repair_cmd;
mod schema_cmd;

use crate::error::exit_code;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "schemactl",
    version,
    about = "Plan and run database schema migrations from a desired state"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Project file.
    #[arg(long, global = true, default_value = "schemactl.hcl")]
    pub config: String,
    /// Environment of the project file to use.
    #[arg(long, global = true)]
    pub env: Option<String>,
    /// Project variable, `name=value` (repeatable).
    #[arg(long = "var", global = true, value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Neither read nor write the cache (provider output, replayed and desired states).
    #[arg(long, global = true, env = "SCHEMACTL_NO_CACHE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_cache: bool,
}

impl GlobalArgs {
    /// The run's cache: none under `--no-cache`, else the environment's (see
    /// [`crate::cache::Cache::from_env`]).
    pub fn cache(&self) -> anyhow::Result<Option<crate::cache::Cache>> {
        match self.no_cache {
            true => Ok(None),
            false => crate::cache::Cache::from_env(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect and compare schemas.
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Versioned migrations: plan, create, hash, validate and run migration files. With no
    /// subcommand: apply the pending files (as `migrate apply`).
    Migrate(MigrateGroup),
    /// Write a new migration file: empty, or with --auto planned from the models (short for
    /// `migrate new` / `migrate diff`).
    New(migrate_cmd::ShortNewArgs),
    /// Write a commented schemactl.hcl for the project here (its models, DATABASE_URL).
    Init(init_cmd::InitArgs),
    /// Write the target's schema to a file (default `schema.sql`).
    Dump(dump_cmd::DumpArgs),
    /// Load a schema file (default `schema.sql`) into an empty target.
    Load(dump_cmd::LoadArgs),
    #[command(flatten)]
    Runner(apply_cmd::RunnerCommand),
    /// Warm dev containers kept between runs (docker dev URLs with `?reuse=true`).
    #[command(subcommand)]
    Dev(DevCommand),
    /// The cache of provider output and of replayed and desired states.
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Print a shell completion script (`source <(schemactl completion bash)`).
    Completion(completion_cmd::CompletionArgs),
}

/// `migrate SUBCOMMAND`, or `migrate [apply flags]`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct MigrateGroup {
    #[command(subcommand)]
    pub command: Option<MigrateCommand>,
    #[command(flatten)]
    pub apply: apply_cmd::ApplyArgs,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Where the cache is, its bound, and each kind's entries, size and hits.
    Info(cache_cmd::InfoArgs),
    /// Remove every entry (and, given a dev database, the states it keeps).
    Clear(cache_cmd::ClearArgs),
}

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Start (or find) the warm container of a docker dev URL.
    Start(dev_cmd::StartArgs),
    /// Remove warm dev containers.
    Stop(dev_cmd::StopArgs),
}

#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Write the next migration: the difference between the directory and the desired state.
    Diff(migrate_cmd::DiffArgs),
    /// Write an empty migration file.
    New(migrate_cmd::NewArgs),
    /// Recompute the directory's sum file after intended edits.
    Hash(migrate_cmd::HashArgs),
    /// Check the sum file and replay every file on the dev database.
    Validate(migrate_cmd::ValidateArgs),
    /// Check new migration files for dangerous changes against the state before them.
    Lint(lint_cmd::LintArgs),
    /// What each migration file did to the schema: events per file, with risk and commit.
    History(history_cmd::HistoryArgs),
    /// Turn another tool's migration directory (alembic, dbmate, golang-migrate, flyway,
    /// goose) into schemactl's: every migration in order, plus atlas.sum.
    Import(import_cmd::ImportArgs),
    #[command(flatten)]
    Run(apply_cmd::MigrateRunCommand),
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the schema of a database or of SQL files.
    Inspect(schema_cmd::InspectArgs),
    /// Print the SQL that turns one schema into another.
    Diff(schema_cmd::DiffArgs),
    /// Change a live database to the desired state: plan, show the risks, ask, apply.
    Apply(schema_cmd::ApplyArgs),
}

/// Output format of `schema` commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Sql,
    Json,
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 1;
        }
    };
    let result = runtime.block_on(crate::devdb::with_cleanup(run(cli)));
    match result {
        Ok(code) => code,
        Err(error) => {
            report(&error);
            crate::devdb::interrupted_exit_code(&error).unwrap_or_else(|| exit_code(&error))
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Schema(SchemaCommand::Inspect(args)) => {
            schema_cmd::inspect(&cli.global, args).await
        }
        Command::Schema(SchemaCommand::Diff(args)) => schema_cmd::diff(&cli.global, args).await,
        Command::Schema(SchemaCommand::Apply(args)) => schema_cmd::apply(&cli.global, args).await,
        Command::Cache(CacheCommand::Info(args)) => cache_cmd::info(args),
        Command::Cache(CacheCommand::Clear(args)) => cache_cmd::clear(&cli.global, args).await,
        Command::New(args) => migrate_cmd::short_new(&cli.global, args).await,
        Command::Completion(args) => Ok(completion_cmd::completion(args)?),
        Command::Init(args) => init_cmd::init(&cli.global.config, args),
        Command::Dump(args) => dump_cmd::dump(&cli.global, args).await,
        Command::Load(args) => dump_cmd::load(&cli.global, args).await,
        Command::Migrate(group) => match group.command {
            None => apply_cmd::apply(&cli.global, group.apply).await,
            Some(command) => run_migrate(&cli.global, command).await,
        },
        Command::Dev(DevCommand::Start(args)) => dev_cmd::start(&cli.global, args).await,
        Command::Dev(DevCommand::Stop(args)) => dev_cmd::stop(&cli.global, args).await,
        Command::Runner(cmd) => apply_cmd::run(&cli.global, cmd).await,
    }
}

async fn run_migrate(global: &GlobalArgs, command: MigrateCommand) -> anyhow::Result<i32> {
    match command {
        MigrateCommand::Diff(args) => migrate_cmd::diff(global, args).await,
        MigrateCommand::New(args) => migrate_cmd::new(global, args).await,
        MigrateCommand::Hash(args) => migrate_cmd::hash(global, args).await,
        MigrateCommand::Lint(args) => lint_cmd::lint(global, args).await,
        MigrateCommand::History(args) => history_cmd::history(global, args).await,
        MigrateCommand::Validate(args) => migrate_cmd::validate(global, args).await,
        MigrateCommand::Import(args) => import_cmd::import(global, args).await,
        MigrateCommand::Run(cmd) => apply_cmd::run_migrate(global, cmd).await,
    }
}

/// Prints an error and its causes on stderr, one per line.
fn report(error: &anyhow::Error) {
    let label = paint::paint(paint::ERROR, "error:");
    if crate::error::lost_connection(error) {
        anstream::eprintln!(
            "{label} the database server went away during the run (it stopped, restarted or \
             the network cut the connection); what ran before is as the server left it"
        );
        eprintln!("  caused by: {error}");
    } else {
        anstream::eprintln!("{label} {error}");
    }
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}
