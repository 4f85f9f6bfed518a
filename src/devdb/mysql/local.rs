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

use super::binaries::{self, Binaries, Installer};
use super::{process, template};
use crate::devdb::cleanup::{self, CleanupGuard};
use crate::devdb::local_dir;
use crate::error::{bad_input, failure};
use crate::url::{MysqlFlavor, MysqlUrl};
use anyhow::Context;
use sqlx::Connection;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Server directories are `schemactl-my-<pid>-<random>`.
const DIR_PREFIX: &str = "schemactl-my-";
const SOCKET: &str = "mysql.sock";
const LOG: &str = "server.log";
/// The longest unix socket path (`sun_path` holds 108 bytes with the closing NUL).
const MAX_SOCKET_PATH: usize = 107;
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// Starts on a fresh port when another process took the one picked in between.
const PORT_TRIES: usize = 3;

/// Settings for a throwaway server on both products: no binary log, no durability, little
/// memory. Grant tables stay on (`--skip-grant-tables` would make GRANT and CREATE USER in a
/// migration fail).
const FAST: &[&str] = &[
    // Also keeps `localhost` accounts off TCP: a TCP client is 127.0.0.1, which has none.
    "--skip-name-resolve",
    "--skip-log-bin",
    "--innodb-buffer-pool-size=32M",
    "--innodb-flush-log-at-trx-commit=0",
    "--innodb-doublewrite=OFF",
    "--performance-schema=OFF",
];

/// MariaDB's own: no fsync at all (an install makes ~970 calls, seconds on a busy disk, e.g.
/// where /dev/shm is too small and the directory goes to the temp dir), a small redo log
/// (created at install: 16 MB written instead of 96 MB), and utf8mb4 as Debian's package and
/// the official image configure it, so that a plan made here reads as one made on such a
/// server.
const MARIADB: &[&str] = &[
    "--debug-no-sync",
    "--innodb-log-file-size=16M",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_general_ci",
];

/// MySQL's own: no X protocol listener (it would take port 33060 and a socket in /var/run).
/// `--secure-file-priv` is added with the directory's `files/`: the compiled-in default
/// directory may not exist, which stops the server.
const MYSQL: &[&str] = &["--mysqlx=OFF"];

/// Run at install on MariaDB: root only at `localhost`, which only the socket reaches.
const MARIADB_INSTALL_SQL: &str = "\
DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost';
DELETE FROM mysql.proxies_priv WHERE User = 'root' AND Host <> 'localhost';
";

/// The user the server runs as, when we are root.
#[derive(Debug, Clone)]
struct RunAs {
    name: String,
    uid: u32,
    gid: u32,
}

/// What runs in the directory; shared with the cleanup, which kills it.
#[derive(Default)]
struct Running {
    /// The server, killed and reaped.
    server: Option<Child>,
    /// The install's process group while it runs: `mariadb-install-db` is a shell script whose
    /// subshells and bootstrap server outlive a kill of the script alone.
    install_group: Option<i32>,
}

type Processes = Arc<Mutex<Running>>;

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

/// Options every server program gets, `--no-defaults` first (the programs only honour it
/// there), then the data directory and the user.
fn common_args(root: &Path, run_as: Option<&RunAs>) -> Vec<String> {
    let mut args = vec![
        "--no-defaults".to_string(),
        format!("--datadir={}", root.join("data").display()),
    ];
    if let Some(user) = run_as {
        args.push(format!("--user={}", user.name));
    }
    args
}

fn settings(flavor: MysqlFlavor, root: &Path) -> Vec<String> {
    let mut args: Vec<String> = FAST.iter().map(|s| s.to_string()).collect();
    match flavor {
        MysqlFlavor::Mariadb => args.extend(MARIADB.iter().map(|s| s.to_string())),
        MysqlFlavor::Mysql => {
            args.extend(MYSQL.iter().map(|s| s.to_string()));
            args.push(format!(
                "--secure-file-priv={}",
                root.join("files").display()
            ));
        }
    }
    args
}

/// Creates the data directory with its system tables.
async fn install(
    bins: &Binaries,
    root: &Path,
    run_as: Option<&RunAs>,
    process: &Processes,
) -> anyhow::Result<()> {
    let mut args = common_args(root, run_as);
    let program = match &bins.installer {
        Installer::MariadbInstallDb(path) => {
            let extra = root.join("install.sql");
            fs::write(&extra, MARIADB_INSTALL_SQL)?;
            args.extend(
                [
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    // The server's own copy: install-db passes it on to the bootstrap server.
                    "--skip-name-resolve",
                ]
                .map(String::from),
            );
            args.push(format!("--extra-file={}", extra.display()));
            args.extend(settings(bins.flavor, root));
            path.clone()
        }
        Installer::InitializeInsecure => {
            args.push("--initialize-insecure".into());
            args.push(format!("--log-error={}", root.join(LOG).display()));
            args.extend(settings(bins.flavor, root));
            bins.server.clone()
        }
    };
    let child = tokio::process::Command::new(&program)
        .args(&args)
        .current_dir(root)
        // A group of its own, which the cleanup kills whole.
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| failure(format!("cannot run {}: {e}", program.display())))?;
    lock(process).install_group = child.id().map(|pid| pid as i32);
    let output = child.wait_with_output().await;
    lock(process).install_group = None;
    let output = output.map_err(|e| failure(format!("cannot run {}: {e}", program.display())))?;
    if output.status.success() {
        return Ok(());
    }
    Err(failure(format!(
        "{} failed ({}) in {}:\n{}{}{}",
        program.display(),
        output.status,
        root.display(),
        String::from_utf8_lossy(&output.stderr).trim(),
        String::from_utf8_lossy(&output.stdout).trim(),
        log_tail(&root.join(LOG), 0)
    )))
}

/// Starts the server on a free port and waits until it answers on its socket; a port taken
/// between picking and binding is retried with another.
async fn start_server(
    bins: &Binaries,
    root: &Path,
    run_as: Option<&RunAs>,
    process: &Processes,
) -> anyhow::Result<u16> {
    let log = root.join(LOG);
    let url = MysqlUrl::for_socket(bins.flavor, &root.join(SOCKET), "root");
    let mut last_error = None;
    for _ in 0..PORT_TRIES {
        let port = free_port()?;
        let log_start = fs::metadata(&log).map_or(0, |m| m.len());
        let child = server_command(bins, root, run_as, port)?
            .spawn()
            .map_err(|e| failure(format!("cannot run {}: {e}", bins.server.display())))?;
        lock(process).server = Some(child);
        match wait_until_ready(&url, process).await {
            Ok(()) => return Ok(port),
            Err(exit) => {
                let tail = log_tail(&log, log_start);
                let error = failure(format!(
                    "cannot start a local {} in {}: {exit}{tail}",
                    bins.flavor.name(),
                    root.display()
                ));
                if !tail.contains("Address already in use") {
                    return Err(error);
                }
                last_error = Some(error);
            }
        }
    }
    Err(last_error.expect("at least one try"))
}

fn server_command(
    bins: &Binaries,
    root: &Path,
    run_as: Option<&RunAs>,
    port: u16,
) -> anyhow::Result<std::process::Command> {
    use std::os::unix::process::CommandExt;
    let mut command = std::process::Command::new(&bins.server);
    command
        .args(common_args(root, run_as))
        .arg(format!("--socket={}", root.join(SOCKET).display()))
        .arg(format!("--port={port}"))
        .arg("--bind-address=127.0.0.1")
        .arg(format!("--pid-file={}", root.join("mysqld.pid").display()))
        .arg(format!("--log-error={}", root.join(LOG).display()))
        .arg(format!("--tmpdir={}", root.join("tmp").display()))
        .args(settings(bins.flavor, root))
        .current_dir(root)
        // Its own process group, so that a Ctrl-C at the terminal reaches only schemactl,
        // which then stops the server itself.
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        // What the server says before its log is open (an unknown option) goes there too.
        .stderr(fs::OpenOptions::new().append(true).open(root.join(LOG))?);
    Ok(command)
}

/// A port nobody listens on now (the kernel's pick for port 0).
fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .context("finding a free port for a local server")?;
    Ok(listener.local_addr()?.port())
}

/// Polls the socket until the server answers; `Err` says how the server ended or that it
/// did not answer in time.
async fn wait_until_ready(url: &MysqlUrl, process: &Processes) -> Result<(), String> {
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        if let Some(child) = lock(process).server.as_mut()
            && let Ok(Some(status)) = child.try_wait()
        {
            return Err(format!("the server exited ({status})"));
        }
        let attempt = tokio::time::timeout(
            Duration::from_secs(2),
            sqlx::MySqlConnection::connect_with(&url.connect_options()),
        )
        .await;
        if let Ok(Ok(conn)) = attempt {
            conn.close().await.ok();
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "no answer on {} within {} s",
                url.place(),
                STARTUP_TIMEOUT.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn lock(process: &Processes) -> std::sync::MutexGuard<'_, Running> {
    process.lock().unwrap_or_else(|p| p.into_inner())
}

/// The last lines the log got since byte `from`, as a message suffix.
fn log_tail(log: &Path, from: u64) -> String {
    let text = fs::read(log).unwrap_or_default();
    let text = String::from_utf8_lossy(text.get(from as usize..).unwrap_or_default());
    let lines: Vec<&str> = text.lines().collect();
    let tail = &lines[lines.len().saturating_sub(12)..];
    if tail.is_empty() {
        String::new()
    } else {
        format!("\nserver log:\n{}", tail.join("\n"))
    }
}

/// Stops and removes servers left by runs that were killed outright (SIGKILL leaves no chance
/// to clean up): directories whose schemactl process no longer runs.
pub(crate) fn sweep_stale(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(owner) = name
            .to_str()
            .and_then(|n| n.strip_prefix(DIR_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        if owner != std::process::id() as i32 && !cleanup::process_alive(owner) {
            stop_and_remove(&entry.path(), None);
        }
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
