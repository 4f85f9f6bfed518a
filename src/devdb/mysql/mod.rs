//! MySQL and MariaDB dev databases: scratch databases (`schemactl_dev_*`) on an existing
//! server, in a Docker container started for the run, or on a local ephemeral server started
//! from the installed binaries (`local`), opened on first use. On MySQL a database is the scope
//! of a state, so each state gets a database of its own, dropped when it is discarded and, on
//! every other exit path, by the registered cleanup (or with the whole local server).

mod binaries;
mod lease;
mod local;
mod process;
mod programs;
mod template;

use super::cleanup::{self, CleanupGuard};
use super::scratch_names::{report_sweep, unleased_scratch_name};
use super::{DevDatabases, ScratchDatabase, docker};
use crate::driver::mysql::{MySqlConnection, connect, quote_ident};
use crate::driver::{DevConnection, Scope};
use crate::error::{bad_input, failure};
use crate::url::{DockerUrl, MysqlUrl};
use async_trait::async_trait;
use lease::Lease;
pub use local::DataDirSource;
use local::LocalServer;
use sqlx::{Connection, Executor};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::OnceCell;

static NEXT_SCRATCH: AtomicU64 = AtomicU64::new(1);

/// Where a run's MySQL dev databases live.
#[derive(Debug, Clone)]
pub enum MysqlDevSpec {
    /// An existing server; the URL's own database, if it names one, must be empty.
    Server(MysqlUrl),
    Docker(DockerUrl),
    /// No dev URL: a local ephemeral server from the installed binaries, started once a state
    /// needs a dev database (a run that only inspects live databases needs none); bad input
    /// naming what to install or pass when there are none.
    Local,
}

pub struct MysqlDev {
    spec: MysqlDevSpec,
    server: OnceCell<Server>,
}

/// The server scratch databases are made on (the URL without a database), and the container
/// or local server when the run started one.
struct Server {
    url: MysqlUrl,
    container: Option<docker::Container>,
    local: Option<LocalServer>,
    /// Held on a server other runs share (an existing one, a reused container), until the
    /// server and every scratch database made on it are gone.
    lease: Option<Arc<Lease>>,
}

impl MysqlDev {
    pub fn new(spec: MysqlDevSpec) -> Self {
        MysqlDev {
            spec,
            server: OnceCell::new(),
        }
    }

    async fn server(&self) -> anyhow::Result<&Server> {
        self.server.get_or_try_init(|| open(&self.spec)).await
    }

    /// The local server's directory and 127.0.0.1 port, once it runs.
    pub fn local_server(&self) -> Option<(&Path, u16)> {
        let local = self.server.get()?.local.as_ref()?;
        Some((local.root(), local.port()))
    }

    /// How the local server's data directory came to be, how long that took, and its whole
    /// start until it answered.
    pub fn local_timings(&self) -> Option<(DataDirSource, Duration, Duration)> {
        Some(self.server.get()?.local.as_ref()?.timings())
    }

    /// The server scratch databases are made on, once open.
    pub fn server_url(&self) -> Option<&MysqlUrl> {
        Some(&self.server.get()?.url)
    }
}

async fn open(spec: &MysqlDevSpec) -> anyhow::Result<Server> {
    match spec {
        MysqlDevSpec::Server(url) => {
            let mut conn = connect(url).await?;
            if url.database().is_some() {
                ensure_clean(&mut conn, url).await?;
            }
            conn.close().await.ok();
            let url = url.without_database();
            Ok(Server {
                lease: Some(Arc::new(shared_server_lease(&url).await?)),
                url,
                container: None,
                local: None,
            })
        }
        MysqlDevSpec::Local => {
            let local = LocalServer::start().await?;
            Ok(Server {
                url: local.url().clone(),
                container: None,
                local: Some(local),
                lease: None,
            })
        }
        MysqlDevSpec::Docker(docker_url) => {
            let container = docker::start(docker_url).await?;
            let url = container.mysql_url();
            let lease = match container.reused() {
                true => Some(Arc::new(shared_server_lease(&url).await?)),
                false => None,
            };
            Ok(Server {
                url,
                container: Some(container),
                local: None,
                lease,
            })
        }
    }
}

/// Sweeps the scratch databases of runs that are provably gone from a shared server (a
/// warning when that fails), then takes this run's lease on it.
async fn shared_server_lease(url: &MysqlUrl) -> anyhow::Result<Lease> {
    report_sweep(url, lease::sweep_orphans(url).await);
    Lease::take(url).await
}

/// Refuses a dev database that holds anything: a dev URL pointing at a real database is a
/// dangerous mistake.
async fn ensure_clean(conn: &mut MySqlConnection, url: &MysqlUrl) -> anyhow::Result<()> {
    let (objects,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE())
              + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE())",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| failure(format!("cannot inspect the dev database {url}: {e}")))?;
    if objects == 0 {
        return Ok(());
    }
    Err(bad_input(format!(
        "the dev database {url} is not clean (it has {objects} tables, views or routines); the \
         dev URL must point at an empty database, because schemactl creates and drops objects \
         there"
    )))
}

/// Drops a scratch database from a cleanup (no runtime there: a runtime of its own).
fn drop_blocking(server: &MysqlUrl, name: &str) -> anyhow::Result<()> {
    let (server, name) = (server.clone(), name.to_string());
    cleanup::block_on(async move || drop_scratch(&server, &name).await)
}

async fn drop_scratch(server: &MysqlUrl, name: &str) -> anyhow::Result<()> {
    let mut conn = connect(server).await?;
    conn.execute(format!("DROP DATABASE IF EXISTS {}", quote_ident(name)).as_str())
        .await
        .map_err(|e| {
            failure(format!(
                "cannot drop scratch database {name} on {server}: {e}"
            ))
        })?;
    conn.close().await.ok();
    Ok(())
}

#[async_trait(?Send)]
impl DevDatabases for MysqlDev {
    async fn scratch(&self) -> anyhow::Result<Box<dyn ScratchDatabase>> {
        let server = self.server().await?;
        let n = NEXT_SCRATCH.fetch_add(1, Ordering::Relaxed);
        let name = match &server.lease {
            Some(lease) => lease.scratch_name(n),
            None => unleased_scratch_name(n),
        };
        // A local server's databases go with the server, whose own cleanup may well have run
        // first (a dropped MysqlDev); the others are dropped one by one.
        let guard = server.local.is_none().then(|| {
            cleanup::register({
                let (url, name) = (server.url.clone(), name.clone());
                move || {
                    if let Err(err) = drop_blocking(&url, &name) {
                        eprintln!("warning: {err}");
                    }
                }
            })
        });
        let mut conn = connect(&server.url).await?;
        let created = conn
            .execute(format!("CREATE DATABASE {}", quote_ident(&name)).as_str())
            .await;
        conn.close().await.ok();
        if let Err(err) = created {
            if let Some(guard) = guard {
                guard.dismiss();
            }
            return Err(failure(format!(
                "cannot create a scratch database on {}: {err}",
                server.url
            )));
        }
        let scratch = MysqlScratch {
            conn: None,
            server: server.url.clone(),
            name: name.clone(),
            guard,
            _lease: server.lease.clone(),
        };
        match connect(&server.url.with_database(&name)).await {
            Ok(conn) => Ok(Box::new(MysqlScratch {
                conn: Some(conn),
                ..scratch
            })),
            Err(err) => {
                Box::new(scratch).discard().await?;
                Err(err)
            }
        }
    }

    /// The database is the scope: each scratch database is inspected whole.
    fn scope(&self) -> Scope {
        Scope::AllSchemas
    }

    async fn server_version(&self) -> anyhow::Result<String> {
        match &self.spec {
            MysqlDevSpec::Server(url) => {
                let mut conn = connect(url).await?;
                let version: String = sqlx::query_scalar("SELECT VERSION()")
                    .fetch_one(&mut conn)
                    .await?;
                conn.close().await.ok();
                Ok(version)
            }
            MysqlDevSpec::Docker(url) => docker::image_identity(url).await,
            MysqlDevSpec::Local => {
                let binaries = binaries::find()?;
                Ok(format!(
                    "{:?} {} ({})",
                    binaries.flavor,
                    binaries.version,
                    binaries.server.display()
                ))
            }
        }
    }

    async fn close(self: Box<Self>) -> anyhow::Result<()> {
        match self.server.into_inner() {
            Some(Server {
                local: Some(local), ..
            }) => {
                tokio::task::spawn_blocking(move || local.stop()).await?;
                Ok(())
            }
            Some(Server {
                container: Some(container),
                ..
            }) if !container.reused() => container.close().await,
            Some(Server {
                lease: Some(lease), ..
            }) => {
                if let Ok(lease) = Arc::try_unwrap(lease) {
                    lease.release().await;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

struct MysqlScratch {
    conn: Option<MySqlConnection>,
    server: MysqlUrl,
    name: String,
    guard: Option<CleanupGuard>,
    /// While the database exists, its run's lease must hold, or another run would sweep it.
    _lease: Option<Arc<Lease>>,
}

#[async_trait(?Send)]
impl ScratchDatabase for MysqlScratch {
    fn connection(&mut self) -> &mut dyn DevConnection {
        self.conn.as_mut().expect("connected until discarded")
    }

    async fn discard(mut self: Box<Self>) -> anyhow::Result<()> {
        if let Some(conn) = self.conn.take() {
            conn.close().await.ok();
        }
        drop_scratch(&self.server, &self.name).await?;
        if let Some(guard) = self.guard.take() {
            guard.dismiss();
        }
        Ok(())
    }
}
