//! A local, ephemeral MariaDB or MySQL server started from the installed binaries, for runs
//! without a dev URL.
//!
//! Everything lives in one temp directory `schemactl-my-<pid>-<random>`: the data directory,
//! the socket, the pid file, the server log and the server's temp files. The system tables come
//! from `mariadb-install-db` (MariaDB) or `mysqld --initialize-insecure` (MySQL; that path is
//! written from MySQL's documentation and untested here, where only MariaDB installs). The
//! server reads no option file (`--no-defaults`), listens on its own socket and on a free
//! 127.0.0.1 port (so it never meets a system server's socket or port 3306), and runs with
//! durability off. `root@localhost` has no password, and only the socket reaches it: the
//! directory is private to us and the server's user, and with `--skip-name-resolve` no account
//! matches a TCP client (MariaDB's TCP accounts of root are deleted at install).
//!
//! As root, the server runs as the `mysql` user (`--user=mysql`; Debian's package creates it;
//! `--user=root` where there is none), because mysqld refuses to run as root without `--user`.
//!
//! A cleanup registered before anything is started kills the server (SIGKILL: the data is thrown
//! away) and removes the directory, on close, on drop, on a signal and at the end of
//! `with_cleanup`. A run killed outright leaves both behind; the next run's [`sweep_stale`]
//! removes directories whose schemactl process is gone, with the servers still running in them.

use super::binaries::{self, Binaries};
use super::programs::{LOG, Processes, RunAs, SOCKET, install, lock, start_server};
use super::{process, template};
use crate::devdb::cleanup::{self, CleanupGuard};
use crate::devdb::local_dir;
use crate::error::bad_input;
use crate::url::MysqlUrl;
use anyhow::Context;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Server directories are `schemactl-my-<pid>-<random>`.
const DIR_PREFIX: &str = "schemactl-my-";
/// The longest unix socket path (`sun_path` holds 108 bytes with the closing NUL).
const MAX_SOCKET_PATH: usize = 107;

/// How a local server's data directory came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataDirSource {
    Installed,
    CachedTemplate,
}

/// A running local server; stopping it (or dropping it) removes everything.
pub(crate) struct LocalServer {
    root: PathBuf,
    url: MysqlUrl,
    port: u16,
    source: DataDirSource,
    prepared: Duration,
    startup: Duration,
    guard: Option<CleanupGuard>,
}

impl LocalServer {
    /// Starts a server in a new temp directory; bad input when none is installed.
    pub(crate) async fn start() -> anyhow::Result<LocalServer> {
        let started = Instant::now();
        let bins = binaries::find()?;
        let run_as = run_as();
        let parent = local_dir::parent_dir();
        sweep_stale(&parent);
        let root = tempfile::Builder::new()
            .prefix(&format!("{DIR_PREFIX}{}-", std::process::id()))
            .tempdir_in(&parent)
            .with_context(|| {
                format!(
                    "creating a temp directory for a local {} in {}",
                    bins.flavor.name(),
                    parent.display()
                )
            })?
            .keep();
        let process = Processes::default();
        // Registered first, so that any failure below still removes the directory.
        let guard = cleanup::register({
            let (root, process) = (root.clone(), process.clone());
            move || stop_and_remove(&root, Some(&process))
        });
        let socket = root.join(SOCKET);
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(bad_input(format!(
                "the socket path {} is longer than a unix socket may be ({MAX_SOCKET_PATH} \
                 bytes): set SCHEMACTL_DEV_DIR to a shorter directory",
                socket.display()
            )));
        }
        prepare_dir(&root, run_as.as_ref())?;
        let source = data_dir(&bins, &root, run_as.as_ref(), &process).await?;
        let prepared = started.elapsed();
        let port = start_server(&bins, &root, run_as.as_ref(), &process).await?;
        Ok(LocalServer {
            url: MysqlUrl::for_socket(bins.flavor, &socket, "root"),
            root,
            port,
            source,
            prepared,
            startup: started.elapsed(),
            guard: Some(guard),
        })
    }

    /// root@localhost over the socket, without a database.
    pub(crate) fn url(&self) -> &MysqlUrl {
        &self.url
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The 127.0.0.1 port the server listens on.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// How the data directory came to be, how long that took, and the whole start until the
    /// server answered.
    pub(crate) fn timings(&self) -> (DataDirSource, Duration, Duration) {
        (self.source, self.prepared, self.startup)
    }

    /// Kills the server and removes the directory now.
    pub(crate) fn stop(mut self) {
        drop(self.guard.take());
    }
}

/// The `mysql` user when we are root (else `root` itself, with `--user=root`); none otherwise.
fn run_as() -> Option<RunAs> {
    if !nix::unistd::geteuid().is_root() {
        return None;
    }
    Some(match nix::unistd::User::from_name("mysql").ok().flatten() {
        Some(user) => RunAs {
            name: user.name,
            uid: user.uid.as_raw(),
            gid: user.gid.as_raw(),
        },
        None => RunAs {
            name: "root".into(),
            uid: 0,
            gid: 0,
        },
    })
}

/// The directory private to us and the server's user, with the server's temp dir and log.
fn prepare_dir(root: &Path, run_as: Option<&RunAs>) -> anyhow::Result<()> {
    fs::set_permissions(root, fs::Permissions::from_mode(0o700))?;
    for dir in [root.join("tmp"), root.join("files")] {
        fs::create_dir(&dir)?;
    }
    fs::write(root.join(LOG), "")?;
    if let Some(user) = run_as {
        for path in [
            root.to_path_buf(),
            root.join("tmp"),
            root.join("files"),
            root.join(LOG),
        ] {
            std::os::unix::fs::chown(&path, Some(user.uid), Some(user.gid))
                .with_context(|| format!("chown {} to the {} user", path.display(), user.name))?;
        }
    }
    Ok(())
}

/// The data directory: a copy of the cached template, else a fresh install (saved as the
/// template before a server runs on it).
async fn data_dir(
    bins: &Binaries,
    root: &Path,
    run_as: Option<&RunAs>,
    process: &Processes,
) -> anyhow::Result<DataDirSource> {
    let data = root.join("data");
    let template = template::template_dir(bins);
    if let Some(t) = &template
        && template::copy_cached(t, &data)
            .with_context(|| format!("copying the cached data directory {}", t.display()))?
    {
        if let Some(user) = run_as {
            chown_tree(&data, user)?;
        }
        return Ok(DataDirSource::CachedTemplate);
    }
    install(bins, root, run_as, process).await?;
    if let Some(t) = &template {
        template::save(&data, t);
    }
    Ok(DataDirSource::Installed)
}

fn chown_tree(path: &Path, user: &RunAs) -> anyhow::Result<()> {
    std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
        .with_context(|| format!("chown {} to the {} user", path.display(), user.name))?;
    if path.is_dir() {
        for entry in fs::read_dir(path)? {
            chown_tree(&entry?.path(), user)?;
        }
    }
    Ok(())
}

/// Stops and removes servers left by runs that were killed outright (SIGKILL leaves no chance
/// to clean up): directories whose schemactl process no longer runs.
pub(crate) fn sweep_stale(parent: &Path) {
    for dir in local_dir::stale_dirs(parent, DIR_PREFIX) {
        stop_and_remove(&dir, None);
    }
}

/// Kills the server (and an install's bootstrap server, which a killed `mariadb-install-db`
/// leaves running) and removes the directory; synchronous, because it runs from Drop and from
/// signal paths. Errors are reported, not returned: there is nobody left to return them to.
fn stop_and_remove(root: &Path, process: Option<&Processes>) {
    if let Some(process) = process {
        let running = std::mem::take(&mut *lock(process));
        if let Some(group) = running.install_group {
            process::kill_group(group);
        }
        if let Some(mut child) = running.server {
            child.kill().ok();
            child.wait().ok();
        }
    }
    process::kill_all_in(root);
    match fs::remove_dir_all(root) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => eprintln!(
            "warning: could not remove the local server directory {}: {err}",
            root.display()
        ),
        _ => {}
    }
}
