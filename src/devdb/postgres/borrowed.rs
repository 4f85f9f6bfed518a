//! A kept template lent to a run that only watches what statements do (`migrate lint`): a
//! connection to the template itself, inside one transaction that is rolled back at the end.
//! Copying a template of thousands of tables costs seconds (`CREATE DATABASE … TEMPLATE`
//! writes every block); borrowing it costs a connection, and leaves it as it was.
//!
//! PostgreSQL's DDL is transactional, so everything the statements do goes with the rollback.
//! A statement that cannot run in a transaction fails here, and the caller starts over on a
//! copy. A statement that ends the transaction (the caller leaves transaction control out)
//! would make its changes stick: that is checked at the end, and such a template is dropped.

use super::connect::{connect, quote_ident};
use super::kept;
use crate::devdb::ScratchDatabase;
use crate::driver::DevConnection;
use crate::driver::postgres::InTransaction;
use crate::url::PgUrl;
use async_trait::async_trait;
use sqlx::{Connection, Executor};

pub struct Borrowed {
    conn: Option<InTransaction>,
    server: PgUrl,
    name: String,
    /// The transaction's id: while the session still reports it, nothing was committed.
    xid: i64,
}

impl Borrowed {
    /// Connects to the template of `id` on `server` and opens the transaction.
    pub async fn begin(server: &PgUrl, id: &str) -> anyhow::Result<Self> {
        let name = kept::template_name(id);
        let mut conn = connect(&server.with_database(&name)).await?;
        sqlx::raw_sql("BEGIN").execute(&mut conn).await?;
        let xid: i64 = sqlx::query_scalar("SELECT pg_catalog.txid_current()")
            .fetch_one(&mut conn)
            .await?;
        Ok(Self {
            conn: Some(InTransaction(conn)),
            server: server.clone(),
            name,
            xid,
        })
    }
}

/// Whether the session is still inside transaction `xid` (an aborted one counts: it rolls
/// back too).
async fn still_inside(conn: &mut sqlx::PgConnection, xid: i64) -> bool {
    let current =
        sqlx::query_scalar::<_, Option<i64>>("SELECT pg_catalog.txid_current_if_assigned()")
            .fetch_one(&mut *conn)
            .await;
    match current {
        Ok(current) => current == Some(xid),
        Err(sqlx::Error::Database(db)) => db.code().as_deref() == Some("25P02"),
        Err(_) => false,
    }
}

#[async_trait(?Send)]
impl ScratchDatabase for Borrowed {
    fn connection(&mut self) -> &mut dyn DevConnection {
        self.conn.as_mut().expect("borrowed until given back")
    }

    /// Rolls the transaction back and gives the template back, as it was.
    async fn discard(mut self: Box<Self>) -> anyhow::Result<()> {
        let Some(InTransaction(mut conn)) = self.conn.take() else {
            return Ok(());
        };
        let intact = still_inside(&mut conn, self.xid).await;
        sqlx::raw_sql("ROLLBACK").execute(&mut conn).await.ok();
        conn.close().await.ok();
        if !intact {
            eprintln!(
                "warning: the transaction on the kept state {} ended before its rollback; \
                 the state is dropped (the next run replays it again)",
                self.name
            );
            if let Ok(mut admin) = connect(&self.server).await {
                let drop = format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote_ident(&self.name)
                );
                admin.execute(drop.as_str()).await.ok();
                admin.close().await.ok();
            }
        }
        Ok(())
    }

    /// A borrowed template is never kept under another id: it is given back.
    async fn keep_as(self: Box<Self>, _id: &str) -> anyhow::Result<()> {
        self.discard().await
    }
}
