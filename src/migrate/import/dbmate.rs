//! dbmate: `VERSION_name.sql` files with `-- migrate:up` / `-- migrate:down` sections. The up
//! section is the migration; `-- migrate:up transaction:false` becomes `-- atlas:txmode none`.

use super::{Imported, ImportedMigration, SourceFile, named_sql_files};
use crate::error::bad_input;
use crate::migrate::dir::split_dbmate_sections;
use crate::migrate::directives::{Directives, TxMode};
use crate::migrate::format::DirFormat;
use anyhow::Result;

pub(super) fn import(files: &[SourceFile]) -> Result<Imported> {
    let mut imported = Imported::default();
    for (parsed, file) in named_sql_files(files, DirFormat::Dbmate, "dbmate")? {
        let sections = split_dbmate_sections(&file.text)
            .map_err(|why| bad_input(format!("{}: {why}", file.name)))?;
        imported.migrations.push(ImportedMigration {
            version: parsed.version,
            name: parsed.name,
            sql: sections.up,
            note: vec![format!("Imported from dbmate: {}", file.name)],
            directives: tx_directive(&file.text),
        });
    }
    Ok(imported)
}

/// `atlas:txmode none` when the file's `-- migrate:up` line says `transaction:false`.
fn tx_directive(text: &str) -> Vec<String> {
    let none = Directives::parse(text).is_ok_and(|d| d.tx_mode == Some(TxMode::None));
    if none {
        vec!["atlas:txmode none".to_string()]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::file;
    use super::*;

    #[test]
    fn keeps_the_up_section_and_no_transaction() {
        let files = [
            file(
                "20240101000000_init.sql",
                "-- migrate:up\ncreate table t (a int);\n\n-- migrate:down\ndrop table t;\n",
            ),
            file(
                "20240102000000_index.sql",
                "-- migrate:up transaction:false\ncreate index concurrently i on t (a);\n-- migrate:down\n",
            ),
            file("README.md", "not a migration"),
        ];
        let imported = import(&files).unwrap();
        let [init, index] = imported.migrations.as_slice() else {
            panic!("{:?}", imported.migrations);
        };
        assert_eq!(init.sql, "create table t (a int);\n\n");
        assert!(init.directives.is_empty());
        assert_eq!(index.name, "index");
        assert_eq!(index.directives, ["atlas:txmode none"]);
    }

    #[test]
    fn a_file_without_markers_is_bad_input_naming_it() {
        let error = import(&[file("1_x.sql", "create table t ();")]).unwrap_err();
        assert!(error.to_string().starts_with("1_x.sql:"), "{error}");
    }
}
