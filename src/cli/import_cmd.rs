//! `migrate import --from TOOL DIR`: another tool's migration directory written as
//! schemactl's (every file plus `atlas.sum`, together or not at all).

use super::GlobalArgs;
use super::apply_cmd::OutputFormat;
use super::migrate_cmd::DirArgs;
use super::project::Settings;
use crate::dialect::{self, Dialect};
use crate::error::bad_input;
use crate::migrate::import::{
    AlembicProject, Imported, SourceTool, import_alembic, import_sql_files,
};
use crate::migrate::{MigrationDir, NewMigration};
use crate::url;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The tool that wrote the directory: alembic, dbmate, golang-migrate, flyway or goose.
    #[arg(long = "from", value_name = "TOOL")]
    pub from: String,
    /// The tool's directory (for Alembic: the one holding alembic.ini, where alembic runs).
    #[arg(value_name = "DIR")]
    pub source: PathBuf,
    // Where to write, as the other migrate commands resolve it; it must hold no migrations.
    #[command(flatten)]
    pub dir: DirArgs,
    /// SQL dialect of the migrations: postgresql, sqlite, mysql or mariadb (default: for
    /// Alembic its sqlalchemy.url's, else the target URL's, else postgresql).
    #[arg(long)]
    pub dialect: Option<String>,
    /// Alembic's config file (default: DIR/alembic.ini).
    #[arg(long, value_name = "FILE")]
    pub alembic_config: Option<PathBuf>,
    /// What stdout gets: nothing (text; messages go to stderr) or the written files (json).
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

pub async fn import(global: &GlobalArgs, args: ImportArgs) -> Result<i32> {
    let tool: SourceTool = args.from.parse()?;
    let settings = Settings::load(global)?;
    let dir = settings.migration_dir(&args.dir)?;
    if dir.holds_migrations()? {
        return Err(bad_input(format!(
            "{} already holds migrations; import into an empty directory (--dir file://PATH)",
            dir.path().display()
        )));
    }
    let imported = read(tool, &args, &settings)?;
    if imported.migrations.is_empty() {
        return Err(bad_input(format!(
            "{}: no {tool} migrations to import",
            args.source.display()
        )));
    }
    for notice in &imported.notices {
        eprintln!("note: {notice}");
    }
    let written = write(&dir, &imported)?;
    eprintln!(
        "imported {} {tool} migration(s) from {} into {}",
        imported.migrations.len(),
        args.source.display(),
        dir.path().display()
    );
    match args.format {
        OutputFormat::Text => {
            for path in &written {
                eprintln!("wrote {}", path.display());
            }
        }
        OutputFormat::Json => {
            let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
            let summary = serde_json::json!({
                "from": tool.to_string(),
                "source": args.source.display().to_string(),
                "migrations": imported.migrations.len(),
                "files": files,
            });
            println!("{}", serde_json::to_string_pretty(&summary)?);
        }
    }
    Ok(0)
}

/// The tool's migrations, in order, with the SQL flavour of their dialect.
fn read(tool: SourceTool, args: &ImportArgs, settings: &Settings) -> Result<Imported> {
    if tool == SourceTool::Alembic {
        let project = AlembicProject::read(&args.source, args.alembic_config.as_deref())?;
        let name = args
            .dialect
            .clone()
            .or(project.backend.clone())
            .ok_or_else(|| {
                bad_input(format!(
                    "{}: the Alembic config has no sqlalchemy.url to tell the SQL dialect; pass \
                 --dialect",
                    args.source.display()
                ))
            })?;
        let dialect = dialect::of_sqlalchemy_name(&name)?;
        return import_alembic(&project, dialect.lexer_flavor());
    }
    if args.alembic_config.is_some() {
        return Err(bad_input("--alembic-config is for --from alembic"));
    }
    let dialect = sql_files_dialect(args.dialect.as_deref(), settings)?;
    import_sql_files(tool, &args.source, dialect.lexer_flavor())
}

/// `--dialect`, else the target's (flag-less: the env's `url` or `$DATABASE_URL`), else the
/// default dialect.
fn sql_files_dialect(flag: Option<&str>, settings: &Settings) -> Result<&'static dyn Dialect> {
    if let Some(name) = flag {
        return dialect::of_sqlalchemy_name(name);
    }
    let target = settings
        .target_url_text(None)
        .and_then(|u| url::parse(&u).ok());
    dialect::of_run(None, &target.iter().collect::<Vec<_>>())
}

fn write(dir: &MigrationDir, imported: &Imported) -> Result<Vec<PathBuf>> {
    let migrations: Vec<NewMigration> = imported
        .migrations
        .iter()
        .map(|m| NewMigration {
            version: m.version.clone(),
            name: m.name.clone(),
            up: m.text(),
            down: None,
        })
        .collect();
    dir.write_migrations(&migrations)
}
