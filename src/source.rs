//! Turning a URL into a schema model: inspect a live database, or load SQL files into a scratch
//! database on the dev server and inspect that.

use crate::devdb::{DevServer, DevSpec};
use crate::driver::postgres;
use crate::driver::sqlite;
use crate::driver::{DevConnection, Dialect, Scope, StatementRunner};
use crate::error::bad_input;
use crate::schema::{Realm, Schema};
use crate::sql::{SplitStatement, split_statements};
use crate::url::{DbUrl, FileUrl, PgUrl};
use anyhow::{Context, Result};
use tokio::sync::OnceCell;

/// A SQL script and where it came from, for error messages.
#[derive(Debug, Clone)]
pub struct Script {
    /// File path, or a label such as `desired state` when the SQL has no file.
    pub origin: String,
    pub text: String,
}

impl Script {
    pub fn new(origin: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            origin: origin.into(),
            text: text.into(),
        }
    }
}

/// The dev database of one run: a PostgreSQL server (opened on first use and shared by every
/// source that needs it), or SQLite, where each scratch database is a fresh one in memory.
pub struct Dev {
    spec: DevSpec,
    server: OnceCell<DevServer>,
    dialect: Dialect,
}

impl Dev {
    /// `spec` comes from the `--dev-url` (a server or a docker container); without one, a local
    /// ephemeral cluster is started when needed.
    pub fn new(spec: DevSpec) -> Self {
        Self {
            spec,
            server: OnceCell::new(),
            dialect: Dialect::Postgres,
        }
    }

    /// SQLite dev databases (`sqlite://NAME?mode=memory`): nothing to start or clean up.
    pub fn sqlite() -> Self {
        Self {
            spec: DevSpec::Ephemeral,
            server: OnceCell::new(),
            dialect: Dialect::Sqlite,
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub async fn server(&self) -> Result<&DevServer> {
        if self.dialect == Dialect::Sqlite {
            return Err(bad_input(
                "a SQLite dev database has no server; use a postgres:// dev URL here",
            ));
        }
        self.server
            .get_or_try_init(|| DevServer::open(&self.spec))
            .await
    }

    /// A connection to a fresh, empty scratch database, and its name on the server (None for
    /// SQLite, whose scratch databases vanish with their connection).
    async fn scratch(&self) -> Result<(DevConnection, Option<crate::devdb::ScratchDb>)> {
        match self.dialect {
            Dialect::Sqlite => Ok((DevConnection::Sqlite(sqlite::connect_memory().await?), None)),
            Dialect::Postgres => {
                let scratch = self.server().await?.scratch().await?;
                match scratch.connect().await {
                    Ok(conn) => Ok((DevConnection::Postgres(conn), Some(scratch))),
                    Err(e) => {
                        scratch.drop_now().await?;
                        Err(e)
                    }
                }
            }
        }
    }

    /// The scope dev inspections use: the dev URL's search_path, or the whole database.
    pub fn scope(&self) -> Scope {
        match self.spec.schemas() {
            Some(schemas) => Scope::Schemas(schemas),
            None => Scope::AllSchemas,
        }
    }

    /// Drops what the run created on the dev server and stops a cluster it started.
    pub async fn close(self) -> Result<()> {
        match self.server.into_inner() {
            Some(server) => server.close().await,
            None => Ok(()),
        }
    }
}

pub fn scope_of(url: Option<&PgUrl>) -> Scope {
    match url.and_then(|u| u.schemas()) {
        Some(schemas) => Scope::Schemas(schemas),
        None => Scope::AllSchemas,
    }
}

/// The model of whatever `url` names.
pub async fn realm_from_url(url: &DbUrl, dev: &Dev) -> Result<Realm> {
    match url {
        DbUrl::Postgres(pg) => {
            let mut conn = postgres::connect(&pg.connect_options()).await?;
            let realm = postgres::inspect_realm(&mut conn, &scope_of(Some(pg))).await?;
            Ok(without_revisions(realm))
        }
        DbUrl::Sqlite(url) => {
            let mut conn = sqlite::connect(url, true).await?;
            let realm = sqlite::inspect_realm(&mut conn).await?;
            Ok(without_revisions(realm))
        }
        DbUrl::File(files) => {
            let scripts = read_scripts(files)?;
            realm_from_scripts(&scripts, dev).await
        }
        other => Err(bad_input(format!(
            "{} URLs are not supported here yet; use postgres://, sqlite:// or file://",
            url_kind(other)
        ))),
    }
}

/// `realm` without the migration runner's bookkeeping: the revisions table wherever it is, and
/// the default revisions schema once that leaves it empty. A diff against a migrated database
/// would otherwise drop them (or a migration create them).
pub fn without_revisions(mut realm: Realm) -> Realm {
    for schema in realm.schemas.values_mut() {
        schema.tables.remove(postgres::REVISIONS_TABLE);
    }
    realm.schemas.retain(|name, schema| {
        name != postgres::DEFAULT_REVISIONS_SCHEMA
            || !(schema.tables.is_empty()
                && schema.views.is_empty()
                && schema.types.is_empty()
                && schema.sequences.is_empty()
                && schema.functions.is_empty())
    });
    realm
}

/// Loads `scripts` into a fresh scratch database of the dev database and inspects it.
pub async fn realm_from_scripts(scripts: &[Script], dev: &Dev) -> Result<Realm> {
    realm_after(dev, async |conn: &mut DevConnection| {
        load_scripts(conn, scripts).await
    })
    .await
}

/// Runs `load` on a fresh scratch database of the dev database, inspects what it left, and
/// drops the scratch database whatever happened.
pub async fn realm_after(
    dev: &Dev,
    load: impl AsyncFnOnce(&mut DevConnection) -> Result<()>,
) -> Result<Realm> {
    let (mut conn, scratch) = dev.scratch().await?;
    let result = async {
        load(&mut conn).await?;
        conn.inspect_realm(&dev.scope()).await
    }
    .await;
    drop(conn);
    if let Some(scratch) = scratch {
        scratch.drop_now().await?;
    }
    result
}

/// Runs every statement of every script, in order; the first failure names the file, the line,
/// the statement and the server's message.
pub async fn load_scripts(conn: &mut impl StatementRunner, scripts: &[Script]) -> Result<()> {
    for script in scripts {
        execute_statements(conn, &script.origin, &split_statements(&script.text)).await?;
    }
    Ok(())
}

/// Runs already split statements of one file; a failure is bad input naming `origin`, the line,
/// the statement and the server's message (with its detail and hint).
pub async fn execute_statements(
    conn: &mut impl StatementRunner,
    origin: &str,
    statements: &[SplitStatement],
) -> Result<()> {
    let texts: Vec<String> = statements.iter().map(|s| s.text.clone()).collect();
    let Err(failed) = conn.execute_each(&texts).await else {
        return Ok(());
    };
    let line = statements[failed.index].line;
    let mut message = format!(
        "{origin}:{line}: statement failed on the dev database: {}",
        failed.message
    );
    if let Some(detail) = &failed.detail {
        message.push_str(&format!("\n  detail: {detail}"));
    }
    if let Some(hint) = &failed.hint {
        message.push_str(&format!("\n  hint: {hint}"));
    }
    message.push_str(&format!("\n  statement: {}", failed.statement.trim()));
    Err(bad_input(message))
}

/// Reads the files a `file://` URL names, in order.
pub fn read_scripts(files: &FileUrl) -> Result<Vec<Script>> {
    files
        .files()
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))
                .map_err(|e| bad_input(format!("{e:#}")))?;
            Ok(Script::new(path.display().to_string(), text))
        })
        .collect()
}

/// The model of a freshly created database of `dialect`.
pub fn fresh_realm(dialect: Dialect) -> Realm {
    match dialect {
        Dialect::Postgres => fresh_postgres_realm(),
        Dialect::Sqlite => sqlite::empty_realm(),
    }
}

/// The model of a freshly created PostgreSQL database: just the `public` schema.
pub fn fresh_postgres_realm() -> Realm {
    let public = Schema {
        name: "public".into(),
        comment: Some("standard public schema".into()),
        ..Default::default()
    };
    let mut realm = Realm::default();
    realm.schemas.insert(public.name.clone(), public);
    realm
}

fn url_kind(url: &DbUrl) -> &'static str {
    match url {
        DbUrl::Postgres(_) => "postgres",
        DbUrl::Mysql(_) => "mysql",
        DbUrl::Sqlite(_) => "sqlite",
        DbUrl::Docker(_) => "docker",
        DbUrl::File(_) => "file",
    }
}
