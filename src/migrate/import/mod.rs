//! `migrate import`: another tool's migration directory read into a list of
//! [`ImportedMigration`]s in apply order, for `MigrationDir::write_migrations` to write as
//! schemactl's files plus `atlas.sum`.
//!
//! One file per tool reads its layout: `dbmate`, `golang_migrate`, `goose`, `flyway` (plain SQL
//! files, read here) and `alembic` (runs Alembic's offline mode; its revision graph is put in
//! order by `order`). What they produce is plain data; only reading the directory and running
//! Alembic do I/O. Every problem is bad input naming the file or revision, before anything is
//! written.

mod alembic;
mod dbmate;
mod flyway;
mod golang_migrate;
mod goose;
mod order;

pub use alembic::{AlembicProject, import_alembic};

use super::format::{DirFormat, FileName, compare_versions};
use crate::error::bad_input;
use crate::sql::Flavor;
use anyhow::{Context, Result};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The tools whose directories `migrate import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceTool {
    Alembic,
    Dbmate,
    GolangMigrate,
    Flyway,
    Goose,
}

const TOOLS: &str = "alembic, dbmate, golang-migrate, flyway, goose";

impl FromStr for SourceTool {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<SourceTool> {
        match s.to_ascii_lowercase().as_str() {
            "alembic" => Ok(SourceTool::Alembic),
            "dbmate" => Ok(SourceTool::Dbmate),
            "golang-migrate" | "migrate" => Ok(SourceTool::GolangMigrate),
            "flyway" => Ok(SourceTool::Flyway),
            "goose" => Ok(SourceTool::Goose),
            _ => Err(bad_input(format!(
                "--from {s}: unknown tool; migrate import reads {TOOLS}"
            ))),
        }
    }
}

impl fmt::Display for SourceTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceTool::Alembic => "alembic",
            SourceTool::Dbmate => "dbmate",
            SourceTool::GolangMigrate => "golang-migrate",
            SourceTool::Flyway => "flyway",
            SourceTool::Goose => "goose",
        })
    }
}

/// One migration of the source tool, as schemactl will write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedMigration {
    /// Digits; the order of the list is the order of these versions.
    pub version: String,
    pub name: String,
    /// The SQL to apply, without the source tool's own markers or bookkeeping.
    pub sql: String,
    /// Lines of the file's leading comment: where the migration came from.
    pub note: Vec<String>,
    /// Header directives the SQL needs, e.g. `atlas:txmode none` (without the `-- `).
    pub directives: Vec<String>,
}

impl ImportedMigration {
    /// The file's text: directives, the note, a blank line, then the SQL.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for directive in &self.directives {
            out.push_str(&format!("-- {directive}\n"));
        }
        for line in &self.note {
            out.push_str(&format!("-- {line}\n"));
        }
        let sql = self.sql.trim_matches('\n');
        if !sql.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(sql);
            out.push('\n');
        }
        out
    }
}

/// What an import read: the migrations in order, and notes for the user (skipped files).
#[derive(Debug, Default)]
pub struct Imported {
    pub migrations: Vec<ImportedMigration>,
    pub notices: Vec<String>,
}

/// Reads the directory of a tool whose migrations are SQL files (every tool but Alembic).
/// `flavor` is the SQL flavour the files are written in (it decides where goose's statement
/// blocks need a delimiter of their own).
pub fn import_sql_files(tool: SourceTool, dir: &Path, flavor: &Flavor) -> Result<Imported> {
    let files = read_dir(dir)?;
    let mut imported = match tool {
        SourceTool::Dbmate => dbmate::import(&files)?,
        SourceTool::GolangMigrate => golang_migrate::import(&files)?,
        SourceTool::Goose => goose::import(&files, flavor)?,
        SourceTool::Flyway => flyway::import(&files)?,
        SourceTool::Alembic => {
            return Err(bad_input(
                "alembic projects are imported with import_alembic, not as SQL files",
            ));
        }
    };
    in_version_order(&mut imported.migrations, dir)?;
    Ok(imported)
}

/// One file of the source directory.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    pub name: String,
    pub text: String,
}

/// Every regular file directly in `dir`, sorted by name; a missing directory or a file that is
/// not UTF-8 text is bad input.
fn read_dir(dir: &Path) -> Result<Vec<SourceFile>> {
    if !dir.is_dir() {
        return Err(bad_input(format!(
            "{}: no such directory to import",
            dir.display()
        )));
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !path.is_file() || name.starts_with('.') {
            continue;
        }
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| bad_input(format!("{}: not UTF-8 text", path.display())))?;
        files.push(SourceFile {
            name: name.to_string(),
            text,
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// The `.sql` files of `files` with their names taken apart as `format` reads them; a name that
/// does not follow it is bad input naming the file (other files, a README, are passed over).
fn named_sql_files<'a>(
    files: &'a [SourceFile],
    format: DirFormat,
    tool: &str,
) -> Result<Vec<(FileName, &'a SourceFile)>> {
    files
        .iter()
        .filter(|f| f.name.ends_with(".sql"))
        .map(|file| match format.parse_file_name(&file.name) {
            Some(parsed) => Ok((parsed, file)),
            None => Err(bad_input(format!(
                "{}: not a {tool} file name ({})",
                file.name,
                format.pattern()
            ))),
        })
        .collect()
}

/// Sorts by numeric version, refuses a version used twice, and pads every version with leading
/// zeros to the widest one as written (`00001` stays `00001`): the value stays (`7` and `007` are one version to schemactl), and the
/// name order Atlas applies files in becomes the version order (`10_x.sql` sorts before
/// `9_y.sql`, `10_x.sql` after `09_y.sql`).
fn in_version_order(migrations: &mut [ImportedMigration], dir: &Path) -> Result<()> {
    migrations.sort_by(|a, b| compare_versions(&a.version, &b.version));
    for pair in migrations.windows(2) {
        if compare_versions(&pair[0].version, &pair[1].version).is_eq() {
            return Err(bad_input(format!(
                "{}: version {} is used by both `{}` and `{}`",
                dir.display(),
                pair[1].version,
                pair[0].name,
                pair[1].name
            )));
        }
    }
    let width = migrations
        .iter()
        .map(|m| m.version.len())
        .max()
        .unwrap_or(0);
    for migration in migrations {
        let value = migration.version.trim_start_matches('0');
        migration.version = format!("{value:0>width$}");
    }
    Ok(())
}

/// The statements of `sql` as `flavor` splits them, joined again one per paragraph with `;`.
fn joined_statements(flavor: &Flavor, sql: &str) -> Vec<String> {
    crate::sql::split_statements_for(flavor, sql)
        .into_iter()
        .map(|s| s.text)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source file for the tools' tests.
    pub(super) fn file(name: &str, text: &str) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    fn migration(version: &str, name: &str) -> ImportedMigration {
        ImportedMigration {
            version: version.into(),
            name: name.into(),
            sql: String::new(),
            note: Vec::new(),
            directives: Vec::new(),
        }
    }

    #[test]
    fn versions_are_ordered_and_padded_to_one_width() {
        let mut list = vec![
            migration("10", "c"),
            migration("9", "b"),
            migration("1", "a"),
        ];
        in_version_order(&mut list, Path::new("m")).unwrap();
        let versions: Vec<&str> = list.iter().map(|m| m.version.as_str()).collect();
        assert_eq!(versions, ["01", "09", "10"]);
        // The widest version as written sets the width: goose's `00001` stays.
        let mut list = vec![migration("00002", "b"), migration("1", "a")];
        in_version_order(&mut list, Path::new("m")).unwrap();
        assert_eq!(
            (list[0].version.as_str(), list[1].version.as_str()),
            ("00001", "00002")
        );
    }

    #[test]
    fn a_version_used_twice_is_bad_input_naming_both() {
        let mut list = vec![migration("1", "a"), migration("01", "b")];
        let error = in_version_order(&mut list, Path::new("m")).unwrap_err();
        assert_eq!(crate::error::exit_code(&error), 2);
        assert!(error.to_string().contains("`a` and `b`"), "{error}");
    }

    #[test]
    fn text_puts_directives_and_note_above_the_sql() {
        let mut m = migration("1", "a");
        m.directives = vec!["atlas:txmode none".into()];
        m.note = vec!["from x".into()];
        m.sql = "\nselect 1;\n".into();
        assert_eq!(m.text(), "-- atlas:txmode none\n-- from x\n\nselect 1;\n");
        m.sql.clear();
        assert_eq!(m.text(), "-- atlas:txmode none\n-- from x\n");
    }

    #[test]
    fn unknown_tools_are_bad_input_listing_the_known_ones() {
        assert_eq!("Goose".parse::<SourceTool>().unwrap(), SourceTool::Goose);
        let error = "liquibase".parse::<SourceTool>().unwrap_err();
        assert_eq!(crate::error::exit_code(&error), 2);
        assert!(error.to_string().contains(TOOLS));
    }
}
