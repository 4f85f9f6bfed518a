//! Rows through SQLite table rebuilds: a table with rows goes through a plan that changes a
//! column's type, adds NOT NULL with a default, drops a column and adds a foreign key. Every
//! row that the new definition can hold survives; a row that cannot makes the plan refuse and
//! leaves the database as it was (the safer choice: no row is dropped silently).

use schemactl::diff::{DiffOptions, diff};
use schemactl::driver::sqlite::{
    SqliteConnection, apply_statements, connect_memory, inspect_realm,
};
use schemactl::plan::sqlite::SqlitePlanner;
use schemactl::plan::{Plan, Planner};
use schemactl::schema::Realm;
use schemactl::workflow::{Script, load_scripts};

const CURRENT: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER,
  amount TEXT,
  status TEXT,
  note TEXT
);
CREATE INDEX orders_status ON orders (status);
CREATE TABLE audit (order_id INTEGER REFERENCES orders (id) ON DELETE CASCADE, what TEXT);
";

const DESIRED: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER REFERENCES users (id),
  amount NUMERIC(10, 2),
  status TEXT NOT NULL DEFAULT 'new'
);
CREATE INDEX orders_status ON orders (status);
CREATE TABLE audit (order_id INTEGER REFERENCES orders (id) ON DELETE CASCADE, what TEXT);
";

async fn load(sql: &str) -> SqliteConnection {
    let mut conn = connect_memory().await.unwrap();
    load_scripts(&mut conn, &[Script::new("test", sql)])
        .await
        .unwrap();
    conn
}

async fn count(conn: &mut SqliteConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

async fn plan_to_desired(conn: &mut SqliteConnection) -> Plan {
    let current = inspect_realm(conn).await.unwrap();
    let desired = inspect_realm(&mut load(DESIRED).await).await.unwrap();
    plan_between(&current, &desired, &DiffOptions::default())
}

fn plan_between(current: &Realm, desired: &Realm, options: &DiffOptions) -> Plan {
    let changes = diff(
        current,
        desired,
        options,
        &schemactl::plan::sqlite::SqliteDiffPolicy,
    );
    SqlitePlanner { current, desired }.plan(&changes).unwrap()
}

async fn seed(conn: &mut SqliteConnection, orders: &str) {
    let script = format!(
        "INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x');
         INSERT INTO orders VALUES {orders};
         INSERT INTO audit SELECT id, 'created' FROM orders;"
    );
    load_scripts(conn, &[Script::new("seed", script)])
        .await
        .unwrap();
}

#[tokio::test]
async fn rows_that_fit_survive_a_rebuild() {
    let mut conn = load(CURRENT).await;
    seed(
        &mut conn,
        "(1, 1, '10.50', 'paid', 'n1'), (2, 2, '7', NULL, 'n2'), (3, NULL, 'abc', 'open', NULL), \
         (4, 1, '0.25', NULL, 'n4')",
    )
    .await;
    let before = count(&mut conn, "SELECT count(*) FROM orders").await;
    let plan = plan_to_desired(&mut conn).await;
    let sql = plan.to_sql();
    assert!(sql.contains("_schemactl_new_orders"), "no rebuild:\n{sql}");
    insta::assert_snapshot!("orders_rebuild", plan.to_commented_sql());
    assert!(sql.contains("COALESCE(\"status\", 'new')"), "{sql}");
    let statements: Vec<_> = plan
        .statements()
        .map(|s| (s.sql.as_str(), s.transactional))
        .collect();
    apply_statements(&mut conn, &statements).await.unwrap();

    let after = count(&mut conn, "SELECT count(*) FROM orders").await;
    let audit = count(&mut conn, "SELECT count(*) FROM audit").await;
    eprintln!("orders before {before}, after {after}; audit rows kept {audit}");
    assert_eq!((before, after, audit), (4, 4, 4));
    // NULL statuses took the new default; amounts took NUMERIC affinity where they could.
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM orders WHERE status = 'new'"
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM orders WHERE typeof(amount) IN ('integer', 'real')"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM pragma_table_info('orders') WHERE name = 'note'"
        )
        .await,
        0
    );
    // The index came back, foreign keys are on again, and a second plan is empty.
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM sqlite_master WHERE name = 'orders_status'"
        )
        .await,
        1
    );
    assert_eq!(count(&mut conn, "PRAGMA foreign_keys").await, 1);
    assert!(plan_to_desired(&mut conn).await.is_empty());
}

#[tokio::test]
async fn a_row_that_cannot_fit_makes_the_plan_refuse_and_change_nothing() {
    let mut conn = load(CURRENT).await;
    // Order 3 points at user 9, who does not exist: the new foreign key cannot hold it.
    seed(
        &mut conn,
        "(1, 1, '10', 'paid', 'n1'), (2, 2, '7', NULL, 'n2'), (3, 9, '1', 'open', 'n3')",
    )
    .await;
    let before_schema = inspect_realm(&mut conn).await.unwrap();
    let plan = plan_to_desired(&mut conn).await;
    let statements: Vec<_> = plan
        .statements()
        .map(|s| (s.sql.as_str(), s.transactional))
        .collect();
    let error = apply_statements(&mut conn, &statements).await.unwrap_err();
    eprintln!("refused: {}", error.message);
    assert!(error.message.contains("foreign key violation"), "{error}");
    assert!(error.message.contains("orders row 3"), "{error}");
    assert_eq!(count(&mut conn, "SELECT count(*) FROM orders").await, 3);
    assert_eq!(count(&mut conn, "SELECT count(*) FROM audit").await, 3);
    assert_eq!(inspect_realm(&mut conn).await.unwrap(), before_schema);
    assert_eq!(count(&mut conn, "PRAGMA foreign_keys").await, 1);
}

#[tokio::test]
async fn renames_run_as_alter_and_the_rebuild_after_them_copies_renamed_columns() {
    use schemactl::diff::RenameHint;
    use schemactl::schema::QualifiedName;
    let mut conn = load(
        "CREATE TABLE people (id INTEGER PRIMARY KEY, fullname TEXT, age TEXT);
         CREATE INDEX people_age ON people (age);
         INSERT INTO people VALUES (1, 'Ann', '31'), (2, 'Bo', NULL);",
    )
    .await;
    let desired_sql =
        "CREATE TABLE persons (id INTEGER PRIMARY KEY, name TEXT, age INTEGER NOT NULL DEFAULT 0);
         CREATE INDEX people_age ON persons (age);";
    let current = inspect_realm(&mut conn).await.unwrap();
    let desired = inspect_realm(&mut load(desired_sql).await).await.unwrap();
    let options = DiffOptions {
        renames: vec![
            RenameHint::Table {
                from: QualifiedName::new("main", "people"),
                to: QualifiedName::new("main", "persons"),
            },
            RenameHint::Column {
                table: QualifiedName::new("main", "persons"),
                from: "fullname".into(),
                to: "name".into(),
            },
        ],
        ..DiffOptions::default()
    };
    let plan = plan_between(&current, &desired, &options);
    let sql = plan.to_sql();
    assert!(
        sql.contains("ALTER TABLE \"people\" RENAME TO \"persons\""),
        "{sql}"
    );
    assert!(
        sql.contains("RENAME COLUMN \"fullname\" TO \"name\""),
        "{sql}"
    );
    assert!(sql.contains("_schemactl_new_persons"), "{sql}");
    let statements: Vec<_> = plan
        .statements()
        .map(|s| (s.sql.as_str(), s.transactional))
        .collect();
    apply_statements(&mut conn, &statements).await.unwrap();
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM persons WHERE name IN ('Ann', 'Bo')"
        )
        .await,
        2
    );
    assert_eq!(count(&mut conn, "SELECT sum(age) FROM persons").await, 31);

    // The reverse plan brings the old names and both rows back.
    let reverse: Vec<_> = plan
        .reverse_statements()
        .map(|s| (s.sql.as_str(), s.transactional))
        .collect();
    apply_statements(&mut conn, &reverse).await.unwrap();
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM people WHERE fullname IN ('Ann', 'Bo')"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_null_under_a_new_not_null_without_default_refuses_the_plan() {
    let mut conn = load(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
         INSERT INTO notes VALUES (1, 'kept'), (2, NULL), (3, 'kept too');",
    )
    .await;
    let current = inspect_realm(&mut conn).await.unwrap();
    let desired = inspect_realm(
        &mut load("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);").await,
    )
    .await
    .unwrap();
    let plan = plan_between(&current, &desired, &DiffOptions::default());
    let copy = plan
        .statements()
        .find(|s| s.sql.starts_with("INSERT INTO"))
        .expect("a rebuild copies rows");
    assert!(
        copy.risks.iter().any(|r| r.note.contains("NOT NULL")),
        "{copy:?}"
    );
    let statements: Vec<_> = plan
        .statements()
        .map(|s| (s.sql.as_str(), s.transactional))
        .collect();
    let error = apply_statements(&mut conn, &statements).await.unwrap_err();
    eprintln!("refused: {}", error.message);
    assert!(error.message.contains("NOT NULL"), "{error}");
    assert_eq!(count(&mut conn, "SELECT count(*) FROM notes").await, 3);
    assert_eq!(inspect_realm(&mut conn).await.unwrap(), current);
}

/// An added column is an in-place ADD COLUMN; its reverse must drop it again (it used to be
/// an empty step, so the down section of such a migration changed nothing).
#[tokio::test]
async fn the_reverse_of_an_added_column_drops_it() {
    let before_sql = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);";
    let after_sql = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, tag TEXT);";
    let mut conn = load(before_sql).await;
    let before = inspect_realm(&mut conn).await.unwrap();
    let after = inspect_realm(&mut load(after_sql).await).await.unwrap();
    let plan = plan_between(&before, &after, &DiffOptions::default());
    let reverse: Vec<_> = plan
        .reverse_statements()
        .map(|s| (s.sql.as_str(), s.transactional))
        .collect();
    assert!(
        reverse
            .iter()
            .any(|(sql, _)| sql.contains("DROP COLUMN \"tag\"")),
        "{reverse:?}"
    );
    let forward: Vec<_> = plan
        .statements()
        .map(|s| (s.sql.as_str(), s.transactional))
        .collect();
    apply_statements(&mut conn, &forward).await.unwrap();
    assert_eq!(inspect_realm(&mut conn).await.unwrap(), after);
    apply_statements(&mut conn, &reverse).await.unwrap();
    assert_eq!(inspect_realm(&mut conn).await.unwrap(), before);
}

/// A change SQLite has no statement for is an error naming it, not an empty step.
#[tokio::test]
async fn a_change_sqlite_cannot_carry_out_is_an_error_naming_it() {
    let realm = inspect_realm(&mut load("CREATE TABLE t (id INTEGER);").await)
        .await
        .unwrap();
    let change = schemactl::diff::Change::CreateSchema {
        name: "billing".into(),
    };
    let error = SqlitePlanner {
        current: &realm,
        desired: &realm,
    }
    .plan(&[change])
    .unwrap_err();
    assert!(
        error.to_string().contains("create schema billing"),
        "{error}"
    );
    assert_eq!(schemactl::error::exit_code(&error), 2);
}
