//! `file://` URLs: SQL files given by path, glob or directory, resolved when parsed.
//!
//! Paths are relative to the current directory (`file:///abs` is absolute). A directory means
//! every `*.sql` directly inside it; a glob and a directory both list files sorted by name.
//!
//! `file://migrations?version=V` is a migration directory at a point of its history: the state
//! its files up to version V leave (`&format=dbmate|golang-migrate` for other layouts).

use std::fmt;
use std::path::{Path, PathBuf};

/// A resolved `file://` URL.
#[derive(Clone, PartialEq, Eq)]
pub struct FileUrl {
    /// The path or pattern as written after `file://`.
    spec: String,
    is_dir: bool,
    files: Vec<PathBuf>,
    /// `?version=V`: the directory's files up to version V, as migrations.
    version: Option<String>,
    /// `&format=…` with a version: the directory's layout (default atlas).
    format: Option<String>,
}

/// `path?version=V&format=F` → (`path`, V, F); `None` when what follows the `?` is not such a
/// query (a glob's `?` stays part of the pattern).
fn split_query(rest: &str) -> Option<(&str, Option<String>, Option<String>)> {
    let (path, query) = rest.split_once('?')?;
    let (mut version, mut format) = (None, None);
    for pair in query.split('&') {
        match pair.split_once('=')? {
            ("version", v) if !v.is_empty() => version = Some(v.to_string()),
            ("format", f) if !f.is_empty() => format = Some(f.to_string()),
            _ => return None,
        }
    }
    Some((path, version, format))
}

impl FileUrl {
    /// Resolves what follows `file://` against the file system.
    pub(super) fn resolve(rest: &str) -> Result<FileUrl, String> {
        if let Some((path, version, format)) = split_query(rest) {
            let mut url = FileUrl::resolve(path)?;
            if !url.is_dir {
                return Err(format!(
                    "{path:?} is not a directory: ?version= names a point of a migration directory's history"
                ));
            }
            if version.is_none() {
                return Err("&format= goes with ?version=".into());
            }
            url.version = version;
            url.format = format;
            return Ok(url);
        }
        if rest.is_empty() {
            return Err("no path after file://".into());
        }
        if rest.contains(['*', '?', '[']) {
            let mut files: Vec<PathBuf> = glob::glob(rest)
                .map_err(|e| format!("bad glob pattern: {e}"))?
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(format!("no file matches {rest:?}"));
            }
            return Ok(FileUrl {
                spec: rest.to_string(),
                is_dir: false,
                files,
                version: None,
                format: None,
            });
        }
        let path = Path::new(rest);
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("cannot read directory {rest:?}: {e}"))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|ext| ext == "sql"))
                .collect();
            files.sort();
            Ok(FileUrl {
                spec: rest.to_string(),
                is_dir: true,
                files,
                version: None,
                format: None,
            })
        } else if path.is_file() {
            Ok(FileUrl {
                spec: rest.to_string(),
                is_dir: false,
                files: vec![path.to_path_buf()],
                version: None,
                format: None,
            })
        } else {
            Err(format!("{rest:?} does not exist"))
        }
    }

    /// The path or pattern as written.
    pub fn spec(&self) -> &str {
        &self.spec
    }

    /// Whether the URL names a directory (a migration directory, where the caller cares).
    pub fn is_dir(&self) -> bool {
        self.is_dir
    }

    /// The directory, when the URL names one.
    pub fn dir(&self) -> Option<&Path> {
        self.is_dir.then(|| Path::new(&self.spec))
    }

    /// The SQL files, sorted by name.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// `?version=V`: the directory as migrations, up to version V.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// `&format=…`, the directory's layout, when the URL names one.
    pub fn format(&self) -> Option<&str> {
        self.format.as_deref()
    }
}

impl fmt::Display for FileUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "file://{}", self.spec)?;
        if let Some(version) = &self.version {
            write!(f, "?version={version}")?;
        }
        if let Some(format) = &self.format {
            write!(f, "&format={format}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for FileUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileUrl({self}, {:?})", self.files)
    }
}

#[cfg(test)]
mod tests {
    use crate::url::{DbUrl, parse};
    use std::fs;

    fn file_url(s: &str) -> super::FileUrl {
        match parse(s).unwrap() {
            DbUrl::File(url) => url,
            other => panic!("not a file URL: {other}"),
        }
    }

    #[test]
    fn single_file_glob_and_directory_resolve_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.sql", "a.sql", "c.txt", "10_x.sql"] {
            fs::write(dir.path().join(name), "select 1;").unwrap();
        }
        let root = dir.path().display();

        let one = file_url(&format!("file://{root}/a.sql"));
        assert!(!one.is_dir());
        assert_eq!(one.files(), [dir.path().join("a.sql")]);

        let globbed = file_url(&format!("file://{root}/*.sql"));
        let names: Vec<_> = globbed
            .files()
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
            .collect();
        assert_eq!(names, ["10_x.sql", "a.sql", "b.sql"]);

        let whole = file_url(&format!("file://{root}"));
        assert!(whole.is_dir());
        assert_eq!(whole.dir(), Some(dir.path()));
        assert_eq!(whole.files(), globbed.files());
    }

    #[test]
    fn a_version_names_a_point_of_a_directorys_history() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("1_a.sql"), "select 1;").unwrap();
        let root = dir.path().display();
        let url = file_url(&format!("file://{root}?version=1"));
        assert_eq!(url.version(), Some("1"));
        assert_eq!(url.dir(), Some(dir.path()));
        assert_eq!(url.to_string(), format!("file://{root}?version=1"));
        let url = file_url(&format!("file://{root}?version=1&format=dbmate"));
        assert_eq!(url.format(), Some("dbmate"));
        // A glob's `?` is still a glob.
        let globbed = file_url(&format!("file://{root}/?_a.sql"));
        assert_eq!(globbed.files().len(), 1);
        let err = parse(&format!("file://{root}/1_a.sql?version=1")).unwrap_err();
        assert!(err.to_string().contains("not a directory"), "{err}");
    }

    #[test]
    fn missing_path_is_bad_input_naming_it() {
        let err = parse("file://no/such/schema.sql").unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        assert!(err.to_string().contains("no/such/schema.sql"), "{err}");
        let err = parse("file://no/such/*.sql").unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
    }

    #[test]
    fn relative_paths_resolve_against_the_current_directory() {
        // Cargo runs unit tests in the package root.
        let url = file_url("file://src/url");
        assert!(url.is_dir());
        assert!(url.files().is_empty());
        let url = file_url("file://Cargo.toml");
        assert_eq!(url.files().len(), 1);
        assert_eq!(url.to_string(), "file://Cargo.toml");
    }
}
