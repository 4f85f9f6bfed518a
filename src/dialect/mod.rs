//! The one dialect seam: every question whose answer depends on the database engine is asked
//! here, of a [`Dialect`], and answered in that dialect's file (`postgres.rs`, `sqlite.rs`).
//!
//! Nothing outside this module (and the dialect's own driver, planner and diff policy) matches
//! on a dialect or on a database URL's kind. A new dialect is a new file here implementing
//! [`Dialect`], listed in [`DIALECTS`], plus its driver (`driver::<dialect>`), its planner
//! (`plan::<dialect>`) with its diff policy, and its URL type (`url::<dialect>`).

mod dev;
mod lint_traits;
mod mysql;
mod postgres;
mod sqlite;

pub use crate::plan::type_cost::TypeCost;
pub use dev::Dev;
pub use lint_traits::LintTraits;
pub use mysql::MYSQL;
pub use postgres::POSTGRES;
pub use sqlite::SQLITE;

use crate::diff::{Change, DiffPolicy};
use crate::error::bad_input;
use crate::migrate::{MigrationTarget, TargetSpec};
use crate::plan::Plan;
use crate::schema::Realm;
use crate::sql::Flavor;
use crate::url::DbUrl;
use anyhow::Result;
use async_trait::async_trait;
use std::time::Duration;

/// Every dialect schemactl speaks, asked in this order which one a URL belongs to.
pub static DIALECTS: &[&dyn Dialect] = &[&POSTGRES, &SQLITE, &MYSQL];

/// One database engine, as the rest of schemactl sees it.
///
/// URLs handed to a dialect are ones it [`owns`](Dialect::owns); the methods may assume so.
#[async_trait(?Send)]
pub trait Dialect: Sync + std::fmt::Debug {
    /// The engine's name in messages, e.g. `PostgreSQL`.
    fn name(&self) -> &'static str;

    /// Whether `url` names a database (or dev database) of this dialect.
    fn owns(&self, url: &DbUrl) -> bool;

    /// The name SQLAlchemy (and so our provider's `--dialect`) gives this dialect's SQL for
    /// the target `url` (one this dialect owns), e.g. `postgresql`.
    fn sqlalchemy_name(&self, url: &DbUrl) -> &'static str;

    /// Every name SQLAlchemy gives this dialect's backends (a URL's `get_backend_name()`,
    /// `--dialect`), e.g. `mysql` and `mariadb`.
    fn sqlalchemy_names(&self) -> &'static [&'static str];

    // --- The model -------------------------------------------------------------------------

    /// The schema an unqualified name lives in (`public`, `main`).
    fn default_schema(&self) -> &'static str;

    /// The model of a freshly created, empty database.
    fn empty_realm(&self) -> Realm;

    /// The dialect's planner: the statements that carry out `changes` (from `current` to
    /// `desired`), with their reverses and risks.
    fn plan(&self, current: &Realm, desired: &Realm, changes: &[Change]) -> Result<Plan>;

    /// The dialect's answers to what the diff cannot tell from the two models alone (what is
    /// altered in place, what must be re-created).
    fn diff_policy(&self) -> &'static dyn DiffPolicy;

    /// How the dialect's SQL lexes (quotes, comments, bodies that hold `;`): what its scripts
    /// are split and read with.
    fn lexer_flavor(&self) -> &'static Flavor;

    /// What `migrate lint`'s rules need to know of this dialect; bad input (saying why) where
    /// they do not apply to it.
    fn lint_traits(&self) -> Result<&'static LintTraits>;

    // --- Dev databases ---------------------------------------------------------------------

    /// The dev database of a run: from `url` (one this dialect owns), or this dialect's
    /// default dev database when there is none.
    fn dev(&'static self, url: Option<&DbUrl>) -> Result<Dev>;

    // --- Live databases --------------------------------------------------------------------

    /// The model of the live database `url` names, without the migration runner's own tables
    /// (a diff against a migrated database would otherwise drop them).
    async fn inspect(&self, url: &DbUrl) -> Result<Realm>;

    /// The migration target `spec.url` names, connected.
    async fn open_target(&self, spec: &TargetSpec) -> Result<Box<dyn MigrationTarget>>;

    /// Creates the database `url` names; `false` when it already existed.
    async fn create_database(&self, url: &DbUrl) -> Result<bool>;

    /// Drops the database `url` names; `false` when it did not exist.
    async fn drop_database(&self, url: &DbUrl) -> Result<bool>;

    async fn database_exists(&self, url: &DbUrl) -> Result<bool>;

    /// Waits until the database can be connected to; returns how long that took.
    async fn wait_until_ready(&self, url: &DbUrl, timeout: Duration) -> Result<Duration>;

    /// The database `url` names, for messages: `database NAME`, `database file PATH`.
    fn database_label(&self, url: &DbUrl) -> String;

    /// What `db wait` reports once [`wait_until_ready`](Dialect::wait_until_ready) returned.
    fn ready_message(&self, waited: Duration) -> String {
        format!(
            "the server accepts connections (after {} ms)",
            waited.as_millis()
        )
    }
}

/// The dialect of a database URL (a target, a dev database, a state to inspect); bad input for
/// URLs that name no database (`file://`) or an engine schemactl does not speak yet.
pub fn of_database(url: &DbUrl) -> Result<&'static dyn Dialect> {
    if let Some(dialect) = owner(url) {
        return Ok(dialect);
    }
    Err(bad_input(match url {
        DbUrl::Docker(docker) => format!(
            "{docker}: {engine} containers can be started, but schemactl cannot inspect \
             {engine} schemas yet; use a database of {}",
            spoken(),
            engine = docker.engine().as_str(),
        ),
        DbUrl::File(_) => format!("{url}: names SQL files, not a database"),
        _ => format!(
            "{url}: schemactl cannot connect to this kind of database yet; it speaks {}",
            spoken()
        ),
    }))
}

/// The dialect SQLAlchemy calls `name` (`postgresql`, `sqlite`, `mysql`, `mariadb`); bad input
/// listing the known names otherwise.
pub fn of_sqlalchemy_name(name: &str) -> Result<&'static dyn Dialect> {
    let name = name.to_ascii_lowercase();
    DIALECTS
        .iter()
        .copied()
        .find(|d| d.sqlalchemy_names().contains(&name.as_str()))
        .ok_or_else(|| {
            let known: Vec<&str> = DIALECTS
                .iter()
                .flat_map(|d| d.sqlalchemy_names().iter().copied())
                .collect();
            bad_input(format!(
                "dialect `{name}`: schemactl speaks {}",
                known.join(", ")
            ))
        })
}

/// The dialect `url` belongs to, when it names a database of a dialect schemactl speaks.
pub fn owner(url: &DbUrl) -> Option<&'static dyn Dialect> {
    DIALECTS.iter().copied().find(|d| d.owns(url))
}

/// The dialect of a run: the dev URL's when one is given, else the first of `targets` that
/// names a database, else PostgreSQL. Every target that names a database must be of that
/// dialect (their models do not compare otherwise).
pub fn of_run(dev_url: Option<&DbUrl>, targets: &[&DbUrl]) -> Result<&'static dyn Dialect> {
    let dialect = match dev_url {
        Some(url) => of_database(url)?,
        None => targets.iter().find_map(|t| owner(t)).unwrap_or(&POSTGRES),
    };
    for target in targets {
        if let Some(other) = owner(target)
            && other.name() != dialect.name()
        {
            return Err(bad_input(format!(
                "{target} is {} but the dev database is {}: both states must be of one dialect (choose the dev URL to match)",
                other.name(),
                dialect.name()
            )));
        }
    }
    Ok(dialect)
}

/// The run's dev database: the dev URL's, else the default dev database of the run's dialect.
pub fn open_dev(dev_url: Option<&DbUrl>, targets: &[&DbUrl]) -> Result<Dev> {
    of_run(dev_url, targets)?.dev(dev_url)
}

fn spoken() -> String {
    let names: Vec<&str> = DIALECTS.iter().map(|d| d.name()).collect();
    names.join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::parse;

    fn dialect_of(url: &str) -> Result<&'static str> {
        of_database(&parse(url).unwrap()).map(|d| d.name())
    }

    #[test]
    fn each_database_url_has_one_dialect() {
        assert_eq!(dialect_of("postgres://h/db").unwrap(), "PostgreSQL");
        assert_eq!(
            dialect_of("docker://postgres/15/dev").unwrap(),
            "PostgreSQL"
        );
        assert_eq!(dialect_of("sqlite://x.db").unwrap(), "SQLite");
        assert_eq!(dialect_of("mysql://h/db").unwrap(), "MySQL");
        for url in DIALECTS.iter().map(|d| d.name()) {
            assert_eq!(DIALECTS.iter().filter(|d| d.name() == url).count(), 1);
        }
    }

    /// A `file://` URL of a file that exists (parsing resolves it).
    fn file_url(dir: &tempfile::TempDir) -> String {
        let path = dir.path().join("schema.sql");
        std::fs::write(&path, "CREATE TABLE t (id int);").unwrap();
        format!("file://{}", path.display())
    }

    #[test]
    fn urls_of_no_spoken_dialect_are_bad_input() {
        let dir = tempfile::tempdir().unwrap();
        let error = dialect_of(&file_url(&dir)).unwrap_err();
        assert_eq!(crate::error::exit_code(&error), 2);
        assert!(error.to_string().contains("names SQL files"), "{error}");
    }

    #[test]
    fn mysql_and_mariadb_urls_and_containers_are_mysql() {
        for url in [
            "mysql://root:secret@h/db",
            "mariadb://h/db",
            "docker://mysql/8/dev",
            "docker://mariadb/11/dev",
            "docker+mariadb://schemactl-test/mariadb:10.11/dev",
        ] {
            assert_eq!(dialect_of(url).unwrap(), "MySQL", "{url}");
        }
    }

    #[test]
    fn the_diff_reads_texts_in_the_dialects_own_flavour() {
        for dialect in DIALECTS {
            assert_eq!(
                dialect.diff_policy().flavor(),
                dialect.lexer_flavor(),
                "{}",
                dialect.name()
            );
        }
        assert_ne!(POSTGRES.lexer_flavor(), SQLITE.lexer_flavor());
    }

    #[test]
    fn a_run_takes_the_dev_urls_dialect_else_the_targets() {
        let lite = parse("sqlite://a.db").unwrap();
        let pg = parse("postgres://h/db").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let files = parse(&file_url(&dir)).unwrap();
        assert_eq!(of_run(None, &[&files]).unwrap().name(), "PostgreSQL");
        assert_eq!(of_run(None, &[&files, &lite]).unwrap().name(), "SQLite");
        assert_eq!(of_run(Some(&pg), &[&files]).unwrap().name(), "PostgreSQL");
        let mixed = of_run(Some(&pg), &[&lite]).unwrap_err();
        assert_eq!(crate::error::exit_code(&mixed), 2);
        assert!(of_run(None, &[&pg, &lite]).is_err());
    }
}
