//! The README's main job on SQLite in memory: the example project's `env "sqlite"` runs the real
//! SQLAlchemy provider with `--dialect sqlite`, and `migrate diff` plans the first migration and
//! then the v2 delta with nothing but SQLite (no PostgreSQL anywhere). The written files replay
//! to the models' schema, and the v2 file keeps the rows of a database at v1.

mod common;

use common::project::{copy_dir, migration_files, require_provider, testdata, text};
use schemactl::driver::sqlite::{SqliteConnectOptions, SqliteConnection};
use schemactl::workflow::{Script, load_scripts};
use sqlx::Connection;
use std::path::Path;
use std::process::{Command, Output};

/// Runs schemactl with no PostgreSQL reachable: a dev URL from the environment must not matter.
fn schemactl(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(project)
        .env_remove("SCHEMACTL_DEV_URL")
        .env("PGHOST", "/nonexistent")
        .args(args)
        .output()
        .unwrap()
}

async fn run_file(conn: &mut SqliteConnection, path: &Path) {
    let sql = std::fs::read_to_string(path).unwrap();
    load_scripts(conn, &[Script::new(path.display().to_string(), sql)])
        .await
        .unwrap();
}

async fn count(conn: &mut SqliteConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

#[tokio::test]
async fn models_to_sqlite_migrations_in_memory() {
    require_provider();
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("shop");
    copy_dir(&testdata().join("shop"), &project);

    let out = schemactl(&project, &["migrate", "diff", "init", "--env", "sqlite"]);
    assert!(
        out.status.success(),
        "migrate diff init: {}",
        text(&out.stderr)
    );
    let files = migration_files(&project.join("migrations-sqlite"));
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(project.join("migrations-sqlite/atlas.sum").exists());
    let init = std::fs::read_to_string(&files[0]).unwrap();
    assert!(init.contains("CREATE TABLE customers ("), "{init}");
    assert!(
        !init.contains("\"public\""),
        "PostgreSQL text on SQLite:\n{init}"
    );

    // A database at v1 with rows in it.
    let db = work.path().join("shop.db");
    let options = SqliteConnectOptions::new()
        .filename(&db)
        .create_if_missing(true);
    let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
    run_file(&mut conn, &files[0]).await;
    load_scripts(
        &mut conn,
        &[Script::new(
            "rows",
            "INSERT INTO customers (id, email, name) VALUES (1, 'a@x', 'Ann'), (2, 'b@x', 'Bo');
             INSERT INTO products (id, sku, name, price) VALUES (1, 'p1', 'Pen', 1.5), (2, 'p2', 'Ink', 3);
             INSERT INTO orders (id, customer_id, total) VALUES (1, 1, 4.5), (2, 2, 3);
             INSERT INTO order_items VALUES (1, 1, 1, 1.5), (1, 2, 1, 3), (2, 2, 1, 3);",
        )],
    )
    .await
    .unwrap();

    copy_dir(&testdata().join("versions/v2"), &project.join("models"));
    let out = schemactl(&project, &["migrate", "diff", "v2", "--env", "sqlite"]);
    assert!(
        out.status.success(),
        "migrate diff v2: {}",
        text(&out.stderr)
    );
    let files = migration_files(&project.join("migrations-sqlite"));
    assert_eq!(files.len(), 2, "{files:?}");
    let delta = std::fs::read_to_string(&files[1]).unwrap();
    for expected in [
        "CREATE TABLE reviews (",
        "rebuild table main.products",
        "name VARCHAR(200) NOT NULL",
        "CREATE INDEX ix_products_price",
        "PRAGMA foreign_key_check",
    ] {
        assert!(delta.contains(expected), "v2 lacks {expected}:\n{delta}");
    }
    assert!(
        !delta.contains("CREATE TABLE customers"),
        "not a delta:\n{delta}"
    );

    // v2 on the database at v1 keeps every row, including those of cascading children.
    run_file(&mut conn, &files[1]).await;
    for (table, rows) in [
        ("customers", 2),
        ("products", 2),
        ("orders", 2),
        ("order_items", 3),
    ] {
        assert_eq!(
            count(&mut conn, &format!("SELECT count(*) FROM {table}")).await,
            rows,
            "{table}"
        );
    }
    conn.close().await.unwrap();

    // The migrated file inspects like the models, and the drift gate is green.
    let desired = Command::new("schemactl-sqlalchemy")
        .current_dir(&project)
        .args(["--path", "./models", "--dialect", "sqlite"])
        .output()
        .unwrap();
    assert!(desired.status.success(), "{}", text(&desired.stderr));
    let desired_file = work.path().join("desired.sql");
    std::fs::write(&desired_file, &desired.stdout).unwrap();
    let db_url = format!("sqlite://{}", db.display());
    let to = format!("file://{}", desired_file.display());
    let out = schemactl(
        &project,
        &["schema", "diff", "--from", &db_url, "--to", &to],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "",
        "migrated database differs from the models"
    );
    let out = schemactl(&project, &["migrate", "diff", "--check", "--env", "sqlite"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
