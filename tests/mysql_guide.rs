//! Atlas's SQLAlchemy guide for MySQL, end to end on MariaDB, as a user coming from Atlas runs
//! it: the guide's own `atlas.hcl` (Atlas's provider, `--dialect mysql`, a throwaway dev
//! container: the locally built `schemactl-test/mariadb:10.11` image) and its two models.
//! The first `migrate diff` writes both tables with the foreign key, the `age` step writes one
//! statement, `atlas.sum` validates, `migrate apply` brings a real MariaDB database to the
//! models, and `migrate diff --check` then finds nothing to write.

mod common;

use common::project::{copy_dir, migration_files, mysql_server, schemactl_in, testdata, text};
use std::path::Path;
use std::process::{Command, Output};

fn schemactl(project: &Path, args: &[&str]) -> Output {
    schemactl_in(project, args)
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: exit {:?}\n{}",
        out.status.code(),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A database on the test server, dropped at the end (also when the test fails).
struct TargetDatabase {
    project: std::path::PathBuf,
    url: String,
}

impl Drop for TargetDatabase {
    fn drop(&mut self) {
        let _ = schemactl(&self.project, &["db", "drop", "--url", &self.url]);
    }
}

#[test]
fn the_atlas_sqlalchemy_guide_on_mariadb() {
    let found = Command::new("atlas-provider-sqlalchemy")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "atlas-provider-sqlalchemy is not on PATH: run the tests with .ci/test"
    );
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("guide");
    copy_dir(&testdata().join("guide"), &project);
    let diff = [
        "--config",
        "atlas.hcl",
        "migrate",
        "diff",
        "--env",
        "sqlalchemy",
    ];

    ok(schemactl(&project, &diff), "first migrate diff");
    let files = migration_files(&project.join("migrations"));
    assert_eq!(files.len(), 1, "{files:?}");
    let first = std::fs::read_to_string(&files[0]).unwrap();
    let user_account = first.find("CREATE TABLE `user_account` (").expect(&first);
    let address = first.find("CREATE TABLE `address` (").expect(&first);
    assert!(user_account < address, "referenced table first:\n{first}");
    assert!(
        first.contains(
            "CONSTRAINT `address_ibfk_1` FOREIGN KEY (`user_id`) REFERENCES `user_account` (`id`)"
        ),
        "{first}"
    );
    assert!(first.contains("`name` varchar(30) NOT NULL"), "{first}");
    assert!(!first.contains("int(11)"), "display widths:\n{first}");

    std::fs::copy(
        project.join("versions/v2/models.py"),
        project.join("db/models.py"),
    )
    .unwrap();
    ok(schemactl(&project, &diff), "second migrate diff");
    let files = migration_files(&project.join("migrations"));
    assert_eq!(files.len(), 2, "{files:?}");
    let second = std::fs::read_to_string(&files[1]).unwrap();
    let statements: Vec<&str> = second
        .lines()
        .filter(|l| !l.starts_with("--") && !l.trim().is_empty())
        .collect();
    assert_eq!(
        statements,
        ["ALTER TABLE `user_account` ADD COLUMN `age` int NULL;"],
        "{second}"
    );
    ok(
        schemactl(
            &project,
            &[
                "migrate",
                "validate",
                "--dir",
                "file://migrations",
                "--dev-url",
                &mysql_server(),
            ],
        ),
        "migrate validate",
    );

    let target = TargetDatabase {
        project: project.clone(),
        url: format!("{}schemactl_guide_{}", mysql_server(), std::process::id()),
    };
    ok(
        schemactl(&project, &["db", "create", "--url", &target.url]),
        "db create",
    );
    ok(
        schemactl(
            &project,
            &[
                "migrate",
                "apply",
                "--url",
                &target.url,
                "--dir",
                "file://migrations",
            ],
        ),
        "migrate apply",
    );
    let status = ok(
        schemactl(
            &project,
            &[
                "migrate",
                "status",
                "--url",
                &target.url,
                "--dir",
                "file://migrations",
                "--format",
                "json",
            ],
        ),
        "migrate status",
    );
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    let head = files[1].file_stem().unwrap().to_string_lossy().to_string();
    assert_eq!(status["current"], serde_json::json!(head), "{status}");
    assert_eq!(status["applied"], 2, "{status}");
    assert_eq!(status["pending"], serde_json::json!([]), "{status}");

    // The database now equals the models: the provider's DDL planned against it is empty.
    let models = Command::new("atlas-provider-sqlalchemy")
        .current_dir(&project)
        .args(["--path", "./db", "--dialect", "mysql"])
        .output()
        .unwrap();
    let desired = project.join("desired.sql");
    std::fs::write(&desired, ok(models, "provider")).unwrap();
    let to = format!("file://{}", desired.display());
    let plan = ok(
        schemactl(
            &project,
            &[
                "schema",
                "diff",
                "--from",
                &target.url,
                "--to",
                &to,
                "--dev-url",
                &mysql_server(),
            ],
        ),
        "schema diff target → models",
    );
    assert!(
        plan.trim().is_empty(),
        "target differs from the models:\n{plan}"
    );

    let check = schemactl(&project, &[&diff[..], &["--check"]].concat());
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
}
