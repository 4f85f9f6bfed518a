//! States: the schema model of whatever a URL, a migration directory or a provider program
//! names. Live databases are inspected through their dialect; SQL (files, a provider's output,
//! migration files) is loaded into a scratch database of the run's dev database and inspected
//! there.

use crate::dialect;
use crate::dialect::Dev;
use crate::driver::DevConnection;
use crate::error::bad_input;
use crate::migrate::{DirFormat, MigrationDir, MigrationFile, compare_versions};
use crate::provider::{ProgramSpec, run_program};
use crate::schema::Realm;
use crate::sql::{SplitStatement, split_statements_for};
use crate::url::{DbUrl, FileUrl};
use crate::workflow::cached;
use anyhow::{Context, Result};

/// A SQL script and where it came from, for error messages.
#[derive(Debug, Clone)]
pub struct Script {
    /// File path, or a label such as `desired state` when the SQL has no file.
    pub origin: String,
    pub text: String,
}

impl Script {
    pub fn new(origin: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            origin: origin.into(),
            text: text.into(),
        }
    }
}

/// Where the desired state comes from.
#[derive(Debug, Clone)]
pub enum DesiredSource {
    Url(DbUrl),
    Program(ProgramSpec),
}

/// The model of whatever `url` names: SQL files loaded on the dev database, else the live
/// database, inspected by its dialect.
pub async fn realm_from_url(url: &DbUrl, dev: &Dev) -> Result<Realm> {
    match url.as_files() {
        Some(files) if files.version().is_some() => {
            realm_from_files(&files_up_to_version(files)?, dev).await
        }
        Some(files) => realm_from_scripts(&read_scripts(files)?, dev).await,
        None => dialect::of_database(url)?.inspect(url).await,
    }
}

/// The migration files of `file://DIR?version=V` up to V, which must be a file's version.
fn files_up_to_version(url: &FileUrl) -> Result<Vec<MigrationFile>> {
    let (Some(path), Some(version)) = (url.dir(), url.version()) else {
        return Err(bad_input(format!(
            "{url}: names no migration directory version"
        )));
    };
    let format: DirFormat = url.format().unwrap_or("atlas").parse()?;
    let files = MigrationDir::open(path, format)?.files()?;
    let Some(last) = files
        .iter()
        .position(|f| compare_versions(&f.version, version).is_eq())
    else {
        let versions: Vec<&str> = files.iter().map(|f| f.version.as_str()).collect();
        return Err(bad_input(format!(
            "{url}: no migration file has version {version} (versions: {})",
            match versions.is_empty() {
                true => "none".to_string(),
                false => versions.join(", "),
            }
        )));
    };
    Ok(files[..=last].to_vec())
}

/// Loads `scripts` into a fresh scratch database of the dev database and inspects it (or
/// takes the model from the cache, keyed by the scripts' text).
pub async fn realm_from_scripts(scripts: &[Script], dev: &Dev) -> Result<Realm> {
    let texts: Vec<&str> = scripts.iter().map(|s| s.text.as_str()).collect();
    let key = cached::loaded_key(dev, &texts).await;
    let about = match scripts {
        [one] => one.origin.clone(),
        _ => format!("{} scripts", scripts.len()),
    };
    cached::realm(dev, "desired", key, &about, async || {
        dev.realm_after(async |conn: &mut dyn DevConnection| load_scripts(conn, scripts).await)
            .await
    })
    .await
}

/// The schema `files` produce, replayed on a scratch database of the dev database (or taken
/// from the cache, keyed by a running hash of the files).
pub async fn realm_from_files(files: &[MigrationFile], dev: &Dev) -> Result<Realm> {
    let keys = cached::prefix_keys(dev, files).await.unwrap_or_default();
    let about = match files.last() {
        Some(last) => format!("{} file(s) up to {}", files.len(), last.path.display()),
        None => "no files".to_string(),
    };
    cached::realm(dev, "state", keys.last().cloned(), &about, async || {
        replay_from_kept(files, &keys, dev).await
    })
    .await
}

/// Replays `files` on a scratch database, from the longest prefix of them the dev server
/// keeps (`keys` as [`cached::prefix_keys`] gives them; empty: from nothing), inspects it,
/// and keeps the result for the next run when it replayed anything.
async fn replay_from_kept(files: &[MigrationFile], keys: &[String], dev: &Dev) -> Result<Realm> {
    let (mut scratch, done) = dev.scratch_at(keys).await?;
    let result = async {
        let conn = scratch.connection();
        replay_files(conn, &files[done..]).await?;
        conn.inspect_realm(&dev.scope()).await
    }
    .await;
    match (&result, keys.last()) {
        (Ok(_), Some(key)) if done < files.len() => dev.keep(scratch, key).await?,
        _ => scratch.discard().await?,
    }
    result
}

/// The schema the directory's files produce, replayed on a scratch database.
pub async fn realm_from_dir(dir: &MigrationDir, dev: &Dev) -> Result<Realm> {
    realm_from_files(&dir.files()?, dev).await
}

/// The desired schema, loaded on a scratch database of the dev database.
pub async fn desired_realm(source: &DesiredSource, dev: &Dev) -> Result<Realm> {
    match source {
        DesiredSource::Url(url) => realm_from_url(url, dev).await,
        DesiredSource::Program(spec) => {
            let origin = format!("output of {}", spec.name);
            if let Some(sql) = cached::cached_program_output(spec, dev.cache()) {
                return realm_from_scripts(&[Script::new(origin, sql)], dev).await;
            }
            // A program without inputs runs every time, and the cache may hold the state its
            // output loads to: run it, then look.
            if dev.cache().is_some() && spec.inputs.is_empty() {
                let sql = run_program(spec).await?;
                return realm_from_scripts(&[Script::new(origin, sql)], dev).await;
            }
            // A cold run: the output loads while the program prints it, and then the cache
            // gets both, as if it had been run and loaded in turn.
            let (sql, realm) = super::stream::load_program(spec, dev).await?;
            cached::store_program_output(spec, dev.cache(), &sql);
            if let Some(key) = cached::loaded_key(dev, &[&sql]).await {
                cached::store(dev, "desired", &key, &origin, &realm);
            }
            Ok(realm)
        }
    }
}

/// The cache keys of the directory's replayed state and of the desired state, when the run
/// has a cache and both can be cached (a provider with `inputs`, SQL files; not a live
/// database). Opens no dev database; runs a provider only when its output is not cached.
pub async fn state_keys(
    dir: &MigrationDir,
    source: &DesiredSource,
    dev: &Dev,
) -> Result<Option<(String, String)>> {
    let Some(current) = cached::prefix_keys(dev, &dir.files()?)
        .await
        .and_then(|keys| keys.last().cloned())
    else {
        return Ok(None);
    };
    let desired = match source {
        DesiredSource::Program(spec) if !spec.inputs.is_empty() => {
            let sql = cached::program_output(spec, dev.cache()).await?;
            cached::loaded_key(dev, &[&sql]).await
        }
        DesiredSource::Program(_) => None,
        DesiredSource::Url(url) => match url.as_files() {
            Some(files) if files.version().is_some() => {
                cached::prefix_keys(dev, &files_up_to_version(files)?)
                    .await
                    .and_then(|keys| keys.last().cloned())
            }
            Some(files) => {
                let scripts = read_scripts(files)?;
                let texts: Vec<&str> = scripts.iter().map(|s| s.text.as_str()).collect();
                cached::loaded_key(dev, &texts).await
            }
            None => None,
        },
    };
    Ok(desired.map(|desired| (current, desired)))
}

/// The current (replayed) and desired states, loaded concurrently on two scratch databases.
pub async fn current_and_desired(
    dir: &MigrationDir,
    source: &DesiredSource,
    dev: &Dev,
) -> Result<(Realm, Realm)> {
    tokio::try_join!(realm_from_dir(dir, dev), desired_realm(source, dev))
}

/// Replays `files` on `conn`, in the order given; a failure names the file, the line, the
/// statement and the server's message.
pub async fn replay_files(conn: &mut dyn DevConnection, files: &[MigrationFile]) -> Result<()> {
    for file in files {
        let statements = file.statements(conn.lexer_flavor());
        execute_statements(conn, &file.path.display().to_string(), &statements).await?;
    }
    Ok(())
}

/// Runs every statement of every script, in order; the first failure names the file, the line,
/// the statement and the server's message.
pub async fn load_scripts(conn: &mut dyn DevConnection, scripts: &[Script]) -> Result<()> {
    for script in scripts {
        let statements = split_statements_for(conn.lexer_flavor(), &script.text);
        execute_statements(conn, &script.origin, &statements).await?;
    }
    Ok(())
}

/// Runs already split statements of one file; a failure is bad input naming `origin`, the line,
/// the statement and the server's message (with its detail and hint).
pub async fn execute_statements(
    conn: &mut dyn DevConnection,
    origin: &str,
    statements: &[SplitStatement],
) -> Result<()> {
    let texts: Vec<String> = statements.iter().map(|s| s.text.clone()).collect();
    let Err(failed) = conn.execute_each(&texts).await else {
        return Ok(());
    };
    let line = statements[failed.index].line;
    let mut message = format!(
        "{origin}:{line}: statement failed on the dev database: {}",
        failed.message
    );
    if let Some(detail) = &failed.detail {
        message.push_str(&format!("\n  detail: {detail}"));
    }
    if let Some(hint) = &failed.hint {
        message.push_str(&format!("\n  hint: {hint}"));
    }
    message.push_str(&format!("\n  statement: {}", failed.statement.trim()));
    Err(bad_input(message))
}

/// Reads the files a `file://` URL names, in order.
pub fn read_scripts(files: &FileUrl) -> Result<Vec<Script>> {
    files
        .files()
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))
                .map_err(|e| bad_input(format!("{e:#}")))?;
            Ok(Script::new(path.display().to_string(), text))
        })
        .collect()
}
