//! `migrate` commands on bad input: each is refused with exit code 2, a message that names the
//! culprit, and nothing written to the migration directory.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn server_url() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

/// A project in a temp dir whose desired state is printed by `provider.sh`.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(provider_script: &str, timeout: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("provider.sh");
        std::fs::write(&script, format!("#!/bin/sh\n{provider_script}\n")).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let hcl = format!(
            "data \"external_schema\" \"app\" {{\n  program = [\"./provider.sh\"]\n  timeout = \"{timeout}\"\n}}\n\n\
             env \"local\" {{\n  src = data.external_schema.app.url\n  dev = \"{}\"\n  migration {{\n    dir = \"file://migrations\"\n  }}\n}}\n",
            server_url()
        );
        std::fs::write(dir.path().join("schemactl.hcl"), hcl).unwrap();
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_schemactl"))
            .current_dir(self.path())
            .args(args)
            .output()
            .unwrap()
    }

    fn migrations(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.path().join("migrations"))
            .map(|rd| rd.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        files.sort();
        files
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// Exit code 2, every `expected` fragment in the message, and no new files.
fn assert_refused(project: &Project, args: &[&str], expected: &[&str]) {
    let before = project.migrations();
    let out = project.run(args);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2 for {args:?}, got {:?}: {err}",
        out.status.code()
    );
    for fragment in expected {
        assert!(err.contains(fragment), "message lacks {fragment:?}: {err}");
    }
    assert_eq!(project.migrations(), before, "files were written");
}

const GOOD_DDL: &str = "echo 'CREATE TABLE users (id int PRIMARY KEY, name text);'";

#[test]
fn hcl_syntax_error_names_file_and_line() {
    let project = Project::new(GOOD_DDL, "30s");
    std::fs::write(
        project.path().join("schemactl.hcl"),
        "env \"local\" {\n  src = \n}\n",
    )
    .unwrap();
    assert_refused(
        &project,
        &["migrate", "diff", "--env", "local"],
        &["schemactl.hcl:"],
    );
}

#[test]
fn unknown_env_lists_the_known_ones() {
    let project = Project::new(GOOD_DDL, "30s");
    assert_refused(
        &project,
        &["migrate", "diff", "--env", "prod"],
        &["prod", "local"],
    );
}

#[test]
fn provider_not_found() {
    let project = Project::new(GOOD_DDL, "30s");
    std::fs::remove_file(project.path().join("provider.sh")).unwrap();
    assert_refused(
        &project,
        &["migrate", "diff", "--env", "local"],
        &["provider.sh"],
    );
}

#[test]
fn failing_provider_shows_its_stderr() {
    let project = Project::new(
        "echo 'ImportError: no module named models' >&2; exit 3",
        "30s",
    );
    assert_refused(
        &project,
        &["migrate", "diff", "--env", "local"],
        &["ImportError: no module named models", "3"],
    );
}

#[test]
fn hanging_provider_times_out() {
    let project = Project::new("sleep 30", "1s");
    let started = std::time::Instant::now();
    assert_refused(&project, &["migrate", "diff", "--env", "local"], &["app"]);
    assert!(
        started.elapsed().as_secs() < 20,
        "the timeout did not stop the provider"
    );
}

#[test]
fn provider_printing_invalid_sql_names_the_statement() {
    let project = Project::new(
        "echo 'CREATE TABLE users (id int PRIMARY KEY);'; echo 'CREATE TABLE posts (user_id int REFERENCES nope(id));'",
        "30s",
    );
    assert_refused(
        &project,
        &["migrate", "diff", "--env", "local"],
        &["relation \"nope\" does not exist", "REFERENCES nope(id)"],
    );
}

#[test]
fn migration_that_fails_to_replay_names_file_and_statement() {
    let project = Project::new(GOOD_DDL, "30s");
    let migrations = project.path().join("migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::write(
        migrations.join("20260101000000_init.sql"),
        "CREATE TABLE a (id int);\nALTER TABLE missing ADD COLUMN x int;\n",
    )
    .unwrap();
    let out = project.run(&["migrate", "hash", "--env", "local"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_refused(
        &project,
        &["migrate", "diff", "--env", "local"],
        &[
            "20260101000000_init.sql:2",
            "relation \"missing\" does not exist",
        ],
    );
    assert_refused(
        &project,
        &["migrate", "validate", "--env", "local"],
        &["20260101000000_init.sql:2"],
    );
}

#[test]
fn edited_migration_is_refused_until_rehashed() {
    let project = Project::new(GOOD_DDL, "30s");
    let out = project.run(&["migrate", "diff", "init", "--env", "local"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = project
        .migrations()
        .into_iter()
        .find(|p| p.extension().is_some_and(|x| x == "sql"))
        .unwrap();
    let mut text = std::fs::read_to_string(&first).unwrap();
    text.push_str("CREATE TABLE extra (id int);\n");
    std::fs::write(&first, text).unwrap();
    let name = first.file_name().unwrap().to_string_lossy().to_string();
    assert_refused(
        &project,
        &["migrate", "diff", "--env", "local"],
        &[&name, "migrate hash"],
    );
    let out = project.run(&["migrate", "hash", "--env", "local"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Now the edit is accepted, and the plan drops the extra table the desired state lacks.
    let out = project.run(&["migrate", "diff", "--check", "--env", "local"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn rename_hint_plans_a_rename_instead_of_drop_and_add() {
    let project = Project::new(
        "echo 'CREATE TABLE users (id int PRIMARY KEY, full_name text);'",
        "30s",
    );
    let out = project.run(&["migrate", "diff", "init", "--env", "local"]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(
        project.path().join("provider.sh"),
        "#!/bin/sh\necho 'CREATE TABLE users (id int PRIMARY KEY, name text);'\n",
    )
    .unwrap();
    // Without a hint and without a terminal: the drop is planned, with a loud warning.
    let out = project.run(&["migrate", "diff", "--check", "--env", "local"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("WARNING"), "{}", stderr(&out));
    // With a hint: a rename.
    let out = project.run(&[
        "migrate",
        "diff",
        "rename",
        "--env",
        "local",
        "--rename",
        "users.full_name=name",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let newest = project
        .migrations()
        .into_iter()
        .rfind(|p| p.extension().is_some_and(|x| x == "sql"))
        .unwrap();
    let sql = std::fs::read_to_string(newest).unwrap();
    assert!(
        sql.contains("RENAME COLUMN \"full_name\" TO \"name\""),
        "{sql}"
    );
    assert!(!sql.contains("DROP COLUMN"), "{sql}");
}
