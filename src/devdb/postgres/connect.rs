//! Connections for devdb, with errors that name the server, and synchronous database drops
//! for cleanups that run outside any async context (Drop, signal paths).

use crate::error::failure;
use crate::url::PgUrl;
use sqlx::{Connection, Executor};

pub(crate) use crate::driver::postgres::connect_url as connect;

pub(crate) use crate::driver::postgres::quote_ident;

/// Drops database `name` on `server`, disconnecting its sessions first.
pub(crate) async fn drop_database(server: &PgUrl, name: &str) -> anyhow::Result<()> {
    let mut conn = connect(server).await?;
    conn.execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name)).as_str())
        .await
        .map_err(|e| {
            failure(format!(
                "cannot drop scratch database {name} on {server}: {e}"
            ))
        })?;
    conn.close().await.ok();
    Ok(())
}

/// [`drop_database`] from synchronous code (see `cleanup::block_on`).
pub(crate) fn drop_database_blocking(server: &PgUrl, name: &str) -> anyhow::Result<()> {
    let (server, name) = (server.clone(), name.to_string());
    crate::devdb::cleanup::block_on(async move || drop_database(&server, &name).await)
}
