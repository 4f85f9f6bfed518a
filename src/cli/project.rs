//! Settings of one command: flags first, then the chosen environment of the project file.

use super::GlobalArgs;
use super::migrate_cmd::DirArgs;
use crate::cache::Cache;
use crate::config::{self, Env, RenameKind, Source};
use crate::dialect;
use crate::dialect::Dev;
use crate::diff::{DiffOptions, RenameHint, Scope, Skip};
use crate::error::bad_input;
use crate::migrate::{DirFormat, MigrationDir};
use crate::provider::{ProgramSpec, sqlalchemy};
use crate::schema::QualifiedName;
use crate::url::{self, DbUrl};
use crate::workflow::DesiredSource;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::time::Duration;

const DEFAULT_DIR: &str = "file://migrations";
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(300);
const PROVIDER_MAX_OUTPUT: usize = 64 << 20;

pub struct Settings {
    env: Option<Env>,
    cache: Option<Cache>,
    /// `--models MODULE` of the short `new --auto`: the SQLAlchemy provider on that module
    /// is the desired state when nothing else names one.
    models: Option<String>,
    /// `--url` of a command whose target only picks the dialect (the short `new`).
    url_flag: Option<String>,
}

/// The target database of a project with no project file (as dbmate, Rails and others read it).
const DATABASE_URL: &str = "DATABASE_URL";

impl Settings {
    /// Loads the project file when `--env` names an environment.
    pub fn load(global: &GlobalArgs) -> Result<Settings> {
        let cache = global.cache()?;
        let Some(name) = &global.env else {
            return Ok(Settings {
                env: None,
                cache,
                models: None,
                url_flag: None,
            });
        };
        let vars = global
            .vars
            .iter()
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) => Ok((k.to_string(), v.to_string())),
                None => Err(bad_input(format!("--var {pair}: expected NAME=VALUE"))),
            })
            .collect::<Result<Vec<_>>>()?;
        let project = config::load_project(Path::new(&global.config), &vars)?;
        Ok(Settings {
            env: Some(project.env(name)?.clone()),
            cache,
            models: None,
            url_flag: None,
        })
    }

    /// The SQLAlchemy models `module` as the desired state, printed for the dialect of the
    /// target (`url`, else the env's `url`, else `DATABASE_URL`).
    pub fn with_models(mut self, module: Option<String>, url: Option<String>) -> Settings {
        self.models = module;
        self.url_flag = url;
        self
    }

    /// The target database's URL: `flag`, else the env's `url`, else `$DATABASE_URL`.
    pub fn target_url_text(&self, flag: Option<&str>) -> Option<String> {
        let env_url = self.env.as_ref().and_then(|e| e.url.clone());
        let from_environment = std::env::var(DATABASE_URL).ok().filter(|u| !u.is_empty());
        flag.map(str::to_string)
            .or_else(|| self.url_flag.clone())
            .or(env_url)
            .or(from_environment)
    }

    /// [`Settings::target_url_text`], parsed; bad input when none is given.
    pub fn target_url(&self, flag: Option<&str>) -> Result<DbUrl> {
        match self.target_url_text(flag) {
            Some(u) => url::parse(&u),
            None => Err(bad_input(
                "no target database: pass --url URL, set DATABASE_URL, or pass --env NAME with \
                 an env that sets `url`",
            )),
        }
    }

    /// The chosen environment, if any.
    pub fn env(&self) -> Option<&Env> {
        self.env.as_ref()
    }

    pub fn migration_dir(&self, args: &DirArgs) -> Result<MigrationDir> {
        let env_dir = self.env.as_ref().and_then(|e| e.migration.dir.clone());
        let dir = args
            .dir
            .clone()
            .or(env_dir)
            .unwrap_or_else(|| DEFAULT_DIR.to_string());
        let env_format = self.env.as_ref().and_then(|e| e.migration.format.clone());
        let format: DirFormat = match args.dir_format.clone().or(env_format) {
            Some(f) => f.parse()?,
            None => DirFormat::Atlas,
        };
        MigrationDir::open(&dir_path(&dir)?, format)
    }

    pub fn desired_source(&self, to: Option<&str>) -> Result<DesiredSource> {
        if let Some(to) = to {
            return Ok(DesiredSource::Url(url::parse(to)?));
        }
        match self.env.as_ref().and_then(|e| e.src.clone()) {
            Some(Source::Url(u)) => Ok(DesiredSource::Url(url::parse(&u)?)),
            Some(Source::External(ext)) => Ok(DesiredSource::Program(ProgramSpec {
                name: ext.name.clone(),
                argv: ext.program.clone(),
                working_dir: ext.working_dir.clone(),
                timeout: ext.timeout.unwrap_or(PROVIDER_TIMEOUT),
                max_output: PROVIDER_MAX_OUTPUT,
                inputs: ext.inputs.clone(),
                inputs_env: ext.inputs_env.clone(),
            })),
            None => match &self.models {
                Some(module) => self.models_program(module),
                None => Err(bad_input(
                    "no desired state: pass --to URL, --models MODULE (with --auto), or --env \
                     NAME with an env that sets `src`",
                )),
            },
        }
    }

    fn models_program(&self, module: &str) -> Result<DesiredSource> {
        let target = self.target_url(None).map_err(|_| {
            bad_input(format!(
                "--models {module}: no target database says which SQL dialect to print the \
                 models for: pass --url URL or set DATABASE_URL"
            ))
        })?;
        let dialect = dialect::of_database(&target)?.sqlalchemy_name(&target);
        Ok(DesiredSource::Program(sqlalchemy::models_program(
            module,
            dialect,
            PROVIDER_TIMEOUT,
            PROVIDER_MAX_OUTPUT,
        )))
    }

    /// The dev database: `--dev-url`, else the env's `dev`, else the default dev database of
    /// the targets' dialect (see [`dialect::of_run`]). The env's `url` counts as a target: a
    /// project whose desired state is a program or files says its dialect there.
    pub fn dev(&self, flag: Option<&str>, targets: &[&DbUrl]) -> Result<Dev> {
        let url = self.dev_url(flag)?;
        let env_url = self.target_url_text(None).and_then(|u| url::parse(&u).ok());
        let targets: Vec<&DbUrl> = targets.iter().copied().chain(env_url.as_ref()).collect();
        Ok(dialect::open_dev(url.as_ref(), &targets)?.with_cache(self.cache.clone()))
    }

    /// `--dev-url`, else the env's `dev`, parsed.
    pub fn dev_url(&self, flag: Option<&str>) -> Result<Option<DbUrl>> {
        self.dev_url_text(flag)
            .as_deref()
            .map(url::parse)
            .transpose()
    }

    fn dev_url_text(&self, flag: Option<&str>) -> Option<String> {
        let env_dev = self
            .env
            .as_ref()
            .and_then(|e| e.dev.clone())
            .filter(|d| !d.is_empty());
        flag.map(str::to_string).or(env_dev)
    }

    /// The env's `lint { }` settings (defaults without an env or block).
    pub fn lint_config(&self) -> config::LintConfig {
        self.env
            .as_ref()
            .and_then(|e| e.lint.clone())
            .unwrap_or_default()
    }

    /// The env's diff options: rename hints, `schemas` and `exclude` (plus `migration {
    /// exclude }` when `for_migrations`), and `diff { skip { } }`. Patterns and skip names were
    /// checked when the project file was read.
    pub fn diff_options(&self, default_schema: &str, for_migrations: bool) -> Result<DiffOptions> {
        let Some(env) = &self.env else {
            return Ok(DiffOptions::default());
        };
        let mut exclude = env.exclude.clone();
        if for_migrations {
            exclude.extend(env.migration.exclude.iter().cloned());
        }
        Ok(DiffOptions {
            renames: self.rename_hints(default_schema)?,
            scope: Scope::new(&env.schemas, &exclude).map_err(bad_input)?,
            skip: Skip::new(&env.diff.skip).map_err(bad_input)?,
        })
    }

    /// The env's rename hints; names without a schema are in `default_schema`.
    pub fn rename_hints(&self, default_schema: &str) -> Result<Vec<RenameHint>> {
        let Some(env) = &self.env else {
            return Ok(Vec::new());
        };
        env.diff
            .renames
            .iter()
            .map(|hint| match hint.kind {
                RenameKind::Table => table_rename(&hint.from, &hint.to, default_schema),
                RenameKind::Column => column_rename(&hint.from, &hint.to, default_schema),
            })
            .collect()
    }
}

/// `file://path` of a migration directory; the directory need not exist yet.
fn dir_path(dir: &str) -> Result<PathBuf> {
    match dir.strip_prefix("file://") {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => Err(bad_input(format!(
            "migration directory {dir}: expected file://PATH"
        ))),
    }
}

/// `--rename OLD=NEW`: a column when NEW is a bare name and OLD has a dot, else a table.
/// Names without a schema are in `default_schema`.
pub fn parse_rename_flag(flag: &str, default_schema: &str) -> Result<RenameHint> {
    let Some((from, to)) = flag.split_once('=') else {
        return Err(bad_input(format!("--rename {flag}: expected OLD=NEW")));
    };
    if !to.contains('.') && from.contains('.') {
        column_rename(from, to, default_schema)
    } else {
        table_rename(from, to, default_schema)
    }
}

fn table_rename(from: &str, to: &str, default_schema: &str) -> Result<RenameHint> {
    Ok(RenameHint::Table {
        from: qualified(from, default_schema)?,
        to: qualified(to, default_schema)?,
    })
}

/// `[schema.]table.column` → `column`.
fn column_rename(from: &str, to: &str, default_schema: &str) -> Result<RenameHint> {
    let Some((table, column)) = from.rsplit_once('.') else {
        return Err(bad_input(format!(
            "rename {from}: expected [schema.]table.column"
        )));
    };
    Ok(RenameHint::Column {
        table: qualified(table, default_schema)?,
        from: column.to_string(),
        to: to.to_string(),
    })
}

fn qualified(name: &str, default_schema: &str) -> Result<QualifiedName> {
    match name.split('.').collect::<Vec<_>>().as_slice() {
        [table] if !table.is_empty() => Ok(QualifiedName::new(default_schema, *table)),
        [schema, table] if !schema.is_empty() && !table.is_empty() => {
            Ok(QualifiedName::new(*schema, *table))
        }
        _ => Err(bad_input(format!("{name}: expected [schema.]name"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_flag_with_bare_new_name_is_a_column_rename() {
        let hint = parse_rename_flag("users.fullname=name", "public").unwrap();
        assert_eq!(
            hint,
            RenameHint::Column {
                table: QualifiedName::new("public", "users"),
                from: "fullname".into(),
                to: "name".into()
            }
        );
    }

    #[test]
    fn rename_flag_between_tables_is_a_table_rename() {
        let hint = parse_rename_flag("app.users=app.accounts", "public").unwrap();
        assert_eq!(
            hint,
            RenameHint::Table {
                from: QualifiedName::new("app", "users"),
                to: QualifiedName::new("app", "accounts")
            }
        );
        let hint = parse_rename_flag("users=accounts", "main").unwrap();
        assert_eq!(
            hint,
            RenameHint::Table {
                from: QualifiedName::new("main", "users"),
                to: QualifiedName::new("main", "accounts")
            }
        );
    }

    #[test]
    fn malformed_rename_flag_is_bad_input() {
        let error = parse_rename_flag("users", "public").unwrap_err();
        assert_eq!(crate::error::exit_code(&error), 2);
    }
}
