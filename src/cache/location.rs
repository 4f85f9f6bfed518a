//! Where the cache lives and how big it may grow, from the environment.

use super::Cache;
use crate::error::bad_input;
use std::ffi::OsString;
use std::path::PathBuf;

/// The bound when `SCHEMACTL_CACHE_MAX_SIZE` does not give one: 2 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;

/// The cache directory of this environment, if any (see [`Cache::from_env`]); local dev
/// servers keep their initialized data directories there too.
pub fn default_root() -> Option<PathBuf> {
    root_with(&|name| std::env::var_os(name))
}

fn root_with(var: &impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    match (
        set("SCHEMACTL_CACHE_DIR"),
        set("XDG_CACHE_HOME"),
        set("HOME"),
    ) {
        (Some(dir), _, _) => Some(PathBuf::from(dir)),
        (None, Some(xdg), _) => Some(PathBuf::from(xdg).join("schemactl")),
        (None, None, Some(home)) => Some(PathBuf::from(home).join(".cache/schemactl")),
        (None, None, None) => None,
    }
}

pub(super) fn from_env(var: impl Fn(&str) -> Option<OsString>) -> anyhow::Result<Option<Cache>> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    let Some(root) = root_with(&var) else {
        return Ok(None);
    };
    let max_bytes = match set("SCHEMACTL_CACHE_MAX_SIZE") {
        Some(text) => parse_size(&text.to_string_lossy()).ok_or_else(|| {
            bad_input(format!(
                "SCHEMACTL_CACHE_MAX_SIZE={}: expected a size such as 500M or 2G",
                text.to_string_lossy()
            ))
        })?,
        None => DEFAULT_MAX_BYTES,
    };
    Ok(Some(Cache::at(root, max_bytes)))
}

/// `1024`, `500K`, `500M`, `2G` (powers of 1024; a trailing `B` or `iB` is allowed).
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let upper = text.to_ascii_uppercase();
    let digits = upper.trim_end_matches("IB").trim_end_matches('B');
    let (number, unit) = match digits.char_indices().last()? {
        (i, 'K') => (&digits[..i], 1u64 << 10),
        (i, 'M') => (&digits[..i], 1 << 20),
        (i, 'G') => (&digits[..i], 1 << 30),
        (i, 'T') => (&digits[..i], 1 << 40),
        _ => (digits, 1),
    };
    number.trim().parse::<u64>().ok()?.checked_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_of(vars: &[(&str, &str)]) -> Option<PathBuf> {
        from_env(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        })
        .unwrap()
        .map(|cache| cache.root().to_path_buf())
    }

    #[test]
    fn the_cache_dir_comes_from_the_first_variable_set() {
        let all = [
            ("SCHEMACTL_CACHE_DIR", "/c"),
            ("XDG_CACHE_HOME", "/x"),
            ("HOME", "/h"),
        ];
        assert_eq!(root_of(&all), Some("/c".into()));
        assert_eq!(root_of(&all[1..]), Some("/x/schemactl".into()));
        assert_eq!(root_of(&all[2..]), Some("/h/.cache/schemactl".into()));
        assert_eq!(
            root_of(&[("SCHEMACTL_CACHE_DIR", ""), ("HOME", "/h")]),
            Some("/h/.cache/schemactl".into())
        );
        assert_eq!(root_of(&[]), None);
    }

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("500K"), Some(500 << 10));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("2GiB"), Some(2 << 30));
        assert_eq!(parse_size("10mb"), Some(10 << 20));
        assert_eq!(parse_size("lots"), None);
        let bad_size = |n: &str| match n {
            "SCHEMACTL_CACHE_MAX_SIZE" => Some("lots".into()),
            "HOME" => Some("/h".into()),
            _ => None,
        };
        assert!(from_env(bad_size).is_err());
    }
}
