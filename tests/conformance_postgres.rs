//! Conformance over sqldef's psqldef cases (../shared/conformance): for each case, load
//! `current` into database A and `desired` into B, plan A → B, apply the plan to A, and require
//! that A then equals B (inspected model and normalized `pg_dump --schema-only`) and that a
//! second plan is empty. Prints the rate per file and in total, and fails when the total drops
//! below the floor in testdata/conformance/postgres.floor.

mod common;

use common::conformance::{
    Case, Outcome, assert_floor, check_converged, compare_renderings, corpus_dir, failed,
    load_cases, loses_data, report,
};
use common::postgres::{normalized, test_url};
use futures::StreamExt;
use schemactl::devdb::{DevServer, DevSpec};
use schemactl::dialect::{self, Dialect};
use schemactl::diff::{DiffOptions, diff};
use schemactl::driver::Scope;
use schemactl::driver::postgres::{execute_each, inspect_realm};
use schemactl::plan::Planner;
use schemactl::plan::postgres::PostgresPlanner;
use schemactl::url::PgUrl;
use schemactl::workflow::{Script, load_scripts};
use std::path::Path;

/// `pg_dump --schema-only` as a sorted list of statements, with column lines of CREATE TABLE
/// sorted too, so that column order and dump order do not count.
fn dump(url: &PgUrl) -> Result<Vec<String>, String> {
    let output = std::process::Command::new("pg_dump")
        .args([
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            "-d",
            &url.to_url_string(),
        ])
        .output()
        .map_err(|e| format!("pg_dump: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).to_string());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut statements = Vec::new();
    let mut current = Vec::new();
    for line in text.lines() {
        // `\restrict KEY` lines carry a random key per dump.
        if line.starts_with("--") || line.starts_with("\\") || line.trim().is_empty() {
            continue;
        }
        current.push(line.to_string());
        if line.ends_with(';') {
            statements.push(normalize_statement(&current));
            current.clear();
        }
    }
    statements.retain(|s| !s.starts_with("SET ") && !s.starts_with("SELECT pg_catalog.set_config"));
    statements.sort();
    Ok(statements)
}

fn normalize_statement(lines: &[String]) -> String {
    if lines[0].starts_with("CREATE TABLE") && lines.len() > 2 {
        let mut body: Vec<String> = lines[1..lines.len() - 1]
            .iter()
            .map(|l| l.trim_end_matches(',').to_string())
            .collect();
        body.sort();
        return format!(
            "{}\n{}\n{}",
            lines[0],
            body.join("\n"),
            lines[lines.len() - 1]
        );
    }
    lines.join("\n")
}

async fn run_case(server: &DevServer, case: &Case) -> Outcome {
    let a = server.scratch().await.expect("scratch A");
    let b = server.scratch().await.expect("scratch B");
    let outcome = check_case(&a, &b, case).await;
    a.drop_now().await.expect("drop A");
    b.drop_now().await.expect("drop B");
    outcome
}

async fn check_case(
    a: &schemactl::devdb::ScratchDb,
    b: &schemactl::devdb::ScratchDb,
    case: &Case,
) -> Outcome {
    let mut conn_a = a.connect().await.expect("connect A");
    let mut conn_b = b.connect().await.expect("connect B");
    if let Err(e) = load_scripts(&mut conn_a, &[Script::new("current", &case.current)]).await {
        return Outcome::Invalid(format!("current: {e}"));
    }
    if let Err(e) = load_scripts(&mut conn_b, &[Script::new("desired", &case.desired)]).await {
        return Outcome::Invalid(format!("desired: {e}"));
    }
    let scope = Scope::AllSchemas;
    let current = match inspect_realm(&mut conn_a, &scope).await {
        Ok(r) => r,
        Err(e) => return failed("inspect error", format!("{e:#}")),
    };
    let desired = match inspect_realm(&mut conn_b, &scope).await {
        Ok(r) => r,
        Err(e) => return failed("inspect error", format!("{e:#}")),
    };
    let changes = diff(
        &current,
        &desired,
        &DiffOptions::default(),
        dialect::POSTGRES.diff_policy(),
    );
    let plan = match PostgresPlanner.plan(&changes) {
        Ok(plan) => plan,
        Err(e) => return failed("plan error", format!("{e:#}")),
    };
    let statements: Vec<String> = plan.statements().map(|s| s.sql.clone()).collect();
    if let Err(e) = execute_each(&mut conn_a, &statements).await {
        return failed(
            "plan fails to apply",
            format!("{}\n  statement: {}", e.message, e.statement),
        );
    }
    let after = match inspect_realm(&mut conn_a, &scope).await {
        Ok(r) => r,
        Err(e) => return failed("inspect error", format!("{e:#}")),
    };
    if let Some(outcome) = check_converged(&after, &desired, &dialect::POSTGRES, normalized) {
        return outcome;
    }
    if let Some(outcome) = compare_renderings("pg_dump", dump(a.url()), dump(b.url())) {
        return outcome;
    }
    if let Some(loss) = loses_data(&changes) {
        return failed("loses data", loss);
    }
    Outcome::Passed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psqldef_conformance() {
    let dir = corpus_dir().join("sqldef/psqldef");
    let cases = load_cases(&dir);
    assert!(!cases.is_empty(), "no cases found in {}", dir.display());
    let server = DevServer::open(&DevSpec::Server(test_url()))
        .await
        .expect("dev server");
    let parallel: usize = std::env::var("CONFORMANCE_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(4);
    let outcomes: Vec<(Case, Outcome)> = futures::stream::iter(cases.into_iter())
        .map(|case| {
            let server = &server;
            async move {
                let outcome = run_case(server, &case).await;
                (case, outcome)
            }
        })
        .buffered(parallel)
        .collect()
        .await;
    server.close().await.expect("close dev server");
    let report = report("psqldef", &outcomes);
    println!("{report}");
    let report_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/conformance-postgres.txt");
    let _ = std::fs::write(&report_path, &report);

    assert_floor("psqldef", &outcomes, "testdata/conformance/postgres.floor");
}
