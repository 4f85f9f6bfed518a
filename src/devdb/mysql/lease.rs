//! Leases on a shared MySQL/MariaDB dev server (see `postgres::lease` for the idea): a run
//! holds the named lock `schemactl_lease_<token>` in one session for its whole life, and a
//! later run drops a scratch database whose lock it can take itself, proof that the owner's
//! session is gone. Named locks are server-wide, so unlike PostgreSQL's advisory locks no mark
//! on the database is needed.

use crate::devdb::scratch_names::{random_token, scratch_name, token_of};
use crate::driver::mysql::{MySqlConnection, connect, quote_ident};
use crate::url::MysqlUrl;
use sqlx::{Connection, Executor};

fn lock_name(token: u32) -> String {
    format!("schemactl_lease_{token:08x}")
}

/// `GET_LOCK(name, 0)`: whether this session now holds the lock.
async fn try_lock(conn: &mut MySqlConnection, token: u32) -> anyhow::Result<bool> {
    let got: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, 0)")
        .bind(lock_name(token))
        .fetch_one(&mut *conn)
        .await?;
    Ok(got == Some(1))
}

async fn unlock(conn: &mut MySqlConnection, token: u32) -> anyhow::Result<()> {
    sqlx::query("SELECT RELEASE_LOCK(?)")
        .bind(lock_name(token))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A held lease: the session whose named lock proves the run is alive.
pub(super) struct Lease {
    token: u32,
    session: MySqlConnection,
}

impl Lease {
    pub(super) async fn take(server: &MysqlUrl) -> anyhow::Result<Lease> {
        let mut session = connect(server).await?;
        loop {
            let token = random_token();
            if try_lock(&mut session, token).await? {
                return Ok(Lease { token, session });
            }
        }
    }

    pub(super) fn scratch_name(&self, n: u64) -> String {
        scratch_name(self.token, n)
    }

    pub(super) async fn release(self) {
        self.session.close().await.ok();
    }
}

/// Drops the scratch databases on `server` whose lease is provably over; returns their names.
pub(super) async fn sweep_orphans(server: &MysqlUrl) -> anyhow::Result<Vec<String>> {
    let mut conn = connect(server).await?;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(schema_name AS CHAR) FROM information_schema.schemata \
         WHERE schema_name LIKE 'schemactl\\_dev\\_%'",
    )
    .fetch_all(&mut conn)
    .await?;
    let mut swept = Vec::new();
    for name in names {
        let Some(token) = token_of(&name) else {
            continue;
        };
        if !try_lock(&mut conn, token).await? {
            continue;
        }
        let dropped = conn
            .execute(format!("DROP DATABASE IF EXISTS {}", quote_ident(&name)).as_str())
            .await;
        unlock(&mut conn, token).await?;
        if dropped.is_ok() {
            swept.push(name);
        }
    }
    conn.close().await.ok();
    Ok(swept)
}
