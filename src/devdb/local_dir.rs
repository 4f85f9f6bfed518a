//! Where local ephemeral servers (PostgreSQL clusters, MariaDB/MySQL servers) put their
//! temp directories, and the cache of freshly initialised data directories they copy instead
//! of initialising one again.

use std::fs;
use std::path::{Path, PathBuf};

/// Free space a RAM disk needs before a server directory goes there.
const MIN_RAM_DISK_BYTES: u64 = 1 << 30;

/// `$SCHEMACTL_DEV_DIR`, else the RAM disk `/dev/shm` when it has 1 GiB free (copying a
/// PostgreSQL template there takes ~0.08 s instead of ~0.8 s on disk), else the temp dir.
pub(crate) fn parent_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SCHEMACTL_DEV_DIR") {
        return PathBuf::from(dir);
    }
    let shm = Path::new("/dev/shm");
    let roomy = nix::sys::statvfs::statvfs(shm).is_ok_and(|stats| {
        stats
            .blocks_available()
            .saturating_mul(stats.fragment_size())
            >= MIN_RAM_DISK_BYTES
    });
    let writable = nix::unistd::access(shm, nix::unistd::AccessFlags::W_OK).is_ok();
    if roomy && writable {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// The directories `PREFIX<pid>-…` under `parent` whose schemactl process no longer runs:
/// what a run killed outright (SIGKILL leaves no chance to clean up) left behind.
pub(crate) fn stale_dirs(parent: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| {
            let name = entry.file_name();
            let owner = name
                .to_str()
                .and_then(|n| n.strip_prefix(prefix))
                .and_then(|rest| rest.split('-').next())
                .and_then(|pid| pid.parse::<i32>().ok());
            owner.is_some_and(|owner| {
                owner != std::process::id() as i32 && !super::cleanup::process_alive(owner)
            })
        })
        .map(|entry| entry.path())
        .collect()
}

/// Where data directory templates are cached: `$SCHEMACTL_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/schemactl`, else `~/.cache/schemactl`.
pub(crate) fn cache_root() -> Option<PathBuf> {
    crate::cache::default_root()
}

/// A version string as a file name part.
pub(crate) fn file_name_part(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Saves `data` (a fresh data directory) as `template`; best effort, a failure only costs
/// speed next time. Written to a staging directory and renamed into place, so concurrent runs
/// never see half a template.
pub(crate) fn save_template(data: &Path, template: &Path) {
    let Some(parent) = template.parent() else {
        return;
    };
    let staging = parent.join(format!(
        ".staging-{}-{}",
        std::process::id(),
        template
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("template")
    ));
    let saved = fs::create_dir_all(parent)
        .and_then(|_| copy_tree(data, &staging))
        .and_then(|_| fs::rename(&staging, template));
    if saved.is_err() {
        // Another run may have won the rename; either way the staging copy is garbage.
        fs::remove_dir_all(&staging).ok();
    }
}

/// Copies a directory tree of plain files and directories, keeping permission bits.
pub(crate) fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir(to)?;
    fs::set_permissions(to, fs::metadata(from)?.permissions())?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// The names data directory templates start with in the cache root (see `postgres::template`
/// and `mysql::template`).
const TEMPLATE_PREFIXES: &[&str] = &["pg-template-", "mariadb-template-", "mysql-template-"];

/// The data directory templates of local servers in the cache root, and their sizes in bytes.
pub fn data_dir_templates() -> Vec<(PathBuf, u64)> {
    let Some(root) = cache_root() else {
        return Vec::new();
    };
    let Ok(entries) = fs::read_dir(&root) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, u64)> = entries
        .flatten()
        .filter(|entry| {
            entry.file_name().to_str().is_some_and(|name| {
                TEMPLATE_PREFIXES
                    .iter()
                    .any(|prefix| name.starts_with(prefix))
            })
        })
        .map(|entry| (entry.path(), tree_bytes(&entry.path())))
        .collect();
    found.sort();
    found
}

/// Removes the data directory templates (local servers initialise one again on next use);
/// returns how many there were. Each is renamed away first, so that no run finds half of one.
pub fn remove_data_dir_templates() -> std::io::Result<usize> {
    let found = data_dir_templates();
    for (path, _) in &found {
        let doomed = path.with_file_name(format!(
            ".removing-{}-{}",
            std::process::id(),
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("template")
        ));
        fs::rename(path, &doomed)?;
        fs::remove_dir_all(&doomed)?;
    }
    Ok(found.len())
}

fn tree_bytes(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => tree_bytes(&entry.path()),
            _ => entry.metadata().map_or(0, |m| m.len()),
        })
        .sum()
}
