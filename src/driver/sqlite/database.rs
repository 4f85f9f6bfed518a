//! Whole SQLite databases, which are files: create, drop, exists, and waiting for the file's
//! directory (`db create|drop|wait`, `up`). There is no server to wait for.

use super::lock::{lock_path, try_lock};
use super::target::database_file;
use crate::error::failure;
use crate::url::SqliteUrl;
use std::io::ErrorKind;
use std::path::Path;
use std::time::{Duration, Instant};

const WAIT_POLL: Duration = Duration::from_millis(200);
/// Files SQLite keeps beside the database while it is in use.
const SIDE_FILES: [&str; 3] = ["-journal", "-wal", "-shm"];

pub fn database_exists(url: &SqliteUrl) -> anyhow::Result<bool> {
    Ok(database_file(url)?.exists())
}

/// Creates the URL's database as an empty file (SQLite reads an empty file as an empty
/// database); `false` when the file already existed. Never overwrites.
pub fn create_database(url: &SqliteUrl) -> anyhow::Result<bool> {
    let path = database_file(url)?;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(e) if e.kind() == ErrorKind::NotFound => Err(failure(format!(
            "cannot create {}: its directory {} does not exist",
            path.display(),
            parent(&path).display()
        ))),
        Err(e) => Err(failure(format!("cannot create {}: {e}", path.display()))),
    }
}

/// Removes the URL's database file with its journal, WAL and lock files; `false` when there
/// was no database file. Refuses while a migration run holds the lock.
pub fn drop_database(url: &SqliteUrl) -> anyhow::Result<bool> {
    let path = database_file(url)?;
    if !path.exists() {
        return Ok(false);
    }
    let Some(_held) = try_lock(&path)? else {
        return Err(failure(format!(
            "a schemactl run holds the migration lock of {}; not dropped",
            path.display()
        )));
    };
    std::fs::remove_file(&path)
        .map_err(|e| failure(format!("cannot remove {}: {e}", path.display())))?;
    for suffix in SIDE_FILES {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        remove_if_present(Path::new(&side))?;
    }
    remove_if_present(&lock_path(&path))?;
    Ok(true)
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => {
            Err(failure(format!("cannot remove {}: {e}", path.display())))
        }
        _ => Ok(()),
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// SQLite has no server: ready means the file's directory exists (a volume may still be on its
/// way). Checks every 200 ms until `timeout`.
pub async fn wait_until_ready(url: &SqliteUrl, timeout: Duration) -> anyhow::Result<Duration> {
    let path = database_file(url)?;
    let dir = parent(&path);
    let started = Instant::now();
    loop {
        if dir.is_dir() {
            return Ok(started.elapsed());
        }
        if started.elapsed() >= timeout {
            return Err(failure(format!(
                "the directory {} of {url} does not exist after {} s",
                dir.display(),
                timeout.as_secs_f64()
            )));
        }
        tokio::time::sleep(WAIT_POLL).await;
    }
}
