//! Finding the installed MariaDB or MySQL server programs, and telling which one they are.
//!
//! The server is `mariadbd` (preferred) or `mysqld`; `mysqld --version` says which product it
//! is (Debian's `mysqld` is a link to `mariadbd`). MariaDB creates its system tables with
//! `mariadb-install-db` (or its old name `mysql_install_db`), MySQL with
//! `mysqld --initialize-insecure`. `SCHEMACTL_MYSQL_BINDIR` names the one directory the server
//! is taken from.

use crate::error::{bad_input, failure};
use crate::url::MysqlFlavor;
use std::path::{Path, PathBuf};

/// Where server programs are usually installed (Debian puts `mariadbd` in sbin and
/// `mariadb-install-db` in bin), searched before `$PATH`.
const USUAL_DIRS: &[&str] = &[
    "/usr/sbin",
    "/usr/local/sbin",
    "/usr/bin",
    "/usr/local/bin",
    "/usr/local/mysql/bin",
    "/opt/homebrew/bin",
];

const SERVERS: &[&str] = &["mariadbd", "mysqld"];
const MARIADB_INSTALLERS: &[&str] = &["mariadb-install-db", "mysql_install_db"];

/// How the data directory's system tables come to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Installer {
    /// `mariadb-install-db` at this path.
    MariadbInstallDb(PathBuf),
    /// `mysqld --initialize-insecure` (MySQL 5.7 and later).
    InitializeInsecure,
}

/// The server program, which product it is, its version and its installer.
#[derive(Debug, Clone)]
pub(super) struct Binaries {
    pub server: PathBuf,
    pub flavor: MysqlFlavor,
    pub version: String,
    pub installer: Installer,
}

/// The installed server, or bad input saying what to install or pass instead.
pub(super) fn find() -> anyhow::Result<Binaries> {
    let dirs = search_dirs();
    let server = SERVERS
        .iter()
        .find_map(|name| find_in(&dirs, name))
        .ok_or_else(|| not_installed(&dirs))?;
    let output = std::process::Command::new(&server)
        .arg("--version")
        .output()
        .map_err(|e| failure(format!("cannot run {} --version: {e}", server.display())))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let (flavor, version) = parse_version(&text).ok_or_else(|| {
        failure(format!(
            "unexpected `{} --version` output: {text}",
            server.display()
        ))
    })?;
    let installer = match flavor {
        MysqlFlavor::Mysql => Installer::InitializeInsecure,
        MysqlFlavor::Mariadb => {
            // Beside the server first, so that a server from one build gets its own installer.
            let mut dirs = dirs.clone();
            if let Some(dir) = server.parent() {
                dirs.insert(0, dir.to_path_buf());
            }
            dirs.extend(USUAL_DIRS.iter().map(PathBuf::from));
            let path = MARIADB_INSTALLERS
                .iter()
                .find_map(|name| find_in(&dirs, name))
                .ok_or_else(|| {
                    bad_input(format!(
                        "found the MariaDB server {} but not mariadb-install-db, which creates \
                         its system tables: install the complete MariaDB server package, or {}",
                        server.display(),
                        DEV_URL_HINT
                    ))
                })?;
            Installer::MariadbInstallDb(path)
        }
    };
    Ok(Binaries {
        server,
        flavor,
        version,
        installer,
    })
}

/// What to pass instead of a local server.
pub(super) const DEV_URL_HINT: &str = "pass --dev-url mysql://USER@HOST/ (scratch databases are \
     made on that server) or --dev-url docker://mariadb/11/dev (a throwaway container)";

fn not_installed(dirs: &[PathBuf]) -> anyhow::Error {
    let looked: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    bad_input(format!(
        "this MySQL run needs a dev database to load SQL into, and no local MariaDB or MySQL \
         server was found to start one (looked for mariadbd and mysqld in {}): install \
         MariaDB's server (Debian: apt-get install mariadb-server), or {DEV_URL_HINT}",
        looked.join(", ")
    ))
}

/// `SCHEMACTL_MYSQL_BINDIR` alone when set, else the usual directories and then `$PATH`.
fn search_dirs() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os("SCHEMACTL_MYSQL_BINDIR") {
        return vec![PathBuf::from(dir)];
    }
    let mut dirs: Vec<PathBuf> = USUAL_DIRS.iter().map(PathBuf::from).collect();
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
    }
    dirs
}

fn find_in(dirs: &[PathBuf], name: &str) -> Option<PathBuf> {
    dirs.iter().map(|d| d.join(name)).find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)` or
/// `/usr/sbin/mysqld  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)`.
fn parse_version(text: &str) -> Option<(MysqlFlavor, String)> {
    let mut words = text.split_whitespace();
    words.find(|w| *w == "Ver")?;
    let version = words.next()?.to_string();
    let flavor = if text.to_ascii_lowercase().contains("mariadb") {
        MysqlFlavor::Mariadb
    } else {
        MysqlFlavor::Mysql
    };
    Some((flavor, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_text_tells_mariadb_from_mysql() {
        let (flavor, version) = parse_version(
            "mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)\n",
        )
        .unwrap();
        assert_eq!(
            (flavor, version.as_str()),
            (MysqlFlavor::Mariadb, "10.11.19-MariaDB-0+deb12u1")
        );
        let (flavor, version) = parse_version(
            "/usr/sbin/mysqld  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)\n",
        )
        .unwrap();
        assert_eq!((flavor, version.as_str()), (MysqlFlavor::Mysql, "8.0.36"));
        assert!(parse_version("mysqld: unknown option '--version'").is_none());
    }

    #[test]
    fn only_executable_files_count() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("mysqld");
        std::fs::write(&plain, "").unwrap();
        assert_eq!(find_in(&[dir.path().to_path_buf()], "mysqld"), None);
        std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(find_in(&[dir.path().to_path_buf()], "mysqld"), Some(plain));
        std::fs::create_dir(dir.path().join("mariadbd")).unwrap();
        assert_eq!(find_in(&[dir.path().to_path_buf()], "mariadbd"), None);
    }
}
