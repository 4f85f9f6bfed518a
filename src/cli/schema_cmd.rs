//! `schema inspect` and `schema diff`.

use super::{Format, GlobalArgs};
use crate::dialect::Dev;
use crate::dialect::open_dev;
use crate::plan::Plan;
use crate::url::{self, DbUrl};
use crate::workflow::{plan_between, realm_from_url};
use anyhow::Result;
use clap::Args;
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

async fn plan_from_urls(from: &DbUrl, to: &DbUrl, dev: &Dev) -> Result<Plan> {
    let (current, desired) = tokio::try_join!(realm_from_url(from, dev), realm_from_url(to, dev))?;
    plan_between(&current, &desired, dev.dialect())
}

pub async fn diff(global: &GlobalArgs, args: DiffArgs) -> Result<i32> {
    let from = url::parse(&args.from)?;
    let to = url::parse(&args.to)?;
    let dev_url = args.dev_url.as_deref().map(url::parse).transpose()?;
    let dev = open_dev(dev_url.as_ref(), &[&from, &to])?.with_cache(global.cache()?);
    let result = plan_from_urls(&from, &to, &dev).await;
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
