//! MySQL and MariaDB dev databases: scratch databases (`schemactl_dev_*`) on an existing
//! server or in a Docker container started for the run, opened on first use. On MySQL a
//! database is the scope of a state, so each state gets a database of its own, dropped when
//! it is discarded and, on every other exit path, by the registered cleanup.

use super::cleanup::{self, CleanupGuard};
use super::{DevDatabases, SCRATCH_PREFIX, ScratchDatabase, docker};
use crate::driver::mysql::{MySqlConnection, connect, quote_ident};
use crate::driver::{DevConnection, Scope};
use crate::error::{bad_input, failure};
use crate::url::{DockerUrl, MysqlUrl};
use async_trait::async_trait;
use sqlx::{Connection, Executor};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::OnceCell;

static NEXT_SCRATCH: AtomicU64 = AtomicU64::new(1);

/// Where a run's MySQL dev databases live.
#[derive(Debug, Clone)]
pub enum MysqlDevSpec {
    /// An existing server; the URL's own database, if it names one, must be empty.
    Server(MysqlUrl),
    Docker(DockerUrl),
    /// No dev URL: an error once a state needs a dev database (a run that only inspects live
    /// databases needs none).
    Missing,
}

pub struct MysqlDev {
    spec: MysqlDevSpec,
    server: OnceCell<Server>,
}

/// The server scratch databases are made on (the URL without a database), and the container
/// when the run started one.
struct Server {
    url: MysqlUrl,
    container: Option<docker::Container>,
}

impl MysqlDev {
    pub fn new(spec: MysqlDevSpec) -> Self {
        MysqlDev {
            spec,
            server: OnceCell::new(),
        }
    }

    async fn server(&self) -> anyhow::Result<&Server> {
        self.server.get_or_try_init(|| open(&self.spec)).await
    }
}

async fn open(spec: &MysqlDevSpec) -> anyhow::Result<Server> {
    match spec {
        MysqlDevSpec::Server(url) => {
            let mut conn = connect(url).await?;
            if url.database().is_some() {
                ensure_clean(&mut conn, url).await?;
            }
            conn.close().await.ok();
            Ok(Server {
                url: url.without_database(),
                container: None,
            })
        }
        MysqlDevSpec::Missing => Err(bad_input(
            "this MySQL run needs a dev database to load SQL into: pass --dev-url \
             mysql://USER@HOST/ (scratch databases are made there) or \
             docker://mariadb/11/dev (a throwaway container)",
        )),
        MysqlDevSpec::Docker(docker_url) => {
            let container = docker::start(docker_url).await?;
            Ok(Server {
                url: container.mysql_url(),
                container: Some(container),
            })
        }
    }
}

/// Refuses a dev database that holds anything: a dev URL pointing at a real database is a
/// dangerous mistake.
async fn ensure_clean(conn: &mut MySqlConnection, url: &MysqlUrl) -> anyhow::Result<()> {
    let (objects,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE())
              + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE())",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| failure(format!("cannot inspect the dev database {url}: {e}")))?;
    if objects == 0 {
        return Ok(());
    }
    Err(bad_input(format!(
        "the dev database {url} is not clean (it has {objects} tables, views or routines); the \
         dev URL must point at an empty database, because schemactl creates and drops objects \
         there"
    )))
}

/// Drops a scratch database from a cleanup (no runtime there: a runtime of its own).
fn drop_blocking(server: &MysqlUrl, name: &str) -> anyhow::Result<()> {
    let (server, name) = (server.clone(), name.to_string());
    cleanup::block_on(async move || drop_scratch(&server, &name).await)
}

async fn drop_scratch(server: &MysqlUrl, name: &str) -> anyhow::Result<()> {
    let mut conn = connect(server).await?;
    conn.execute(format!("DROP DATABASE IF EXISTS {}", quote_ident(name)).as_str())
        .await
        .map_err(|e| {
            failure(format!(
                "cannot drop scratch database {name} on {server}: {e}"
            ))
        })?;
    conn.close().await.ok();
    Ok(())
}

#[async_trait(?Send)]
impl DevDatabases for MysqlDev {
    async fn scratch(&self) -> anyhow::Result<Box<dyn ScratchDatabase>> {
        let server = self.server().await?;
        let name = format!(
            "{SCRATCH_PREFIX}{}_{}",
            std::process::id(),
            NEXT_SCRATCH.fetch_add(1, Ordering::Relaxed)
        );
        let guard = cleanup::register({
            let (url, name) = (server.url.clone(), name.clone());
            move || {
                if let Err(err) = drop_blocking(&url, &name) {
                    eprintln!("warning: {err}");
                }
            }
        });
        let mut conn = connect(&server.url).await?;
        let created = conn
            .execute(format!("CREATE DATABASE {}", quote_ident(&name)).as_str())
            .await;
        conn.close().await.ok();
        if let Err(err) = created {
            guard.dismiss();
            return Err(failure(format!(
                "cannot create a scratch database on {}: {err}",
                server.url
            )));
        }
        let scratch = MysqlScratch {
            conn: None,
            server: server.url.clone(),
            name: name.clone(),
            guard: Some(guard),
        };
        match connect(&server.url.with_database(&name)).await {
            Ok(conn) => Ok(Box::new(MysqlScratch {
                conn: Some(conn),
                ..scratch
            })),
            Err(err) => {
                Box::new(scratch).discard().await?;
                Err(err)
            }
        }
    }

    /// The database is the scope: each scratch database is inspected whole.
    fn scope(&self) -> Scope {
        Scope::AllSchemas
    }

    async fn close(self: Box<Self>) -> anyhow::Result<()> {
        match self.server.into_inner() {
            Some(Server {
                container: Some(container),
                ..
            }) if !container.reused() => container.close().await,
            _ => Ok(()),
        }
    }
}

struct MysqlScratch {
    conn: Option<MySqlConnection>,
    server: MysqlUrl,
    name: String,
    guard: Option<CleanupGuard>,
}

#[async_trait(?Send)]
impl ScratchDatabase for MysqlScratch {
    fn connection(&mut self) -> &mut dyn DevConnection {
        self.conn.as_mut().expect("connected until discarded")
    }

    async fn discard(mut self: Box<Self>) -> anyhow::Result<()> {
        if let Some(conn) = self.conn.take() {
            conn.close().await.ok();
        }
        drop_scratch(&self.server, &self.name).await?;
        if let Some(guard) = self.guard.take() {
            guard.dismiss();
        }
        Ok(())
    }
}
