//! `cache info` and `cache clear`.

use super::GlobalArgs;
use super::project::Settings;
use crate::cache::Cache;
use crate::error::bad_input;
use crate::{devdb, dialect};
use anyhow::Result;
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InfoFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ClearArgs {
    /// Also drop the replayed states this dev server keeps as template databases
    /// (`schemactl_tpl_*`; default: the env's `dev`, when --env names one).
    #[arg(long)]
    pub dev_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: InfoFormat,
}

/// The environment's cache; `--no-cache` is about using it, these commands work on it anyway.
fn the_cache() -> Result<Cache> {
    Cache::from_env()?.ok_or_else(|| {
        bad_input("no cache directory: set SCHEMACTL_CACHE_DIR, XDG_CACHE_HOME or HOME")
    })
}

pub fn info(args: InfoArgs) -> Result<i32> {
    let cache = the_cache()?;
    let kinds = cache.info();
    // Local servers' fresh data directories live beside the entries, outside the bound.
    let templates = devdb::data_dir_templates();
    match args.format {
        InfoFormat::Json => {
            let templates: Vec<_> = templates
                .iter()
                .map(|(path, bytes)| serde_json::json!({"path": path.display().to_string(), "bytes": bytes}))
                .collect();
            let value = serde_json::json!({
                "dir": cache.root().display().to_string(),
                "max_bytes": cache.max_bytes(),
                "kinds": kinds,
                "data_dir_templates": templates,
            });
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
        InfoFormat::Text => {
            println!("cache: {}", cache.root().display());
            println!("bound: {}", human(cache.max_bytes()));
            for kind in &kinds {
                println!(
                    "{:<9} {:>6} entries {:>10} {:>7} hits",
                    kind.kind,
                    kind.entries,
                    human(kind.bytes),
                    kind.hits
                );
            }
            for (path, bytes) in &templates {
                println!("template  {} {}", human(*bytes), path.display());
            }
        }
    }
    Ok(0)
}

pub async fn clear(global: &GlobalArgs, args: ClearArgs) -> Result<i32> {
    let cache = the_cache()?;
    let removed = cache.clear()?;
    let templates = devdb::remove_data_dir_templates()
        .map_err(|e| anyhow::anyhow!("removing the data directory templates: {e}"))?;
    eprintln!(
        "removed {removed} entries and {templates} data directory template(s) from {}",
        cache.root().display()
    );
    let settings = Settings::load(global)?;
    if let Some(url) = settings.dev_url(args.dev_url.as_deref())? {
        let dev = dialect::open_dev(Some(&url), &[])?;
        let dropped = dev.drop_templates().await;
        dev.close().await?;
        eprintln!("dropped {} kept state(s) on {url}", dropped?);
    }
    Ok(0)
}

fn human(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    match unit {
        0 => format!("{bytes} B"),
        _ => format!("{value:.1} {}", UNITS[unit]),
    }
}
