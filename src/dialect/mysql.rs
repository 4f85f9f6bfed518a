//! MySQL and MariaDB: `mysql://` and `mariadb://` databases, and `docker://mysql/…` and
//! `docker://mariadb/…` dev containers. The database is the scope of a state; the model keys
//! it as the one schema `main` whatever the database is called (dev scratch databases and
//! targets have different names, and SQL is never schema-qualified here).

use super::Dev;
use super::{Dialect, LintTraits};
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

    fn sqlalchemy_name(&self, url: &DbUrl) -> &'static str {
        match url {
            DbUrl::Mysql(mysql) => mysql.flavor().scheme(),
            DbUrl::Docker(docker) if docker.engine() == DockerEngine::Mariadb => "mariadb",
            _ => "mysql",
        }
    }

    fn sqlalchemy_names(&self) -> &'static [&'static str] {
        &["mysql", "mariadb"]
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

    fn lint_traits(&self) -> Result<&'static LintTraits> {
        Ok(&MYSQL_LINT)
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

/// MySQL commits each DDL statement, copies or rebuilds tables under its own online-DDL rules
/// (not PostgreSQL's lock levels), and fits existing values into a change where PostgreSQL
/// refuses it.
static MYSQL_LINT: LintTraits = LintTraits {
    grammar: &sqlparser::dialect::MySqlDialect {},
    flavor: &mysql::FLAVOR,
    default_schema: mysql::SCOPE,
    folds_unquoted_names: false,
    transactional_ddl: false,
    lock_rules: false,
    style_rules: false,
    coerces_existing_values: true,
    max_identifier_bytes: 64,
    type_cost: crate::plan::mysql::type_cost,
    help: &[
        (
            "MF101",
            "Look for duplicates first (GROUP BY the columns HAVING COUNT(*) > 1); on a big \
             table add the index with ALGORITHM=INPLACE, LOCK=NONE so writes go on.",
        ),
        (
            "MF104",
            "Backfill the NULLs first (UPDATE … WHERE col IS NULL), then MODIFY the column NOT \
             NULL: in strict mode a NULL left fails the ALTER, without it it becomes the zero value.",
        ),
        (
            "MF106",
            "Fix the rows that break the check first: MySQL checks every row when the \
             constraint is added (MariaDB only when check_constraint_checks is on).",
        ),
        (
            "MF107",
            "Delete or fix orphaned rows first; the key is checked against every row (unless \
             foreign_key_checks = 0, which then leaves the orphans in place).",
        ),
        (
            "MF108",
            "Make sure the columns are NOT NULL and unique first; adding a primary key copies \
             the table.",
        ),
        (
            "BC105",
            "Make sure every reader handles NULL before making the column nullable.",
        ),
    ],
};
