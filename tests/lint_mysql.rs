//! `migrate lint` on MySQL migrations, replayed on the MariaDB test server
//! (`SCHEMACTL_TEST_MYSQL_URL`): the families that read the state diff (destructive,
//! incompatible, data-dependent) find what they find on PostgreSQL, MySQL's own rules find the
//! zero-filled NOT NULL column, the silently narrowed type and the file a failure would leave
//! half applied, and the PostgreSQL-only families stay quiet.

mod common;
#[path = "support/lint_json.rs"]
mod lint_json;

use common::project::{hashed_migrations, mysql_server, schemactl_in};
use std::path::Path;
use std::process::Output;

fn schemactl(dir: &Path, args: &[&str]) -> Output {
    schemactl_in(dir, args)
}

const BASE: &str = "CREATE TABLE `Users` (
  `id` int NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL,
  `name` varchar(100) NULL,
  `status` enum('new','active','gone') NOT NULL DEFAULT 'new',
  PRIMARY KEY (`id`)
);
CREATE TABLE `orders` (`id` int NOT NULL PRIMARY KEY, `user_id` int NOT NULL, `note` text);
";

/// A directory of the base file and `files`, hashed.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let mut all = vec![("20260101000000_base.sql", BASE)];
    all.extend_from_slice(files);
    hashed_migrations(&all)
}

fn lint(work: &Path, latest: &str, format: &str) -> Output {
    schemactl(
        work,
        &[
            "migrate",
            "lint",
            "--dir",
            "file://migrations",
            "--dev-url",
            &mysql_server(),
            "--latest",
            latest,
            "--format",
            format,
        ],
    )
}

fn codes(found: &[(String, String, usize)]) -> Vec<(&str, usize)> {
    found.iter().map(|(c, _, l)| (c.as_str(), *l)).collect()
}

#[test]
fn mysql_rules_find_zero_filled_columns_truncation_and_half_applied_files() {
    let work = project(&[(
        "20260102000000_change.sql",
        "ALTER TABLE `Users` ADD COLUMN `age` int NOT NULL;\n\
         ALTER TABLE `Users` MODIFY `name` varchar(20) NULL;\n\
         ALTER TABLE `Users` MODIFY `status` enum('new','active') NOT NULL DEFAULT 'new';\n\
         CREATE UNIQUE INDEX `users_email` ON `Users` (`email`);\n",
    )]);
    let out = lint(work.path(), "1", "json");
    let found = lint_json::findings("change", &out);
    assert_eq!(
        codes(&found),
        vec![
            ("MF101", 4),
            ("MY101", 1),
            ("MY102", 2),
            ("MY102", 3),
            ("MY103", 2),
            // Measured: changing a column's type copies the table.
            ("MY104", 2),
            ("MY104", 3),
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by_code = |code: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .unwrap()
            .clone()
    };
    // Names as MySQL keeps them (case and all), in the one schema that is the database.
    assert_eq!(by_code("MY101")["detail"], "column main.Users.age");
    assert!(
        by_code("MY102")["detail"]
            .as_str()
            .unwrap()
            .contains("varchar(100) to varchar(20)"),
        "{json}"
    );
    // PostgreSQL's advice (CONCURRENTLY, NOT VALID) is replaced by MySQL's.
    let help = by_code("MF101")["help"].as_str().unwrap().to_string();
    assert!(help.contains("ALGORITHM=INPLACE"), "{help}");
    assert!(!help.contains("CONCURRENTLY"), "{help}");
    // Data-dependent findings warn; the run passes the gate.
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn destructive_and_incompatible_changes_fail_the_gate_as_on_postgres() {
    let work = project(&[(
        "20260102000000_drop.sql",
        "ALTER TABLE `orders` DROP COLUMN `note`;\n\
         ALTER TABLE `Users` RENAME COLUMN `name` TO `full_name`;\n\
         DROP TABLE `orders`;\n",
    )]);
    let out = lint(work.path(), "1", "json");
    let found = lint_json::findings("drop", &out);
    assert_eq!(
        codes(&found),
        vec![("BC102", 2), ("DS102", 3), ("DS103", 1)],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1));
    let text = lint(work.path(), "1", "text");
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("DS103"), "{stdout}");
    assert!(stdout.contains("main.orders.note"), "{stdout}");
}

#[test]
fn new_tables_and_safe_changes_raise_nothing_and_postgres_families_stay_quiet() {
    // A new table (no rows to fill or truncate), a nullable column, a wider type, an index
    // built the blocking way PostgreSQL's locking rules would flag, a varchar and a DATETIME
    // its style rules would flag.
    let work = project(&[(
        "20260102000000_safe.sql",
        "CREATE TABLE `events` (`id` bigint NOT NULL PRIMARY KEY, `at` datetime NOT NULL, `kind` varchar(20) NOT NULL);\n\
         ALTER TABLE `events` ADD COLUMN `n` int NOT NULL;\n\
         ALTER TABLE `Users` ADD COLUMN `nick` varchar(40) NULL;\n\
         ALTER TABLE `Users` MODIFY `name` varchar(200) NULL;\n\
         CREATE INDEX `orders_user` ON `orders` (`user_id`);\n",
    )]);
    let out = lint(work.path(), "1", "json");
    let found = lint_json::findings("safe", &out);
    assert!(
        found.is_empty(),
        "{found:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_statement_mariadb_refuses_is_an_execution_error_naming_the_server_error() {
    let work = project(&[(
        "20260102000000_bad.sql",
        "ALTER TABLE `Users` ADD COLUMN `x` int NULL;\nALTER TABLE `nope` ADD COLUMN `y` int;\n",
    )]);
    let out = lint(work.path(), "1", "json");
    let found = lint_json::findings("bad", &out);
    assert_eq!(codes(&found), vec![("EX101", 2)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("doesn't exist"), "{stdout}");
    assert_eq!(out.status.code(), Some(1));
}
