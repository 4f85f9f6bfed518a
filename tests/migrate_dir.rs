//! Migration directories on disk: Atlas's `atlas.sum` reproduced byte for byte, sum checks that
//! name the changed file, the three formats written and read back, atomic writes.

use schemactl::error::exit_code;
use schemactl::migrate::{DirFormat, MigrationDir, SUM_FILE_NAME, TxMode, next_version};
use schemactl::sql::Flavor;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The shared Atlas example: `SCHEMACTL_CONFORMANCE_DIR`, else ../shared beside the repository,
/// else /work/shared (where a clone elsewhere still finds the team's shared files).
fn atlas_example() -> PathBuf {
    let conformance = match std::env::var("SCHEMACTL_CONFORMANCE_DIR") {
        Ok(dir) => PathBuf::from(dir),
        Err(_) => {
            let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
            if beside.exists() {
                beside
            } else {
                PathBuf::from("/work/shared/conformance")
            }
        }
    };
    conformance.join("atlas-sum/example")
}

/// A writable copy of the shared example directory.
fn copy_of_example() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(atlas_example()).unwrap() {
        let entry = entry.unwrap();
        let target = tmp.path().join(entry.file_name());
        fs::copy(entry.path(), &target).unwrap();
        // The shared originals are read-only; the copies are edited by the tests.
        fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
    }
    tmp
}

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

/// The error message, asserting it is bad input (exit code 2).
fn bad_input_message(result: anyhow::Result<impl std::fmt::Debug>) -> String {
    let error = result.expect_err("expected an error");
    assert_eq!(exit_code(&error), 2, "{error:#}");
    format!("{error:#}")
}

#[test]
fn write_sum_reproduces_atlas_sum_byte_for_byte() {
    let original = fs::read(atlas_example().join(SUM_FILE_NAME)).unwrap();
    let copy = copy_of_example();
    fs::remove_file(copy.path().join(SUM_FILE_NAME)).unwrap();
    let dir = MigrationDir::open(copy.path(), DirFormat::Atlas).unwrap();
    dir.write_sum().unwrap();
    let written = fs::read(copy.path().join(SUM_FILE_NAME)).unwrap();
    assert_eq!(
        String::from_utf8(written).unwrap(),
        String::from_utf8(original).unwrap()
    );
}

#[test]
fn atlas_written_sum_verifies_and_files_read_in_order() {
    let dir = MigrationDir::open(&atlas_example(), DirFormat::Atlas).unwrap();
    dir.verify_sum().unwrap();
    let files = dir.files().unwrap();
    let names: Vec<(&str, &str)> = files
        .iter()
        .map(|f| (f.version.as_str(), f.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("20230727105553", "init"),
            ("20230727105615", "t2"),
            ("20230926085734", "destructive-change")
        ]
    );
    assert_eq!(
        files[2].statements(&Flavor::postgres())[0].text,
        "DROP TABLE t2"
    );
}

#[test]
fn verify_names_an_edited_file() {
    let copy = copy_of_example();
    fs::write(
        copy.path().join("20230727105615_t2.sql"),
        "CREATE TABLE t2 ( c1 bigint, c2 text );\n",
    )
    .unwrap();
    let dir = MigrationDir::open(copy.path(), DirFormat::Atlas).unwrap();
    let message = bad_input_message(dir.verify_sum());
    assert!(
        message.contains("20230727105615_t2.sql was changed"),
        "{message}"
    );
    assert!(message.contains("schemactl migrate hash"), "{message}");
}

#[test]
fn verify_names_a_removed_file() {
    let copy = copy_of_example();
    fs::remove_file(copy.path().join("20230727105553_init.sql")).unwrap();
    let dir = MigrationDir::open(copy.path(), DirFormat::Atlas).unwrap();
    let message = bad_input_message(dir.verify_sum());
    assert!(
        message.contains("20230727105553_init.sql was removed"),
        "{message}"
    );
}

#[test]
fn verify_names_an_added_file() {
    let copy = copy_of_example();
    fs::write(copy.path().join("20230801000000_x.sql"), "select 1;\n").unwrap();
    let dir = MigrationDir::open(copy.path(), DirFormat::Atlas).unwrap();
    let message = bad_input_message(dir.verify_sum());
    assert!(
        message.contains("20230801000000_x.sql was added"),
        "{message}"
    );
}

#[test]
fn verify_refuses_a_missing_sum_when_files_exist() {
    let copy = copy_of_example();
    fs::remove_file(copy.path().join(SUM_FILE_NAME)).unwrap();
    let dir = MigrationDir::open(copy.path(), DirFormat::Atlas).unwrap();
    let message = bad_input_message(dir.verify_sum());
    assert!(message.contains("no atlas.sum"), "{message}");
    assert!(message.contains("20230727105553_init.sql"), "{message}");
    assert!(message.contains("schemactl migrate hash"), "{message}");
}

#[test]
fn verify_detects_a_hand_edited_total() {
    let copy = copy_of_example();
    let sum_path = copy.path().join(SUM_FILE_NAME);
    let text = fs::read_to_string(&sum_path).unwrap();
    fs::write(&sum_path, text.replacen("h1:hnQZ", "h1:XnQZ", 1)).unwrap();
    let dir = MigrationDir::open(copy.path(), DirFormat::Atlas).unwrap();
    let message = bad_input_message(dir.verify_sum());
    assert!(message.contains("edited by hand"), "{message}");
}

#[test]
fn a_missing_directory_is_empty_and_created_by_the_first_write() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("migrations");
    let dir = MigrationDir::open(&path, DirFormat::Atlas).unwrap();
    assert!(dir.files().unwrap().is_empty());
    dir.verify_sum().unwrap();
    let written = dir
        .write_migration("20240101000000", "init", "CREATE TABLE t (a int);", None)
        .unwrap();
    assert_eq!(
        written,
        [
            path.join("20240101000000_init.sql"),
            path.join(SUM_FILE_NAME)
        ]
    );
    dir.verify_sum().unwrap();
}

#[test]
fn opening_a_file_as_a_directory_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not_a_dir");
    fs::write(&file, "").unwrap();
    bad_input_message(MigrationDir::open(&file, DirFormat::Atlas));
}

#[test]
fn atlas_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = MigrationDir::open(tmp.path(), DirFormat::Atlas).unwrap();
    dir.write_migration(
        "20240101000000",
        "add users",
        "CREATE TABLE users (id int);",
        None,
    )
    .unwrap();
    dir.new_migration("20240102000000", "").unwrap();
    let files = dir.files().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].name, "add_users");
    assert_eq!(files[0].up, "CREATE TABLE users (id int);\n");
    assert_eq!(files[0].down, None);
    assert_eq!(files[1].file_name(), "20240102000000.sql");
    assert_eq!(files[1].up, "");
    dir.verify_sum().unwrap();
}

#[test]
fn dbmate_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = MigrationDir::open(tmp.path(), DirFormat::Dbmate).unwrap();
    dir.write_migration(
        "20240101000000",
        "init",
        "CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);",
        Some("DROP TABLE t;"),
    )
    .unwrap();
    dir.new_migration("20240102000000", "empty").unwrap();
    let text = fs::read_to_string(tmp.path().join("20240101000000_init.sql")).unwrap();
    assert_eq!(
        text,
        "-- migrate:up\nCREATE TABLE t (a int);\nCREATE INDEX i ON t (a);\n\n-- migrate:down\nDROP TABLE t;\n"
    );
    let files = dir.files().unwrap();
    assert_eq!(
        files[0].up,
        "CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);\n\n"
    );
    assert_eq!(files[0].down.as_deref(), Some("DROP TABLE t;\n"));
    let statements: Vec<(String, usize)> = files[0]
        .statements(&Flavor::postgres())
        .into_iter()
        .map(|s| (s.text, s.line))
        .collect();
    assert_eq!(
        statements,
        [
            ("CREATE TABLE t (a int)".to_string(), 2),
            ("CREATE INDEX i ON t (a)".to_string(), 3)
        ]
    );
    assert!(files[1].statements(&Flavor::postgres()).is_empty());
    assert_eq!(files[1].down.as_deref(), Some(""));
    dir.verify_sum().unwrap();
}

#[test]
fn golang_migrate_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = MigrationDir::open(tmp.path(), DirFormat::GolangMigrate).unwrap();
    let written = dir
        .write_migration(
            "2",
            "init",
            "CREATE TABLE t (a int);",
            Some("DROP TABLE t;"),
        )
        .unwrap();
    assert_eq!(
        written,
        [
            tmp.path().join("2_init.up.sql"),
            tmp.path().join("2_init.down.sql"),
            tmp.path().join(SUM_FILE_NAME)
        ]
    );
    dir.write_migration("10", "more", "CREATE TABLE u (b int);", None)
        .unwrap();
    let files = dir.files().unwrap();
    // Numeric order: 2 before 10.
    assert_eq!(files[0].version, "2");
    assert_eq!(files[0].up, "CREATE TABLE t (a int);\n");
    assert_eq!(files[0].down.as_deref(), Some("DROP TABLE t;\n"));
    assert_eq!(files[1].version, "10");
    assert_eq!(files[1].down.as_deref(), Some(""));
    // The sum covers the down files too.
    let sum = fs::read_to_string(tmp.path().join(SUM_FILE_NAME)).unwrap();
    assert!(sum.contains("2_init.down.sql h1:"), "{sum}");
    fs::write(
        tmp.path().join("2_init.down.sql"),
        "DROP TABLE t CASCADE;\n",
    )
    .unwrap();
    let message = bad_input_message(dir.verify_sum());
    assert!(message.contains("2_init.down.sql was changed"), "{message}");
}

#[test]
fn golang_migrate_down_without_up_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("1_init.down.sql"), "drop table t;").unwrap();
    let dir = MigrationDir::open(tmp.path(), DirFormat::GolangMigrate).unwrap();
    let message = bad_input_message(dir.files());
    assert!(message.contains("1_init.down.sql"), "{message}");
}

#[test]
fn a_badly_named_sql_file_is_bad_input_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("20240101000000_ok.sql"), "select 1;").unwrap();
    fs::write(tmp.path().join("schema.sql"), "select 1;").unwrap();
    fs::write(tmp.path().join("README.md"), "not a migration").unwrap();
    let dir = MigrationDir::open(tmp.path(), DirFormat::Atlas).unwrap();
    let message = bad_input_message(dir.files());
    assert!(message.contains("schema.sql"), "{message}");
    assert!(message.contains("VERSION_name.sql"), "{message}");
}

#[test]
fn duplicate_versions_are_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("1_a.sql"), "select 1;").unwrap();
    fs::write(tmp.path().join("01_b.sql"), "select 2;").unwrap();
    let dir = MigrationDir::open(tmp.path(), DirFormat::Atlas).unwrap();
    let message = bad_input_message(dir.files());
    assert!(
        message.contains("01_b.sql") && message.contains("1_a.sql"),
        "{message}"
    );
}

#[test]
fn writing_refuses_a_used_version_and_changes_nothing() {
    let copy = copy_of_example();
    let before = listing(copy.path());
    let dir = MigrationDir::open(copy.path(), DirFormat::Atlas).unwrap();
    let message =
        bad_input_message(dir.write_migration("20230727105615", "again", "select 1;", None));
    assert!(message.contains("20230727105615_t2.sql"), "{message}");
    assert_eq!(listing(copy.path()), before);
}

#[test]
fn writing_refuses_a_directory_whose_sum_does_not_match() {
    let copy = copy_of_example();
    fs::write(copy.path().join("20230727105553_init.sql"), "edited").unwrap();
    let before = listing(copy.path());
    let dir = MigrationDir::open(copy.path(), DirFormat::Atlas).unwrap();
    let message = bad_input_message(dir.write_migration("20240101000000", "x", "select 1;", None));
    assert!(
        message.contains("20230727105553_init.sql was changed"),
        "{message}"
    );
    assert_eq!(listing(copy.path()), before);
}

#[test]
fn writing_into_an_unwritable_directory_leaves_nothing() {
    if nix::unistd::geteuid().is_root() {
        eprintln!("skipped: permissions do not bind root (the unit tests inject failures instead)");
        return;
    }
    let copy = copy_of_example();
    fs::set_permissions(copy.path(), fs::Permissions::from_mode(0o555)).unwrap();
    let before = listing(copy.path());
    let dir = MigrationDir::open(copy.path(), DirFormat::Atlas).unwrap();
    let result = dir.write_migration("20240101000000", "x", "select 1;", None);
    fs::set_permissions(copy.path(), fs::Permissions::from_mode(0o755)).unwrap();
    assert!(result.is_err());
    assert_eq!(listing(copy.path()), before);
}

#[test]
fn appending_to_atlas_example_extends_its_sum() {
    let copy = copy_of_example();
    let dir = MigrationDir::open(copy.path(), DirFormat::Atlas).unwrap();
    let version = next_version(&dir).unwrap();
    assert!(version.as_str() > "20230926085734");
    dir.write_migration(&version, "next", "CREATE TABLE t3 (a int);", None)
        .unwrap();
    let sum = fs::read_to_string(copy.path().join(SUM_FILE_NAME)).unwrap();
    let original = fs::read_to_string(atlas_example().join(SUM_FILE_NAME)).unwrap();
    // The earlier lines (running hashes of earlier files) are unchanged; a line is added.
    let old_lines: Vec<&str> = original.lines().skip(1).collect();
    let new_lines: Vec<&str> = sum.lines().skip(1).collect();
    assert_eq!(&new_lines[..3], old_lines.as_slice());
    assert!(new_lines[3].starts_with(&format!("{version}_next.sql h1:")));
    dir.verify_sum().unwrap();
}

#[test]
fn next_version_follows_a_future_last_version() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = MigrationDir::open(tmp.path(), DirFormat::Atlas).unwrap();
    dir.new_migration("29991231235959", "future").unwrap();
    assert_eq!(next_version(&dir).unwrap(), "30000101000000");
}

#[test]
fn directives_and_delimiter_are_read_from_the_file_header() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("1_procs.sql"),
        "-- atlas:txmode none\n-- schemactl:nolint DS103\n-- atlas:delimiter //\n\n\
         CREATE INDEX CONCURRENTLY i ON t (a)//\n\
         CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END//\n",
    )
    .unwrap();
    let dir = MigrationDir::open(tmp.path(), DirFormat::Atlas).unwrap();
    dir.write_sum().unwrap();
    let files = dir.files().unwrap();
    let directives = &files[0].directives;
    assert_eq!(directives.tx_mode, Some(TxMode::None));
    assert_eq!(directives.nolint, ["DS103"]);
    assert_eq!(directives.delimiter.as_deref(), Some("//"));
    let statements: Vec<(String, usize)> = files[0]
        .statements(&Flavor::postgres())
        .into_iter()
        .map(|s| (s.text, s.line))
        .collect();
    assert_eq!(
        statements,
        [
            ("CREATE INDEX CONCURRENTLY i ON t (a)".to_string(), 5),
            (
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END"
                    .to_string(),
                6
            )
        ]
    );
}

#[test]
fn a_bad_directive_is_bad_input_naming_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("1_x.sql"),
        "-- atlas:txmode maybe\nselect 1;",
    )
    .unwrap();
    let dir = MigrationDir::open(tmp.path(), DirFormat::Atlas).unwrap();
    let message = bad_input_message(dir.files());
    assert!(message.contains("1_x.sql: line 1: txmode"), "{message}");
}
