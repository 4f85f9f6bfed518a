//! PostgreSQL objects beyond tables on a real server: user-defined collations, extension
//! versions and table inheritance. Each scenario loads `current` into A and `desired` into B,
//! plans A → B, applies the plan to A, and requires that a second plan is empty.

mod common;

use common::conformance::check_converged;
use common::postgres::{Loaded, apply, normalized};
use schemactl::dialect;
use schemactl::diff::{Change, DiffOptions, diff};
use schemactl::plan::postgres::{PostgresDiffPolicy, PostgresPlanner};
use schemactl::plan::{Plan, Planner};
use schemactl::schema::Realm;

fn changes(current: &Realm, desired: &Realm) -> Vec<Change> {
    diff(
        current,
        desired,
        &DiffOptions::default(),
        &PostgresDiffPolicy,
    )
}

/// Plans `current` → `desired`, applies the plan to A and checks that nothing is left to do;
/// with `models_equal`, the inspected models must be equal too. Returns the plan.
async fn converges(current: &str, desired: &str, models_equal: bool) -> Plan {
    let loaded = Loaded::new(current, desired).await;
    let plan = PostgresPlanner
        .plan(&changes(&loaded.current, &loaded.desired))
        .unwrap();
    let mut conn = loaded.a.connect().await.expect("connect A");
    let after = apply(&mut conn, &plan).await;
    let again = changes(&after, &loaded.desired);
    assert!(
        again.is_empty(),
        "second plan not empty: {again:?}\nplan:\n{}",
        plan.to_sql()
    );
    if models_equal {
        let outcome = check_converged(&after, &loaded.desired, &dialect::POSTGRES, normalized);
        assert!(outcome.is_none(), "{outcome:?}\nplan:\n{}", plan.to_sql());
    }
    drop(conn);
    loaded.drop_now().await;
    plan
}

const NOCASE: &str =
    "CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);";

#[tokio::test]
async fn a_new_collation_is_created_before_the_columns_that_use_it() {
    let desired = format!(
        "{NOCASE}
         CREATE COLLATION posix_c (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX');
         CREATE TABLE users (name text COLLATE nocase, code text COLLATE posix_c);
         CREATE TABLE tags (label text);"
    );
    let current = "CREATE TABLE tags (label text);";
    let plan = converges(current, &desired, true).await;
    let sql = plan.to_sql();
    assert!(
        sql.find("CREATE COLLATION \"public\".\"nocase\"") < sql.find("CREATE TABLE"),
        "{sql}"
    );
    insta::assert_snapshot!("collations_created", plan.to_commented_sql());

    let altered = format!("{NOCASE} CREATE TABLE tags (label text COLLATE nocase);");
    let sql = converges(current, &altered, true).await.to_sql();
    assert!(
        sql.find("CREATE COLLATION") < sql.find("ALTER COLUMN \"label\" TYPE"),
        "{sql}"
    );
}

#[tokio::test]
async fn a_dropped_collation_goes_after_the_columns_leave_it() {
    let current = format!("{NOCASE} CREATE TABLE tags (label text COLLATE nocase);");
    let sql = converges(&current, "CREATE TABLE tags (label text);", true)
        .await
        .to_sql();
    assert!(
        sql.find("ALTER COLUMN \"label\" TYPE text") < sql.find("DROP COLLATION"),
        "{sql}"
    );
}

#[tokio::test]
async fn a_changed_collation_is_recreated_with_its_columns_parked() {
    let current = format!(
        "{NOCASE} CREATE TABLE tags (label text COLLATE nocase, note text);
         CREATE INDEX tags_label ON tags (label);"
    );
    let desired = "CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level1', \
                   deterministic = false);
         CREATE TABLE tags (label text COLLATE nocase, note text);
         CREATE INDEX tags_label ON tags (label);";
    let plan = converges(&current, desired, true).await;
    insta::assert_snapshot!("collation_recreated", plan.to_commented_sql());
}

#[tokio::test]
async fn an_extension_version_asked_for_is_updated_to() {
    let plan = converges(
        "CREATE EXTENSION hstore VERSION '1.4';",
        "CREATE EXTENSION hstore VERSION '1.6';",
        true,
    )
    .await;
    assert_eq!(
        plan.to_sql().trim(),
        "ALTER EXTENSION \"hstore\" UPDATE TO '1.6';"
    );
    let created = converges("", "CREATE EXTENSION hstore VERSION '1.5';", true).await;
    assert!(
        created
            .to_sql()
            .contains("WITH SCHEMA \"public\" VERSION '1.5'"),
        "{}",
        created.to_sql()
    );
}

#[tokio::test]
async fn a_plain_create_extension_asks_for_no_version() {
    // The desired state's hstore is the server's default version: no request, so an older
    // installed version stays, and two plain states are equal.
    let loaded = Loaded::new(
        "CREATE EXTENSION hstore VERSION '1.4';",
        "CREATE EXTENSION hstore;",
    )
    .await;
    assert!(changes(&loaded.current, &loaded.desired).is_empty());
    assert!(changes(&loaded.desired, &loaded.desired.clone()).is_empty());
    let back = changes(&loaded.desired, &loaded.current);
    assert!(
        matches!(&back[..], [Change::UpdateExtension { to, .. }] if to.version == "1.4"),
        "{back:?}"
    );
    loaded.drop_now().await;
}

const PARENT: &str = "CREATE TABLE parent (id integer, created timestamptz DEFAULT now());";

/// Statements of the plan that touch `table` ("public"."table" followed by a space).
fn statements_on(plan: &Plan, table: &str) -> Vec<String> {
    let needle = format!("\"public\".\"{table}\" ");
    plan.statements()
        .filter(|s| s.sql.contains(&needle))
        .map(|s| s.sql.clone())
        .collect()
}

#[tokio::test]
async fn a_new_child_declares_only_its_own_columns() {
    let desired = format!(
        "{PARENT} CREATE TABLE child (extra text) INHERITS (parent);
         ALTER TABLE child ALTER COLUMN created SET DEFAULT '2020-01-01';"
    );
    let plan = converges("", &desired, true).await;
    insta::assert_snapshot!("inheritance_child_created", plan.to_commented_sql());
}

#[tokio::test]
async fn a_column_added_to_or_dropped_from_the_parent_changes_only_the_parent() {
    let child = "CREATE TABLE child (extra text) INHERITS (parent);";
    let current = format!("{PARENT} {child}");
    let desired = format!(
        "CREATE TABLE parent (id integer, created timestamptz DEFAULT now(), name text); {child}"
    );
    let added = converges(&current, &desired, true).await;
    assert_eq!(
        added
            .statements()
            .map(|s| s.sql.as_str())
            .collect::<Vec<_>>(),
        [r#"ALTER TABLE "public"."parent" ADD COLUMN "name" text"#]
    );
    let dropped = converges(&desired, &current, true).await;
    assert_eq!(
        dropped
            .statements()
            .map(|s| s.sql.as_str())
            .collect::<Vec<_>>(),
        [r#"ALTER TABLE "public"."parent" DROP COLUMN "name""#]
    );
}

#[tokio::test]
async fn a_child_keeps_or_drops_its_copy_of_a_column_the_parent_drops() {
    let current = format!(
        "{PARENT} CREATE TABLE keeps () INHERITS (parent);
         CREATE TABLE declared (created timestamptz DEFAULT now()) INHERITS (parent);
         CREATE TABLE follows () INHERITS (parent);"
    );
    let desired = "CREATE TABLE parent (id integer);
         CREATE TABLE keeps (created timestamptz DEFAULT now()) INHERITS (parent);
         CREATE TABLE declared () INHERITS (parent);
         CREATE TABLE follows () INHERITS (parent);";
    let plan = converges(&current, desired, true).await;
    let sql = plan.to_sql();
    // `keeps` keeps its copy, so the parent drops the column alone; the others then drop
    // theirs, which are their own from then on.
    assert!(
        sql.contains(r#"ALTER TABLE ONLY "public"."parent" DROP COLUMN "created""#),
        "{sql}"
    );
    assert!(statements_on(&plan, "keeps").is_empty(), "{sql}");
    for child in ["declared", "follows"] {
        let drops = statements_on(&plan, child);
        assert_eq!(drops.len(), 1, "{sql}");
        assert!(sql.find("ONLY") < sql.find(&drops[0]), "{sql}");
    }

    // Without a child keeping it, one plain drop on the parent, and the child that declared
    // the column too drops its own after it.
    let current = format!(
        "{PARENT} CREATE TABLE declared (created timestamptz DEFAULT now()) INHERITS (parent);
         CREATE TABLE follows () INHERITS (parent);"
    );
    let desired = "CREATE TABLE parent (id integer);
         CREATE TABLE declared () INHERITS (parent);
         CREATE TABLE follows () INHERITS (parent);";
    let plan = converges(&current, desired, true).await;
    assert_eq!(
        plan.statements()
            .map(|s| s.sql.as_str())
            .collect::<Vec<_>>(),
        [
            r#"ALTER TABLE "public"."parent" DROP COLUMN "created""#,
            r#"ALTER TABLE "public"."declared" DROP COLUMN "created""#,
        ]
    );
}

#[tokio::test]
async fn a_table_is_attached_to_and_detached_from_a_parent_in_place() {
    let parent = "CREATE TABLE parent (id integer CHECK (id > 0));";
    let standalone = format!(
        "{parent} CREATE TABLE child (id integer, extra text);
         INSERT INTO child VALUES (1, 'kept');"
    );
    let attached = format!(
        "{parent} CREATE TABLE child (extra text) INHERITS (parent);
         INSERT INTO child VALUES (1, 'kept');"
    );
    // Attached by INHERIT, the child's columns stay its own (PostgreSQL has no way to make
    // them inherited only), so only the plans are compared, not the models.
    let plan = converges(&standalone, &attached, false).await;
    insta::assert_snapshot!("inheritance_attached", plan.to_commented_sql());
    let plan = converges(&attached, &standalone, true).await;
    insta::assert_snapshot!("inheritance_detached", plan.to_commented_sql());
}
