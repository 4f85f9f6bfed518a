//! The dev database of a run: its dialect, and where its scratch databases come from. It sits
//! above `devdb` (the kinds of dev databases) because it carries the dialect that picked one.

use super::Dialect;
use crate::cache::Cache;
use crate::devdb::{DevDatabases, ScratchDatabase};
use crate::driver::{DevConnection, Scope};
use crate::schema::Realm;
use anyhow::Result;
use tokio::sync::OnceCell;

/// The dev database of one run, and the cache its states are kept in.
pub struct Dev {
    dialect: &'static dyn Dialect,
    databases: Box<dyn DevDatabases>,
    cache: Option<Cache>,
    server_version: OnceCell<Option<String>>,
}

impl Dev {
    pub fn new(dialect: &'static dyn Dialect, databases: Box<dyn DevDatabases>) -> Self {
        Self {
            dialect,
            databases,
            cache: None,
            server_version: OnceCell::new(),
        }
    }

    /// Keeps the run's states in `cache` (`None`: `--no-cache`, or no cache directory).
    pub fn with_cache(mut self, cache: Option<Cache>) -> Self {
        self.cache = cache;
        self
    }

    pub fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    /// What identifies the dev server (see [`DevDatabases::server_version`]), asked once per
    /// run; `None` when it cannot be told, and then nothing is cached.
    pub async fn server_version(&self) -> Option<&str> {
        self.server_version
            .get_or_init(|| async { self.databases.server_version().await.ok() })
            .await
            .as_deref()
    }

    pub fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    /// The scope dev inspections use: the dev URL's search_path, or the whole database.
    pub fn scope(&self) -> Scope {
        self.databases.scope()
    }

    /// A connection to a fresh, empty scratch database; [`ScratchDatabase::discard`] drops it.
    pub async fn scratch(&self) -> Result<Box<dyn ScratchDatabase>> {
        self.databases.scratch().await
    }

    /// Runs `load` on a fresh scratch database, inspects what it left, and drops the scratch
    /// database whatever happened.
    pub async fn realm_after(
        &self,
        load: impl AsyncFnOnce(&mut dyn DevConnection) -> Result<()>,
    ) -> Result<Realm> {
        let mut scratch = self.scratch().await?;
        let result = async {
            let conn = scratch.connection();
            load(&mut *conn).await?;
            conn.inspect_realm(&self.scope()).await
        }
        .await;
        scratch.discard().await?;
        result
    }

    /// Drops what the run created on the dev server and stops a cluster or container it
    /// started.
    pub async fn close(self) -> Result<()> {
        self.databases.close().await
    }
}
