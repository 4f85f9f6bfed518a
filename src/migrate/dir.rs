//! A migration directory on disk: listing and parsing its files, checking and writing its sum,
//! and adding migrations to it.
//!
//! The sum file `atlas.sum` is kept for every format (for dbmate and golang-migrate it is
//! schemactl's integrity check; those tools ignore it). It covers every `*.sql` file in the
//! directory (not subdirectories, not other files such as a README), including golang-migrate's
//! `.down.sql` files and files whose names do not follow the format, in byte order of their
//! names (as Atlas sorts them), except files whose header says `-- atlas:sum ignore`.

use super::atomic::{PendingFile, write_all_or_nothing};
use super::directives::Directives;
use super::format::{
    DirFormat, FileName, FilePart, compare_versions, is_valid_version, sanitize_name,
};
use super::sum::{SUM_FILE_NAME, SumFile};
use crate::error::bad_input;
use crate::sql::{self, Flavor, SplitStatement};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// A migration directory of one format. It may not exist yet (then it is empty).
#[derive(Debug, Clone)]
pub struct MigrationDir {
    path: PathBuf,
    format: DirFormat,
}

/// One migration: its version, name and SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    pub version: String,
    pub name: String,
    /// The file holding the up part (the only file for Atlas and dbmate).
    pub path: PathBuf,
    /// The SQL to apply: the whole file (Atlas, golang-migrate) or the `-- migrate:up` section.
    pub up: String,
    /// 1-based line in `path` where `up` starts.
    pub up_line: usize,
    /// The SQL to revert, when the format has it (dbmate section, golang-migrate `.down.sql`).
    pub down: Option<String>,
    pub directives: Directives,
}

impl MigrationFile {
    /// The statements of the up part as `flavor` splits them, at the file's delimiter; lines are
    /// the file's lines.
    pub fn statements(&self, flavor: &Flavor) -> Vec<SplitStatement> {
        let mut statements =
            sql::split_statements_for_with(flavor, &self.up, self.directives.delimiter.as_deref());
        for statement in &mut statements {
            statement.line += self.up_line - 1;
        }
        statements
    }

    /// The file name of `path`, for messages.
    pub fn file_name(&self) -> String {
        file_name_of(&self.path)
    }
}

/// A migration to write: [`MigrationDir::write_migrations`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMigration {
    pub version: String,
    /// The name as given; sanitized for the file name when written.
    pub name: String,
    pub up: String,
    pub down: Option<String>,
}

/// The files of one version while listing: the up (or whole) file and a down file's name and text.
#[derive(Default)]
struct VersionFiles {
    up: Option<MigrationFile>,
    down: Option<(String, String)>,
}

/// A `.sql` file as read from disk.
struct RawFile {
    name: String,
    bytes: Vec<u8>,
}

impl MigrationDir {
    /// Opens (does not create) a directory; a path that exists and is not a directory is an error.
    pub fn open(path: &Path, format: DirFormat) -> Result<MigrationDir> {
        if path.exists() && !path.is_dir() {
            return Err(bad_input(format!(
                "migration directory {} is not a directory",
                path.display()
            )));
        }
        Ok(MigrationDir {
            path: path.to_path_buf(),
            format,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn format(&self) -> DirFormat {
        self.format
    }

    /// The migrations, in the order they apply: by file name for Atlas (as Atlas does), by
    /// numeric version for dbmate and golang-migrate. A `.sql` file whose name does not follow
    /// the format, a duplicate version or a golang-migrate `.down.sql` without its `.up.sql`
    /// is bad input naming the file.
    pub fn files(&self) -> Result<Vec<MigrationFile>> {
        // Keyed by the version without leading zeros: `01` and `1` are the same version.
        let mut by_version: BTreeMap<String, VersionFiles> = BTreeMap::new();
        for raw in self.read_sql_files()? {
            let parsed = self.format.parse_file_name(&raw.name).ok_or_else(|| {
                bad_input(format!(
                    "{}: file name does not follow the {} format ({})",
                    self.path.join(&raw.name).display(),
                    self.format,
                    self.format.pattern()
                ))
            })?;
            let text = String::from_utf8(raw.bytes).map_err(|_| {
                bad_input(format!(
                    "{}: not UTF-8 text",
                    self.path.join(&raw.name).display()
                ))
            })?;
            let key = parsed.version.trim_start_matches('0').to_string();
            let entry = by_version.entry(key).or_default();
            match parsed.part {
                FilePart::Down => {
                    if let Some((other, _)) = &entry.down {
                        return Err(self.duplicate(&parsed.version, other, &raw.name));
                    }
                    entry.down = Some((raw.name, text));
                }
                FilePart::Whole | FilePart::Up => {
                    if let Some(other) = &entry.up {
                        return Err(self.duplicate(&parsed.version, &other.file_name(), &raw.name));
                    }
                    entry.up = Some(self.parse_file(parsed, &raw.name, text)?);
                }
            }
        }
        let mut files = Vec::new();
        for (_, VersionFiles { up, down }) in by_version {
            match (up, down) {
                (Some(mut file), down) => {
                    if let Some((_, text)) = down {
                        file.down = Some(text);
                    }
                    files.push(file);
                }
                (None, Some((name, _))) => {
                    return Err(bad_input(format!(
                        "{}: down migration without its .up.sql file",
                        self.path.join(name).display()
                    )));
                }
                (None, None) => {}
            }
        }
        match self.format {
            DirFormat::Atlas => files.sort_by_key(MigrationFile::file_name),
            _ => files.sort_by(|a, b| compare_versions(&a.version, &b.version)),
        }
        Ok(files)
    }

    fn duplicate(&self, version: &str, first: &str, second: &str) -> anyhow::Error {
        bad_input(format!(
            "{}: version {version} is used by both {first} and {second}",
            self.path.display()
        ))
    }

    fn parse_file(&self, parsed: FileName, file_name: &str, text: String) -> Result<MigrationFile> {
        let path = self.path.join(file_name);
        let directives = Directives::parse(&text)
            .map_err(|why| bad_input(format!("{}: {why}", path.display())))?;
        let (up, up_line, down) = match self.format {
            DirFormat::Dbmate => {
                let sections = split_dbmate_sections(&text)
                    .map_err(|why| bad_input(format!("{}: {why}", path.display())))?;
                (sections.up, sections.up_line, sections.down)
            }
            DirFormat::Atlas | DirFormat::GolangMigrate => (text, 1, None),
        };
        Ok(MigrationFile {
            version: parsed.version,
            name: parsed.name,
            path,
            up,
            up_line,
            down,
            directives,
        })
    }

    /// Every `*.sql` regular file in the directory, sorted by name; empty when it is missing.
    fn read_sql_files(&self) -> Result<Vec<RawFile>> {
        let entries = match fs::read_dir(&self.path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("reading directory {}", self.path.display()));
            }
        };
        let mut files = Vec::new();
        for entry in entries {
            let entry =
                entry.with_context(|| format!("reading directory {}", self.path.display()))?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if !name.ends_with(".sql") || name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let bytes = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            files.push(RawFile { name, bytes });
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(files)
    }

    fn sum_path(&self) -> PathBuf {
        self.path.join(SUM_FILE_NAME)
    }

    /// The sum of the directory's files plus `extra` (files about to be written).
    fn compute_sum(&self, extra: &[(String, Vec<u8>)]) -> Result<SumFile> {
        let mut files: Vec<(String, Vec<u8>)> = self
            .read_sql_files()?
            .into_iter()
            .map(|f| (f.name, f.bytes))
            .chain(extra.iter().cloned())
            .filter(|(_, bytes)| !is_sum_ignored(bytes))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(SumFile::compute(
            files
                .iter()
                .map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
        ))
    }

    /// The sum of the directory as it is now (not the recorded one). Its running hash at file k
    /// identifies the state after replaying files 1..k, a key for caching replayed states.
    pub fn current_sum(&self) -> Result<SumFile> {
        self.compute_sum(&[])
    }

    /// Compares the directory with its sum file. A missing sum with files present, a file
    /// changed, added or removed, or a hand-edited sum is bad input naming the file and telling
    /// to run `schemactl migrate hash` if the change was intended.
    pub fn verify_sum(&self) -> Result<()> {
        let actual = self.compute_sum(&[])?;
        let dir = self.path.display();
        let fix = "if the change was intended, run `schemactl migrate hash` to update atlas.sum";
        let text = match fs::read_to_string(self.sum_path()) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return match actual.files.first() {
                    None => Ok(()),
                    Some((first, _)) => Err(bad_input(format!(
                        "migration directory {dir} has no atlas.sum but holds migration files \
                         ({first}{}); run `schemactl migrate hash` to create it",
                        if actual.files.len() > 1 { ", …" } else { "" }
                    ))),
                };
            }
            Err(e) => {
                return Err(e).with_context(|| format!("reading {}", self.sum_path().display()));
            }
        };
        let recorded = SumFile::parse(&text)
            .map_err(|why| bad_input(format!("{}: {why}; {fix}", self.sum_path().display())))?;
        if let Some(problem) = first_difference(&recorded, &actual) {
            return Err(bad_input(format!(
                "migration directory {dir}: checksum mismatch: {problem}; {fix}"
            )));
        }
        if recorded.total != actual.total {
            return Err(bad_input(format!(
                "migration directory {dir}: checksum mismatch: atlas.sum was edited by hand; {fix}"
            )));
        }
        Ok(())
    }

    /// Recomputes and writes the sum file (`migrate hash`); creates the directory if missing.
    pub fn write_sum(&self) -> Result<()> {
        let sum = self.compute_sum(&[])?;
        write_all_or_nothing(
            &self.path,
            vec![PendingFile {
                path: self.sum_path(),
                bytes: sum.render().into_bytes(),
                replace: true,
            }],
        )
    }

    /// Writes a new migration and the updated sum, together or not at all (see `atomic`).
    ///
    /// Atlas: one file holding `up`. dbmate: one file with `-- migrate:up` / `-- migrate:down`
    /// sections (`down` may be empty). golang-migrate: `.up.sql` and `.down.sql`. The name is
    /// sanitized; the version must be digits and unused. The directory's sum must verify first,
    /// so that writing never blesses an edited file. Returns the written paths, sum last.
    pub fn write_migration(
        &self,
        version: &str,
        name: &str,
        up: &str,
        down: Option<&str>,
    ) -> Result<Vec<PathBuf>> {
        self.write_migrations(&[NewMigration {
            version: version.to_string(),
            name: name.to_string(),
            up: up.to_string(),
            down: down.map(str::to_string),
        }])
    }

    /// Writes several new migrations and the updated sum, all together or none at all, with
    /// the checks of [`MigrationDir::write_migration`]; two of them may not share a version.
    /// Returns the written paths in the order given, sum last.
    pub fn write_migrations(&self, migrations: &[NewMigration]) -> Result<Vec<PathBuf>> {
        for migration in migrations {
            if !is_valid_version(&migration.version) {
                return Err(bad_input(format!(
                    "migration version `{}` must be digits, e.g. 20240131120000",
                    migration.version
                )));
            }
        }
        self.verify_sum()?;
        self.check_versions_unused(migrations)?;
        let mut new_files: Vec<(String, Vec<u8>)> = Vec::new();
        for migration in migrations {
            new_files.extend(self.migration_texts(migration));
        }
        for (file_name, _) in &new_files {
            if self.path.join(file_name).exists() {
                return Err(bad_input(format!(
                    "{} already exists",
                    self.path.join(file_name).display()
                )));
            }
        }
        let sum = self.compute_sum(&new_files)?;
        let mut written: Vec<PathBuf> = new_files
            .iter()
            .map(|(file_name, _)| self.path.join(file_name))
            .collect();
        let mut pending: Vec<PendingFile> = new_files
            .into_iter()
            .map(|(file_name, bytes)| PendingFile {
                path: self.path.join(file_name),
                bytes,
                replace: false,
            })
            .collect();
        pending.push(PendingFile {
            path: self.sum_path(),
            bytes: sum.render().into_bytes(),
            replace: true,
        });
        write_all_or_nothing(&self.path, pending)?;
        written.push(self.sum_path());
        Ok(written)
    }

    /// Bad input when a version of `migrations` is in the directory already or given twice.
    fn check_versions_unused(&self, migrations: &[NewMigration]) -> Result<()> {
        let existing = self.files()?;
        for (index, migration) in migrations.iter().enumerate() {
            let version = &migration.version;
            if let Some(file) = existing
                .iter()
                .find(|f| compare_versions(&f.version, version).is_eq())
            {
                return Err(bad_input(format!(
                    "version {version} already exists in {}: {}",
                    self.path.display(),
                    file.file_name()
                )));
            }
            if let Some(other) = migrations[..index]
                .iter()
                .find(|m| compare_versions(&m.version, version).is_eq())
            {
                return Err(bad_input(format!(
                    "version {version} is given twice: `{}` and `{}`",
                    other.name, migration.name
                )));
            }
        }
        Ok(())
    }

    /// The file names and bytes of one new migration in this directory's format.
    fn migration_texts(&self, migration: &NewMigration) -> Vec<(String, Vec<u8>)> {
        let name = sanitize_name(&migration.name);
        let (up, down) = (&migration.up, migration.down.as_deref().unwrap_or(""));
        self.format
            .file_names(&migration.version, &name)
            .into_iter()
            .map(|(file_name, part)| {
                let text = match part {
                    FilePart::Whole if self.format == DirFormat::Dbmate => dbmate_text(up, down),
                    FilePart::Whole | FilePart::Up => with_final_newline(up),
                    FilePart::Down => with_final_newline(down),
                };
                (file_name, text.into_bytes())
            })
            .collect()
    }

    /// Whether the directory holds any `.sql` file or a sum file (a place to import into must
    /// hold neither).
    pub fn holds_migrations(&self) -> Result<bool> {
        Ok(self.sum_path().exists() || !self.read_sql_files()?.is_empty())
    }

    /// An empty migration (`migrate new NAME`) plus the sum: an empty file for Atlas, the two
    /// section markers for dbmate, empty up and down files for golang-migrate.
    pub fn new_migration(&self, version: &str, name: &str) -> Result<Vec<PathBuf>> {
        self.write_migration(version, name, "", None)
    }

    /// The last migration's version in apply order, if any.
    pub fn last_version(&self) -> Result<Option<String>> {
        Ok(self
            .files()?
            .into_iter()
            .map(|f| f.version)
            .max_by(|a, b| compare_versions(a, b)))
    }
}

/// The first file that differs between the recorded and the actual sum, described.
fn first_difference(recorded: &SumFile, actual: &SumFile) -> Option<String> {
    let recorded_map: BTreeMap<&str, &str> = recorded
        .files
        .iter()
        .map(|(n, h)| (n.as_str(), h.as_str()))
        .collect();
    let actual_map: BTreeMap<&str, &str> = actual
        .files
        .iter()
        .map(|(n, h)| (n.as_str(), h.as_str()))
        .collect();
    // Hashes are running hashes, so the first differing file (by name) is the one to blame.
    let names: std::collections::BTreeSet<&str> = recorded_map
        .keys()
        .chain(actual_map.keys())
        .copied()
        .collect();
    names.into_iter().find_map(
        |name| match (recorded_map.get(name), actual_map.get(name)) {
            (Some(_), None) => Some(format!("{name} was removed")),
            (None, Some(_)) => Some(format!("{name} was added")),
            (Some(r), Some(a)) if r != a => Some(format!("{name} was changed")),
            _ => None,
        },
    )
}

fn is_sum_ignored(bytes: &[u8]) -> bool {
    Directives::parse(&String::from_utf8_lossy(bytes)).is_ok_and(|d| d.sum_ignore)
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn with_final_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

/// A dbmate file: the up section, then the down section.
fn dbmate_text(up: &str, down: &str) -> String {
    let mut out = String::from("-- migrate:up\n");
    out.push_str(&with_final_newline(up));
    out.push_str("\n-- migrate:down\n");
    out.push_str(&with_final_newline(down));
    out
}

#[derive(Debug)]
pub(super) struct DbmateSections {
    pub up: String,
    pub up_line: usize,
    pub down: Option<String>,
}

/// Splits a dbmate file at its `-- migrate:up` and `-- migrate:down` marker lines.
pub(super) fn split_dbmate_sections(text: &str) -> Result<DbmateSections, String> {
    let is_marker = |line: &str, which: &str| {
        line.trim_start().strip_prefix("--").is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.strip_prefix(which)
                .is_some_and(|after| after.is_empty() || after.starts_with(char::is_whitespace))
        })
    };
    let mut up_start = None;
    let mut down_start = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let next = offset + line.len();
        if is_marker(line, "migrate:up") {
            if up_start.is_some() {
                return Err(format!("line {}: a second `-- migrate:up`", index + 1));
            }
            up_start = Some((next, index + 2));
        } else if is_marker(line, "migrate:down") {
            if up_start.is_none() {
                return Err(format!(
                    "line {}: `-- migrate:down` before `-- migrate:up`",
                    index + 1
                ));
            }
            if down_start.is_some() {
                return Err(format!("line {}: a second `-- migrate:down`", index + 1));
            }
            down_start = Some((offset, next));
        }
        offset = next;
    }
    let (up_begin, up_line) = up_start.ok_or("no `-- migrate:up` line (dbmate format)")?;
    Ok(match down_start {
        Some((marker, down_begin)) => DbmateSections {
            up: text[up_begin..marker].to_string(),
            up_line,
            down: Some(text[down_begin..].to_string()),
        },
        None => DbmateSections {
            up: text[up_begin..].to_string(),
            up_line,
            down: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::atomic::fault;
    use super::*;

    fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn dbmate_sections_split_at_the_markers() {
        let s = split_dbmate_sections(
            "-- comment\n-- migrate:up\ncreate table t (a int);\n\n-- migrate:down\ndrop table t;\n",
        )
        .unwrap();
        assert_eq!(s.up, "create table t (a int);\n\n");
        assert_eq!(s.up_line, 3);
        assert_eq!(s.down.as_deref(), Some("drop table t;\n"));
        let only_up = split_dbmate_sections("-- migrate:up transaction:false\nselect 1").unwrap();
        assert_eq!((only_up.up.as_str(), only_up.down), ("select 1", None));
    }

    #[test]
    fn dbmate_files_without_markers_or_out_of_order_are_errors() {
        assert!(
            split_dbmate_sections("create table t ();")
                .unwrap_err()
                .contains("no `-- migrate:up`")
        );
        assert!(
            split_dbmate_sections("-- migrate:down\n-- migrate:up\n")
                .unwrap_err()
                .contains("before")
        );
        // A longer word is not a marker.
        assert!(split_dbmate_sections("-- migrate:upgrade\n").is_err());
    }

    #[test]
    fn statement_lines_are_file_lines_in_dbmate_files() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(
            tmp.path().join("1_a.sql"),
            "-- migrate:up\n\ncreate table t (a int);\nselect 1;\n-- migrate:down\ndrop table t;\n",
        )
        .unwrap();
        let dir = MigrationDir::open(tmp.path(), DirFormat::Dbmate).unwrap();
        let files = dir.files().unwrap();
        let lines: Vec<usize> = files[0]
            .statements(&Flavor::postgres())
            .iter()
            .map(|s| s.line)
            .collect();
        assert_eq!(lines, [3, 4]);
    }

    #[test]
    fn statements_split_as_the_target_reads_them() {
        let tmp = tempfile::tempdir().unwrap();
        let on_begin = "CREATE TRIGGER t AFTER UPDATE OF begin ON x";
        let postgres = format!("{on_begin} FOR EACH ROW EXECUTE FUNCTION f();\nSELECT 1;\n");
        let sqlite = format!("{on_begin} BEGIN SELECT 1; END;\nSELECT 2;\n");
        fs::write(tmp.path().join("1_pg.sql"), postgres).unwrap();
        fs::write(tmp.path().join("2_lite.sql"), sqlite).unwrap();
        let dir = MigrationDir::open(tmp.path(), DirFormat::Atlas).unwrap();
        let files = dir.files().unwrap();
        let count = |file: &MigrationFile, flavor| file.statements(&flavor).len();
        assert_eq!(count(&files[0], Flavor::postgres()), 2);
        assert_eq!(count(&files[1], Flavor::sqlite()), 2);
        // A PostgreSQL trigger has no body: there the `;` inside splits.
        assert_eq!(count(&files[1], Flavor::postgres()), 3);
    }

    #[test]
    fn write_migration_leaves_nothing_when_any_step_fails() {
        for format in [DirFormat::Atlas, DirFormat::GolangMigrate] {
            // Atlas: 2 writes + 2 renames; golang-migrate: 3 + 3.
            let steps = if format == DirFormat::Atlas { 4 } else { 6 };
            for step in 0..steps {
                let tmp = tempfile::tempdir().unwrap();
                let dir = MigrationDir::open(tmp.path(), format).unwrap();
                dir.write_migration(
                    "1",
                    "init",
                    "create table t (a int);",
                    Some("drop table t;"),
                )
                .unwrap();
                let before = listing(tmp.path());
                fault::fail_at(Some(step));
                let result = dir.write_migration("2", "more", "create table u ();", None);
                fault::fail_at(None);
                assert!(result.is_err(), "{format} step {step} did not fail");
                assert_eq!(listing(tmp.path()), before, "{format} step {step}");
                dir.verify_sum().unwrap();
            }
        }
    }

    fn new(version: &str, name: &str, up: &str) -> NewMigration {
        NewMigration {
            version: version.into(),
            name: name.into(),
            up: up.into(),
            down: None,
        }
    }

    #[test]
    fn write_migrations_writes_them_all_with_one_sum() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = MigrationDir::open(&tmp.path().join("m"), DirFormat::Atlas).unwrap();
        let written = dir
            .write_migrations(&[new("01", "a", "select 1;"), new("02", "b c", "select 2;")])
            .unwrap();
        let names: Vec<String> = written.iter().map(|p| file_name_of(p)).collect();
        assert_eq!(names, ["01_a.sql", "02_b_c.sql", SUM_FILE_NAME]);
        dir.verify_sum().unwrap();
        assert_eq!(dir.files().unwrap().len(), 2);
    }

    #[test]
    fn write_migrations_writes_nothing_when_any_step_fails_or_a_version_repeats() {
        let batch = [new("1", "a", "select 1;"), new("2", "b", "select 2;")];
        // 3 writes + 3 renames.
        for step in 0..6 {
            let tmp = tempfile::tempdir().unwrap();
            let dir = MigrationDir::open(tmp.path(), DirFormat::Atlas).unwrap();
            fault::fail_at(Some(step));
            let result = dir.write_migrations(&batch);
            fault::fail_at(None);
            assert!(result.is_err(), "step {step} did not fail");
            assert!(listing(tmp.path()).is_empty(), "step {step}");
        }
        let tmp = tempfile::tempdir().unwrap();
        let dir = MigrationDir::open(tmp.path(), DirFormat::Atlas).unwrap();
        let error = dir
            .write_migrations(&[new("1", "a", ""), new("01", "b", "")])
            .unwrap_err();
        assert!(error.to_string().contains("given twice"), "{error}");
        assert!(listing(tmp.path()).is_empty());
        assert!(!dir.holds_migrations().unwrap());
    }

    #[test]
    fn sum_ignored_files_are_left_out_of_the_sum() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("1_a.sql"), "select 1;\n").unwrap();
        let dir = MigrationDir::open(tmp.path(), DirFormat::Atlas).unwrap();
        dir.write_sum().unwrap();
        fs::write(
            tmp.path().join("2_seed.sql"),
            "-- atlas:sum ignore\ninsert into t values (1);\n",
        )
        .unwrap();
        dir.verify_sum().unwrap();
        let sum = fs::read_to_string(tmp.path().join(SUM_FILE_NAME)).unwrap();
        assert!(!sum.contains("2_seed.sql"));
        assert_eq!(dir.files().unwrap().len(), 2);
    }
}
