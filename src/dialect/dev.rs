//! The dev database of a run: its dialect, and where its scratch databases come from. It sits
//! above `devdb` (the kinds of dev databases) because it carries the dialect that picked one.

use super::Dialect;
use crate::devdb::{DevDatabases, ScratchDatabase};
use crate::driver::{DevConnection, Scope};
use crate::schema::Realm;
use anyhow::Result;

/// The dev database of one run.
pub struct Dev {
    dialect: &'static dyn Dialect,
    databases: Box<dyn DevDatabases>,
}

impl Dev {
    pub fn new(dialect: &'static dyn Dialect, databases: Box<dyn DevDatabases>) -> Self {
        Self { dialect, databases }
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
