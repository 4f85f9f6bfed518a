//! `dump` (the target's schema to `schema.sql`) and `load` (`schema.sql` into an empty target),
//! as dbmate's `dump` and `load`.

use super::GlobalArgs;
use super::project::Settings;
use crate::dialect;
use crate::error::bad_input;
use crate::migrate::TargetSpec;
use crate::url::DbUrl;
use crate::workflow::{load_into_empty, plan_between};
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct DumpArgs {
    /// The database to dump (default: the env's `url`, else `$DATABASE_URL`).
    #[arg(long, short = 'u')]
    pub url: Option<String>,
    /// Where to write the schema; `-` for stdout.
    #[arg(long, default_value = "schema.sql")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// The empty database to load into (default: the env's `url`, else `$DATABASE_URL`).
    #[arg(long, short = 'u')]
    pub url: Option<String>,
    /// The schema file to load.
    #[arg(long, default_value = "schema.sql")]
    pub file: PathBuf,
    /// How long to wait for another run's migration lock, e.g. `30s`.
    #[arg(long, default_value = "30s")]
    pub lock_timeout: String,
}

pub async fn dump(global: &GlobalArgs, args: DumpArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let url = settings.target_url(args.url.as_deref())?;
    if args.file == Path::new("-") {
        let (sql, _) = schema_sql(&url).await?;
        std::io::stdout().lock().write_all(sql.as_bytes())?;
        return Ok(0);
    }
    let statements = write_schema(&url, &args.file).await?;
    eprintln!("wrote {} ({statements} statement(s))", args.file.display());
    Ok(0)
}

/// Writes the schema of `url` to `file` (whole or not at all); returns its statement count.
pub async fn write_schema(url: &DbUrl, file: &Path) -> Result<usize> {
    let (sql, statements) = schema_sql(url).await?;
    write_replacing(file, &sql)?;
    Ok(statements)
}

/// The live database's schema as a script that creates it, and its statement count.
async fn schema_sql(url: &DbUrl) -> Result<(String, usize)> {
    let dialect = dialect::of_database(url)?;
    let realm = dialect.inspect(url).await?;
    let plan = plan_between(&dialect.empty_realm(), &realm, dialect)?;
    let sql = format!(
        "-- The schema of {url}, written by `schemactl dump`.\n{}",
        plan.to_commented_sql()
    );
    Ok((sql, plan.statements().count()))
}

/// Writes `path` through a temporary file beside it, so a reader never sees half of it.
fn write_replacing(path: &Path, text: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| bad_input(format!("cannot write {}: {e}", path.display())))?;
    temp.write_all(text.as_bytes())?;
    temp.persist(path)
        .map_err(|e| bad_input(format!("cannot write {}: {}", path.display(), e.error)))?;
    Ok(())
}

pub async fn load(global: &GlobalArgs, args: LoadArgs) -> Result<i32> {
    let settings = Settings::load(global)?;
    let url = settings.target_url(args.url.as_deref())?;
    let origin = args.file.display().to_string();
    let sql = std::fs::read_to_string(&args.file)
        .map_err(|e| bad_input(format!("cannot read {origin}: {e}")))?;
    let lock_timeout: Duration = crate::config::parse_duration(&args.lock_timeout)
        .map_err(|why| bad_input(format!("--lock-timeout: {why}")))?;
    let spec = TargetSpec {
        url: url.clone(),
        revisions_schema: None,
        lock_timeout,
    };
    let loaded = load_into_empty(&spec, &origin, &sql).await?;
    eprintln!("loaded {origin} into {url}: {}", loaded.describe());
    Ok(0)
}
