//! A local, ephemeral PostgreSQL cluster started from the installed binaries.
//!
//! The cluster lives in a temp directory (data dir, server log and unix socket), listens only
//! on that socket (so it needs no free TCP port and nobody else can reach it), and runs with
//! durability off. As root, it runs as the `postgres` user, because PostgreSQL refuses root.
//! A cleanup registered before anything is started stops the server (`pg_ctl stop -m
//! immediate`) and removes the directory, on close, on drop and at the end of `with_cleanup`.

use super::template;
use crate::devdb::cleanup::{self, CleanupGuard, process_alive};
use crate::devdb::local_dir;
use crate::error::failure;
use crate::url::PgUrl;
use anyhow::Context;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The port number in the socket file name; no TCP port is opened.
const SOCKET_PORT: u16 = 5432;
/// The superuser initdb creates.
const SUPERUSER: &str = "postgres";

/// Settings for a throwaway server: no durability, room for big schemas in one transaction.
const SETTINGS: &[(&str, &str)] = &[
    ("listen_addresses", "''"),
    ("fsync", "off"),
    ("synchronous_commit", "off"),
    ("full_page_writes", "off"),
    ("max_locks_per_transaction", "4096"),
    ("logging_collector", "off"),
];

/// Where the PostgreSQL server programs are, and which version they are.
#[derive(Debug, Clone)]
pub(crate) struct PgBinaries {
    pub dir: PathBuf,
    pub version: String,
}

/// The user the server processes run as, when we are root.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

/// How a cluster's data directory came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterSource {
    Initdb,
    CachedTemplate,
}

/// A running ephemeral cluster; stopping it (or dropping it) removes everything.
pub(crate) struct Cluster {
    root: PathBuf,
    url: PgUrl,
    source: ClusterSource,
    startup: Duration,
    guard: Option<CleanupGuard>,
}

impl Cluster {
    /// Starts a cluster in a new temp directory.
    pub(crate) async fn start() -> anyhow::Result<Cluster> {
        let started = Instant::now();
        let bins = find_binaries()?;
        let run_as = run_as()?;
        let parent = crate::devdb::local_dir::parent_dir();
        remove_stale_clusters(&parent, &bins.dir, run_as);
        let root = tempfile::Builder::new()
            .prefix(&format!("{DIR_PREFIX}{}-", std::process::id()))
            .tempdir_in(&parent)
            .context("creating a temp directory for a local PostgreSQL")?
            .keep();
        let data = root.join("data");
        // Registered first, so that any failure below still removes the directory.
        let guard = cleanup::register({
            let (bin_dir, root, data) = (bins.dir.clone(), root.clone(), data.clone());
            move || stop_and_remove(&bin_dir, &root, &data, run_as)
        });
        // Trust authentication: only we (and the server's user) may reach the socket.
        fs::set_permissions(&root, fs::Permissions::from_mode(0o700))?;
        if let Some(user) = run_as {
            chown(&root, user)?;
        }

        let template = template::template_dir(&bins.version);
        let copied = match &template {
            Some(t) => template::copy_cached(t, &data)
                .with_context(|| format!("copying the cached data directory {}", t.display()))?,
            None => false,
        };
        let source = if copied {
            if let Some(user) = run_as {
                chown_tree(&data, user)?;
            }
            ClusterSource::CachedTemplate
        } else {
            initdb(&bins, &root, &data, run_as).await?;
            if let Some(t) = &template {
                template::save(&data, t);
            }
            ClusterSource::Initdb
        };
        fs::set_permissions(&data, fs::Permissions::from_mode(0o700))?;
        write_settings(&data, &root)?;
        pg_ctl_start(&bins, &root, &data, run_as).await?;
        Ok(Cluster {
            url: PgUrl::for_socket(&root, SOCKET_PORT, SUPERUSER, "postgres"),
            root,
            source,
            startup: started.elapsed(),
            guard: Some(guard),
        })
    }

    /// The superuser URL of the `postgres` database.
    pub(crate) fn url(&self) -> &PgUrl {
        &self.url
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn source(&self) -> ClusterSource {
        self.source
    }

    pub(crate) fn startup(&self) -> Duration {
        self.startup
    }

    /// Stops the server and removes the directory now.
    pub(crate) fn stop(mut self) {
        drop(self.guard.take());
    }
}

/// Cluster directories are `schemactl-pg-<pid>-<random>`.
const DIR_PREFIX: &str = "schemactl-pg-";

/// Stops and removes clusters left by runs that were killed outright (SIGKILL leaves no
/// chance to clean up): those whose schemactl process id no longer runs.
fn remove_stale_clusters(parent: &Path, bin_dir: &Path, run_as: Option<RunAs>) {
    for root in local_dir::stale_dirs(parent, DIR_PREFIX) {
        stop_and_remove(bin_dir, &root, &root.join("data"), run_as);
    }
}

/// The highest `/usr/lib/postgresql/*/bin`, else `pg_config --bindir`; `SCHEMACTL_PG_BINDIR`
/// overrides both.
pub(crate) fn find_binaries() -> anyhow::Result<PgBinaries> {
    let dir = match std::env::var_os("SCHEMACTL_PG_BINDIR") {
        Some(dir) => PathBuf::from(dir),
        None => debian_bin_dir()
            .or_else(pg_config_bin_dir)
            .ok_or_else(|| {
                failure(
                    "no local PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and `pg_config --bindir`); install PostgreSQL or pass --dev-url",
                )
            })?,
    };
    let output = std::process::Command::new(dir.join("postgres"))
        .arg("--version")
        .output()
        .map_err(|e| failure(format!("cannot run {}/postgres: {e}", dir.display())))?;
    // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text
        .split_whitespace()
        .nth(2)
        .ok_or_else(|| failure(format!("unexpected `postgres --version` output: {text}")))?
        .to_string();
    Ok(PgBinaries { dir, version })
}

fn debian_bin_dir() -> Option<PathBuf> {
    let mut candidates: Vec<(Vec<u32>, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry
                .file_name()
                .to_str()?
                .split('.')
                .map(|part| part.parse::<u32>().ok())
                .collect::<Option<Vec<u32>>>()?;
            let bin = entry.path().join("bin");
            bin.join("pg_ctl").is_file().then_some((version, bin))
        })
        .collect();
    candidates.sort();
    candidates.pop().map(|(_, bin)| bin)
}

fn pg_config_bin_dir() -> Option<PathBuf> {
    let output = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()?;
    let dir = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    dir.join("pg_ctl").is_file().then_some(dir)
}

fn run_as() -> anyhow::Result<Option<RunAs>> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let user = nix::unistd::User::from_name("postgres")
        .ok()
        .flatten()
        .ok_or_else(|| {
            failure(
                "running as root, and PostgreSQL refuses to run as root: create a `postgres` user or pass --dev-url",
            )
        })?;
    Ok(Some(RunAs {
        uid: user.uid.as_raw(),
        gid: user.gid.as_raw(),
    }))
}

fn chown(path: &Path, user: RunAs) -> anyhow::Result<()> {
    std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
        .with_context(|| format!("chown {} to the postgres user", path.display()))
}

fn chown_tree(path: &Path, user: RunAs) -> anyhow::Result<()> {
    chown(path, user)?;
    if path.is_dir() {
        for entry in fs::read_dir(path)? {
            chown_tree(&entry?.path(), user)?;
        }
    }
    Ok(())
}

/// A server program run as the cluster's user, in its own process group (so a Ctrl-C at
/// the terminal reaches only schemactl, which then stops the server itself).
fn server_command(
    bins_dir: &Path,
    program: &str,
    cwd: &Path,
    run_as: Option<RunAs>,
) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(bins_dir.join(program));
    command
        .current_dir(cwd)
        .process_group(0)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    if let Some(user) = run_as {
        command.uid(user.uid).gid(user.gid);
    }
    command
}

async fn run(mut command: tokio::process::Command, what: &str) -> anyhow::Result<()> {
    let output = command
        .output()
        .await
        .map_err(|e| failure(format!("cannot run {what}: {e}")))?;
    if output.status.success() {
        return Ok(());
    }
    Err(failure(format!(
        "{what} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim(),
        String::from_utf8_lossy(&output.stdout).trim()
    )))
}

async fn initdb(
    bins: &PgBinaries,
    root: &Path,
    data: &Path,
    run_as: Option<RunAs>,
) -> anyhow::Result<()> {
    let mut command = server_command(&bins.dir, "initdb", root, run_as);
    command
        .arg("-D")
        .arg(data)
        .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-locale"])
        // 1 MB WAL segments: a fresh cluster is 16 MB smaller to create and to copy.
        .args(["--no-sync", "--wal-segsize=1"]);
    run(command, "initdb").await
}

fn write_settings(data: &Path, socket_dir: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let mut conf = fs::OpenOptions::new()
        .append(true)
        .open(data.join("postgresql.conf"))
        .context("opening postgresql.conf of the local cluster")?;
    let mut text = String::from("\n# schemactl ephemeral cluster\n");
    for (name, value) in SETTINGS {
        text.push_str(&format!("{name} = {value}\n"));
    }
    text.push_str(&format!("port = {SOCKET_PORT}\n"));
    text.push_str(&format!(
        "unix_socket_directories = '{}'\n",
        socket_dir.display().to_string().replace('\'', "''")
    ));
    conf.write_all(text.as_bytes())?;
    Ok(())
}

async fn pg_ctl_start(
    bins: &PgBinaries,
    root: &Path,
    data: &Path,
    run_as: Option<RunAs>,
) -> anyhow::Result<()> {
    let log = root.join("server.log");
    let mut command = server_command(&bins.dir, "pg_ctl", root, run_as);
    command
        .arg("-D")
        .arg(data)
        .arg("-l")
        .arg(&log)
        .args(["-w", "-t", "60", "-s", "start"]);
    run(command, "pg_ctl start").await.map_err(|err| {
        let log_text = fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = log_text.lines().rev().take(10).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        failure(format!(
            "cannot start a local PostgreSQL in {}: {err}\nserver log:\n{}",
            root.display(),
            tail.join("\n")
        ))
    })
}

/// Stops the server (if it runs) and removes the cluster directory; synchronous, because it
/// runs from Drop and from signal paths. Errors are reported, not returned: there is nobody
/// left to return them to.
fn stop_and_remove(bin_dir: &Path, root: &Path, data: &Path, run_as: Option<RunAs>) {
    let pid_file = data.join("postmaster.pid");
    if let Some(pid) = postmaster_pid(&pid_file) {
        let mut command = std::process::Command::new(bin_dir.join("pg_ctl"));
        command
            .arg("-D")
            .arg(data)
            .args(["-m", "immediate", "-w", "-t", "30", "-s", "stop"])
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(user) = run_as {
            use std::os::unix::process::CommandExt;
            command.uid(user.uid).gid(user.gid);
        }
        let stopped = command.status().is_ok_and(|s| s.success());
        if !stopped {
            kill_hard(pid);
        }
    }
    if let Err(err) = fs::remove_dir_all(root)
        && err.kind() != std::io::ErrorKind::NotFound
    {
        eprintln!(
            "warning: could not remove the local PostgreSQL directory {}: {err}",
            root.display()
        );
    }
}

fn postmaster_pid(pid_file: &Path) -> Option<i32> {
    fs::read_to_string(pid_file)
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

/// Last resort when pg_ctl could not stop the server: SIGKILL, then wait for it to go.
fn kill_hard(pid: i32) {
    let raw = pid;
    let pid = nix::unistd::Pid::from_raw(pid);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).ok();
    for _ in 0..100 {
        if !process_alive(raw) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
