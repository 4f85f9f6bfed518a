//! golang-migrate: `VERSION_name.up.sql` / `VERSION_name.down.sql`. The `.up.sql` files are the
//! migrations; the down files are left behind (schemactl plans reverts itself).

use super::{Imported, ImportedMigration, SourceFile, named_sql_files};
use crate::migrate::format::{DirFormat, FilePart};
use anyhow::Result;

pub(super) fn import(files: &[SourceFile]) -> Result<Imported> {
    let mut imported = Imported::default();
    for (parsed, file) in named_sql_files(files, DirFormat::GolangMigrate, "golang-migrate")? {
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
    use super::super::tests::file;
    use super::*;

    #[test]
    fn up_files_are_the_migrations() {
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
