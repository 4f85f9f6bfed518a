//! Writing several files into one directory together or not at all.
//!
//! Every file is first written to a temporary file in the same directory and fsynced; only then
//! are they renamed into place, new files first (refusing to overwrite) and the one replaced file
//! (the sum) last. A failure before the last rename removes every temporary file and every file
//! already renamed, so the directory is as it was. Finally the directory itself is fsynced.

use anyhow::{Context, Result};
use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// One file to write.
pub struct PendingFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// Replace an existing file (the sum); otherwise the file must not exist.
    pub replace: bool,
}

/// Writes `files` into `dir` (created if missing) all-or-nothing; see the module docs.
pub fn write_all_or_nothing(dir: &Path, files: Vec<PendingFile>) -> Result<()> {
    let created_dirs = create_dir_tracked(dir)?;
    let result = write_files(dir, files);
    if result.is_err() {
        for created in created_dirs.iter().rev() {
            let _ = fs::remove_dir(created);
        }
    }
    result.with_context(|| format!("nothing was written to {}", dir.display()))?;
    // Every file is in place; only their durability across a crash is left.
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("syncing directory {}", dir.display()))
}

fn write_files(dir: &Path, mut files: Vec<PendingFile>) -> Result<()> {
    // New files first, the replaced one(s) last: until a replace, undoing is just deleting.
    files.sort_by_key(|f| f.replace);
    let mut staged = Vec::new();
    for file in files {
        let temp = stage(dir, &file.bytes)
            .with_context(|| format!("writing a temporary file for {}", file.path.display()))?;
        staged.push((temp, file));
    }
    let mut renamed: Vec<PathBuf> = Vec::new();
    for (temp, file) in staged {
        let persisted = fault::check("rename").and_then(|()| {
            if file.replace {
                temp.persist(&file.path).map(drop).map_err(|e| e.error)
            } else {
                temp.persist_noclobber(&file.path)
                    .map(drop)
                    .map_err(|e| e.error)
            }
        });
        if let Err(error) = persisted {
            for path in &renamed {
                let _ = fs::remove_file(path);
            }
            return Err(error).with_context(|| format!("writing {}", file.path.display()));
        }
        if !file.replace {
            renamed.push(file.path);
        }
    }
    Ok(())
}

/// Writes `bytes` to a fsynced temporary file in `dir`; it is removed when dropped unpersisted.
fn stage(dir: &Path, bytes: &[u8]) -> std::io::Result<NamedTempFile> {
    let mut temp = tempfile::Builder::new()
        .prefix(".schemactl-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    fault::check("write")?;
    // tempfile makes its files owner-only; a migration file is for everyone on the project.
    temp.as_file()
        .set_permissions(fs::Permissions::from_mode(0o644))?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    Ok(temp)
}

/// Creates `dir` and missing parents; returns the ones it created, outermost first.
fn create_dir_tracked(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut cursor = Some(dir);
    while let Some(path) = cursor {
        if path.as_os_str().is_empty() || path.exists() {
            break;
        }
        missing.push(path.to_path_buf());
        cursor = path.parent();
    }
    missing.reverse();
    fs::create_dir_all(dir).with_context(|| format!("creating directory {}", dir.display()))?;
    Ok(missing)
}

/// A test-only way to make the n-th write or rename step fail.
pub(crate) mod fault {
    #[cfg(test)]
    thread_local! {
        static FAIL_AT: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
        static STEP: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Makes step `n` (0-based, counting every write and rename) of the next writes fail.
    #[cfg(test)]
    pub fn fail_at(n: Option<usize>) {
        FAIL_AT.with(|f| f.set(n));
        STEP.with(|s| s.set(0));
    }

    #[cfg(test)]
    pub fn check(step: &str) -> std::io::Result<()> {
        let n = STEP.with(|s| {
            let n = s.get();
            s.set(n + 1);
            n
        });
        if FAIL_AT.with(|f| f.get()) == Some(n) {
            return Err(std::io::Error::other(format!("injected failure at {step}")));
        }
        Ok(())
    }

    #[cfg(not(test))]
    #[inline]
    pub fn check(_step: &str) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    }

    fn pending(dir: &Path) -> Vec<PendingFile> {
        vec![
            PendingFile {
                path: dir.join("sum"),
                bytes: b"new sum".to_vec(),
                replace: true,
            },
            PendingFile {
                path: dir.join("a.sql"),
                bytes: b"a".to_vec(),
                replace: false,
            },
            PendingFile {
                path: dir.join("b.sql"),
                bytes: b"b".to_vec(),
                replace: false,
            },
        ]
    }

    #[test]
    fn writes_every_file_and_replaces_the_sum() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("sum"), "old").unwrap();
        write_all_or_nothing(tmp.path(), pending(tmp.path())).unwrap();
        assert_eq!(
            listing(tmp.path()),
            [
                ("a.sql".to_string(), b"a".to_vec()),
                ("b.sql".to_string(), b"b".to_vec()),
                ("sum".to_string(), b"new sum".to_vec())
            ]
        );
    }

    #[test]
    fn a_failure_at_any_step_leaves_the_directory_unchanged() {
        // 3 temp writes + 3 renames.
        for step in 0..6 {
            let tmp = tempfile::tempdir().unwrap();
            fs::write(tmp.path().join("sum"), "old").unwrap();
            let before = listing(tmp.path());
            fault::fail_at(Some(step));
            let result = write_all_or_nothing(tmp.path(), pending(tmp.path()));
            fault::fail_at(None);
            assert!(result.is_err(), "step {step} did not fail");
            assert_eq!(listing(tmp.path()), before, "step {step} left files behind");
        }
    }

    #[test]
    fn an_existing_file_is_not_overwritten_and_nothing_is_left() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("sum"), "old").unwrap();
        fs::write(tmp.path().join("b.sql"), "mine").unwrap();
        let before = listing(tmp.path());
        assert!(write_all_or_nothing(tmp.path(), pending(tmp.path())).is_err());
        assert_eq!(listing(tmp.path()), before);
    }

    #[test]
    fn a_directory_created_for_a_failed_write_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("x/migrations");
        fault::fail_at(Some(1));
        let result = write_all_or_nothing(&dir, pending(&dir));
        fault::fail_at(None);
        assert!(result.is_err());
        assert!(!tmp.path().join("x").exists());
    }
}
