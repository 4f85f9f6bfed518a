//! Replayed states kept between runs as template databases on a dev server that outlives the
//! run (an existing server, a reused container): `schemactl_tpl_<id>`, where the id is the
//! start of the state's cache key. A later run copies one (`CREATE DATABASE … TEMPLATE`) and
//! replays only the files after it. At most [`KEPT`] per server; the most recently used stay
//! (each template's comment holds when it was last kept or copied).

use super::connect::{connect, drop_database, quote_ident};
use crate::devdb::TEMPLATE_ID_LEN;
use crate::url::PgUrl;
use sqlx::{Connection, Executor};
use std::time::Duration;

pub const TEMPLATE_PREFIX: &str = "schemactl_tpl_";

/// How many kept states a server holds.
const KEPT: i64 = 3;

pub fn template_name(id: &str) -> String {
    format!("{TEMPLATE_PREFIX}{}", &id[..id.len().min(TEMPLATE_ID_LEN)])
}

/// The ids of the templates on `server`, most recently used first.
pub async fn ids(server: &PgUrl) -> anyhow::Result<Vec<String>> {
    let mut conn = connect(server).await?;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_catalog.pg_database
         WHERE datname LIKE 'schemactl\\_tpl\\_%'
         ORDER BY coalesce(pg_catalog.shobj_description(oid, 'pg_database'), '') DESC, oid DESC",
    )
    .fetch_all(&mut conn)
    .await?;
    conn.close().await.ok();
    Ok(names
        .into_iter()
        .filter_map(|n| n.strip_prefix(TEMPLATE_PREFIX).map(str::to_string))
        .collect())
}

/// Renames the (disconnected) database `scratch` to the template of `id`, then drops the
/// oldest templates beyond the bound. When another run kept the same state first, `scratch`
/// is dropped instead.
pub async fn keep(server: &PgUrl, scratch: &str, id: &str) -> anyhow::Result<()> {
    let mut conn = connect(server).await?;
    let rename = format!(
        "ALTER DATABASE {} RENAME TO {}",
        quote_ident(scratch),
        quote_ident(&template_name(id))
    );
    let mut tries = 0;
    let renamed = loop {
        match conn.execute(rename.as_str()).await {
            Ok(_) => break true,
            // The session that replayed it may still be ending on the server.
            Err(e) if in_use(&e) && tries < 40 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            Err(_) => break false,
        }
    };
    conn.close().await.ok();
    if !renamed {
        return drop_database(server, scratch).await;
    }
    touch(server, id).await;
    for old in ids(server).await?.into_iter().skip(KEPT as usize) {
        // Another run may be copying it right now; it goes next time.
        drop_database_quietly(server, &template_name(&old)).await;
    }
    Ok(())
}

/// Marks the template of `id` as used now (what the bound keeps by); best effort.
pub async fn touch(server: &PgUrl, id: &str) {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    if let Ok(mut conn) = connect(server).await {
        let comment = format!(
            "COMMENT ON DATABASE {} IS 'schemactl kept state, used {millis:020}'",
            quote_ident(&template_name(id))
        );
        conn.execute(comment.as_str()).await.ok();
        conn.close().await.ok();
    }
}

/// Drops every template on `server`; returns how many.
pub async fn drop_all(server: &PgUrl) -> anyhow::Result<usize> {
    let all = ids(server).await?;
    for id in &all {
        drop_database(server, &template_name(id)).await?;
    }
    Ok(all.len())
}

async fn drop_database_quietly(server: &PgUrl, name: &str) {
    if let Ok(mut conn) = connect(server).await {
        conn.execute(format!("DROP DATABASE IF EXISTS {}", quote_ident(name)).as_str())
            .await
            .ok();
        conn.close().await.ok();
    }
}

/// `object_in_use`: sessions are still connected to the database.
fn in_use(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.code().as_deref() == Some("55006"))
}
