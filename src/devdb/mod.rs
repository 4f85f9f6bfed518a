//! Throwaway dev databases: a clean scratch database per state, cleaned up on every exit path.
//!
//! Each kind hands out scratch databases through [`DevDatabases`]; the dialect seam picks the
//! kind for a run (`crate::dialect::Dev`). The kinds live here:
//! PostgreSQL servers (`postgres`: an existing server, a local ephemeral cluster, or a Docker
//! container, see `docker`), MySQL/MariaDB servers (`mysql`: the same three kinds) and SQLite
//! in memory (`sqlite`). Every resource registers a cleanup
//! (see `cleanup`) so that an error, a panic or a signal inside [`with_cleanup`] leaves no
//! cluster, server, container, directory or scratch database behind.

mod cleanup;
pub mod docker;
mod local_dir;
mod mysql;
mod postgres;
mod scratch_names;
mod sqlite;

pub use cleanup::{Interrupted, interrupted_exit_code, with_cleanup};
pub use local_dir::{data_dir_templates, remove_data_dir_templates};
pub use mysql::{DataDirSource, MysqlDev, MysqlDevSpec};
pub use postgres::{ClusterSource, DevServer, DevSpec, ScratchDb, ServerDev};
pub use scratch_names::SCRATCH_PREFIX;
pub use sqlite::MemoryDev;

use crate::driver::{DevConnection, Scope};
use anyhow::Result;
use async_trait::async_trait;

/// How much of a state's cache key names the template that keeps it on a dev server.
pub const TEMPLATE_ID_LEN: usize = 40;

/// Where one dialect's scratch databases come from.
#[async_trait(?Send)]
pub trait DevDatabases: Send + Sync {
    /// A fresh, empty database, connected.
    async fn scratch(&self) -> Result<Box<dyn ScratchDatabase>>;
    /// The schemas inspections of scratch databases cover.
    fn scope(&self) -> Scope;
    /// What identifies the server scratch databases are made on (product and version, and
    /// the image of a container), found without starting a cluster, server or container: the
    /// cache keys states by it.
    async fn server_version(&self) -> Result<String>;
    /// The ids of the states this dev server keeps as templates between runs (see
    /// [`ScratchDatabase::keep_as`]), newest first; none where the server does not outlive
    /// the run.
    async fn templates(&self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }
    /// A fresh scratch database holding the state of template `id` (one of
    /// [`DevDatabases::templates`]).
    async fn scratch_from(&self, id: &str) -> Result<Box<dyn ScratchDatabase>> {
        Err(crate::error::failure(format!(
            "this dev database keeps no templates (asked for {id})"
        )))
    }
    /// The kept template `id` itself, lent inside a transaction that
    /// [`ScratchDatabase::discard`] rolls back: for runs that only watch what statements do.
    /// `None` where DDL is not transactional or no templates are kept.
    async fn borrow_template(&self, id: &str) -> Result<Option<Box<dyn ScratchDatabase>>> {
        let _ = id;
        Ok(None)
    }
    /// Whether a replayed database can be made again from its bytes
    /// ([`ScratchDatabase::image`]): such states are kept in the cache, not on a server.
    fn restores_images(&self) -> bool {
        false
    }
    /// A fresh scratch database holding `image` (what [`ScratchDatabase::image`] gave).
    async fn scratch_from_image(&self, image: Vec<u8>) -> Result<Box<dyn ScratchDatabase>> {
        let _ = image;
        Err(crate::error::failure(
            "this dev database cannot be made from an image",
        ))
    }
    /// Drops every kept template; returns how many there were.
    async fn drop_templates(&self) -> Result<usize> {
        Ok(0)
    }
    /// Drops what the run created and stops what it started.
    async fn close(self: Box<Self>) -> Result<()>;
}

/// One scratch database and the connection to it.
#[async_trait(?Send)]
pub trait ScratchDatabase: Send {
    fn connection(&mut self) -> &mut dyn DevConnection;
    /// Disconnects and drops the database.
    async fn discard(self: Box<Self>) -> Result<()>;
    /// Disconnects and keeps the database as the template `id` where the dev server keeps
    /// templates; drops it elsewhere.
    async fn keep_as(self: Box<Self>, id: &str) -> Result<()> {
        let _ = id;
        self.discard().await
    }
    /// The database's bytes, from which [`DevDatabases::scratch_from_image`] makes it again
    /// (where [`DevDatabases::restores_images`]); `None` elsewhere.
    async fn image(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }
}
