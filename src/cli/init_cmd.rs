//! `init`: a commented `schemactl.hcl` for the project in the working directory: its
//! SQLAlchemy models as the desired state, `DATABASE_URL` as the target, `./migrations`.

use crate::dialect;
use crate::error::bad_input;
use crate::provider::sqlalchemy;
use crate::url;
use anyhow::Result;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The SQLAlchemy models module (default: the `models.py` or `models/` package found in
    /// the working directory or one level down).
    #[arg(long, value_name = "MODULE")]
    pub models: Option<String>,
    /// The SQL dialect: postgresql, sqlite, mysql or mariadb (default: `$DATABASE_URL`'s,
    /// else postgresql).
    #[arg(long)]
    pub dialect: Option<String>,
    /// Replace an existing project file.
    #[arg(long)]
    pub force: bool,
}

pub fn init(config: &str, args: InitArgs) -> Result<i32> {
    let path = PathBuf::from(config);
    if path.exists() && !args.force {
        return Err(bad_input(format!(
            "{}: already exists; pass --force to replace it",
            path.display()
        )));
    }
    let here = Path::new(".");
    let module = match args.models {
        Some(module) => module,
        None => find_models(here).ok_or_else(|| {
            bad_input(
                "no models.py or models/ package here or one level down: pass --models MODULE",
            )
        })?,
    };
    let dialect = match args.dialect {
        Some(name) => checked_dialect(&name)?,
        None => std::env::var("DATABASE_URL")
            .ok()
            .and_then(|u| url::parse(&u).ok())
            .and_then(|u| Some(dialect::of_database(&u).ok()?.sqlalchemy_name(&u)))
            .unwrap_or("postgresql"),
    };
    std::fs::write(&path, render(&module, dialect))
        .map_err(|e| bad_input(format!("cannot write {}: {e}", path.display())))?;
    eprintln!(
        "wrote {} (models {module}, dialect {dialect}); plan with `schemactl migrate diff NAME --env local`",
        path.display()
    );
    Ok(0)
}

fn checked_dialect(name: &str) -> Result<&'static str> {
    ["postgresql", "sqlite", "mysql", "mariadb"]
        .into_iter()
        .find(|known| *known == name)
        .ok_or_else(|| {
            bad_input(format!(
                "--dialect {name}: expected postgresql, sqlite, mysql or mariadb"
            ))
        })
}

/// `models` or `PKG.models` for a `models.py` or `models/` package in `dir` or one level down.
fn find_models(dir: &Path) -> Option<String> {
    let is_models = |path: &Path| {
        path.join("models.py").is_file() || path.join("models").join("__init__.py").is_file()
    };
    if is_models(dir) {
        return Some("models".to_string());
    }
    let mut packages: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_dir() && is_models(path))
        .collect();
    packages.sort();
    let name = packages.first()?.file_name()?.to_str()?.to_string();
    Some(format!("{name}.models"))
}

/// The project file: every attribute with a comment saying what it does.
fn render(module: &str, dialect: &str) -> String {
    let top = module.split('.').next().unwrap_or(module);
    let dev = match dialect {
        "sqlite" => "sqlite://dev?mode=memory",
        _ => "",
    };
    let dev_note = match dialect {
        "sqlite" => "fresh in-memory SQLite databases, nothing to start",
        _ => {
            "\"\": a local ephemeral server started per run; or docker://postgres/15/dev, or a server URL"
        }
    };
    format!(
        r#"# schemactl.hcl, written by `schemactl init`. See schemactl.hcl.example in schemactl's
# repository for every attribute.

# The desired state: the DDL our SQLAlchemy provider prints for the models.
data "external_schema" "models" {{
  # The provider's argv (no shell): the models module, imported from this directory.
  program = ["{command}", "--module", "{module}", "--dialect", "{dialect}"]
  # While these files are unchanged, the provider's last output is reused.
  inputs = ["{top}/**/*.py", "{top}.py"]
}}

# `--env local`: plan and run migrations.
env "local" {{
  # The desired state.
  src = data.external_schema.models.url
  # The target database that migrations apply to.
  url = getenv("DATABASE_URL")
  # The dev database plans are computed on ({dev_note}).
  dev = "{dev}"
  migration {{
    # The versioned migration directory.
    dir = "file://migrations"
  }}
}}
"#,
        command = sqlalchemy::COMMAND,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_file_loads_and_names_the_models() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schemactl.hcl");
        std::fs::write(&path, render("app.models", "sqlite")).unwrap();
        let project = crate::config::load_project(&path, &[]).unwrap();
        let env = project.env("local").unwrap();
        assert_eq!(env.dev.as_deref(), Some("sqlite://dev?mode=memory"));
        let external = &project.external_schemas["models"];
        assert_eq!(external.program[2], "app.models");
        assert_eq!(external.inputs, ["app/**/*.py", "app.py"]);
    }

    #[test]
    fn models_are_found_here_or_one_level_down() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(find_models(dir.path()), None);
        std::fs::create_dir(dir.path().join("shop")).unwrap();
        std::fs::write(dir.path().join("shop/models.py"), "").unwrap();
        assert_eq!(find_models(dir.path()).as_deref(), Some("shop.models"));
        std::fs::write(dir.path().join("models.py"), "").unwrap();
        assert_eq!(find_models(dir.path()).as_deref(), Some("models"));
    }
}
