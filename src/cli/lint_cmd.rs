//! `migrate lint`: flags, file selection, output format and the exit code of the gate.

use super::GlobalArgs;
use super::migrate_cmd::DirArgs;
use super::paint;
use super::project::Settings;
use crate::error::bad_input;
use crate::lint::replay::lint_files;
use crate::lint::rules::Level;
use crate::lint::select::{Selection, select_files};
use crate::lint::settings::LintSettings;
use crate::lint::{has_errors, report};
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Migration files to lint (default: --latest 1, or the env's `lint { latest / git }`).
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub dir: DirArgs,
    /// Dev database server to replay on (default: the env's `dev`, else a local ephemeral cluster).
    #[arg(long)]
    pub dev_url: Option<String>,
    /// Lint the latest N files.
    #[arg(long, conflicts_with_all = ["git_base", "files"])]
    pub latest: Option<usize>,
    /// Lint the files added or changed since the merge base with this git ref.
    #[arg(long, conflicts_with = "files")]
    pub git_base: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: LintFormat,
    /// Do not ask the dev database what each statement locks and rewrites (locking findings
    /// are then all predicted from the statement and the schema).
    #[arg(long)]
    pub no_measure: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Github,
}

pub async fn lint(global: &GlobalArgs, args: LintArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let mut lint_settings = LintSettings::new(settings.lint_config());
    if args.no_measure {
        lint_settings = lint_settings.without_measurement();
    }
    let dir = settings.migration_dir(&args.dir)?;
    dir.verify_sum()?;
    let selection = if !args.files.is_empty() {
        Selection::Files(args.files.clone())
    } else if let Some(n) = args.latest {
        if n == 0 {
            return Err(bad_input("--latest must be at least 1"));
        }
        Selection::Latest(n)
    } else if let Some(base) = args
        .git_base
        .clone()
        .or(lint_settings.git_base().map(String::from))
    {
        Selection::GitBase(base)
    } else {
        Selection::Latest(lint_settings.latest().unwrap_or(1))
    };
    let files = dir.files()?;
    let selected = select_files(dir.path(), &files, &selection)?;
    let dev = settings.dev(args.dev_url.as_deref(), &[])?;
    dev.dialect().lint_traits()?;
    let linted = lint_files(&dev, &files, &selected, &lint_settings).await;
    dev.close().await?;
    let outcome = linted?;
    let findings = &outcome.findings;
    let output = match args.format {
        LintFormat::Text => report::text_with(&outcome, paint::level),
        LintFormat::Json => report::json(&outcome),
        LintFormat::Github => report::github(findings),
    };
    anstream::print!("{output}");
    let errors = findings.iter().filter(|f| f.level == Level::Error).count();
    eprintln!(
        "linted {} file(s): {errors} error(s), {} warning(s)",
        selected.len(),
        findings.len() - errors
    );
    Ok(if has_errors(findings) { 1 } else { 0 })
}
