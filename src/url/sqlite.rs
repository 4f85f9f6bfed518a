//! `sqlite://` URLs: a database file (relative or absolute) or a named in-memory database.

use super::{decode, split_query};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use std::fmt;

/// What a path shows encoded: what would otherwise end it or be decoded.
const PATH: &AsciiSet = &CONTROLS.add(b'%').add(b'?').add(b'#');
/// Query keys and values also encode what separates them.
const PARAM: &AsciiSet = &PATH.add(b'&').add(b'=');

/// A parsed `sqlite://` URL; opening it belongs to the SQLite driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteUrl {
    /// The file path (`rel/file.db`, `/abs/file.db`) or the in-memory database's name.
    path: String,
    in_memory: bool,
    /// Other query parameters (e.g. `_fk=1`), in order, for the driver to interpret.
    params: Vec<(String, String)>,
}

impl SqliteUrl {
    pub(super) fn parse_after_scheme(rest: &str) -> Result<SqliteUrl, String> {
        let (path, query) = split_query(rest)?;
        if path.is_empty() {
            return Err("no file or name after sqlite://".into());
        }
        let mut in_memory = false;
        let mut params = Vec::new();
        for (key, value) in query {
            if key == "mode" && value == "memory" {
                in_memory = true;
            } else {
                params.push((key, value));
            }
        }
        Ok(SqliteUrl {
            path: decode(path, "the path")?,
            in_memory,
            params,
        })
    }

    /// The file path, or the name of the in-memory database.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn in_memory(&self) -> bool {
        self.in_memory
    }

    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }
}

impl fmt::Display for SqliteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sqlite://{}", utf8_percent_encode(&self.path, PATH))?;
        let mut sep = '?';
        if self.in_memory {
            write!(f, "{sep}mode=memory")?;
            sep = '&';
        }
        for (k, v) in &self.params {
            let (k, v) = (utf8_percent_encode(k, PARAM), utf8_percent_encode(v, PARAM));
            write!(f, "{sep}{k}={v}")?;
            sep = '&';
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::url::{DbUrl, parse};

    fn sqlite(s: &str) -> super::SqliteUrl {
        match parse(s).unwrap() {
            DbUrl::Sqlite(url) => url,
            other => panic!("not sqlite: {other}"),
        }
    }

    #[test]
    fn relative_absolute_and_memory_forms() {
        let rel = sqlite("sqlite://rel/file.db");
        assert_eq!((rel.path(), rel.in_memory()), ("rel/file.db", false));
        let abs = sqlite("sqlite:///abs/file.db");
        assert_eq!(abs.path(), "/abs/file.db");
        let mem = sqlite("sqlite://dev?mode=memory&_fk=1");
        assert_eq!((mem.path(), mem.in_memory()), ("dev", true));
        assert_eq!(mem.params(), [("_fk".to_string(), "1".to_string())]);
        assert_eq!(mem.to_string(), "sqlite://dev?mode=memory&_fk=1");
        assert_eq!(sqlite("sqlite://my%20dir/a.db").path(), "my dir/a.db");
    }

    #[test]
    fn display_encodes_what_would_not_parse_back() {
        // Found by tests/prop_urls.rs: `sqlite://%3F` showed as `sqlite://?`, which is no URL.
        let url = sqlite("sqlite://a%3Fb%2523%23?k%26=v%3D%25&mode=memory");
        assert_eq!(url.path(), "a?b%23#");
        assert_eq!(
            url.to_string(),
            "sqlite://a%3Fb%2523%23?mode=memory&k%26=v%3D%25"
        );
        assert_eq!(sqlite(&url.to_string()), url);
    }

    #[test]
    fn empty_sqlite_url_is_bad_input() {
        let err = parse("sqlite://").unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
    }
}
