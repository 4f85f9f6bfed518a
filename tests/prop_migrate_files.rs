//! Generated-input tests of what schemactl reads from a migration directory: file names,
//! header directives, the sum file, dbmate's `-- migrate:up` / `-- migrate:down` sections and
//! golang-migrate's up/down files (through `MigrationDir` and `migrate import`, on real files).

mod common;

use common::cases::config;
use proptest::prelude::*;
use schemactl::error::exit_code;
use schemactl::migrate::import::{SourceTool, import_sql_files};
use schemactl::migrate::{DirFormat, Directives, MigrationDir, SumFile, TxMode, sanitize_name};
use schemactl::sql::Flavor;

const FORMATS: [DirFormat; 3] = [
    DirFormat::Atlas,
    DirFormat::Dbmate,
    DirFormat::GolangMigrate,
];

fn version() -> impl Strategy<Value = String> {
    prop_oneof!["[0-9]{14}", "[0-9]{1,24}"]
}

/// A migration name as found on disk: anything a file name may hold but `/` and NUL.
fn disk_name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_. é日-]{0,12}".prop_filter("no path", |n| !n.contains('/'))
}

proptest! {
    #![proptest_config(config())]

    /// The names schemactl writes parse back to their version, name and part.
    #[test]
    fn written_file_names_parse_back(version in version(), name in ".{0,16}") {
        let name = sanitize_name(&name);
        prop_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
        for format in FORMATS {
            for (file_name, part) in format.file_names(&version, &name) {
                let parsed = format.parse_file_name(&file_name);
                let parsed = parsed.ok_or_else(|| TestCaseError::fail(format!("{format}: {file_name}")))?;
                prop_assert_eq!(&parsed.version, &version);
                let expected = match (format, name.is_empty()) {
                    (DirFormat::GolangMigrate, true) => "migration",
                    _ => name.as_str(),
                };
                prop_assert_eq!(parsed.name, expected);
                prop_assert_eq!(parsed.part, part);
            }
        }
    }

    /// A name read from disk is whatever follows `VERSION_`, dots and all.
    #[test]
    fn names_on_disk_parse_whole(version in version(), name in disk_name()) {
        let atlas = DirFormat::Atlas.parse_file_name(&format!("{version}_{name}.sql")).unwrap();
        prop_assert_eq!((atlas.version.as_str(), atlas.name.as_str()), (version.as_str(), name.as_str()));
        for suffix in ["up", "down"] {
            let file = format!("{version}_{name}.{suffix}.sql");
            let golang = DirFormat::GolangMigrate.parse_file_name(&file).unwrap();
            prop_assert_eq!((golang.version.as_str(), golang.name.as_str()), (version.as_str(), name.as_str()));
        }
    }

    /// Any file name: no panic, and what parses is `VERSION[_name][.up|.down].sql` exactly.
    #[test]
    fn any_file_name_parses_to_its_parts_or_not_at_all(file in "[0-9]{0,3}[_a-z.0-9é]{0,8}(\\.up|\\.down)?(\\.sql)?") {
        for format in FORMATS {
            let Some(parsed) = format.parse_file_name(&file) else { continue };
            prop_assert!(!parsed.version.is_empty() && parsed.version.bytes().all(|b| b.is_ascii_digit()));
            // The parts, as the names schemactl writes have them.
            let parts = [DirFormat::Atlas.file_names("1", "a"), DirFormat::GolangMigrate.file_names("1", "a")].concat();
            let suffix = parts
                .iter()
                .find(|(_, part)| *part == parsed.part)
                .map(|(written, _)| &written["1_a".len()..])
                .unwrap();
            let with_name = format!("{}_{}{suffix}", parsed.version, parsed.name);
            let without = format!("{}{suffix}", parsed.version);
            prop_assert!(file == with_name || (parsed.name.is_empty() && file == without), "{} from {}", with_name, file);
        }
    }
}

/// One header line and what it means.
#[derive(Debug, Clone)]
enum HeaderLine {
    Blank,
    Comment(String),
    SumIgnore,
    Tx(&'static str, TxMode),
    Nolint(Vec<String>),
    Delimiter(&'static str, &'static str),
}

impl HeaderLine {
    fn text(&self, ours: bool) -> String {
        let prefix = if ours { "schemactl" } else { "atlas" };
        match self {
            HeaderLine::Blank => String::new(),
            HeaderLine::Comment(text) => format!("-- {text}"),
            HeaderLine::SumIgnore => "-- atlas:sum ignore".into(),
            HeaderLine::Tx(word, _) => format!("--{prefix}:txmode {word}"),
            HeaderLine::Nolint(codes) => format!("-- {prefix}:nolint {}", codes.join(" ")),
            HeaderLine::Delimiter(written, _) => format!("  -- {prefix}:delimiter {written}"),
        }
    }
}

fn header_line() -> impl Strategy<Value = (HeaderLine, bool)> {
    let line = prop_oneof![
        Just(HeaderLine::Blank),
        "[a-z :;'é]{0,12}"
            .prop_filter("not a directive", |t| !t.contains(':'))
            .prop_map(HeaderLine::Comment),
        Just(HeaderLine::SumIgnore),
        prop::sample::select(vec![
            ("none", TxMode::None),
            ("file", TxMode::File),
            ("all", TxMode::All)
        ])
        .prop_map(|(w, m)| HeaderLine::Tx(w, m)),
        prop::collection::vec("[A-Z]{2}[0-9]{3}|destructive", 0..3).prop_map(HeaderLine::Nolint),
        prop::sample::select(vec![
            ("//", "//"),
            ("\\n\\n", "\n\n"),
            ("$$", "$$"),
            ("\\t;", "\t;"),
            ("a\\\\b", "a\\b"),
            ("\\x", "\\x")
        ])
        .prop_map(|(w, d)| HeaderLine::Delimiter(w, d)),
    ];
    (line, any::<bool>())
}

/// Statements below the header: their directive-like comments are not directives.
fn body() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "create table t (a int);",
            "-- atlas:txmode all",
            "-- schemactl:bogus",
            "-- atlas:sum nonsense",
            "",
            "select '-- atlas:nolint';",
        ]),
        0..4,
    )
    .prop_map(|lines| format!("select 1;\n{}", lines.join("\n")))
}

/// A bad directive and the start of what its error says.
fn bad_directive() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "-- atlas:txmode sometimes",
        "-- schemactl:txmode",
        "-- atlas:sum keep",
        "-- schemactl:unknown x",
        "-- schemactl:delimiter",
        "-- schemactl:sum ignore",
    ])
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn header_directives_read_as_written(
        lines in prop::collection::vec(header_line(), 0..8),
        body in body(),
    ) {
        let mut text = String::new();
        let mut expected = Directives::default();
        for (line, ours) in &lines {
            text.push_str(&line.text(*ours));
            text.push('\n');
            match line {
                HeaderLine::Blank | HeaderLine::Comment(_) => {}
                HeaderLine::SumIgnore => expected.sum_ignore = true,
                HeaderLine::Tx(_, mode) => expected.tx_mode = Some(*mode),
                HeaderLine::Nolint(codes) if codes.is_empty() => expected.nolint_all = true,
                HeaderLine::Nolint(codes) => expected.nolint.extend(codes.iter().cloned()),
                HeaderLine::Delimiter(_, d) => expected.delimiter = Some(d.to_string()),
            }
        }
        text.push_str(&body);
        prop_assert_eq!(Directives::parse(&text), Ok(expected), "{}", text);
    }

    #[test]
    fn a_bad_directive_is_an_error_naming_its_line(
        lines in prop::collection::vec(header_line(), 0..6),
        bad in bad_directive(),
        body in body(),
    ) {
        let mut text: String = lines.iter().map(|(l, ours)| l.text(*ours) + "\n").collect();
        let line = lines.len() + 1;
        text.push_str(bad);
        text.push('\n');
        text.push_str(&body);
        let error = Directives::parse(&text).expect_err("a bad directive");
        prop_assert!(error.starts_with(&format!("line {line}: ")), "{}", error);
    }

    #[test]
    fn any_text_gives_directives_or_a_line_error(text in "(-- ?(atlas|schemactl):[a-z]{0,8} ?[a-z/\\\\]{0,4}\n|\n|--.{0,10}\n){0,6}.{0,10}") {
        if let Err(error) = Directives::parse(&text) {
            prop_assert!(error.starts_with("line "), "{}", error);
        }
    }
}

/// Sum-file names: spaces, unicode, and text that looks like a hash.
fn sum_files() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    some_sum_files(0)
}

fn some_sum_files(min: usize) -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    prop::collection::vec(
        (
            "[0-9]{1,14}(_[a-z é日h1:=+/]{0,10})?\\.sql",
            prop::collection::vec(any::<u8>(), 0..64),
        ),
        min..8,
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sum_files_round_trip(files in sum_files()) {
        let sum = SumFile::compute(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        let text = sum.render();
        prop_assert_eq!(text.lines().count(), files.len() + 1);
        prop_assert!(text.ends_with('\n'));
        let parsed = SumFile::parse(&text).map_err(TestCaseError::fail)?;
        prop_assert!(parsed.total_matches_files());
        prop_assert_eq!(&parsed, &sum);
        prop_assert_eq!(parsed.render(), text);
        // Running hashes: the sum of the first k files is a prefix of the whole.
        for k in 0..files.len() {
            let prefix = SumFile::compute(files[..k].iter().map(|(n, b)| (n.as_str(), b.as_slice())));
            prop_assert_eq!(&prefix.files[..], &sum.files[..k]);
        }
    }

    #[test]
    fn an_edited_sum_file_is_told(files in some_sum_files(1), pick in any::<prop::sample::Index>(), byte in any::<prop::sample::Index>()) {
        let mut edited = files.clone();
        let i = pick.index(edited.len());
        let at = byte.index(edited[i].1.len() + 1);
        edited[i].1.insert(at, b'x');
        let sum = SumFile::compute(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        let other = SumFile::compute(edited.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        prop_assert_ne!(&sum.files[i].1, &other.files[i].1);
        prop_assert_ne!(&sum.total, &other.total);
        // A sum file whose total was kept while a line changed no longer matches.
        let mut mixed = sum.clone();
        mixed.files[i].1 = other.files[i].1.clone();
        prop_assert!(!mixed.total_matches_files());
    }

    #[test]
    fn any_sum_text_parses_and_renders_back_or_names_its_line(text in "(h1:[A-Za-z0-9+/=]{0,8}\n)?([a-z0-9_. ]{0,10}( h1:[A-Za-z0-9+/=]{0,6})?\n){0,5}") {
        match SumFile::parse(&text) {
            Ok(sum) => prop_assert_eq!(sum.render(), text),
            Err(error) => prop_assert!(error.starts_with("line "), "{}", error),
        }
    }
}

/// A line of SQL in a dbmate section, markers' near misses included.
fn dbmate_line() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "create table t (a int);",
        "select '-- migrate:up';",
        "-- migrate:upper is no marker",
        "--migrate:downward",
        "-- a comment",
        "",
        "insert into t values (1); -- migrate:down",
        "  drop table t;",
        "é;",
    ])
}

fn lines_text(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn write_dir(files: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dbmate_sections_read_as_written(
        version in "[0-9]{1,14}",
        header in prop::collection::vec(prop::sample::select(vec!["-- written by hand", ""]), 0..3),
        marker_options in prop::sample::select(vec!["", " transaction:false", "  transaction:true", "\ttransaction:FALSE"]),
        up in prop::collection::vec(dbmate_line(), 0..5),
        down in prop::option::of(prop::collection::vec(dbmate_line(), 0..4)),
        indent in prop::sample::select(vec!["", " ", "\t"]),
    ) {
        let mut text = lines_text(&header);
        text.push_str(&format!("{indent}-- migrate:up{marker_options}\n"));
        let up_text = lines_text(&up);
        text.push_str(&up_text);
        if let Some(down) = &down {
            text.push_str(&format!("{indent}--  migrate:down\n"));
            text.push_str(&lines_text(down));
        }
        let name = format!("{version}_t.sql");
        let dir = write_dir(&[(name, text.clone())]);
        let files = MigrationDir::open(dir.path(), DirFormat::Dbmate)
            .and_then(|d| d.files())
            .map_err(|e| TestCaseError::fail(format!("{e:#}\n{text}")))?;
        prop_assert_eq!(files.len(), 1);
        let file = &files[0];
        prop_assert_eq!(&file.version, &version);
        prop_assert_eq!(&file.up, &up_text);
        prop_assert_eq!(file.up_line, header.len() + 2);
        prop_assert_eq!(file.down.clone(), down.as_ref().map(|d| lines_text(d)));
        let no_tx = marker_options.to_ascii_lowercase().contains("transaction:false");
        prop_assert_eq!(file.directives.tx_mode == Some(TxMode::None), no_tx);
        // Statement lines are the file's lines.
        let file_lines: Vec<&str> = text.lines().collect();
        for statement in file.statements(&Flavor::postgres()) {
            let line = file_lines[statement.line - 1];
            let first = statement.text.lines().next().unwrap();
            prop_assert!(line.contains(first), "line {} is {:?}, not {:?}", statement.line, line, first);
        }
        // `migrate import --from dbmate` keeps the up section and the transaction mode.
        let imported = import_sql_files(SourceTool::Dbmate, dir.path(), &Flavor::postgres())
            .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        prop_assert_eq!(&imported.migrations[0].sql, &up_text);
        prop_assert_eq!(imported.migrations[0].directives.is_empty(), !no_tx);
    }

    #[test]
    fn misplaced_dbmate_markers_are_bad_input_naming_the_file_and_line(
        before in prop::collection::vec(dbmate_line(), 0..4),
        layout in prop::sample::select(vec!["up up", "down up", "up down down", "none"]),
    ) {
        let mut text = lines_text(&before);
        let mut bad_line = None;
        let mut seen = (0, 0);
        for marker in layout.split(' ') {
            let line = text.lines().count() + 1;
            match marker {
                "up" => seen.0 += 1,
                "down" => seen.1 += 1,
                _ => continue,
            }
            if bad_line.is_none() && (seen.0 > 1 || seen.1 > 1 || (seen.1 == 1 && seen.0 == 0)) {
                bad_line = Some(line);
            }
            text.push_str(&format!("-- migrate:{marker}\nselect 1;\n"));
        }
        let dir = write_dir(&[("1_x.sql".to_string(), text.clone())]);
        let error = MigrationDir::open(dir.path(), DirFormat::Dbmate)
            .and_then(|d| d.files())
            .expect_err("misplaced markers");
        let message = format!("{error:#}");
        prop_assert_eq!(exit_code(&error), 2, "{}", message);
        prop_assert!(message.contains("1_x.sql: "), "{}", message);
        match bad_line {
            Some(line) => prop_assert!(message.contains(&format!(": line {line}: ")), "{} in {:?}", message, text),
            None => prop_assert!(message.contains("no `-- migrate:up`"), "{}", message),
        }
    }

    #[test]
    fn golang_migrate_up_and_down_files_pair_by_version(
        migrations in prop::collection::btree_map("[1-9][0-9]{0,6}", (disk_name(), prop::collection::vec(dbmate_line(), 0..3), any::<bool>()), 0..5),
    ) {
        let mut files = Vec::new();
        for (version, (name, lines, with_down)) in &migrations {
            files.push((format!("{version}_{name}.up.sql"), lines_text(lines)));
            if *with_down {
                files.push((format!("{version}_{name}.down.sql"), format!("-- down {version}\n")));
            }
        }
        let dir = write_dir(&files);
        let read = MigrationDir::open(dir.path(), DirFormat::GolangMigrate)
            .and_then(|d| d.files())
            .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        let mut expected: Vec<_> = migrations.iter().collect();
        expected.sort_by(|a, b| schemactl::migrate::compare_versions(a.0, b.0));
        prop_assert_eq!(read.len(), expected.len());
        for (file, (version, (name, lines, with_down))) in read.iter().zip(&expected) {
            prop_assert_eq!(&file.version, *version);
            prop_assert_eq!(&file.name, name);
            prop_assert_eq!(&file.up, &lines_text(lines));
            prop_assert_eq!(file.down.clone(), with_down.then(|| format!("-- down {version}\n")));
        }
        let imported = import_sql_files(SourceTool::GolangMigrate, dir.path(), &Flavor::postgres())
            .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        let sql: Vec<String> = imported.migrations.iter().map(|m| m.sql.clone()).collect();
        let up: Vec<String> = expected.iter().map(|(_, (_, lines, _))| lines_text(lines)).collect();
        prop_assert_eq!(sql, up);
    }
}

/// A piece of a goose Up section: plain SQL, or a `StatementBegin` … `StatementEnd` block.
fn goose_piece() -> impl Strategy<Value = (bool, &'static str)> {
    prop_oneof![
        prop::sample::select(vec![
            "CREATE TABLE t (a int);",
            "INSERT INTO t VALUES ('a;b'), ('-- +goose Down');",
            "SELECT 1; SELECT 2;",
            "",
            "/* a; comment */ UPDATE t SET a = 2;",
        ])
        .prop_map(|sql| (false, sql)),
        prop::sample::select(vec![
            "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET a = 1;\n  DELETE FROM u;\nEND;",
            "DO $body$ BEGIN PERFORM 1; END $body$;",
            "CREATE PROCEDURE p() BEGIN\n  SELECT 1;\n  SELECT 'x;y';\nEND;",
            "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);",
        ])
        .prop_map(|block| (true, block)),
    ]
}

/// What a statement is, whoever wrote it: its text without a final `;`.
fn normalized(statement: &str) -> String {
    let trimmed = statement.trim();
    trimmed
        .strip_suffix(';')
        .unwrap_or(trimmed)
        .trim_end()
        .to_string()
}

fn flavor() -> impl Strategy<Value = Flavor> {
    prop::sample::select(vec![Flavor::postgres(), Flavor::sqlite(), Flavor::mysql()])
}

proptest! {
    #![proptest_config(config())]

    /// `migrate import --from goose` writes a file that replays as goose ran it: every block
    /// one statement, the SQL between blocks split as usual, nothing of the Down section.
    #[test]
    fn goose_imports_replay_the_statements_goose_runs(
        flavor in flavor(),
        pieces in prop::collection::vec(goose_piece(), 0..6),
        no_transaction in any::<bool>(),
        annotation in prop::sample::select(vec!["-- +goose ", "--+goose ", "  -- +goose  "]),
        up_word in prop::sample::select(vec!["Up", "up", "UP"]),
    ) {
        let mut text = String::new();
        if no_transaction {
            text.push_str(&format!("{annotation}NO TRANSACTION\n"));
        }
        text.push_str(&format!("{annotation}{up_word}\n"));
        let mut expected = Vec::new();
        for (block, sql) in &pieces {
            if *block {
                text.push_str(&format!("{annotation}StatementBegin\n{sql}\n{annotation}StatementEnd\n"));
                expected.push(normalized(sql));
            } else {
                text.push_str(&format!("{sql}\n"));
                expected.extend(schemactl::sql::split_statements_for(&flavor, sql).iter().map(|s| normalized(&s.text)));
            }
        }
        text.push_str(&format!("{annotation}Down\nDROP TABLE t;\n{annotation}StatementBegin\nSELECT 'down';\n{annotation}StatementEnd\n"));
        let source = write_dir(&[("00042_goose.sql".to_string(), text.clone())]);
        let imported = import_sql_files(SourceTool::Goose, source.path(), &flavor)
            .map_err(|e| TestCaseError::fail(format!("{e:#}\n{text}")))?;
        let migration = &imported.migrations[0];
        let written = write_dir(&[(format!("{}_{}.sql", migration.version, migration.name), migration.text())]);
        let files = MigrationDir::open(written.path(), DirFormat::Atlas)
            .and_then(|d| d.files())
            .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        let got: Vec<String> = files[0].statements(&flavor).iter().map(|s| normalized(&s.text)).collect();
        prop_assert_eq!(got, expected, "goose file:\n{}\nimported:\n{}", text, migration.text());
        prop_assert_eq!(files[0].directives.tx_mode == Some(TxMode::None), no_transaction);
    }
}
