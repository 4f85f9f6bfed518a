//! PostgreSQL dev servers: an existing server (from a dev URL, checked to be clean), a local
//! ephemeral cluster, or a Docker container (`docker://`, see `docker`). [`DevServer::scratch`]
//! creates empty databases on it; [`ServerDev`] opens the server on first use and hands out
//! scratch databases as [`ScratchDatabase`]s.

mod borrowed;
mod cluster;
mod connect;
mod existing;
mod kept;
mod lease;
mod template;

pub use cluster::ClusterSource;

use crate::devdb::cleanup::{self, CleanupGuard};
use crate::devdb::scratch_names::{report_sweep, unleased_scratch_name};
use crate::devdb::{DevDatabases, ScratchDatabase, docker};
use crate::driver::{DevConnection, Scope};
use crate::url::{DockerUrl, PgUrl};
use async_trait::async_trait;
use cluster::Cluster;
use connect::{connect, drop_database, drop_database_blocking, quote_ident};
use lease::Lease;
use sqlx::{Connection, Executor, PgConnection};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::OnceCell;

static NEXT_SCRATCH: AtomicU64 = AtomicU64::new(1);

/// Where a run's PostgreSQL dev server comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DevSpec {
    /// An existing server (`--dev-url postgres://…`).
    Server(PgUrl),
    /// A container through the Docker engine (`--dev-url docker://…`).
    Docker(DockerUrl),
    /// A local ephemeral cluster from the installed binaries (no dev URL).
    Ephemeral,
}

impl DevSpec {
    /// The schemas dev inspections are scoped to (the dev URL's `search_path`); `None` means
    /// the whole database.
    pub fn schemas(&self) -> Option<Vec<String>> {
        match self {
            DevSpec::Server(url) => url.schemas(),
            DevSpec::Docker(url) => url.schemas().map(<[String]>::to_vec),
            DevSpec::Ephemeral => None,
        }
    }
}

/// The server that holds scratch databases.
pub struct DevServer {
    url: PgUrl,
    cluster: Option<Cluster>,
    container: Option<docker::Container>,
    scratches: Arc<ScratchSet>,
    /// Held on a server other runs share (an existing one, a reused container), until the
    /// server and every scratch database made on it are gone.
    lease: Option<Arc<Lease>>,
}

/// Names of the scratch databases that exist on one server, shared with their handles.
#[derive(Default)]
struct ScratchSet {
    names: Mutex<BTreeSet<String>>,
}

impl ScratchSet {
    fn insert(&self, name: &str) {
        self.lock().insert(name.to_string());
    }

    /// Whether `name` was still registered (and now is not).
    fn take(&self, name: &str) -> bool {
        self.lock().remove(name)
    }

    fn take_all(&self) -> Vec<String> {
        std::mem::take(&mut *self.lock()).into_iter().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
        self.names.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl DevServer {
    /// `Server`: an existing server; the database must be clean (bad input otherwise) and the
    /// role must be able to create databases. `Docker`: a container, started (or found warm)
    /// and removed at close unless reused. `Ephemeral`: a local ephemeral cluster.
    pub async fn open(dev: &DevSpec) -> anyhow::Result<DevServer> {
        match dev {
            DevSpec::Server(url) => {
                let mut conn = connect(url).await?;
                existing::ensure_clean(&mut conn, url).await?;
                existing::ensure_can_create_databases(&mut conn, url).await?;
                conn.close().await.ok();
                Ok(DevServer {
                    url: url.clone(),
                    cluster: None,
                    container: None,
                    scratches: Arc::default(),
                    lease: Some(Arc::new(shared_server_lease(url).await?)),
                })
            }
            DevSpec::Docker(docker_url) => {
                let container = docker::start(docker_url).await?;
                let url = container.pg_url()?.with_search_path(docker_url.schemas());
                let lease = match container.reused() {
                    true => Some(Arc::new(shared_server_lease(&url).await?)),
                    false => None,
                };
                Ok(DevServer {
                    url,
                    cluster: None,
                    container: Some(container),
                    scratches: Arc::default(),
                    lease,
                })
            }
            DevSpec::Ephemeral => {
                let cluster = Cluster::start().await?;
                Ok(DevServer {
                    url: cluster.url().clone(),
                    cluster: Some(cluster),
                    container: None,
                    scratches: Arc::default(),
                    lease: None,
                })
            }
        }
    }

    /// A new empty database (`CREATE DATABASE … TEMPLATE template0`), registered for cleanup.
    pub async fn scratch(&self) -> anyhow::Result<ScratchDb> {
        self.scratch_from("template0").await
    }

    /// A new database copied from `template`, registered for cleanup.
    async fn scratch_from(&self, template: &str) -> anyhow::Result<ScratchDb> {
        let n = NEXT_SCRATCH.fetch_add(1, Ordering::Relaxed);
        let name = match &self.lease {
            Some(lease) => lease.scratch_name(n),
            // A server of this run alone: its databases go with it; no lease to name.
            None => unleased_scratch_name(n),
        };
        let mut conn = connect(&self.url).await?;
        // Registered before CREATE, so that an interruption in between still drops it.
        self.scratches.insert(&name);
        let guard = cleanup::register({
            let (server, name, scratches) =
                (self.url.clone(), name.clone(), self.scratches.clone());
            move || {
                if scratches.take(&name)
                    && let Err(err) = drop_database_blocking(&server, &name)
                {
                    eprintln!("warning: {err}");
                }
            }
        });
        let created = conn
            .execute(
                format!(
                    "CREATE DATABASE {} TEMPLATE {}",
                    quote_ident(&name),
                    quote_ident(template)
                )
                .as_str(),
            )
            .await
            .map(drop);
        let marked = match (&created, &self.lease) {
            (Ok(()), Some(_)) => lease::mark(&mut conn, &self.url, &name).await,
            _ => Ok(()),
        };
        conn.close().await.ok();
        if let Err(err) = marked {
            // Created but not marked: never leave an unmarked database behind.
            if self.scratches.take(&name) {
                drop_database(&self.url, &name).await.ok();
            }
            guard.dismiss();
            return Err(crate::error::failure(format!(
                "cannot mark scratch database {name} on {}: {err}",
                self.url
            )));
        }
        if let Err(err) = created {
            self.scratches.take(&name);
            guard.dismiss();
            return Err(crate::error::failure(format!(
                "cannot create a scratch database on {}: {err}",
                self.url
            )));
        }
        Ok(ScratchDb {
            url: self.url.with_database(&name),
            server: self.url.clone(),
            name,
            scratches: self.scratches.clone(),
            guard: Some(guard),
            _lease: self.lease.clone(),
        })
    }

    /// The server's URL (its maintenance database).
    pub fn server_url(&self) -> &PgUrl {
        &self.url
    }

    /// The directory of the local cluster, when this is one.
    pub fn cluster_dir(&self) -> Option<&Path> {
        self.cluster.as_ref().map(Cluster::root)
    }

    /// How the local cluster was made and how long it took to be ready.
    pub fn cluster_startup(&self) -> Option<(ClusterSource, Duration)> {
        self.cluster.as_ref().map(|c| (c.source(), c.startup()))
    }

    /// Drops remaining scratch databases, stops the cluster and removes its directory, removes
    /// a per-run container (a reused one keeps running, without this run's databases).
    pub async fn close(mut self) -> anyhow::Result<()> {
        let result = self.close_databases().await;
        // Scratch databases still in use keep the lease alive; the last one ends it.
        if let Some(lease) = self.lease.take().and_then(|l| Arc::try_unwrap(l).ok()) {
            lease.release().await;
        }
        result
    }

    async fn close_databases(&mut self) -> anyhow::Result<()> {
        let remaining = self.scratches.take_all();
        let per_run_container = self.container.take_if(|c| !c.reused());
        match (self.cluster.take(), per_run_container) {
            // The databases go with the cluster.
            (Some(cluster), _) => {
                tokio::task::spawn_blocking(move || cluster.stop()).await?;
                Ok(())
            }
            // And with the container.
            (None, Some(container)) => container.close().await,
            (None, None) => {
                let mut first_error = None;
                for name in remaining {
                    if let Err(err) = drop_database(&self.url, &name).await {
                        first_error.get_or_insert(err);
                    }
                }
                first_error.map_or(Ok(()), Err)
            }
        }
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        if self.cluster.is_some() || self.container.as_ref().is_some_and(|c| !c.reused()) {
            // The cluster's or container's own guard removes it; its databases need no
            // separate drop.
            self.scratches.take_all();
        }
    }
}

/// An empty database for one state; dropped on `drop_now`, on Drop, or by the server's close.
pub struct ScratchDb {
    url: PgUrl,
    server: PgUrl,
    name: String,
    scratches: Arc<ScratchSet>,
    guard: Option<CleanupGuard>,
    /// While the database exists, its run's lease must hold, or another run would sweep it.
    _lease: Option<Arc<Lease>>,
}

impl ScratchDb {
    pub fn url(&self) -> &PgUrl {
        &self.url
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub async fn connect(&self) -> anyhow::Result<PgConnection> {
        connect(&self.url).await
    }

    /// Renames the (disconnected) database to the template `id`, kept beyond the run.
    async fn keep_as(mut self, id: &str) -> anyhow::Result<()> {
        if let Some(guard) = self.guard.take() {
            guard.dismiss();
        }
        self.scratches.take(&self.name);
        kept::keep(&self.server, &self.name, id).await
    }

    /// Drops the database now (disconnecting any session still on it).
    pub async fn drop_now(mut self) -> anyhow::Result<()> {
        if let Some(guard) = self.guard.take() {
            guard.dismiss();
        }
        if self.scratches.take(&self.name) {
            drop_database(&self.server, &self.name).await?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for ScratchDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScratchDb({})", self.url)
    }
}

impl std::fmt::Debug for DevServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DevServer({})", self.url)
    }
}

/// Sweeps the scratch databases of runs that are provably gone from a shared server (a
/// warning, never an error, when that fails), then takes this run's lease on it.
async fn shared_server_lease(url: &PgUrl) -> anyhow::Result<Lease> {
    report_sweep(url, lease::sweep_orphans(url).await);
    Lease::take(url).await
}

/// A run's PostgreSQL dev databases: scratch databases on a server that is opened (started,
/// for a cluster or a container) on first use and shared by every state of the run.
pub struct ServerDev {
    spec: DevSpec,
    server: OnceCell<DevServer>,
}

impl ServerDev {
    pub fn new(spec: DevSpec) -> Self {
        Self {
            spec,
            server: OnceCell::new(),
        }
    }

    async fn server(&self) -> anyhow::Result<&DevServer> {
        self.server
            .get_or_try_init(|| DevServer::open(&self.spec))
            .await
    }

    /// Whether the server outlives the run, so that states kept on it are found again.
    fn keeps_templates(&self) -> bool {
        match &self.spec {
            DevSpec::Server(_) => true,
            DevSpec::Docker(url) => url.reuse(),
            DevSpec::Ephemeral => false,
        }
    }

    async fn connected(&self, db: ScratchDb) -> anyhow::Result<Box<dyn ScratchDatabase>> {
        match db.connect().await {
            Ok(conn) => Ok(Box::new(PgScratch {
                conn: Some(conn),
                db,
                keepable: self.keeps_templates(),
            })),
            Err(e) => {
                db.drop_now().await?;
                Err(e)
            }
        }
    }
}

#[async_trait(?Send)]
impl DevDatabases for ServerDev {
    async fn scratch(&self) -> anyhow::Result<Box<dyn ScratchDatabase>> {
        let scratch = self.server().await?.scratch().await?;
        self.connected(scratch).await
    }

    async fn templates(&self) -> anyhow::Result<Vec<String>> {
        match self.keeps_templates() {
            true => kept::ids(self.server().await?.server_url()).await,
            false => Ok(Vec::new()),
        }
    }

    async fn scratch_from(&self, id: &str) -> anyhow::Result<Box<dyn ScratchDatabase>> {
        let server = self.server().await?;
        let scratch = server.scratch_from(&kept::template_name(id)).await?;
        kept::touch(server.server_url(), id).await;
        self.connected(scratch).await
    }

    async fn borrow_template(&self, id: &str) -> anyhow::Result<Option<Box<dyn ScratchDatabase>>> {
        if !self.keeps_templates() {
            return Ok(None);
        }
        let server = self.server().await?;
        let borrowed = borrowed::Borrowed::begin(server.server_url(), id).await?;
        kept::touch(server.server_url(), id).await;
        Ok(Some(Box::new(borrowed)))
    }

    async fn drop_templates(&self) -> anyhow::Result<usize> {
        match self.keeps_templates() {
            true => kept::drop_all(self.server().await?.server_url()).await,
            false => Ok(0),
        }
    }

    fn scope(&self) -> Scope {
        Scope::of(self.spec.schemas())
    }

    async fn server_version(&self) -> anyhow::Result<String> {
        match &self.spec {
            DevSpec::Server(url) => {
                let mut conn = connect(url).await?;
                let version: String = sqlx::query_scalar("SELECT version()")
                    .fetch_one(&mut conn)
                    .await?;
                conn.close().await.ok();
                Ok(version)
            }
            DevSpec::Docker(url) => docker::image_identity(url).await,
            DevSpec::Ephemeral => {
                let binaries = cluster::find_binaries()?;
                Ok(format!(
                    "PostgreSQL {} ({})",
                    binaries.version,
                    binaries.dir.display()
                ))
            }
        }
    }

    async fn close(self: Box<Self>) -> anyhow::Result<()> {
        match self.server.into_inner() {
            Some(server) => server.close().await,
            None => Ok(()),
        }
    }
}

/// A scratch database on a PostgreSQL dev server and the run's connection to it.
struct PgScratch {
    conn: Option<PgConnection>,
    db: ScratchDb,
    /// Whether the server outlives the run (`keep_as` keeps the database then).
    keepable: bool,
}

#[async_trait(?Send)]
impl ScratchDatabase for PgScratch {
    fn connection(&mut self) -> &mut dyn DevConnection {
        self.conn.as_mut().expect("connected until discarded")
    }

    async fn discard(mut self: Box<Self>) -> anyhow::Result<()> {
        // Disconnected first: DROP DATABASE refuses a database with sessions on it.
        drop(self.conn.take());
        self.db.drop_now().await
    }

    async fn keep_as(mut self: Box<Self>, id: &str) -> anyhow::Result<()> {
        let conn = self.conn.take();
        if let Some(conn) = conn {
            conn.close().await.ok();
        }
        match self.keepable {
            true => self.db.keep_as(id).await,
            false => self.db.drop_now().await,
        }
    }
}
