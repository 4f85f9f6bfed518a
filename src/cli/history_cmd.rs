//! `migrate history`: flags and output of the schema's history.

use super::GlobalArgs;
use super::migrate_cmd::DirArgs;
use super::project::Settings;
use crate::history;
use crate::migrate::TargetSpec;
use crate::url::parse;
use crate::workflow::{ensure_database, open_target};
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    /// Dev database to replay on (default: the env's `dev`, else the dialect's default).
    #[arg(long)]
    pub dev_url: Option<String>,
    /// Only the life of one object: `users.email`, `public.users`.
    #[arg(long)]
    pub object: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: HistoryFormat,
    /// Also write the history into tables of this database (`postgres://…`, `sqlite://…`),
    /// created when missing; replaces what an earlier export wrote: schemactl_history_files, _events, _columns.
    #[arg(long)]
    pub export: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    Text,
    Json,
    /// One static page (no server, nothing fetched): timeline, risk colours, table filter.
    Html,
}

pub async fn history(global: &GlobalArgs, args: HistoryArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let dir = settings.migration_dir(&args.dir)?;
    dir.verify_sum()?;
    let dev = settings.dev(args.dev_url.as_deref(), &[])?;
    let replayed = history::of_dir(&dir, &dev).await;
    dev.close().await?;
    let mut history = replayed?;
    // The export holds the whole history, whatever --object shows.
    if let Some(url) = &args.export {
        let spec = TargetSpec {
            url: parse(url)?,
            revisions_schema: None,
            lock_timeout: Duration::from_secs(30),
        };
        ensure_database(&spec).await?;
        let mut target = open_target(&spec).await?;
        let written = history::export(&mut *target, &history).await?;
        eprintln!("exported {written} event(s) to {}", spec.url);
    }
    if let Some(object) = &args.object {
        history = history.of_object(object);
    }
    let events: usize = history.files.iter().map(|f| f.events.len()).sum();
    print!(
        "{}",
        match args.format {
            HistoryFormat::Text => history::text(&history),
            HistoryFormat::Json => history::json(&history),
            HistoryFormat::Html => history::html(&history),
        }
    );
    eprintln!(
        "{}: {} file(s), {events} event(s)",
        dir.path().display(),
        history.files.len()
    );
    Ok(0)
}
