//! A cache of freshly initdb'ed data directories, one per server version, so that a local
//! cluster is a directory copy instead of an initdb run.
//!
//! Location: `$SCHEMACTL_CACHE_DIR`, else `$XDG_CACHE_HOME/schemactl`, else
//! `~/.cache/schemactl`; `SCHEMACTL_PG_TEMPLATE_CACHE=off` disables the cache.
//! A template is written to a staging directory and renamed into place, so concurrent runs
//! never see half a template.

use crate::devdb::local_dir;
use std::path::{Path, PathBuf};

/// Bump when the initdb options change, so old templates are not reused.
const TEMPLATE_FORMAT: &str = "v2";

/// The cache directory of the template for `version`, when caching is on.
pub(crate) fn template_dir(version: &str) -> Option<PathBuf> {
    if std::env::var("SCHEMACTL_PG_TEMPLATE_CACHE").is_ok_and(|v| v == "off" || v == "0") {
        return None;
    }
    let safe_version = local_dir::file_name_part(version);
    Some(local_dir::cache_root()?.join(format!("pg-template-{safe_version}-{TEMPLATE_FORMAT}")))
}

/// Copies the cached template into `data` (which must not exist); false when there is none.
pub(crate) fn copy_cached(template: &Path, data: &Path) -> anyhow::Result<bool> {
    if !template.join("PG_VERSION").is_file() {
        return Ok(false);
    }
    local_dir::copy_tree(template, data)?;
    Ok(true)
}

/// Saves `data` (a fresh initdb result) as the template; best effort.
pub(crate) fn save(data: &Path, template: &Path) {
    local_dir::save_template(data, template);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn copy_tree_copies_nested_files_and_modes() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        fs::create_dir_all(src.join("base/1")).unwrap();
        fs::write(src.join("PG_VERSION"), "15\n").unwrap();
        fs::write(src.join("base/1/1259"), [0u8; 16]).unwrap();
        fs::set_permissions(&src, fs::Permissions::from_mode(0o700)).unwrap();
        let dst = dir.path().join("dst");
        assert!(copy_cached(&src, &dst).unwrap());
        assert_eq!(fs::read(dst.join("base/1/1259")).unwrap(), [0u8; 16]);
        assert_eq!(
            fs::metadata(&dst).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }

    #[test]
    fn missing_template_is_not_copied() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!copy_cached(&dir.path().join("none"), &dir.path().join("dst")).unwrap());
        assert!(!dir.path().join("dst").exists());
    }

    #[test]
    fn save_then_copy_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        fs::create_dir(&data).unwrap();
        fs::write(data.join("PG_VERSION"), "15\n").unwrap();
        let template = dir.path().join("cache/pg-template-15-v1");
        save(&data, &template);
        assert!(template.join("PG_VERSION").is_file());
        // A second save (a concurrent run) leaves the first template and no staging dirs.
        save(&data, &template);
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("cache")).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
