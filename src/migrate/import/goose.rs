//! goose: `VERSION_name.sql` files with `-- +goose Up` / `-- +goose Down` sections.
//!
//! The Up section is the migration. `-- +goose NO TRANSACTION` becomes `-- atlas:txmode none`.
//! A `-- +goose StatementBegin` … `-- +goose StatementEnd` block is one statement whatever it
//! holds. Where our splitter reads every block as one statement anyway (a dollar-quoted
//! function body), the section is kept as written; where it would cut a block (a body whose
//! `;` it cannot see past), the file gets a delimiter of its own, `-- atlas:delimiter -- end`,
//! and each statement ends with a `-- end` line, so replay runs what goose ran. Go migrations
//! (`*.go`) cannot be imported: bad input naming the file.

use super::{Imported, ImportedMigration, SourceFile, joined_statements, named_sql_files};
use crate::error::bad_input;
use crate::migrate::format::DirFormat;
use crate::sql::{Flavor, split_statements_for};
use anyhow::Result;

/// The delimiter of files whose blocks our splitter would cut (a comment line to goose and to
/// any SQL client, so the file still reads as SQL).
const BLOCK_DELIMITER: &str = "-- end";

pub(super) fn import(files: &[SourceFile], flavor: &Flavor) -> Result<Imported> {
    if let Some(go) = files.iter().find(|f| f.name.ends_with(".go")) {
        return Err(bad_input(format!(
            "{}: a Go migration; only SQL migrations can be imported (rewrite it as a .sql file)",
            go.name
        )));
    }
    let mut imported = Imported::default();
    for (parsed, file) in named_sql_files(files, DirFormat::Atlas, "goose")? {
        let up = read_up(&file.text).map_err(|why| bad_input(format!("{}: {why}", file.name)))?;
        let mut directives = Vec::new();
        if up.no_transaction {
            directives.push("atlas:txmode none".to_string());
        }
        let sql = if up.blocks_split_cleanly(flavor) {
            up.plain_text()
        } else {
            directives.push(format!("atlas:delimiter {BLOCK_DELIMITER}"));
            up.delimited_text(flavor)
        };
        imported.migrations.push(ImportedMigration {
            version: parsed.version,
            name: parsed.name,
            sql,
            note: vec![format!("Imported from goose: {}", file.name)],
            directives,
        });
    }
    Ok(imported)
}

/// A piece of the Up section: SQL outside blocks, or one block's text.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Sql(String),
    Block(String),
}

#[derive(Debug, Default, PartialEq, Eq)]
struct UpSection {
    pieces: Vec<Piece>,
    no_transaction: bool,
}

/// The goose annotation on `line` (`Up`, `StatementBegin`, …), if it is one.
fn annotation(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("--")?.trim_start();
    Some(rest.strip_prefix("+goose")?.trim())
}

/// Reads the Up section of a goose file into pieces.
fn read_up(text: &str) -> Result<UpSection, String> {
    let mut section = UpSection::default();
    let (mut in_up, mut seen_up, mut block): (bool, bool, Option<String>) = (false, false, None);
    let mut sql = String::new();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let Some(annotation) = annotation(line) else {
            match (&mut block, in_up) {
                (Some(block), _) => block.push_str(line),
                (None, true) => sql.push_str(line),
                (None, false) => {}
            }
            continue;
        };
        let at = || format!("line {}", index + 1);
        match annotation.to_ascii_uppercase().as_str() {
            "UP" if seen_up => return Err(format!("{}: a second `-- +goose Up`", at())),
            "UP" => (in_up, seen_up) = (true, true),
            "DOWN" => in_up = false,
            "NO TRANSACTION" => section.no_transaction = true,
            "STATEMENTBEGIN" if block.is_some() => {
                return Err(format!("{}: StatementBegin inside a block", at()));
            }
            "STATEMENTBEGIN" => {
                if in_up {
                    section.pieces.push(Piece::Sql(std::mem::take(&mut sql)));
                }
                block = Some(String::new());
            }
            "STATEMENTEND" => {
                let text = block
                    .take()
                    .ok_or_else(|| format!("{}: StatementEnd without StatementBegin", at()))?;
                if in_up {
                    section.pieces.push(Piece::Block(text));
                }
            }
            // ENVSUB ON/OFF and future annotations change nothing we write.
            _ => {}
        }
    }
    if block.is_some() {
        return Err("a StatementBegin block is never closed".into());
    }
    if !seen_up {
        return Err("no `-- +goose Up` line (goose format)".into());
    }
    section.pieces.push(Piece::Sql(sql));
    section
        .pieces
        .retain(|p| !matches!(p, Piece::Sql(s) | Piece::Block(s) if s.trim().is_empty()));
    Ok(section)
}

impl UpSection {
    /// Whether `flavor` splits every block into a single statement.
    fn blocks_split_cleanly(&self, flavor: &Flavor) -> bool {
        self.pieces.iter().all(|piece| match piece {
            Piece::Block(text) => split_statements_for(flavor, text).len() <= 1,
            Piece::Sql(_) => true,
        })
    }

    /// The section as written, without goose's annotation lines.
    fn plain_text(&self) -> String {
        let texts: Vec<&str> = self
            .pieces
            .iter()
            .map(|(Piece::Sql(s) | Piece::Block(s))| s.trim_matches('\n'))
            .collect();
        texts.join("\n\n") + "\n"
    }

    /// Every statement followed by a [`BLOCK_DELIMITER`] line: SQL outside blocks split by
    /// `flavor`, each block whole.
    fn delimited_text(&self, flavor: &Flavor) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            let statements = match piece {
                Piece::Sql(sql) => joined_statements(flavor, sql),
                Piece::Block(block) => vec![without_final_semicolon(block)],
            };
            for statement in statements {
                out.push_str(&format!("{statement}\n{BLOCK_DELIMITER}\n"));
            }
        }
        out
    }
}

/// A block's text without its trailing `;` (the delimiter ends it now).
fn without_final_semicolon(block: &str) -> String {
    let trimmed = block.trim();
    trimmed
        .strip_suffix(';')
        .unwrap_or(trimmed)
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::super::tests::file;
    use super::*;

    const FUNCTION: &str = "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\n-- +goose StatementEnd\nCREATE TABLE t (a int);\n\n-- +goose Down\nDROP FUNCTION f;\n";

    #[test]
    fn the_up_section_is_read_into_blocks_and_sql() {
        let up = read_up(FUNCTION).unwrap();
        assert_eq!(up.pieces.len(), 2, "{up:?}");
        assert!(matches!(&up.pieces[0], Piece::Block(b) if b.contains("RETURN 1;")));
        assert_eq!(
            up.pieces[1],
            Piece::Sql("CREATE TABLE t (a int);\n\n".into())
        );
        assert!(!up.no_transaction);
    }

    #[test]
    fn dollar_quoted_blocks_are_kept_as_written() {
        let imported = import(&[file("00001_f.sql", FUNCTION)], &Flavor::postgres()).unwrap();
        let m = &imported.migrations[0];
        assert!(m.directives.is_empty(), "{:?}", m.directives);
        assert!(!m.sql.contains("+goose"), "{}", m.sql);
        assert!(!m.sql.contains("DROP FUNCTION"), "{}", m.sql);
        assert_eq!(split_statements_for(&Flavor::postgres(), &m.sql).len(), 2);
    }

    #[test]
    fn blocks_the_splitter_would_cut_get_a_delimiter() {
        // A PostgreSQL trigger body is no body to the PostgreSQL flavour: its `;` would split.
        let text = "-- +goose NO TRANSACTION\n-- +goose Up\n-- +goose StatementBegin\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET a = 1;\n  DELETE FROM u;\nEND;\n-- +goose StatementEnd\nSELECT 1; SELECT 2;\n";
        let imported = import(&[file("2_tr.sql", text)], &Flavor::postgres()).unwrap();
        let m = &imported.migrations[0];
        assert_eq!(
            m.directives,
            ["atlas:txmode none", "atlas:delimiter -- end"]
        );
        let statements = crate::sql::split_statements_with(&m.sql, Some(BLOCK_DELIMITER));
        let texts: Vec<&str> = statements.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert!(texts[0].ends_with("END"), "{texts:?}");
        assert_eq!(&texts[1..], ["SELECT 1", "SELECT 2"]);
    }

    #[test]
    fn go_migrations_and_broken_files_are_bad_input_naming_them() {
        let flavor = Flavor::postgres();
        let error = import(
            &[
                file("1_a.sql", "-- +goose Up\n"),
                file("2_b.go", "package x"),
            ],
            &flavor,
        )
        .unwrap_err();
        assert!(error.to_string().starts_with("2_b.go:"), "{error}");
        let error = import(&[file("1_a.sql", "select 1;")], &flavor).unwrap_err();
        assert!(
            error.to_string().contains("1_a.sql: no `-- +goose Up`"),
            "{error}"
        );
        let open = "-- +goose Up\n-- +goose StatementBegin\nselect 1;\n";
        assert!(read_up(open).unwrap_err().contains("never closed"));
    }
}
