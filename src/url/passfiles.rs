//! Passwords kept out of URLs: libpq's password file (`PGPASSFILE`, else `~/.pgpass`) and the
//! mysql client's option file `~/.my.cnf`, read when a URL has no password. Parsing and
//! matching are pure; only the two `*_password` functions read files.

use std::path::{Path, PathBuf};

/// The password for a PostgreSQL connection from the password file, if one matches. `host`
/// is `localhost` for a unix-socket connection (as libpq matches it). A file that group or
/// others can read is ignored with a warning, as libpq does.
pub fn pgpass_password(host: &str, port: u16, database: &str, user: &str) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".pgpass")))?;
    let text = read_private(&path)?;
    pgpass_lookup(&text, host, port, database, user)
}

/// The password of the `[client]` (or `[client-mariadb]`) group of `~/.my.cnf`, if set.
pub fn mycnf_password() -> Option<String> {
    let text = read_private(&home()?.join(".my.cnf"))?;
    mycnf_lookup(&text, "password")
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// The file's text when it exists and only its owner may read it.
fn read_private(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = std::fs::metadata(path).ok()?;
    if metadata.permissions().mode() & 0o077 != 0 {
        eprintln!(
            "WARNING: {} is readable by others and is ignored; chmod 0600 it",
            path.display()
        );
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// The first line `host:port:database:user:password` whose fields match (`*` matches
/// anything; `\:` and `\\` escape).
pub fn pgpass_lookup(
    text: &str,
    host: &str,
    port: u16,
    database: &str,
    user: &str,
) -> Option<String> {
    let port = port.to_string();
    let wanted = [host, port.as_str(), database, user];
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(split_pgpass_line)
        .find(|fields| {
            fields[..4]
                .iter()
                .zip(wanted)
                .all(|(field, value)| field == "*" || field == value)
        })
        .map(|mut fields| fields.remove(4))
}

/// A line's five fields, unescaped; None unless it has exactly five.
fn split_pgpass_line(line: &str) -> Option<Vec<String>> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut()?.push(chars.next().unwrap_or('\\')),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut()?.push(c),
        }
    }
    (fields.len() == 5).then_some(fields)
}

/// `key` in the client groups of an option file (`key = value` or `key=value`, quotes
/// optional, `#` and `;` comments); a later setting wins, as in the mysql client.
pub fn mycnf_lookup(text: &str, key: &str) -> Option<String> {
    let mut in_client = false;
    let mut found = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(group) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_client = matches!(group.trim(), "client" | "client-mariadb");
            continue;
        }
        if !in_client {
            continue;
        }
        let (name, value) = line.split_once('=').unwrap_or((line, ""));
        if name.trim().replace('_', "-") == key {
            found = Some(unquote(value.trim()));
        }
    }
    found
}

fn unquote(value: &str) -> String {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner.to_string();
        }
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgpass_takes_the_first_matching_line_with_wildcards_and_escapes() {
        let text = "# comment\n\
                    db.example:5432:app:alice:first\n\
                    *:5432:*:alice:p\\:ss\\\\1\n\
                    *:*:*:*:fallback\n\
                    broken:line\n";
        assert_eq!(
            pgpass_lookup(text, "db.example", 5432, "app", "alice").as_deref(),
            Some("first")
        );
        assert_eq!(
            pgpass_lookup(text, "other", 5432, "x", "alice").as_deref(),
            Some("p:ss\\1")
        );
        assert_eq!(
            pgpass_lookup(text, "other", 6543, "x", "bob").as_deref(),
            Some("fallback")
        );
        assert_eq!(pgpass_lookup("a:1:b:c\n", "a", 1, "b", "c"), None);
    }

    #[test]
    fn a_pgpass_password_may_hold_colons_after_the_fourth() {
        assert_eq!(
            pgpass_lookup("h:1:d:u:a:b", "h", 1, "d", "u").as_deref(),
            Some("a:b")
        );
    }

    #[test]
    fn mycnf_reads_the_client_groups_only() {
        let text = "[mysqld]\npassword = server\n[client]\nuser=me\npassword = \"s3 cret\"\n\
                    [mysql]\npassword=other\n[client-mariadb]\n; comment\npassword='last'\n";
        assert_eq!(mycnf_lookup(text, "password").as_deref(), Some("last"));
        assert_eq!(
            mycnf_lookup("[client]\npassword=x\n", "password").as_deref(),
            Some("x")
        );
        assert_eq!(mycnf_lookup("[mysqld]\npassword=x\n", "password"), None);
    }
}
