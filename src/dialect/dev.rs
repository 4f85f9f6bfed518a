//! The dev database of a run: its dialect, and where its scratch databases come from. It sits
//! above `devdb` (the kinds of dev databases) because it carries the dialect that picked one.

use super::Dialect;
use crate::cache::Cache;
use crate::devdb::{DevDatabases, ScratchDatabase, TEMPLATE_ID_LEN};
use crate::driver::{DevConnection, Scope};
use crate::schema::Realm;
use anyhow::Result;
use tokio::sync::OnceCell;

/// The cache kind replayed databases are kept under (see [`DevDatabases::restores_images`]).
const IMAGE_KIND: &str = "database";

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

    /// A scratch database holding the state after the most files a template the dev server
    /// kept holds, and how many files that is: `keys[i]` is the state key after `i` files
    /// (`keys[0]`, no files, is never kept). 0 and an empty database when none is kept.
    pub async fn scratch_at(&self, keys: &[String]) -> Result<(Box<dyn ScratchDatabase>, usize)> {
        if let Some(files) = self.kept_prefix(keys).await
            && let Ok(scratch) = self
                .databases
                .scratch_from(&keys[files][..TEMPLATE_ID_LEN])
                .await
        {
            return Ok((scratch, files));
        }
        if let Some((files, image)) = self.kept_image(keys) {
            match self.databases.scratch_from_image(image).await {
                Ok(scratch) => return Ok((scratch, files)),
                Err(e) => eprintln!("cache: ignoring a kept database: {e:#}; it is rebuilt"),
            }
        }
        Ok((self.scratch().await?, 0))
    }

    /// The most files of `keys` whose replayed database the cache holds as an image, and
    /// the image, where this dev database is made from images.
    fn kept_image(&self, keys: &[String]) -> Option<(usize, Vec<u8>)> {
        let cache = self.cache.as_ref()?;
        if !self.databases.restores_images() {
            return None;
        }
        (1..keys.len())
            .rev()
            .find_map(|i| Some((i, cache.get(IMAGE_KIND, &keys[i])?)))
    }

    /// Like [`Dev::scratch_at`], but the kept template itself, inside a transaction that
    /// `discard` rolls back (see [`DevDatabases::borrow_template`]); `None` when no template
    /// is kept or this dev database lends none.
    pub async fn borrow_at(&self, keys: &[String]) -> Option<(Box<dyn ScratchDatabase>, usize)> {
        let files = self.kept_prefix(keys).await?;
        match self
            .databases
            .borrow_template(&keys[files][..TEMPLATE_ID_LEN])
            .await
        {
            Ok(borrowed) => borrowed.map(|b| (b, files)),
            Err(e) => {
                eprintln!("cache: cannot borrow the kept state: {e:#}; copying it instead");
                None
            }
        }
    }

    /// The most files of `keys` (see [`Dev::scratch_at`]) whose state the server keeps.
    async fn kept_prefix(&self, keys: &[String]) -> Option<usize> {
        if keys.len() < 2 {
            return None;
        }
        let kept = self.databases.templates().await.ok()?;
        (1..keys.len()).rev().find(|&i| {
            kept.iter()
                .any(|id| keys[i].get(..TEMPLATE_ID_LEN) == Some(id))
        })
    }

    /// Keeps `scratch` as the state of `key`: as a template on a dev server that outlives the
    /// run, as an image in the cache where the dev database is made from images; drops it
    /// otherwise.
    pub async fn keep(&self, mut scratch: Box<dyn ScratchDatabase>, key: &str) -> Result<()> {
        if let Some(cache) = &self.cache
            && self.databases.restores_images()
        {
            match scratch.image().await {
                Ok(Some(image)) => cache.put(IMAGE_KIND, key, "replayed database", &image),
                Ok(None) => {}
                Err(e) => eprintln!("cache: cannot keep the replayed database: {e:#}"),
            }
            return scratch.discard().await;
        }
        match key.get(..TEMPLATE_ID_LEN) {
            Some(id) => scratch.keep_as(id).await,
            None => scratch.discard().await,
        }
    }

    /// Drops the states the dev server keeps; returns how many there were.
    pub async fn drop_templates(&self) -> Result<usize> {
        self.databases.drop_templates().await
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
