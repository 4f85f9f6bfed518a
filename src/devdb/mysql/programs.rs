//! The programs of a local server: the install (`mariadb-install-db` or
//! `mysqld --initialize-insecure`) and the server itself, with the options both get, and the
//! wait until the server answers on its socket.

use super::binaries::{Binaries, Installer};
use crate::error::failure;
use crate::url::{MysqlFlavor, MysqlUrl};
use anyhow::Context;
use sqlx::Connection;
use std::fs;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(super) const SOCKET: &str = "mysql.sock";
pub(super) const LOG: &str = "server.log";
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
pub(super) struct RunAs {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

/// What runs in the directory; shared with the cleanup, which kills it.
#[derive(Default)]
pub(super) struct Running {
    /// The server, killed and reaped.
    pub server: Option<Child>,
    /// The install's process group while it runs: `mariadb-install-db` is a shell script whose
    /// subshells and bootstrap server outlive a kill of the script alone.
    pub install_group: Option<i32>,
}

pub(super) type Processes = Arc<Mutex<Running>>;

/// Options every server program gets, `--no-defaults` first (the programs only honour it
/// there), then the data directory, the temp dir and the user. The install's bootstrap server
/// gets the temp dir too: MariaDB deletes every `#sql*` file in its temp dir when it starts,
/// and in the shared /tmp those are other servers' temporary tables in use (a server losing
/// one crashed, and concurrent installs failed with "Can't find file '/tmp/#sql-temptable…'").
fn common_args(root: &Path, run_as: Option<&RunAs>) -> Vec<String> {
    let mut args = vec![
        "--no-defaults".to_string(),
        format!("--datadir={}", root.join("data").display()),
        format!("--tmpdir={}", root.join("tmp").display()),
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
pub(super) async fn install(
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
pub(super) async fn start_server(
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

pub(super) fn lock(process: &Processes) -> std::sync::MutexGuard<'_, Running> {
    process.lock().unwrap_or_else(|p| p.into_inner())
}

/// The last lines the log got since byte `from`, as a message suffix.
pub(super) fn log_tail(log: &Path, from: u64) -> String {
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
