//! Renames on a real server: `current` in database A (with rows), `desired` in B, diff A → B
//! with rename hints, plan, apply to A; A must then inspect equal to B (column order aside),
//! a second diff must be empty, and the rows put into A before the plan must still be there.

mod common;

use common::postgres::{Loaded, apply, normalized};
use schemactl::diff::{Change, DiffOptions, RenameHint, diff, unused_hints};
use schemactl::plan::postgres::{PostgresDiffPolicy, PostgresPlanner};
use schemactl::plan::{Plan, Planner};
use schemactl::schema::QualifiedName;
use sqlx::Row;

fn qn(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(schema, name)
}

fn column_hint(table: &str, from: &str, to: &str) -> RenameHint {
    RenameHint::Column {
        table: qn("public", table),
        from: from.into(),
        to: to.into(),
    }
}

struct Outcome {
    changes: Vec<Change>,
    plan: Plan,
    /// Rows of `check_query` run on A after the plan.
    rows: Vec<String>,
}

/// Runs the whole round trip and checks convergence; `rows_query` returns one text column.
async fn converge(
    current: &str,
    seed: &str,
    desired: &str,
    hints: Vec<RenameHint>,
    rows_query: &str,
) -> Outcome {
    let loaded = Loaded::new(&format!("{current}\n{seed}"), desired).await;
    let (from, to) = (&loaded.current, &loaded.desired);
    let options = DiffOptions {
        renames: hints,
        ..DiffOptions::default()
    };
    let changes = diff(from, to, &options, &PostgresDiffPolicy);
    let plan = PostgresPlanner.plan(&changes).unwrap();
    let mut conn = loaded.a.connect().await.expect("connect A");
    let after = apply(&mut conn, &plan).await;
    let again = diff(&after, to, &DiffOptions::default(), &PostgresDiffPolicy);
    assert!(
        again.is_empty(),
        "second diff not empty: {again:#?}\nplan:\n{}",
        plan.to_sql()
    );
    assert_eq!(
        normalized(after),
        normalized(to.clone()),
        "not converged; plan:\n{}",
        plan.to_sql()
    );
    let rows = sqlx::query(rows_query)
        .fetch_all(&mut conn)
        .await
        .expect("rows query")
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    drop(conn);
    loaded.drop_now().await;
    Outcome {
        changes,
        plan,
        rows,
    }
}

fn has_drop(changes: &[Change]) -> bool {
    changes.iter().any(|c| {
        matches!(
            c,
            Change::DropTable { .. } | Change::DropColumn { .. } | Change::AddColumn { .. }
        )
    })
}

#[tokio::test]
async fn renamed_column_keeps_its_rows_and_index() {
    let current =
        "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL CHECK (name <> ''));
        CREATE INDEX users_name_idx ON users (lower(name));";
    let desired = "CREATE TABLE users (id integer PRIMARY KEY, full_name text NOT NULL CHECK (full_name <> ''));
        CREATE INDEX users_name_idx ON users (lower(full_name));";
    let out = converge(
        current,
        "INSERT INTO users VALUES (1, 'ada'), (2, 'bob');",
        desired,
        vec![column_hint("users", "name", "full_name")],
        "SELECT id || ':' || full_name FROM users ORDER BY id",
    )
    .await;
    assert_eq!(out.rows, ["1:ada", "2:bob"]);
    assert!(!has_drop(&out.changes), "{:#?}", out.changes);
    assert_eq!(
        out.plan.to_sql(),
        "ALTER TABLE \"public\".\"users\" RENAME COLUMN \"name\" TO \"full_name\";\n\
         ALTER TABLE \"public\".\"users\" RENAME CONSTRAINT \"users_name_check\" TO \"users_full_name_check\";\n"
    );
}

#[tokio::test]
async fn renamed_column_with_a_new_type_is_renamed_then_altered() {
    let current = "CREATE TABLE t (id integer PRIMARY KEY, qty integer);";
    let desired = "CREATE TABLE t (id integer PRIMARY KEY, quantity bigint);";
    let out = converge(
        current,
        "INSERT INTO t VALUES (1, 5), (2, 7);",
        desired,
        vec![column_hint("t", "qty", "quantity")],
        "SELECT id || ':' || quantity FROM t ORDER BY id",
    )
    .await;
    assert_eq!(out.rows, ["1:5", "2:7"]);
    assert!(matches!(out.changes[0], Change::RenameColumn { .. }));
    assert!(matches!(out.changes[1], Change::AlterColumn { .. }));
    assert_eq!(out.changes.len(), 2, "{:#?}", out.changes);
}

const SHOP_CURRENT: &str = "
    CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE, name text);
    CREATE INDEX users_name_idx ON users (name);
    CREATE TABLE orders (id serial PRIMARY KEY, user_id integer REFERENCES users(id));
    CREATE VIEW user_emails AS SELECT id, email FROM users WHERE email IS NOT NULL;";

const SHOP_SEED: &str = "
    INSERT INTO users (email, name) VALUES ('a@x', 'ada'), ('b@x', 'bob');
    INSERT INTO orders (user_id) VALUES (1), (2), (2);";

#[tokio::test]
async fn renamed_table_takes_its_sequence_index_constraints_foreign_key_and_view_along() {
    let desired = "
        CREATE TABLE accounts (id serial PRIMARY KEY, email text UNIQUE, name text);
        CREATE INDEX accounts_name_idx ON accounts (name);
        CREATE TABLE orders (id serial PRIMARY KEY, user_id integer REFERENCES accounts(id));
        CREATE VIEW user_emails AS SELECT id, email FROM accounts WHERE email IS NOT NULL;";
    let out = converge(
        SHOP_CURRENT,
        SHOP_SEED,
        desired,
        vec![RenameHint::Table {
            from: qn("public", "users"),
            to: qn("public", "accounts"),
        }],
        "SELECT a.email || ':' || count(o.id) FROM accounts a JOIN orders o ON o.user_id = a.id GROUP BY a.email ORDER BY 1",
    )
    .await;
    assert_eq!(out.rows, ["a@x:1", "b@x:2"]);
    assert!(!has_drop(&out.changes), "{:#?}", out.changes);
    let only_renames = out.changes.iter().all(|c| {
        matches!(
            c,
            Change::RenameTable { .. }
                | Change::RenameIndex { .. }
                | Change::RenameSequence { .. }
                | Change::RenameConstraint { .. }
        )
    });
    assert!(only_renames, "{}", out.plan.to_sql());
}

#[tokio::test]
async fn table_moved_to_another_schema_and_renamed_keeps_its_rows() {
    let desired = "
        CREATE SCHEMA billing;
        CREATE TABLE billing.accounts (id serial PRIMARY KEY, email text UNIQUE, name text);
        CREATE INDEX accounts_name_idx ON billing.accounts (name);
        CREATE TABLE orders (id serial PRIMARY KEY, user_id integer REFERENCES billing.accounts(id));
        CREATE VIEW user_emails AS SELECT id, email FROM billing.accounts WHERE email IS NOT NULL;";
    let out = converge(
        SHOP_CURRENT,
        SHOP_SEED,
        desired,
        vec![RenameHint::Table {
            from: qn("public", "users"),
            to: qn("billing", "accounts"),
        }],
        "SELECT email || ':' || nextval('billing.accounts_id_seq') FROM billing.accounts ORDER BY 1",
    )
    .await;
    assert_eq!(out.rows, ["a@x:3", "b@x:4"]);
    assert!(!has_drop(&out.changes), "{:#?}", out.changes);
}

#[tokio::test]
async fn renamed_table_and_column_together() {
    let desired = "
        CREATE TABLE accounts (id serial PRIMARY KEY, email text UNIQUE, display_name text);
        CREATE INDEX accounts_name_idx ON accounts (display_name);
        CREATE TABLE orders (id serial PRIMARY KEY, account_id integer REFERENCES accounts(id));
        CREATE VIEW user_emails AS SELECT id, email FROM accounts WHERE email IS NOT NULL;";
    let out = converge(
        SHOP_CURRENT,
        SHOP_SEED,
        desired,
        vec![
            RenameHint::Table {
                from: qn("public", "users"),
                to: qn("public", "accounts"),
            },
            column_hint("accounts", "name", "display_name"),
            column_hint("orders", "user_id", "account_id"),
        ],
        "SELECT a.display_name || ':' || count(o.id) FROM accounts a JOIN orders o ON o.account_id = a.id GROUP BY a.display_name ORDER BY 1",
    )
    .await;
    assert_eq!(out.rows, ["ada:1", "bob:2"]);
    assert!(!has_drop(&out.changes), "{:#?}", out.changes);
}

#[tokio::test]
async fn view_reading_a_renamed_column_converges() {
    let current = "CREATE TABLE t (id integer PRIMARY KEY, name text);
        CREATE VIEW v AS SELECT id, name FROM t;";
    let desired = "CREATE TABLE t (id integer PRIMARY KEY, label text);
        CREATE VIEW v AS SELECT id, label FROM t;";
    let out = converge(
        current,
        "INSERT INTO t VALUES (1, 'x');",
        desired,
        vec![column_hint("t", "name", "label")],
        "SELECT label FROM v",
    )
    .await;
    assert_eq!(out.rows, ["x"]);
    assert!(!has_drop(&out.changes), "{:#?}", out.changes);
}

#[tokio::test]
async fn hint_that_does_not_apply_is_reported_and_the_diff_drops_and_adds() {
    let loaded = Loaded::new(
        "CREATE TABLE t (a integer, b integer);",
        "CREATE TABLE t (a integer, c integer);",
    )
    .await;
    let (from, to) = (&loaded.current, &loaded.desired);
    let hints = vec![column_hint("t", "missing", "c")];
    let unused = unused_hints(from, to, &hints);
    assert_eq!(unused.len(), 1);
    assert!(unused[0].reason.contains("missing"), "{}", unused[0].reason);
    let changes = diff(
        from,
        to,
        &DiffOptions {
            renames: hints,
            ..DiffOptions::default()
        },
        &PostgresDiffPolicy,
    );
    assert!(has_drop(&changes));
    let candidates = schemactl::diff::rename_candidates(&changes);
    assert_eq!(candidates[0].hint, column_hint("t", "b", "c"));
    loaded.drop_now().await;
}

#[tokio::test]
async fn view_keeping_its_output_name_over_a_renamed_column_is_left_alone() {
    let current = "CREATE TABLE t (id integer PRIMARY KEY, name text);
        CREATE VIEW v AS SELECT id, name FROM t WHERE name <> '';";
    let desired = "CREATE TABLE t (id integer PRIMARY KEY, label text);
        CREATE VIEW v AS SELECT id, label AS name FROM t WHERE label <> '';";
    let out = converge(
        current,
        "INSERT INTO t VALUES (1, 'x');",
        desired,
        vec![column_hint("t", "name", "label")],
        "SELECT name FROM v",
    )
    .await;
    assert_eq!(out.rows, ["x"]);
    assert_eq!(
        out.changes,
        vec![Change::RenameColumn {
            table: qn("public", "t"),
            from: "name".into(),
            to: "label".into(),
        }]
    );
}
