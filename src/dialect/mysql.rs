//! MySQL and MariaDB: `mysql://` and `mariadb://` databases, and `docker://mysql/…` and
//! `docker://mariadb/…` dev containers. The database is the scope of a state; the model keys
//! it as the one schema `main` whatever the database is called (dev scratch databases and
//! targets have different names, and SQL is never schema-qualified here).

use super::Dev;
use super::Dialect;
use crate::devdb::{MysqlDev, MysqlDevSpec};
use crate::diff::{Change, DiffPolicy};
use crate::driver::mysql::{self, MysqlTarget, REVISIONS_TABLE};
use crate::error::bad_input;
use crate::migrate::{MigrationTarget, TargetSpec};
use crate::plan::mysql::{MysqlDiffPolicy, MysqlPlanner};
use crate::plan::{Plan, Planner};
use crate::schema::Realm;
use crate::sql::Flavor;
use crate::url::{DbUrl, DockerEngine, MysqlUrl};
use anyhow::Result;
use async_trait::async_trait;
use std::time::Duration;

#[derive(Debug)]
pub struct Mysql;

pub static MYSQL: Mysql = Mysql;

fn mysql_url(url: &DbUrl) -> Result<&MysqlUrl> {
    match url {
        DbUrl::Mysql(my) => Ok(my),
        other => Err(bad_input(format!(
            "{other}: expected a mysql:// or mariadb:// database URL here"
        ))),
    }
}

#[async_trait(?Send)]
impl Dialect for Mysql {
    fn name(&self) -> &'static str {
        "MySQL"
    }

    fn owns(&self, url: &DbUrl) -> bool {
        match url {
            DbUrl::Mysql(_) => true,
            DbUrl::Docker(docker) => {
                matches!(docker.engine(), DockerEngine::Mysql | DockerEngine::Mariadb)
            }
            _ => false,
        }
    }

    fn default_schema(&self) -> &'static str {
        mysql::SCOPE
    }

    fn empty_realm(&self) -> Realm {
        mysql::empty_realm()
    }

    /// The planner needs both models: column positions and whole column definitions.
    fn plan(&self, current: &Realm, desired: &Realm, changes: &[Change]) -> Result<Plan> {
        MysqlPlanner { current, desired }.plan(changes)
    }

    fn diff_policy(&self) -> &'static dyn DiffPolicy {
        &MysqlDiffPolicy
    }

    fn lexer_flavor(&self) -> &'static Flavor {
        &mysql::FLAVOR
    }

    fn check_lint_support(&self) -> Result<()> {
        Err(bad_input(
            "migrate lint checks PostgreSQL migrations for now; MySQL's rules are not written yet",
        ))
    }

    /// An existing server or a container; without a dev URL, a local ephemeral server from the
    /// installed binaries (an error naming what to install or pass when there are none).
    fn dev(&'static self, url: Option<&DbUrl>) -> Result<Dev> {
        let spec = match url {
            Some(DbUrl::Mysql(my)) => MysqlDevSpec::Server(my.clone()),
            Some(DbUrl::Docker(docker)) => MysqlDevSpec::Docker(docker.clone()),
            Some(other) => {
                return Err(bad_input(format!(
                    "dev URL {other}: expected mysql://…, mariadb://… or docker://mariadb/TAG/DB"
                )));
            }
            None => MysqlDevSpec::Local,
        };
        Ok(Dev::new(self, Box::new(MysqlDev::new(spec))))
    }

    async fn inspect(&self, url: &DbUrl) -> Result<Realm> {
        let my = mysql_url(url)?;
        let Some(database) = my.database() else {
            return Err(bad_input(format!(
                "{my}: name the database to inspect (mysql://…/DATABASE)"
            )));
        };
        let mut conn = mysql::connect(my).await?;
        let mut realm = mysql::inspect_realm(&mut conn, database).await?;
        for schema in realm.schemas.values_mut() {
            schema.tables.remove(REVISIONS_TABLE);
        }
        Ok(realm)
    }

    async fn open_target(&self, spec: &TargetSpec) -> Result<Box<dyn MigrationTarget>> {
        Ok(Box::new(MysqlTarget::connect(mysql_url(&spec.url)?).await?))
    }

    async fn create_database(&self, url: &DbUrl) -> Result<bool> {
        mysql::create_database(mysql_url(url)?).await
    }

    async fn drop_database(&self, url: &DbUrl) -> Result<bool> {
        mysql::drop_database(mysql_url(url)?).await
    }

    async fn database_exists(&self, url: &DbUrl) -> Result<bool> {
        mysql::database_exists(mysql_url(url)?).await
    }

    async fn wait_until_ready(&self, url: &DbUrl, timeout: Duration) -> Result<Duration> {
        mysql::wait_until_ready(mysql_url(url)?, timeout).await
    }

    fn database_label(&self, url: &DbUrl) -> String {
        match mysql_url(url).ok().and_then(|my| my.database()) {
            Some(name) => format!("database {name}"),
            None => format!("database {url}"),
        }
    }
}
