//! `schema inspect` and `schema diff`.

use super::paint;
use super::project::Settings;
use super::{Format, GlobalArgs};
use crate::dialect::Dev;
use crate::dialect::open_dev;
use crate::lint::LintOutcome;
use crate::lint::replay::lint_script;
use crate::lint::report;
use crate::lint::settings::LintSettings;
use crate::migrate::TargetSpec;
use crate::plan::Plan;
use crate::plan::RiskKind;
use crate::url::{self, DbUrl};
use crate::workflow::{apply_plan, desired_realm, plan_between, plan_changes, realm_from_url};
use anyhow::Result;
use clap::Args;
use std::io::IsTerminal;
use std::io::Write;

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Database (`postgres://...`, `sqlite://file.db`) or SQL files (`file://schema.sql`, `file://dir/*.sql`).
    #[arg(long, short = 'u')]
    pub url: String,
    /// Dev database for loading SQL files: `postgres://…`, `docker://postgres/TAG/DB`
    /// (`?reuse=true` keeps a warm container) or `sqlite://dev?mode=memory`; default: SQLite in
    /// memory when a URL is sqlite://, else a local ephemeral cluster.
    #[arg(long)]
    pub dev_url: Option<String>,
    #[arg(long, value_enum, default_value = "sql")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Current state.
    #[arg(long)]
    pub from: String,
    /// Desired state.
    #[arg(long)]
    pub to: String,
    /// Dev database for loading SQL files: `postgres://…`, `docker://postgres/TAG/DB`
    /// (`?reuse=true` keeps a warm container) or `sqlite://dev?mode=memory`; default: SQLite in
    /// memory when a URL is sqlite://, else a local ephemeral cluster.
    #[arg(long)]
    pub dev_url: Option<String>,
    #[arg(long, value_enum, default_value = "sql")]
    pub format: Format,
}

pub async fn inspect(global: &GlobalArgs, args: InspectArgs) -> Result<i32> {
    let url = url::parse(&args.url)?;
    let dev_url = args.dev_url.as_deref().map(url::parse).transpose()?;
    let dev = open_dev(dev_url.as_ref(), &[&url])?.with_cache(global.cache()?);
    let dialect = dev.dialect();
    let result = realm_from_url(&url, &dev).await;
    dev.close().await?;
    let realm = result?;
    match args.format {
        Format::Json => print_json(&realm)?,
        Format::Sql => print_sql(&plan_between(&dialect.empty_realm(), &realm, dialect)?)?,
    }
    Ok(0)
}

async fn plan_from_urls(from: &DbUrl, to: &DbUrl, dev: &Dev, settings: &Settings) -> Result<Plan> {
    let (current, desired) = tokio::try_join!(realm_from_url(from, dev), realm_from_url(to, dev))?;
    let options = settings.diff_options(dev.dialect().default_schema(), false)?;
    Ok(plan_changes(&current, &desired, &options, dev.dialect())?.1)
}

pub async fn diff(global: &GlobalArgs, args: DiffArgs) -> Result<i32> {
    let from = url::parse(&args.from)?;
    let to = url::parse(&args.to)?;
    let dev_url = args.dev_url.as_deref().map(url::parse).transpose()?;
    let settings = Settings::load(global)?;
    let dev = open_dev(dev_url.as_ref(), &[&from, &to])?.with_cache(global.cache()?);
    let result = plan_from_urls(&from, &to, &dev, &settings).await;
    dev.close().await?;
    let plan = result?;
    match args.format {
        Format::Json => print_json(&plan)?,
        Format::Sql => print_sql(&plan)?,
    }
    if plan.is_empty() {
        eprintln!("schemas are in sync");
    }
    Ok(0)
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The database to change (default: the env's `url`, else `$DATABASE_URL`).
    #[arg(long, short = 'u')]
    pub url: Option<String>,
    /// Desired state: a database or SQL files (default: the env's `src`).
    #[arg(long)]
    pub to: Option<String>,
    /// Dev database the desired SQL is loaded on (default: the env's `dev`, else the dialect's
    /// own: SQLite in memory, a local ephemeral server).
    #[arg(long)]
    pub dev_url: Option<String>,
    /// Print the plan and change nothing.
    #[arg(long, conflicts_with = "auto_approve")]
    pub dry_run: bool,
    /// Apply without asking (required when there is no terminal to ask on).
    #[arg(long)]
    pub auto_approve: bool,
    /// How long to wait for another run's migration lock, e.g. `30s`.
    #[arg(long, default_value = "30s")]
    pub lock_timeout: String,
    /// How the plan is printed on stdout.
    #[arg(long, value_enum, default_value = "sql")]
    pub format: Format,
}

/// `schema apply`: plan the live target to the desired state, show the plan and its risks,
/// ask, and run it. Exit 1 when it is refused (no terminal and no `--auto-approve`, or "no").
pub async fn apply(global: &GlobalArgs, args: ApplyArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let target = settings.target_url(args.url.as_deref())?;
    let source = settings.desired_source(args.to.as_deref())?;
    let lock_timeout = crate::config::parse_duration(&args.lock_timeout)
        .map_err(|why| crate::error::bad_input(format!("--lock-timeout: {why}")))?;
    let dev = settings.dev(args.dev_url.as_deref(), &[&target])?;
    let dialect = dev.dialect();
    let planned = async {
        let (current, desired) =
            tokio::try_join!(realm_from_url(&target, &dev), desired_realm(&source, &dev))?;
        let options = settings.diff_options(dialect.default_schema(), false)?;
        let plan = plan_changes(&current, &desired, &options, dialect)?.1;
        let findings = match plan.is_empty() || dialect.lint_traits().is_err() {
            true => LintOutcome::default(),
            false => {
                let setup = plan_between(&dialect.empty_realm(), &current, dialect)?;
                let lint = LintSettings::new(settings.lint_config());
                let (setup, script) = (setup.to_commented_sql(), plan.to_commented_sql());
                lint_script(&dev, &setup, &script, "plan", &lint).await?
            }
        };
        anyhow::Ok((plan, findings))
    }
    .await;
    dev.close().await?;
    let (plan, findings) = planned?;
    if plan.is_empty() {
        eprintln!("{target} is in sync with the desired state: nothing to apply");
        return Ok(0);
    }
    match args.format {
        Format::Json => print_json(&plan)?,
        Format::Sql => print_sql(&plan)?,
    }
    report_risks(&plan);
    if !findings.findings.is_empty() || !findings.statements.is_empty() {
        anstream::eprint!("{}", report::text_with(&findings, paint::level));
    }
    if args.dry_run {
        eprintln!("dry run: nothing was applied");
        return Ok(0);
    }
    let count = plan.statements().count();
    if !args.auto_approve && !approved(&format!("Apply {count} statement(s) to {target}?"))? {
        return Ok(1);
    }
    let spec = TargetSpec {
        url: target.clone(),
        revisions_schema: None,
        lock_timeout,
    };
    let applied = apply_plan(&spec, &plan).await?;
    eprintln!("applied to {target}: {}", applied.describe());
    Ok(0)
}

/// The plan's risks on stderr, one line each, the worst kinds first.
fn report_risks(plan: &Plan) {
    let mut risks: Vec<_> = plan.statements().flat_map(|s| &s.risks).collect();
    risks.sort_by_key(|risk| risk_rank(risk.kind));
    for risk in risks {
        let style = match risk.kind {
            RiskKind::Destructive => paint::ERROR,
            _ => paint::WARNING,
        };
        let label = format!("{}:", risk_label(risk.kind));
        anstream::eprintln!("{} {}", paint::paint(style, &label), risk.note);
    }
}

fn risk_rank(kind: RiskKind) -> u8 {
    match kind {
        RiskKind::Destructive => 0,
        RiskKind::BackwardIncompatible => 1,
        RiskKind::DataDependent => 2,
        RiskKind::Locking => 3,
    }
}

fn risk_label(kind: RiskKind) -> &'static str {
    match kind {
        RiskKind::Destructive => "destructive",
        RiskKind::BackwardIncompatible => "backward-incompatible",
        RiskKind::DataDependent => "data-dependent",
        RiskKind::Locking => "locking",
    }
}

/// Asks on the terminal; without one, says how to approve and refuses.
fn approved(question: &str) -> Result<bool> {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        eprintln!(
            "not applied: there is no terminal to ask on; pass --auto-approve (or --dry-run)"
        );
        return Ok(false);
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    let yes = matches!(answer.trim(), "y" | "Y" | "yes");
    if !yes {
        eprintln!("not applied");
    }
    Ok(yes)
}

/// The plan as a SQL script, each step under a comment saying what it does.
fn print_sql(plan: &Plan) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(plan.to_commented_sql().as_bytes())?;
    out.flush()?;
    Ok(())
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    // Buffered: stdout is line-buffered, and pretty JSON of a large schema has many lines.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}
