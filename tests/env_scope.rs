//! The env's `schemas`, `exclude`, `migration { exclude }` and `diff { skip { } }` change what
//! `migrate diff` and `schema apply` plan (SQLite and PostgreSQL, real databases).

mod common;

use common::project::{migration_files, schemactl_in, text};
use std::path::Path;

/// A SQLite project: desired state `schema.sql`, migrations in `migrations/`, `extra` inside
/// the env block.
fn sqlite_project(schema: &str, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.sql"), schema).unwrap();
    let hcl = format!(
        "env \"local\" {{\n  src = \"file://schema.sql\"\n  dev = \"sqlite://dev?mode=memory\"\n  \
         migration {{\n    dir = \"file://migrations\"\n  }}\n{extra}\n}}\n"
    );
    std::fs::write(dir.path().join("schemactl.hcl"), hcl).unwrap();
    dir
}

fn diff(dir: &Path, name: &str) -> std::process::Output {
    schemactl_in(dir, &["migrate", "diff", "--env", "local", name])
}

/// The text of every migration file written so far, in order.
fn migrations_text(dir: &Path) -> String {
    migration_files(&dir.join("migrations"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_ok(out: &std::process::Output) {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn exclude_leaves_matching_tables_out_of_the_plan() {
    let schema = "CREATE TABLE users (id integer PRIMARY KEY, name text);\n\
                  CREATE TABLE tmp_cache (k text);\n";
    let dir = sqlite_project(schema, "  exclude = [\"tmp_*\"]");
    assert_ok(&diff(dir.path(), "init"));
    let sql = migrations_text(dir.path());
    assert!(sql.contains("CREATE TABLE users"), "{sql}");
    assert!(!sql.contains("tmp_cache"), "{sql}");
}

#[test]
fn a_column_pattern_on_sqlite_is_refused_by_table_name() {
    let schema = "CREATE TABLE users (id integer PRIMARY KEY, secret text);\n";
    let dir = sqlite_project(schema, "  exclude = [\"users.secret\"]");
    let out = diff(dir.path(), "init");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("table main.users") && err.contains("whole tables"),
        "{err}"
    );
    assert!(!dir.path().join("migrations").exists());
}

#[test]
fn migration_exclude_keeps_tables_another_tool_manages() {
    // A table made by the directory (say, a job queue's) that the models do not describe.
    let dir = sqlite_project("CREATE TABLE users (id integer PRIMARY KEY);\n", "");
    let hcl = "env \"local\" {\n  src = \"file://schema.sql\"\n  dev = \"sqlite://dev?mode=memory\"\n  \
               migration {\n    dir = \"file://migrations\"\n    exclude = [\"jobs\"]\n  }\n}\n";
    std::fs::write(dir.path().join("schemactl.hcl"), hcl).unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    std::fs::write(
        dir.path().join("migrations/1_jobs.sql"),
        "CREATE TABLE jobs (id integer PRIMARY KEY, payload text);\n",
    )
    .unwrap();
    assert_ok(&schemactl_in(
        dir.path(),
        &["migrate", "hash", "--env", "local"],
    ));
    assert_ok(&diff(dir.path(), "users"));
    let files = migration_files(&dir.path().join("migrations"));
    assert_eq!(files.len(), 2, "{files:?}");
    let added = std::fs::read_to_string(&files[1]).unwrap();
    assert!(added.contains("CREATE TABLE users"), "{added}");
    assert!(
        !added.contains("jobs"),
        "the excluded table is not dropped: {added}"
    );
}

#[test]
fn skip_drop_table_keeps_a_table_the_models_lost() {
    let dir = sqlite_project(
        "CREATE TABLE users (id integer PRIMARY KEY);\nCREATE TABLE old_audit (id integer);\n",
        "",
    );
    assert_ok(&diff(dir.path(), "init"));
    std::fs::write(
        dir.path().join("schema.sql"),
        "CREATE TABLE users (id integer PRIMARY KEY);\nCREATE TABLE events (id integer);\n",
    )
    .unwrap();
    let check = schemactl_in(
        dir.path(),
        &["migrate", "diff", "--env", "local", "--check"],
    );
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stderr));
    let hcl = std::fs::read_to_string(dir.path().join("schemactl.hcl")).unwrap();
    let with_skip = hcl.replacen(
        "\n}\n",
        "\n  diff {\n    skip {\n      drop_table = true\n    }\n  }\n}\n",
        1,
    );
    std::fs::write(dir.path().join("schemactl.hcl"), with_skip).unwrap();
    assert_ok(&diff(dir.path(), "events"));
    let files = migration_files(&dir.path().join("migrations"));
    assert_eq!(files.len(), 2, "{files:?}");
    let added = std::fs::read_to_string(&files[1]).unwrap();
    assert!(added.contains("CREATE TABLE events"), "{added}");
    assert!(!added.contains("old_audit"), "{added}");
}

/// A database on the PostgreSQL test server, dropped when the guard goes.
struct PgDatabase {
    admin: String,
    name: String,
    url: String,
}

impl PgDatabase {
    fn new(tag: &str) -> PgDatabase {
        let admin = std::env::var("SCHEMACTL_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
        let name = format!("scope_{tag}_{}", std::process::id());
        let (server, _) = admin.rsplit_once('/').unwrap();
        let url = format!("{server}/{name}");
        psql(&admin, &format!("DROP DATABASE IF EXISTS {name}"));
        psql(&admin, &format!("CREATE DATABASE {name}"));
        PgDatabase { admin, name, url }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let _ = std::process::Command::new("psql")
            .args([
                &self.admin,
                "-qc",
                &format!("DROP DATABASE IF EXISTS {}", self.name),
            ])
            .output();
    }
}

fn psql(db: &str, sql: &str) -> String {
    let out = std::process::Command::new("psql")
        .args([db, "-v", "ON_ERROR_STOP=1", "-qAtc", sql])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn column_patterns_and_column_skips_on_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let admin = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
    let write_schema = |sql: &str| std::fs::write(dir.path().join("schema.sql"), sql).unwrap();
    let write_hcl = |extra: &str| {
        let hcl = format!(
            "env \"local\" {{\n  src = \"file://schema.sql\"\n  dev = \"{admin}\"\n  \
             migration {{\n    dir = \"file://migrations\"\n  }}\n{extra}\n}}\n"
        );
        std::fs::write(dir.path().join("schemactl.hcl"), hcl).unwrap();
    };
    write_schema(
        "CREATE TABLE users (id int PRIMARY KEY, name text, legacy text, secret text, \
         team_id int);\nCREATE TABLE teams (id int PRIMARY KEY);\n\
         ALTER TABLE users ADD CONSTRAINT users_team_fk FOREIGN KEY (team_id) REFERENCES teams (id);\n",
    );
    write_hcl("  exclude = [\"public.users.secret\"]");
    assert_ok(&diff(dir.path(), "init"));
    let first = migrations_text(dir.path());
    assert!(
        first.contains("legacy") && !first.contains("secret"),
        "{first}"
    );

    // The models lose `legacy` and the foreign key; both drops are skipped.
    write_schema(
        "CREATE TABLE users (id int PRIMARY KEY, name text, secret text, team_id int, \
         email text);\nCREATE TABLE teams (id int PRIMARY KEY);\n",
    );
    write_hcl(
        "  exclude = [\"public.users.secret\"]\n  diff {\n    skip {\n      drop_column = true\n      \
         drop_foreign_key = true\n    }\n  }",
    );
    assert_ok(&diff(dir.path(), "email"));
    let files = migration_files(&dir.path().join("migrations"));
    assert_eq!(files.len(), 2, "{files:?}");
    let added = std::fs::read_to_string(&files[1]).unwrap();
    assert!(
        added.contains("ADD COLUMN \"email\"") || added.contains("ADD COLUMN email"),
        "{added}"
    );
    assert!(!added.contains("DROP"), "{added}");
    assert!(!added.contains("secret"), "{added}");

    // And the directory applies to a real database with `legacy` and the key in place.
    let target = PgDatabase::new("cols");
    let out = schemactl_in(
        dir.path(),
        &[
            "migrate",
            "apply",
            "--dir",
            "file://migrations",
            "--url",
            &target.url,
        ],
    );
    assert_ok(&out);
    let columns = psql(
        &target.url,
        "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM \
         information_schema.columns WHERE table_name = 'users'",
    );
    assert_eq!(columns.trim(), "id,name,legacy,team_id,email");
}

#[test]
fn bad_patterns_and_skip_names_name_the_file_line() {
    let dir = sqlite_project("CREATE TABLE t (id integer);\n", "  exclude = [\"a..b\"]");
    let out = diff(dir.path(), "x");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("schemactl.hcl:") && err.contains("\"a..b\""),
        "{err}"
    );

    let dir = sqlite_project(
        "CREATE TABLE t (id integer);\n",
        "  diff {\n    skip {\n      drop_tabel = true\n    }\n  }",
    );
    let out = diff(dir.path(), "x");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("schemactl.hcl:") && err.contains("`drop_tabel`"),
        "{err}"
    );
    assert!(!dir.path().join("migrations").exists());
}

#[test]
fn schemas_limit_schema_apply_on_postgres() {
    let admin = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
    let target = PgDatabase::new("schemas");
    psql(
        &target.url,
        "CREATE SCHEMA audit; CREATE TABLE audit.log (id int); CREATE SCHEMA app;",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("desired.sql"),
        "CREATE SCHEMA app; CREATE TABLE app.users (id int PRIMARY KEY);\n",
    )
    .unwrap();
    let hcl = format!(
        "env \"local\" {{\n  url = \"{}\"\n  src = \"file://desired.sql\"\n  dev = \"{admin}\"\n  \
         schemas = [\"app\"]\n}}\n",
        target.url
    );
    std::fs::write(dir.path().join("schemactl.hcl"), hcl).unwrap();
    let out = schemactl_in(
        dir.path(),
        &["schema", "apply", "--env", "local", "--auto-approve"],
    );
    assert_ok(&out);
    let plan = text(&out.stdout);
    assert!(!plan.contains("audit"), "audit is out of scope: {plan}");
    let tables = psql(
        &target.url,
        "SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY schemaname, tablename) FROM pg_tables \
         WHERE schemaname IN ('app', 'audit')",
    );
    assert_eq!(tables.trim(), "app.users,audit.log");
}
