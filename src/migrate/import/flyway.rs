//! Flyway: `V<version>__<description>.sql` versioned migrations.
//!
//! Flyway's versions are dotted (`V1.2__x.sql`, or `V1_2__x.sql` where `_` stands for `.`) and
//! compare part by part as numbers: 1.2 < 1.10 < 2. They become digit versions that keep that
//! order: each part is padded with zeros to the widest value that part has in the directory,
//! and missing trailing parts count as 0 (as Flyway counts them, so `1` and `1.0` are one
//! version). `1, 1.1, 1.10, 2` become `100, 101, 110, 200`.
//!
//! `U…` undo migrations are skipped (schemactl plans reverts itself), with a notice. `R__…`
//! repeatable migrations are bad input naming them: Flyway re-runs them whenever they change,
//! which a versioned directory cannot express; make each one a versioned migration (or a part
//! of the desired state) first. Other `.sql` files (callbacks such as `afterMigrate.sql`) are
//! bad input too, so nothing Flyway would run is silently dropped.

use super::{Imported, ImportedMigration, SourceFile};
use crate::error::bad_input;
use anyhow::Result;

pub(super) fn import(files: &[SourceFile]) -> Result<Imported> {
    let mut imported = Imported::default();
    let mut versioned: Vec<(Vec<String>, &SourceFile, String)> = Vec::new();
    let mut repeatable = Vec::new();
    for file in files.iter().filter(|f| f.name.ends_with(".sql")) {
        match parse_name(&file.name) {
            Some(FlywayName::Versioned { parts, description }) => {
                versioned.push((parts, file, description))
            }
            Some(FlywayName::Undo) => imported
                .notices
                .push(format!("{}: undo migration skipped", file.name)),
            Some(FlywayName::Repeatable) => repeatable.push(file.name.as_str()),
            None => {
                return Err(bad_input(format!(
                    "{}: not a Flyway versioned migration (V<version>__<description>.sql)",
                    file.name
                )));
            }
        }
    }
    if !repeatable.is_empty() {
        return Err(bad_input(format!(
            "repeatable Flyway migrations cannot be imported: {} (Flyway re-runs them when they \
             change; turn each into a versioned migration first)",
            repeatable.join(", ")
        )));
    }
    let versions = digit_versions(&versioned.iter().map(|v| v.0.clone()).collect::<Vec<_>>());
    for ((_, file, description), version) in versioned.into_iter().zip(versions) {
        imported.migrations.push(ImportedMigration {
            version,
            name: description,
            sql: file.text.clone(),
            note: vec![format!("Imported from Flyway: {}", file.name)],
            directives: Vec::new(),
        });
    }
    Ok(imported)
}

#[derive(Debug, PartialEq, Eq)]
enum FlywayName {
    /// The version's numeric parts without leading zeros, and the description.
    Versioned {
        parts: Vec<String>,
        description: String,
    },
    Undo,
    Repeatable,
}

/// Takes a Flyway file name apart; `None` when it is not one.
fn parse_name(file_name: &str) -> Option<FlywayName> {
    let stem = file_name.strip_suffix(".sql")?;
    if stem.starts_with("R__") {
        return Some(FlywayName::Repeatable);
    }
    let (kind, rest) = stem.split_at_checked(1)?;
    let (version, description) = rest.split_once("__")?;
    let parts: Vec<String> = version
        .split(['.', '_'])
        .map(|p| p.trim_start_matches('0').to_string())
        .collect();
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if version.is_empty()
        || !version
            .split(['.', '_'])
            .all(|p| !p.is_empty() && digits(p))
    {
        return None;
    }
    match kind {
        "V" => Some(FlywayName::Versioned {
            parts,
            description: description.to_string(),
        }),
        "U" => Some(FlywayName::Undo),
        _ => None,
    }
}

/// Digit versions in the order of the dotted `versions` (see the module docs).
fn digit_versions(versions: &[Vec<String>]) -> Vec<String> {
    let depth = versions.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..depth)
        .map(|i| {
            let widest = versions.iter().filter_map(|v| v.get(i)).map(String::len);
            widest.max().unwrap_or(0).max(1)
        })
        .collect();
    versions
        .iter()
        .map(|parts| {
            widths
                .iter()
                .enumerate()
                .map(|(i, &width)| {
                    let part = parts
                        .get(i)
                        .map_or("0", |p| if p.is_empty() { "0" } else { p });
                    format!("{part:0>width$}")
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::format::compare_versions;

    fn parts(version: &str) -> Vec<String> {
        match parse_name(&format!("V{version}__x.sql")) {
            Some(FlywayName::Versioned { parts, .. }) => parts,
            other => panic!("{version}: {other:?}"),
        }
    }

    #[test]
    fn names_are_taken_apart() {
        assert_eq!(parts("1_2"), parts("1.2"));
        assert_eq!(parts("01.002"), ["1", "2"]);
        assert_eq!(parse_name("U3__undo.sql"), Some(FlywayName::Undo));
        assert_eq!(parse_name("R__views.sql"), Some(FlywayName::Repeatable));
        assert_eq!(parse_name("afterMigrate.sql"), None);
        assert_eq!(parse_name("V1_x.sql"), None);
        assert_eq!(parse_name("V1.a__x.sql"), None);
        assert_eq!(parse_name("V__x.sql"), None);
    }

    #[test]
    fn digit_versions_keep_flyways_order() {
        let ordered = ["1", "1.1", "1.2", "1.10", "2", "10.0.1"];
        let versions = digit_versions(&ordered.iter().map(|v| parts(v)).collect::<Vec<_>>());
        assert_eq!(
            versions,
            ["1000", "1010", "1020", "1100", "2000", "10001"].map(|v| format!("{v:0>5}"))
        );
        assert!(
            versions
                .windows(2)
                .all(|w| compare_versions(&w[0], &w[1]).is_lt()),
            "{versions:?}"
        );
        // `1` and `1.0` are one version to Flyway, and stay one (a duplicate) here.
        let same = digit_versions(&[parts("1"), parts("1.0")]);
        assert_eq!(same[0], same[1]);
    }

    #[test]
    fn undo_files_are_skipped_and_repeatables_refused() {
        let file = |name: &str| super::super::tests::file(name, "select 1;");
        let imported = import(&[file("V1__init.sql"), file("U1__init.sql")]).unwrap();
        assert_eq!(imported.migrations.len(), 1);
        assert_eq!(imported.migrations[0].name, "init");
        assert_eq!(imported.notices, ["U1__init.sql: undo migration skipped"]);
        let error = import(&[file("V1__init.sql"), file("R__views.sql")]).unwrap_err();
        assert!(error.to_string().contains("R__views.sql"), "{error}");
        assert_eq!(crate::error::exit_code(&error), 2);
    }
}
