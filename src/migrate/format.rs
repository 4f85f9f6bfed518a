//! Directory formats and their file names: `VERSION_name.sql` (Atlas/schemactl, dbmate) and
//! `VERSION_name.up.sql` / `VERSION_name.down.sql` (golang-migrate).
//!
//! A version is one or more ASCII digits (usually a UTC `YYYYMMDDHHMMSS` timestamp). Names read
//! from disk may hold any characters; names we write are sanitized to `[A-Za-z0-9_-]`.

use crate::error::bad_input;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// The layout of a migration directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DirFormat {
    /// schemactl's own and Atlas's: one plain SQL file per version, `VERSION[_name].sql`.
    #[default]
    Atlas,
    /// `VERSION[_name].sql` with `-- migrate:up` and `-- migrate:down` sections.
    Dbmate,
    /// `VERSION_name.up.sql` and `VERSION_name.down.sql`.
    GolangMigrate,
}

const VALID_FORMATS: &str = "atlas, schemactl, dbmate, golang-migrate";

impl FromStr for DirFormat {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<DirFormat> {
        match s.to_ascii_lowercase().as_str() {
            "atlas" | "schemactl" => Ok(DirFormat::Atlas),
            "dbmate" => Ok(DirFormat::Dbmate),
            "golang-migrate" => Ok(DirFormat::GolangMigrate),
            _ => Err(bad_input(format!(
                "unknown migration directory format `{s}`; valid formats: {VALID_FORMATS}"
            ))),
        }
    }
}

impl fmt::Display for DirFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DirFormat::Atlas => "atlas",
            DirFormat::Dbmate => "dbmate",
            DirFormat::GolangMigrate => "golang-migrate",
        })
    }
}

/// Which part of a migration a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilePart {
    /// The whole migration (Atlas: up only; dbmate: both sections).
    Whole,
    Up,
    Down,
}

/// A migration file name taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName {
    pub version: String,
    pub name: String,
    pub part: FilePart,
}

impl DirFormat {
    /// Takes a `.sql` file name apart; `None` when it does not follow the format.
    pub fn parse_file_name(self, file_name: &str) -> Option<FileName> {
        let stem = file_name.strip_suffix(".sql")?;
        let (stem, part) = match self {
            DirFormat::Atlas | DirFormat::Dbmate => (stem, FilePart::Whole),
            DirFormat::GolangMigrate => {
                if let Some(stem) = stem.strip_suffix(".up") {
                    (stem, FilePart::Up)
                } else {
                    (stem.strip_suffix(".down")?, FilePart::Down)
                }
            }
        };
        let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
        let (version, rest) = stem.split_at(digits);
        let name = match rest.strip_prefix('_') {
            Some(name) => name,
            // golang-migrate always has the underscore; the others may omit an empty name.
            None if rest.is_empty() && self != DirFormat::GolangMigrate => "",
            None => return None,
        };
        (!version.is_empty()).then(|| FileName {
            version: version.to_string(),
            name: name.to_string(),
            part,
        })
    }

    /// The file names for a new migration: one, or up then down for golang-migrate.
    /// `name` must already be sanitized.
    pub fn file_names(self, version: &str, name: &str) -> Vec<(String, FilePart)> {
        let base = if name.is_empty() {
            version.to_string()
        } else {
            format!("{version}_{name}")
        };
        match self {
            DirFormat::Atlas | DirFormat::Dbmate => vec![(format!("{base}.sql"), FilePart::Whole)],
            DirFormat::GolangMigrate => {
                // golang-migrate needs `VERSION_name`; give a nameless migration a plain name.
                let base = if name.is_empty() {
                    format!("{version}_migration")
                } else {
                    base
                };
                vec![
                    (format!("{base}.up.sql"), FilePart::Up),
                    (format!("{base}.down.sql"), FilePart::Down),
                ]
            }
        }
    }

    /// The expected file name pattern, for error messages.
    pub fn pattern(self) -> &'static str {
        match self {
            DirFormat::Atlas | DirFormat::Dbmate => "VERSION_name.sql or VERSION.sql",
            DirFormat::GolangMigrate => "VERSION_name.up.sql or VERSION_name.down.sql",
        }
    }
}

/// A migration name made safe for a file name: whitespace becomes `_`, other characters
/// outside `[A-Za-z0-9_-]` are dropped.
pub fn sanitize_name(name: &str) -> String {
    name.trim()
        .chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some('_')
            } else if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// Orders digit-string versions by their numeric value (`9` before `10`) without overflow.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Whether `version` is a usable version: one or more ASCII digits.
pub fn is_valid_version(version: &str) -> bool {
    !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_format_names_and_lists_valid_ones_on_error() {
        assert_eq!("atlas".parse::<DirFormat>().unwrap(), DirFormat::Atlas);
        assert_eq!("schemactl".parse::<DirFormat>().unwrap(), DirFormat::Atlas);
        assert_eq!("dbmate".parse::<DirFormat>().unwrap(), DirFormat::Dbmate);
        assert_eq!(
            "golang-migrate".parse::<DirFormat>().unwrap(),
            DirFormat::GolangMigrate
        );
        let err = "flyway".parse::<DirFormat>().unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        assert!(
            err.to_string()
                .contains("atlas, schemactl, dbmate, golang-migrate")
        );
    }

    #[test]
    fn atlas_names_with_and_without_a_label() {
        let f = DirFormat::Atlas
            .parse_file_name("20230926085734_destructive-change.sql")
            .unwrap();
        assert_eq!(
            (f.version.as_str(), f.name.as_str(), f.part),
            ("20230926085734", "destructive-change", FilePart::Whole)
        );
        let f = DirFormat::Atlas
            .parse_file_name("20230926085734.sql")
            .unwrap();
        assert_eq!(f.name, "");
        assert_eq!(DirFormat::Atlas.parse_file_name("schema.sql"), None);
        assert_eq!(DirFormat::Atlas.parse_file_name("1-init.sql"), None);
        assert_eq!(DirFormat::Atlas.parse_file_name("_init.sql"), None);
    }

    #[test]
    fn golang_migrate_names_need_a_direction() {
        let up = DirFormat::GolangMigrate
            .parse_file_name("1_init.up.sql")
            .unwrap();
        assert_eq!((up.version.as_str(), up.part), ("1", FilePart::Up));
        let down = DirFormat::GolangMigrate
            .parse_file_name("1_init.down.sql")
            .unwrap();
        assert_eq!((down.name.as_str(), down.part), ("init", FilePart::Down));
        assert_eq!(DirFormat::GolangMigrate.parse_file_name("1_init.sql"), None);
        assert_eq!(DirFormat::GolangMigrate.parse_file_name("1.up.sql"), None);
    }

    #[test]
    fn file_names_per_format() {
        assert_eq!(
            DirFormat::Atlas.file_names("20240101000000", ""),
            [("20240101000000.sql".to_string(), FilePart::Whole)]
        );
        assert_eq!(
            DirFormat::GolangMigrate.file_names("2", "add_age"),
            [
                ("2_add_age.up.sql".to_string(), FilePart::Up),
                ("2_add_age.down.sql".to_string(), FilePart::Down)
            ]
        );
        assert_eq!(
            DirFormat::GolangMigrate.file_names("2", "")[0].0,
            "2_migration.up.sql"
        );
    }

    #[test]
    fn sanitizes_names_for_files() {
        assert_eq!(sanitize_name(" add user's age "), "add_users_age");
        assert_eq!(sanitize_name("x/../y-z"), "xy-z");
        assert_eq!(sanitize_name("Größe"), "Gre");
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("9", "10"), Ordering::Less);
        assert_eq!(compare_versions("010", "10"), Ordering::Equal);
        assert_eq!(
            compare_versions("20240101000000", "20231231235959"),
            Ordering::Greater
        );
    }
}
