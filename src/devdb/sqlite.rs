//! SQLite dev databases: every scratch database is a fresh private database in memory, gone
//! with its connection, so there is nothing to start and nothing to clean up. A replayed
//! state is kept as the database's serialized bytes (in the cache, see `dialect::Dev::keep`)
//! and made again by deserializing them into a new in-memory database.

use super::{DevDatabases, ScratchDatabase};
use crate::driver::sqlite::{SqliteConnection, connect_memory};
use crate::driver::{DevConnection, Scope};
use async_trait::async_trait;
use sqlx::sqlite::SqliteOwnedBuf;

pub struct MemoryDev;

#[async_trait(?Send)]
impl DevDatabases for MemoryDev {
    async fn scratch(&self) -> anyhow::Result<Box<dyn ScratchDatabase>> {
        Ok(Box::new(MemoryScratch(connect_memory().await?)))
    }

    fn scope(&self) -> Scope {
        Scope::AllSchemas
    }

    async fn server_version(&self) -> anyhow::Result<String> {
        // The SQLite library linked into schemactl is the "server".
        let mut conn = connect_memory().await?;
        let version: String = sqlx::query_scalar("SELECT sqlite_version()")
            .fetch_one(&mut conn)
            .await?;
        Ok(format!("SQLite {version}"))
    }

    fn restores_images(&self) -> bool {
        true
    }

    async fn scratch_from_image(&self, image: Vec<u8>) -> anyhow::Result<Box<dyn ScratchDatabase>> {
        let mut conn = connect_memory().await?;
        let buffer = SqliteOwnedBuf::try_from(image.as_slice())?;
        conn.deserialize(None, buffer, false).await?;
        Ok(Box::new(MemoryScratch(conn)))
    }

    async fn close(self: Box<Self>) -> anyhow::Result<()> {
        Ok(())
    }
}

struct MemoryScratch(SqliteConnection);

#[async_trait(?Send)]
impl ScratchDatabase for MemoryScratch {
    fn connection(&mut self) -> &mut dyn DevConnection {
        &mut self.0
    }

    async fn discard(self: Box<Self>) -> anyhow::Result<()> {
        Ok(())
    }

    async fn image(&mut self) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(Some(self.0.serialize(None).await?.to_vec()))
    }
}
