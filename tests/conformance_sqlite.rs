//! Conformance over sqldef's sqlite3def cases (../shared/conformance): for each case, load
//! `current` into in-memory database A and `desired` into B, plan A → B, apply the plan to A,
//! and require that A then equals B (inspected model and normalized `sqlite_master` text) and
//! that a second plan is empty. Prints the rate per file and in total, and fails when the total
//! drops below the floor in testdata/conformance/sqlite.floor.

mod common;

use common::conformance::{
    Case, Outcome, assert_floor, check_converged, compare_renderings, corpus_dir, failed,
    load_cases, loses_data, report,
};
use schemactl::dialect::{self, Dialect};
use schemactl::diff::{DiffOptions, diff};
use schemactl::driver::sqlite::{
    SqliteConnection, apply_statements, connect_memory, inspect_realm,
};
use schemactl::plan::Planner;
use schemactl::plan::sqlite::SqlitePlanner;
use schemactl::schema::Realm;
use schemactl::sql::sqlite::{normalize, table_text};
use schemactl::workflow::{Script, load_scripts};
use sqlx::Row;
use std::path::Path;

/// Column order is no difference on SQLite, and the kept `CREATE TABLE` text is compared
/// through `sqlite_master` instead (a renamed table's text spells its name quoted).
fn normalized(mut realm: Realm) -> Realm {
    for schema in realm.schemas.values_mut() {
        for table in schema.tables.values_mut() {
            table.columns.sort_by(|a, b| a.name.cmp(&b.name));
            table.create_sql = None;
        }
    }
    realm
}

/// `sqlite_master` as sorted normalized statements; a table's body items are sorted and its
/// header reduced to its name, so that column order and name quoting do not count.
async fn master(conn: &mut SqliteConnection) -> Result<Vec<String>, String> {
    let rows = sqlx::query(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite%'",
    )
    .fetch_all(conn)
    .await
    .map_err(|e| e.to_string())?;
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| {
            let (kind, name, sql): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            match table_text(&sql).filter(|_| kind == "table") {
                Some(text) => {
                    let mut items: Vec<String> = text.items.iter().map(|i| normalize(i)).collect();
                    items.sort();
                    format!(
                        "TABLE {name} ({}) {}",
                        items.join(", "),
                        normalize(&text.tail)
                    )
                }
                None => normalize(&sql),
            }
        })
        .collect();
    out.sort();
    Ok(out)
}

async fn check_case(case: &Case) -> Outcome {
    let mut conn_a = connect_memory().await.expect("memory A");
    let version: String = sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(&mut conn_a)
        .await
        .expect("sqlite_version");
    if let Some(why) = case.restriction_unmet(&version) {
        return Outcome::Invalid(format!("restriction: {why}"));
    }
    let mut conn_b = connect_memory().await.expect("memory B");
    if let Err(e) = load_scripts(&mut conn_a, &[Script::new("current", &case.current)]).await {
        return Outcome::Invalid(format!("current: {e}"));
    }
    if let Err(e) = load_scripts(&mut conn_b, &[Script::new("desired", &case.desired)]).await {
        return Outcome::Invalid(format!("desired: {e}"));
    }
    let (current, desired) = match (
        inspect_realm(&mut conn_a).await,
        inspect_realm(&mut conn_b).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return failed("inspect error", format!("{e:#}")),
    };
    let policy = dialect::SQLITE.diff_policy();
    let changes = diff(&current, &desired, &DiffOptions::default(), policy);
    let plan = SqlitePlanner {
        current: &current,
        desired: &desired,
    }
    .plan(&changes);
    let plan = match plan {
        Ok(plan) => plan,
        Err(e) => return failed("plan error", format!("{e:#}")),
    };
    let statements: Vec<_> = plan
        .statements()
        .map(|s| (s.sql.as_str(), s.transactional))
        .collect();
    if let Err(e) = apply_statements(&mut conn_a, &statements).await {
        return failed(
            "plan fails to apply",
            format!("{}\n  statement: {}", e.message, e.statement),
        );
    }
    let after = match inspect_realm(&mut conn_a).await {
        Ok(r) => r,
        Err(e) => return failed("inspect error", format!("{e:#}")),
    };
    if let Some(outcome) = check_converged(&after, &desired, &dialect::SQLITE, normalized) {
        return outcome;
    }
    let renderings = (master(&mut conn_a).await, master(&mut conn_b).await);
    if let Some(outcome) = compare_renderings("sqlite_master", renderings.0, renderings.1) {
        return outcome;
    }
    if let Some(loss) = loses_data(&changes) {
        return failed("loses data", loss);
    }
    Outcome::Passed
}

#[tokio::test]
async fn sqlite3def_conformance() {
    let dir = corpus_dir().join("sqldef/sqlite3def");
    let cases = load_cases(&dir);
    assert!(!cases.is_empty(), "no cases found in {}", dir.display());
    let mut outcomes = Vec::new();
    for case in cases {
        let outcome = check_case(&case).await;
        outcomes.push((case, outcome));
    }
    let report = report("sqlite3def", &outcomes);
    println!("{report}");
    let report_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/conformance-sqlite.txt");
    let _ = std::fs::write(&report_path, &report);
    assert_floor("sqlite3def", &outcomes, "testdata/conformance/sqlite.floor");
}
