//! golang-migrate: `VERSION_name.up.sql` / `VERSION_name.down.sql`. The `.up.sql` files are the
//! migrations; the down files are left behind (schemactl plans reverts itself).

use super::{Imported, ImportedMigration, SourceFile};
use crate::error::bad_input;
use crate::migrate::format::{DirFormat, FilePart};
use anyhow::Result;

pub(super) fn import(files: &[SourceFile]) -> Result<Imported> {
    let mut imported = Imported::default();
    for file in files.iter().filter(|f| f.name.ends_with(".sql")) {
        let parsed = DirFormat::GolangMigrate
            .parse_file_name(&file.name)
            .ok_or_else(|| {
                bad_input(format!(
                    "{}: not a golang-migrate file name (VERSION_name.up.sql or .down.sql)",
                    file.name
                ))
            })?;
        if parsed.part != FilePart::Up {
            continue;
        }
        imported.migrations.push(ImportedMigration {
            version: parsed.version,
            name: parsed.name,
            sql: file.text.clone(),
            note: vec![format!("Imported from golang-migrate: {}", file.name)],
            directives: Vec::new(),
        });
    }
    Ok(imported)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_files_are_the_migrations() {
        let file = |name: &str, text: &str| SourceFile {
            name: name.into(),
            text: text.into(),
        };
        let imported = import(&[
            file("000001_init.down.sql", "drop table t;"),
            file("000001_init.up.sql", "create table t (a int);"),
            file("000002_more.up.sql", "create table u (a int);"),
        ])
        .unwrap();
        let names: Vec<(&str, &str)> = imported
            .migrations
            .iter()
            .map(|m| (m.version.as_str(), m.sql.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("000001", "create table t (a int);"),
                ("000002", "create table u (a int);")
            ]
        );
        assert!(import(&[file("1_init.sql", "")]).is_err());
    }
}
