//! The migration lock on SQLite: an exclusive OS file lock (`flock`) on the sidecar file
//! `<db>.schemactl-lock` beside the database file.
//!
//! Why a file lock and not a lock row in the database: SQLite has no advisory locks, and a row
//! outlives a run killed with SIGKILL, wedging the next run until someone deletes it by hand.
//! The kernel releases a file lock when its holder's descriptor closes, which happens however
//! the process ends. Why a sidecar and not the database file: SQLite takes POSIX record locks
//! on the database file, and a process closing any descriptor of a file drops all its POSIX
//! locks on it; a separate file keeps the two locking schemes apart. The sidecar stays after
//! the run (deleting it would race with a waiter that has already opened it); `db drop`
//! removes it with the database.

use crate::error::failure;
use crate::migrate::poll_lock;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Suffix of the sidecar lock file.
pub const LOCK_SUFFIX: &str = ".schemactl-lock";

/// The sidecar lock file of database file `db`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(LOCK_SUFFIX);
    PathBuf::from(name)
}

/// A held migration lock; dropping it releases the lock.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

/// Tries once to take the lock of database file `db`; `None` when another process holds it.
pub fn try_lock(db: &Path) -> anyhow::Result<Option<FileLock>> {
    let path = lock_path(db);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| failure(format!("cannot open the lock file {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(FileLock { _file: file })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(failure(format!("cannot lock {}: {e}", path.display()))),
    }
}

/// Takes the lock of database file `db`, polling until `timeout`; `on_wait` runs once when it
/// is busy.
pub async fn lock(
    db: &Path,
    timeout: Duration,
    on_wait: &mut dyn FnMut(),
) -> anyhow::Result<FileLock> {
    let mut taken = None;
    poll_lock(timeout, on_wait, async || {
        taken = try_lock(db)?;
        Ok(taken.is_some())
    })
    .await?;
    Ok(taken.expect("poll_lock returns once the lock is taken"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_held_lock_is_busy_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("app.db");
        let held = try_lock(&db).unwrap().expect("free at first");
        assert!(lock_path(&db).ends_with("app.db.schemactl-lock"));
        let mut waited = 0;
        let busy = lock(&db, Duration::from_millis(120), &mut || waited += 1).await;
        let message = busy.unwrap_err().to_string();
        assert!(message.contains("holds the migration lock"), "{message}");
        assert_eq!(waited, 1);
        drop(held);
        assert!(try_lock(&db).unwrap().is_some());
    }
}
