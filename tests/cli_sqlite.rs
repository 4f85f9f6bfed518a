//! `schema inspect` and `schema diff` against `sqlite://` file targets, with SQLite dev
//! databases in memory: round trips, plans, and bad input.

use std::path::Path;
use std::process::{Command, Output};

fn schemactl(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// Creates `name` in `dir` from `sql` through schemactl's own loader (no sqlite3 binary needed).
async fn make_db(dir: &Path, name: &str, sql: &str) {
    use sqlx::Connection;
    let options = schemactl::driver::sqlite::SqliteConnectOptions::new()
        .filename(dir.join(name))
        .create_if_missing(true);
    let mut conn = schemactl::driver::sqlite::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    schemactl::workflow::load_scripts(&mut conn, &[schemactl::workflow::Script::new(name, sql)])
        .await
        .unwrap();
    conn.close().await.unwrap();
}

const SCHEMA: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  age INT CHECK (age >= 0), full_name TEXT GENERATED ALWAYS AS (email || '!') VIRTUAL) STRICT;
CREATE TABLE tags (name TEXT PRIMARY KEY, user_id INTEGER REFERENCES users (id) ON DELETE CASCADE) WITHOUT ROWID;
CREATE INDEX users_adult ON users (lower(email)) WHERE age >= 18;
CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18;
CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN
  UPDATE users SET age = age WHERE id = new.id;
END;
";

#[tokio::test]
async fn inspect_round_trips_and_diff_plans_between_files() {
    let dir = tempfile::tempdir().unwrap();
    make_db(dir.path(), "a.db", SCHEMA).await;

    let out = schemactl(
        dir.path(),
        &[
            "schema",
            "inspect",
            "--url",
            "sqlite://a.db",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json = text(&out.stdout);
    for expected in [
        "\"strict\": true",
        "\"generated\": \"EMAIL || '!'\"",
        "\"without_rowid\": true",
        "\"autoincrement\": true",
        "\"NOCASE\"",
        "lower(email)",
        "users_touch",
        "adults",
    ] {
        assert!(json.contains(expected), "inspect JSON lacks {expected}");
    }

    // The SQL output re-creates a database that inspects the same.
    let out = schemactl(dir.path(), &["schema", "inspect", "--url", "sqlite://a.db"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::write(dir.path().join("dump.sql"), &out.stdout).unwrap();
    let abs = format!("sqlite://{}", dir.path().join("a.db").display());
    let out = schemactl(
        dir.path(),
        &["schema", "diff", "--from", &abs, "--to", "file://dump.sql"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "",
        "inspect output does not re-create the database"
    );

    // A change SQLite cannot ALTER plans a rebuild; a new nullable column is an ALTER.
    make_db(
        dir.path(),
        "b.db",
        &SCHEMA
            .replace("age INT CHECK (age >= 0)", "age INT CHECK (age >= 1)")
            .replace(
                "user_id INTEGER REFERENCES users (id) ON DELETE CASCADE)",
                "user_id INTEGER REFERENCES users (id) ON DELETE CASCADE, note TEXT)",
            ),
    )
    .await;
    let out = schemactl(
        dir.path(),
        &[
            "schema",
            "diff",
            "--from",
            "sqlite://a.db",
            "--to",
            "sqlite://b.db",
            "--dev-url",
            "sqlite://dev?mode=memory",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan = text(&out.stdout);
    assert!(
        plan.contains("CREATE TABLE \"_schemactl_new_users\""),
        "{plan}"
    );
    assert!(
        plan.contains("ALTER TABLE \"tags\" ADD COLUMN note TEXT"),
        "{plan}"
    );
    assert!(plan.contains("CREATE INDEX users_adult"), "{plan}");
    assert!(plan.contains("CREATE TRIGGER users_touch"), "{plan}");
}

#[tokio::test]
async fn bad_sqlite_input_is_exit_2_naming_what() {
    let dir = tempfile::tempdir().unwrap();
    let out = schemactl(
        dir.path(),
        &["schema", "inspect", "--url", "sqlite://missing.db"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("missing.db"));
    assert!(
        !dir.path().join("missing.db").exists(),
        "inspect created the file"
    );

    std::fs::write(
        dir.path().join("bad.sql"),
        "CREATE TABLE t (a int);\n\nCREATE TABLE t (b int);\n",
    )
    .unwrap();
    let out = schemactl(
        dir.path(),
        &[
            "schema",
            "inspect",
            "--url",
            "file://bad.sql",
            "--dev-url",
            "sqlite://dev?mode=memory",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("bad.sql:3") && stderr.contains("already exists"),
        "{stderr}"
    );

    let out = schemactl(
        dir.path(),
        &[
            "schema",
            "inspect",
            "--url",
            "file://bad.sql",
            "--dev-url",
            "sqlite://dev.db",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("mode=memory"));

    // States of two dialects do not compare.
    let out = schemactl(
        dir.path(),
        &[
            "schema",
            "diff",
            "--from",
            "file://bad.sql",
            "--to",
            "postgres://u@127.0.0.1:1/db",
            "--dev-url",
            "sqlite://dev?mode=memory",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("dialect"),
        "{}",
        text(&out.stderr)
    );
}
