//! Leases on a shared dev server, so that a later run can sweep the scratch databases of a run
//! that was killed outright (SIGKILL, a lost machine) and never another live run's.
//!
//! A run that uses an existing server holds, for its whole life, one session that holds the
//! advisory lock `(LEASE_CLASS, token)`; its scratch databases carry the token in their name
//! (`schemactl_dev_<pid>_<token>_<n>`) and, as their comment, the database the lock lives in
//! (advisory locks are per database). The server releases the lock the moment that session
//! ends, however the run ended, so a sweeper that can take the lock has proof the owner is
//! gone, whichever host it ran on. Names without a token (older runs) are never swept.

use super::connect::{connect, quote_ident};
use crate::devdb::scratch_names::{random_token, scratch_name, token_of};
use crate::url::PgUrl;
use sqlx::{Connection, Executor, PgConnection, Row};

/// The first key of every schemactl lease lock ("SCTL"), keeping clear of other programs'.
const LEASE_CLASS: i32 = 0x5343_544c;

/// A held lease: the session whose advisory lock proves the run is alive.
pub(super) struct Lease {
    token: u32,
    session: PgConnection,
}

impl Lease {
    /// Takes a lease with a fresh token on `server`'s maintenance database.
    pub(super) async fn take(server: &PgUrl) -> anyhow::Result<Lease> {
        let mut session = connect(server).await?;
        loop {
            let token = random_token();
            let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
                .bind(LEASE_CLASS)
                .bind(token as i32)
                .fetch_one(&mut session)
                .await?;
            // Another run drew the same token (1 in 4 billion): draw again.
            if taken {
                return Ok(Lease { token, session });
            }
        }
    }

    /// The name of this run's `n`-th scratch database.
    pub(super) fn scratch_name(&self, n: u64) -> String {
        scratch_name(self.token, n)
    }

    /// Ends the lease (the session's end releases the lock).
    pub(super) async fn release(self) {
        self.session.close().await.ok();
    }
}

/// The comment a leased scratch database carries: where its lease lock lives.
pub(super) fn lease_comment(server: &PgUrl) -> String {
    format!(
        "schemactl scratch database; lease in database {}",
        server.database()
    )
}

/// Marks `name` as leased in `server`'s database.
pub(super) async fn mark(
    conn: &mut PgConnection,
    server: &PgUrl,
    name: &str,
) -> Result<(), sqlx::Error> {
    let comment = lease_comment(server).replace('\'', "''");
    conn.execute(format!("COMMENT ON DATABASE {} IS '{comment}'", quote_ident(name)).as_str())
        .await
        .map(drop)
}

/// Drops the scratch databases on `server` whose lease is provably over; returns their names.
/// A database whose lock another session holds, or whose lease lives in another database, or
/// that has no token, is left alone.
pub(super) async fn sweep_orphans(server: &PgUrl) -> anyhow::Result<Vec<String>> {
    let mut conn = connect(server).await?;
    let rows = sqlx::query(
        "SELECT datname::text, coalesce(shobj_description(oid, 'pg_database'), '') \
         FROM pg_database WHERE datname LIKE 'schemactl\\_dev\\_%'",
    )
    .fetch_all(&mut conn)
    .await?;
    let ours = lease_comment(server);
    let mut swept = Vec::new();
    for row in rows {
        let (name, comment): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        let Some(token) = token_of(&name).filter(|_| comment == ours) else {
            continue;
        };
        let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
            .bind(LEASE_CLASS)
            .bind(token as i32)
            .fetch_one(&mut conn)
            .await?;
        if !free {
            continue;
        }
        let dropped = conn
            .execute(
                format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote_ident(&name)
                )
                .as_str(),
            )
            .await;
        sqlx::query("SELECT pg_advisory_unlock($1, $2)")
            .bind(LEASE_CLASS)
            .bind(token as i32)
            .execute(&mut conn)
            .await?;
        if dropped.is_ok() {
            swept.push(name);
        }
    }
    conn.close().await.ok();
    Ok(swept)
}
