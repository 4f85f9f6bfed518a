//! The on-disk cache: entries keyed by the content of what produced them (a provider's inputs,
//! a directory's running hash, a desired state's SQL), so a re-plan with nothing changed reuses
//! them instead of running a provider or replaying a directory.
//!
//! Layout: `<root>/<kind>/<key>` entries ([`entry`]: header with checksum, then the payload)
//! and `<key>.hits` beside each (one byte appended per hit: concurrent appends cannot tear a
//! count). Entries are written to a temporary file in the same directory and renamed into
//! place, so a killed or concurrent run never leaves a torn entry; a bad entry is ignored with
//! a note and replaced. The cache is bounded: least recently used entries (by modification
//! time, touched on each hit) go first. Every failure to read or write the cache is a note on
//! stderr, never a failed run.

mod entry;
mod key;
mod location;

pub use key::KeyBuilder;
pub use location::{DEFAULT_MAX_BYTES, default_root, parse_size};

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The kinds of entries, each a directory of the cache.
/// `database`: replayed databases themselves, where a dev database can be made again from
/// its bytes (SQLite's serialized file; PostgreSQL keeps template databases on the server).
pub const KINDS: &[&str] = &[
    "provider", "desired", "state", "history", "plan", "database",
];

/// Temporary files of writes killed before their rename are removed after this long.
const STALE_TEMP: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
    max_bytes: u64,
}

/// What `cache info` reports of one kind.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KindInfo {
    pub kind: String,
    pub entries: u64,
    pub bytes: u64,
    pub hits: u64,
}

impl Cache {
    pub fn at(root: impl Into<PathBuf>, max_bytes: u64) -> Cache {
        Cache {
            root: root.into(),
            max_bytes,
        }
    }

    /// The cache of this environment: `$SCHEMACTL_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/schemactl`, else `~/.cache/schemactl`, bounded by
    /// `$SCHEMACTL_CACHE_MAX_SIZE` (bytes, or with K/M/G); `None` when none of them is set.
    pub fn from_env() -> anyhow::Result<Option<Cache>> {
        location::from_env(|name| std::env::var_os(name))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    fn path(&self, kind: &str, key: &str) -> PathBuf {
        self.root.join(kind).join(key)
    }

    /// The payload stored under `kind`/`key`, if a whole, matching entry is there.
    pub fn get(&self, kind: &str, key: &str) -> Option<Vec<u8>> {
        let path = self.path(kind, key);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                note(&format!("cannot read {}: {e}", path.display()));
                return None;
            }
        };
        match entry::decode(&bytes, kind, key) {
            Ok(payload) => {
                self.record_hit(&path);
                Some(payload.to_vec())
            }
            Err(why) => {
                note(&format!(
                    "ignoring {}: {why}; it is rebuilt",
                    path.display()
                ));
                None
            }
        }
    }

    /// Stores `payload` under `kind`/`key` (replacing what was there), then trims the cache to
    /// its bound.
    pub fn put(&self, kind: &str, key: &str, about: &str, payload: &[u8]) {
        let path = self.path(kind, key);
        if let Err(e) = write_atomically(&path, &entry::encode(kind, key, about, payload)) {
            note(&format!("cannot write {}: {e}", path.display()));
            return;
        }
        self.trim();
    }

    fn record_hit(&self, path: &Path) {
        // The modification time orders eviction: a hit makes the entry the most recent.
        if let Ok(file) = fs::File::options().append(true).open(path) {
            file.set_modified(SystemTime::now()).ok();
        }
        if let Ok(mut hits) = fs::File::options()
            .create(true)
            .append(true)
            .open(hits_path(path))
        {
            hits.write_all(b".").ok();
        }
    }

    /// Removes the least recently used entries until the cache fits its bound, and temporary
    /// files that killed writes left.
    pub fn trim(&self) {
        let mut entries = self.entries();
        let mut total: u64 = entries.iter().map(|e| e.bytes).sum();
        if total <= self.max_bytes {
            return;
        }
        entries.sort_by_key(|e| e.modified);
        for stored in entries {
            if total <= self.max_bytes {
                break;
            }
            if fs::remove_file(&stored.path).is_ok() {
                fs::remove_file(hits_path(&stored.path)).ok();
                total = total.saturating_sub(stored.bytes);
            }
        }
    }

    /// Entries, bytes and hits of each kind.
    pub fn info(&self) -> Vec<KindInfo> {
        let entries = self.entries();
        KINDS
            .iter()
            .map(|kind| {
                let of_kind: Vec<&Stored> = entries.iter().filter(|e| e.kind == *kind).collect();
                KindInfo {
                    kind: kind.to_string(),
                    entries: of_kind.len() as u64,
                    bytes: of_kind.iter().map(|e| e.bytes).sum(),
                    hits: of_kind.iter().map(|e| e.hits).sum(),
                }
            })
            .collect()
    }

    /// Removes every entry; returns how many there were.
    pub fn clear(&self) -> anyhow::Result<u64> {
        let count = self.entries().len() as u64;
        for kind in KINDS {
            let dir = self.root.join(kind);
            match fs::remove_dir_all(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => anyhow::bail!("cannot remove {}: {e}", dir.display()),
            }
        }
        Ok(count)
    }

    fn entries(&self) -> Vec<Stored> {
        let mut out = Vec::new();
        for kind in KINDS {
            let Ok(dir) = fs::read_dir(self.root.join(kind)) else {
                continue;
            };
            for item in dir.flatten() {
                let path = item.path();
                let name = item.file_name().to_string_lossy().into_owned();
                let Ok(meta) = item.metadata() else { continue };
                let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                if name.starts_with('.') {
                    let age = SystemTime::now()
                        .duration_since(modified)
                        .unwrap_or_default();
                    if age > STALE_TEMP {
                        fs::remove_file(&path).ok();
                    }
                    continue;
                }
                if name.ends_with(".hits") {
                    continue;
                }
                let hits = fs::metadata(hits_path(&path)).map_or(0, |m| m.len());
                out.push(Stored {
                    kind,
                    path,
                    bytes: meta.len(),
                    modified,
                    hits,
                });
            }
        }
        out
    }
}

struct Stored {
    kind: &'static str,
    path: PathBuf,
    bytes: u64,
    modified: SystemTime,
    hits: u64,
}

fn hits_path(entry: &Path) -> PathBuf {
    let mut name = entry.file_name().unwrap_or_default().to_os_string();
    name.push(".hits");
    entry.with_file_name(name)
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`: readers see
/// the old entry or the new one, never part of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("entries live in a kind directory");
    fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new().prefix(".tmp").tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn note(message: &str) {
    eprintln!("cache: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_found_by_its_kind_and_key_and_counts_hits() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path(), DEFAULT_MAX_BYTES);
        assert_eq!(cache.get("state", "k1"), None);
        cache.put("state", "k1", "three files", b"model");
        assert_eq!(cache.get("state", "k1").as_deref(), Some(&b"model"[..]));
        assert_eq!(cache.get("desired", "k1"), None);
        cache.get("state", "k1");
        let state = cache
            .info()
            .into_iter()
            .find(|k| k.kind == "state")
            .unwrap();
        assert_eq!((state.entries, state.hits), (1, 2));
        assert_eq!(cache.clear().unwrap(), 1);
        assert_eq!(cache.get("state", "k1"), None);
    }

    #[test]
    fn a_damaged_entry_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path(), DEFAULT_MAX_BYTES);
        cache.put("state", "k1", "", b"model");
        let path = dir.path().join("state/k1");
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(cache.get("state", "k1"), None);
        cache.put("state", "k1", "", b"model");
        assert_eq!(cache.get("state", "k1").as_deref(), Some(&b"model"[..]));
    }

    #[test]
    fn the_least_recently_used_entries_go_first() {
        let dir = tempfile::tempdir().unwrap();
        // Room for two entries of this size, not three.
        let one = entry::encode("state", "a", "", &[0; 1000]).len() as u64;
        let cache = Cache::at(dir.path(), 2 * one + 10);
        let old = SystemTime::now() - Duration::from_secs(60);
        cache.put("state", "a", "", &[0; 1000]);
        cache.put("state", "b", "", &[0; 1000]);
        for (key, age) in [("a", 30), ("b", 60)] {
            let file = fs::File::options()
                .append(true)
                .open(dir.path().join("state").join(key))
                .unwrap();
            file.set_modified(old + Duration::from_secs(60 - age))
                .unwrap();
        }
        // b is older than a; a hit on b makes it the newest, so a goes when c comes.
        assert!(cache.get("state", "b").is_some());
        cache.put("state", "c", "", &[0; 1000]);
        assert!(cache.get("state", "a").is_none());
        assert!(cache.get("state", "b").is_some());
        assert!(cache.get("state", "c").is_some());
    }
}
