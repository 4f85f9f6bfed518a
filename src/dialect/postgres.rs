//! PostgreSQL: `postgres://` databases and `docker://postgres/…` dev containers.

use super::Dev;
use super::{Dialect, LintTraits};
use crate::devdb::{DevSpec, ServerDev};
use crate::diff::{Change, DiffPolicy};
use crate::driver::Scope;
use crate::driver::postgres::{self, DEFAULT_REVISIONS_SCHEMA, PgTarget, REVISIONS_TABLE};
use crate::error::bad_input;
use crate::migrate::{MigrationTarget, TargetSpec};
use crate::plan::postgres::{PostgresDiffPolicy, PostgresPlanner};
use crate::plan::{Plan, Planner};
use crate::schema::{Realm, Schema};
use crate::sql::Flavor;
use crate::url::{DbUrl, DockerEngine, PgUrl};
use anyhow::Result;
use async_trait::async_trait;
use std::time::Duration;

#[derive(Debug)]
pub struct Postgres;

pub static POSTGRES: Postgres = Postgres;

/// The URL of a database this dialect owns.
fn pg_url(url: &DbUrl) -> Result<&PgUrl> {
    match url {
        DbUrl::Postgres(pg) => Ok(pg),
        other => Err(bad_input(format!(
            "{other}: expected a postgres:// database URL here"
        ))),
    }
}

#[async_trait(?Send)]
impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "PostgreSQL"
    }

    fn sqlalchemy_name(&self, url: &DbUrl) -> &'static str {
        let _ = url;
        "postgresql"
    }

    fn sqlalchemy_names(&self) -> &'static [&'static str] {
        &["postgresql"]
    }

    fn owns(&self, url: &DbUrl) -> bool {
        match url {
            DbUrl::Postgres(_) => true,
            DbUrl::Docker(docker) => docker.engine() == DockerEngine::Postgres,
            _ => false,
        }
    }

    fn default_schema(&self) -> &'static str {
        "public"
    }

    /// A freshly created PostgreSQL database holds just the `public` schema.
    fn empty_realm(&self) -> Realm {
        let public = Schema {
            name: "public".into(),
            comment: Some("standard public schema".into()),
            ..Default::default()
        };
        let mut realm = Realm::default();
        realm.schemas.insert(public.name.clone(), public);
        realm
    }

    fn plan(&self, _current: &Realm, _desired: &Realm, changes: &[Change]) -> Result<Plan> {
        PostgresPlanner.plan(changes)
    }

    fn diff_policy(&self) -> &'static dyn DiffPolicy {
        &PostgresDiffPolicy
    }

    fn lexer_flavor(&self) -> &'static Flavor {
        &postgres::FLAVOR
    }

    fn lint_traits(&self) -> Result<&'static LintTraits> {
        Ok(&POSTGRES_LINT)
    }

    /// An existing server, a container, or (without a URL) a local ephemeral cluster.
    fn dev(&'static self, url: Option<&DbUrl>) -> Result<Dev> {
        let spec = match url {
            None => DevSpec::Ephemeral,
            Some(DbUrl::Postgres(pg)) => DevSpec::Server(pg.clone()),
            Some(DbUrl::Docker(docker)) => DevSpec::Docker(docker.clone()),
            Some(other) => {
                return Err(bad_input(format!(
                    "dev URL {other}: expected postgres://… or docker://postgres/TAG/DB"
                )));
            }
        };
        Ok(Dev::new(self, Box::new(ServerDev::new(spec))))
    }

    async fn inspect(&self, url: &DbUrl) -> Result<Realm> {
        let pg = pg_url(url)?;
        let mut conn = postgres::connect(&pg.connect_options()).await?;
        let realm = postgres::inspect_realm(&mut conn, &Scope::of(pg.schemas())).await?;
        Ok(without_revisions(realm))
    }

    async fn open_target(&self, spec: &TargetSpec) -> Result<Box<dyn MigrationTarget>> {
        let schema = spec
            .revisions_schema
            .as_deref()
            .unwrap_or(DEFAULT_REVISIONS_SCHEMA);
        let target = PgTarget::connect(pg_url(&spec.url)?, schema).await?;
        Ok(Box::new(target))
    }

    async fn create_database(&self, url: &DbUrl) -> Result<bool> {
        postgres::create_database(pg_url(url)?).await
    }

    async fn drop_database(&self, url: &DbUrl) -> Result<bool> {
        postgres::drop_database(pg_url(url)?).await
    }

    async fn database_exists(&self, url: &DbUrl) -> Result<bool> {
        postgres::database_exists(pg_url(url)?).await
    }

    async fn wait_until_ready(&self, url: &DbUrl, timeout: Duration) -> Result<Duration> {
        postgres::wait_until_ready(pg_url(url)?, timeout).await
    }

    fn database_label(&self, url: &DbUrl) -> String {
        match pg_url(url) {
            Ok(pg) => format!("database {}", pg.database()),
            Err(_) => format!("database {url}"),
        }
    }
}

/// `realm` without the migration runner's bookkeeping: the revisions table wherever it is, and
/// the default revisions schema once that leaves it empty.
fn without_revisions(mut realm: Realm) -> Realm {
    for schema in realm.schemas.values_mut() {
        schema.tables.remove(REVISIONS_TABLE);
    }
    realm.schemas.retain(|name, schema| {
        name != DEFAULT_REVISIONS_SCHEMA
            || !(schema.tables.is_empty()
                && schema.views.is_empty()
                && schema.types.is_empty()
                && schema.sequences.is_empty()
                && schema.functions.is_empty())
    });
    realm
}

/// The rules were written for PostgreSQL: every family applies as the catalog says.
static POSTGRES_LINT: LintTraits = LintTraits {
    grammar: &sqlparser::dialect::PostgreSqlDialect {},
    flavor: &postgres::FLAVOR,
    default_schema: "public",
    folds_unquoted_names: true,
    transactional_ddl: true,
    lock_rules: true,
    style_rules: true,
    coerces_existing_values: false,
    max_identifier_bytes: 63,
    type_cost: crate::plan::postgres::type_cost,
    help: &[],
};
