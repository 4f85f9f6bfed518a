//! Paths and `file://` URLs in the project file are relative to the file's directory; these
//! helpers make them absolute so they work from any current directory.

use std::path::{Component, Path, PathBuf};

/// `base/relative` (or `relative` itself when it is absolute) as the file system resolves it:
/// the longest part that exists is followed through symlinks to its real path, so that
/// `link/..` is the parent of the link's target, as the kernel sees it, and messages name the
/// real place. The rest (a directory not made yet, a glob) is appended with `.` dropped and
/// `..` applied to the text.
pub(crate) fn resolve_path(base: &Path, relative: &str) -> PathBuf {
    let joined = base.join(relative);
    let components: Vec<Component> = joined.components().collect();
    let mut existing = components.len();
    let mut clean = loop {
        if existing == 0 {
            break PathBuf::new();
        }
        let prefix: PathBuf = components[..existing].iter().collect();
        if let Ok(real) = std::fs::canonicalize(&prefix) {
            break real;
        }
        existing -= 1;
    };
    for component in &components[existing..] {
        match component {
            Component::CurDir => {}
            Component::ParentDir if clean.file_name().is_some() => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    clean
}

/// Turns `file://relative/path?query` into `file:///abs/relative/path?query`; other URLs and
/// absolute `file:///...` URLs are returned unchanged.
pub(crate) fn resolve_file_url(base: &Path, url: &str) -> String {
    let Some(rest) = url.strip_prefix("file://") else {
        return url.to_string();
    };
    let (path, query) = match rest.find('?') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    if path.is_empty() || path.starts_with('/') {
        return url.to_string();
    }
    format!("file://{}{query}", resolve_path(base, path).display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_file_urls_become_absolute_under_the_project_dir() {
        let base = Path::new("/proj");
        assert_eq!(
            resolve_file_url(base, "file://migrations"),
            "file:///proj/migrations"
        );
        assert_eq!(
            resolve_file_url(base, "file://./db/../schema/*.sql"),
            "file:///proj/schema/*.sql"
        );
        assert_eq!(
            resolve_file_url(base, "file://migrations?format=golang-migrate"),
            "file:///proj/migrations?format=golang-migrate"
        );
    }

    #[test]
    fn absolute_and_non_file_urls_are_unchanged() {
        let base = Path::new("/proj");
        assert_eq!(resolve_file_url(base, "file:///abs/m"), "file:///abs/m");
        assert_eq!(
            resolve_file_url(base, "docker://postgres/16/dev"),
            "docker://postgres/16/dev"
        );
    }

    #[test]
    fn symlinks_resolve_to_their_real_path_before_parent_components() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir_all(root.join("real/inner")).unwrap();
        std::fs::create_dir_all(root.join("proj")).unwrap();
        std::os::unix::fs::symlink(root.join("real/inner"), root.join("proj/link")).unwrap();
        let proj = root.join("proj");
        // The kernel's `link/..` is `real`, not `proj`.
        assert_eq!(
            resolve_path(&proj, "link/../x.sql"),
            root.join("real/x.sql")
        );
        assert_eq!(resolve_path(&proj, "link"), root.join("real/inner"));
        assert_eq!(
            resolve_file_url(&proj, "file://link/*.sql"),
            format!("file://{}/*.sql", root.join("real/inner").display())
        );
    }

    #[test]
    fn parent_components_climb_out_of_the_project_dir() {
        assert_eq!(
            resolve_path(Path::new("/proj/app"), "../shared"),
            PathBuf::from("/proj/shared")
        );
        assert_eq!(
            resolve_path(Path::new("/proj"), "/etc"),
            PathBuf::from("/etc")
        );
    }
}
