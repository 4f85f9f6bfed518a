//! Conformance over sqldef's psqldef cases (../shared/conformance): for each case, load
//! `current` into database A and `desired` into B, plan A → B, apply the plan to A, and require
//! that A then equals B (inspected model and normalized `pg_dump --schema-only`) and that a
//! second plan is empty. Prints the rate per file and in total, and fails when the total drops
//! below the floor in testdata/conformance/postgres.floor.

use futures::StreamExt;
use schemactl::devdb::{DevServer, DevSpec};
use schemactl::diff::{Change, DiffOptions, diff};
use schemactl::driver::Scope;
use schemactl::driver::postgres::{execute_each, inspect_realm};
use schemactl::plan::Planner;
use schemactl::plan::postgres::PostgresPlanner;
use schemactl::schema::Realm;
use schemactl::source::{Script, load_scripts};
use schemactl::url::{DbUrl, PgUrl};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
struct Case {
    file: String,
    name: String,
    current: String,
    desired: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// The case's SQL does not load on this server: not counted.
    Invalid(String),
    Passed,
    Failed {
        cause: String,
        detail: String,
    },
}

fn corpus_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("SCHEMACTL_CONFORMANCE_DIR") {
        return PathBuf::from(dir);
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    if beside.exists() {
        beside
    } else {
        PathBuf::from("/work/shared/conformance")
    }
}

fn test_url() -> PgUrl {
    let url = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
    match schemactl::url::parse(&url).expect("test URL") {
        DbUrl::Postgres(pg) => pg,
        _ => panic!("SCHEMACTL_TEST_PG_URL must be a postgres URL"),
    }
}

fn load_cases(dir: &Path) -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    files.sort();
    let filter = std::env::var("CONFORMANCE_FILTER").ok();
    let mut cases = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: BTreeMap<String, serde_yaml::Value> = serde_yaml::from_str(&text).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        for (name, body) in doc {
            let field = |key: &str| {
                body.get(key)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            if filter
                .as_ref()
                .is_some_and(|f| !name.contains(f.as_str()) && !file.contains(f.as_str()))
            {
                continue;
            }
            cases.push(Case {
                file: file.clone(),
                name,
                current: field("current"),
                desired: field("desired"),
            });
        }
    }
    cases
}

/// Column order is not a difference on PostgreSQL (an added column goes last).
fn normalized(mut realm: Realm) -> Realm {
    for schema in realm.schemas.values_mut() {
        for table in schema.tables.values_mut() {
            table.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    realm
}

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

/// A column or table dropped and added again under the same name loses data.
fn loses_data(changes: &[Change]) -> Option<String> {
    for change in changes {
        match change {
            Change::DropColumn { table, column } if column.generated.is_none() => {
                let re_added = changes.iter().any(|c| {
                    matches!(c, Change::AddColumn { table: t, column: added } if t == table && added.name == column.name)
                });
                if re_added {
                    return Some(format!(
                        "column {table}.{} dropped and re-added",
                        column.name
                    ));
                }
            }
            Change::DropTable { name, .. }
                if changes
                    .iter()
                    .any(|c| matches!(c, Change::CreateTable { name: n, .. } if n == name)) =>
            {
                return Some(format!("table {name} dropped and re-created"));
            }
            _ => {}
        }
    }
    None
}

fn failed(cause: &str, detail: impl Into<String>) -> Outcome {
    Outcome::Failed {
        cause: cause.into(),
        detail: detail.into(),
    }
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
    let changes = diff(&current, &desired, &DiffOptions::default());
    let plan = PostgresPlanner.plan(&changes);
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
    let again = diff(&after, &desired, &DiffOptions::default());
    if normalized(after) != normalized(desired) {
        let summary: Vec<String> = PostgresPlanner
            .plan(&again)
            .statements()
            .take(3)
            .map(|s| s.sql.clone())
            .collect();
        return failed("not converged (model)", summary.join("\n"));
    }
    if !again.is_empty() {
        return failed("second plan not empty", format!("{again:?}"));
    }
    match (dump(a.url()), dump(b.url())) {
        (Ok(da), Ok(db)) if da != db => {
            let only_a: Vec<&String> = da.iter().filter(|s| !db.contains(s)).take(2).collect();
            let only_b: Vec<&String> = db.iter().filter(|s| !da.contains(s)).take(2).collect();
            return failed(
                "not converged (pg_dump)",
                format!("after plan: {only_a:?}\ndesired: {only_b:?}"),
            );
        }
        (Err(e), _) | (_, Err(e)) => return failed("pg_dump error", e),
        _ => {}
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
    let report = report(&outcomes);
    println!("{report}");
    let report_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/conformance-postgres.txt");
    let _ = std::fs::write(&report_path, &report);

    let valid = outcomes
        .iter()
        .filter(|(_, o)| !matches!(o, Outcome::Invalid(_)))
        .count();
    let passed = outcomes
        .iter()
        .filter(|(_, o)| *o == Outcome::Passed)
        .count();
    let rate = 100.0 * passed as f64 / valid.max(1) as f64;
    let floor_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/conformance/postgres.floor");
    let floor: f64 = std::fs::read_to_string(&floor_path)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    if std::env::var("CONFORMANCE_FILTER").is_err() {
        assert!(
            rate >= floor,
            "psqldef conformance {rate:.1}% is below the floor {floor}% ({})",
            floor_path.display()
        );
    }
}

fn report(outcomes: &[(Case, Outcome)]) -> String {
    let mut per_file: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut by_cause: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut invalid = Vec::new();
    for (case, outcome) in outcomes {
        let entry = per_file.entry(&case.file).or_default();
        match outcome {
            Outcome::Invalid(why) => {
                entry.2 += 1;
                invalid.push(format!(
                    "{}::{}: {}",
                    case.file,
                    case.name,
                    why.lines().next().unwrap_or("")
                ));
            }
            Outcome::Passed => {
                entry.0 += 1;
                entry.1 += 1;
            }
            Outcome::Failed { cause, detail } => {
                entry.1 += 1;
                by_cause.entry(cause.clone()).or_default().push(format!(
                    "{}::{}\n      {}",
                    case.file,
                    case.name,
                    detail.replace('\n', "\n      ")
                ));
            }
        }
    }
    let mut out = String::from(
        "psqldef conformance (passed / valid, invalid = does not load on this server)\n",
    );
    let (mut passed, mut valid, mut invalid_count) = (0, 0, 0);
    for (file, (p, v, i)) in &per_file {
        out.push_str(&format!(
            "  {file:<34} {p:>4} / {v:<4} {:>6.1}%   ({i} invalid)\n",
            100.0 * *p as f64 / (*v).max(1) as f64
        ));
        passed += p;
        valid += v;
        invalid_count += i;
    }
    out.push_str(&format!(
        "  {:<34} {passed:>4} / {valid:<4} {:>6.1}%   ({invalid_count} invalid)\n",
        "TOTAL",
        100.0 * passed as f64 / valid.max(1) as f64
    ));
    for (cause, cases) in &by_cause {
        out.push_str(&format!("\nfailed: {cause} ({})\n", cases.len()));
        for case in cases {
            out.push_str(&format!("  {case}\n"));
        }
    }
    if std::env::var("CONFORMANCE_SHOW_INVALID").is_ok() {
        out.push_str(&format!("\ninvalid ({})\n", invalid.len()));
        for line in invalid {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}
