//! Conformance over sqldef's mysqldef cases (../shared/conformance) on the MariaDB test server
//! (SCHEMACTL_TEST_MYSQL_URL): for each case, load `current` into a fresh database A and
//! `desired` into B, plan A → B, apply the plan to A, and require that A then equals B (the
//! inspected models, column order included, and each table's `SHOW CREATE TABLE` without its
//! `AUTO_INCREMENT=N`, views, triggers and routines without their definer) and that a second
//! plan is empty. Cases for another server (sqldef's `flavor: mysql`, `!mariadb`, `tidb`,
//! `max_version: 5.7`, `error:`) and cases MariaDB 10.11 refuses to load are invalid, by cause.
//! Prints the rate per file and in total, and fails below testdata/conformance/mysql.floor.

mod common;

use common::conformance::{
    Case, Outcome, assert_floor, check_converged, compare_renderings, corpus_dir, failed,
    load_cases, loses_data, report,
};
use futures::stream::{self, StreamExt};
use schemactl::dialect::{self, Dialect};
use schemactl::diff::{Change, DiffOptions, diff};
use schemactl::driver::mysql::{MySqlConnection, connect, inspect_realm};
use schemactl::plan::Planner;
use schemactl::plan::mysql::MysqlPlanner;
use schemactl::schema::QualifiedName;
use schemactl::url::{MysqlUrl, parse_mysql};
use schemactl::workflow::{Script, load_scripts};
use sqlx::{Connection, Executor, Row};
use std::path::Path;

const CASES_AT_ONCE: usize = 4;

fn server() -> MysqlUrl {
    let url = std::env::var("SCHEMACTL_TEST_MYSQL_URL")
        .expect("SCHEMACTL_TEST_MYSQL_URL must name the MariaDB test server (.ci/test sets it)");
    parse_mysql(&url).expect("SCHEMACTL_TEST_MYSQL_URL")
}

/// Why a case is for another server than MariaDB 10.11, as sqldef's own runner decides with
/// `MYSQL_FLAVOR=mariadb`.
fn other_server(case: &Case) -> Option<String> {
    if case.error {
        return Some("expects an error".into());
    }
    match case.flavor.as_deref() {
        None | Some("mariadb") | Some("!tidb") | Some("!mysql") => {}
        Some(other) => return Some(format!("flavor {other}")),
    }
    if case
        .max_version
        .as_deref()
        .is_some_and(|v| v.starts_with('5'))
    {
        return Some("MySQL 5.7 only".into());
    }
    None
}

/// A fresh database on the test server, dropped when the case ends.
struct Database {
    server: MysqlUrl,
    name: String,
}

impl Database {
    async fn create(server: &MysqlUrl, name: String) -> (Database, MySqlConnection) {
        let mut admin = connect(server).await.expect("test server");
        admin
            .execute(format!("DROP DATABASE IF EXISTS `{name}`").as_str())
            .await
            .unwrap();
        admin
            .execute(format!("CREATE DATABASE `{name}`").as_str())
            .await
            .unwrap();
        let _ = admin.close().await;
        let conn = connect(&server.with_database(&name))
            .await
            .expect("case database");
        (
            Database {
                server: server.clone(),
                name,
            },
            conn,
        )
    }

    async fn drop(self) {
        let mut admin = connect(&self.server).await.expect("test server");
        admin
            .execute(format!("DROP DATABASE IF EXISTS `{}`", self.name).as_str())
            .await
            .unwrap();
        let _ = admin.close().await;
    }
}

/// The server's own renderings: `SHOW CREATE TABLE` of every table (without the table's
/// `AUTO_INCREMENT=N`), views, triggers and routines (without `DEFINER=`), sorted.
async fn renderings(conn: &mut MySqlConnection) -> Result<Vec<String>, String> {
    let objects: Vec<(String, String)> = sqlx::query_as(
        "SELECT 'TABLE', TABLE_NAME FROM information_schema.TABLES
           WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE <> 'VIEW'
         UNION ALL SELECT 'VIEW', TABLE_NAME FROM information_schema.VIEWS
           WHERE TABLE_SCHEMA = DATABASE()
         UNION ALL SELECT 'TRIGGER', TRIGGER_NAME FROM information_schema.TRIGGERS
           WHERE TRIGGER_SCHEMA = DATABASE()
         UNION ALL SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES
           WHERE ROUTINE_SCHEMA = DATABASE()",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (kind, name) in objects {
        let row = sqlx::raw_sql(&format!("SHOW CREATE {kind} `{name}`"))
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| e.to_string())?;
        // The text is the second column for tables and views, the third for the others.
        let column = if kind == "TABLE" || kind == "VIEW" {
            1
        } else {
            2
        };
        let text: String = row.try_get(column).map_err(|e| e.to_string())?;
        out.push(normalize_rendering(&text));
    }
    out.sort();
    Ok(out)
}

fn normalize_rendering(text: &str) -> String {
    let text = strip_clause(text, " AUTO_INCREMENT=");
    let text = strip_definer(&text);
    let text = sort_table_items(&text);
    let text = without_default_key_type(&text);
    normalize_trigger_header(&text)
}

/// An InnoDB table's text without ` USING BTREE` after its keys. BTREE is the only type an
/// InnoDB key (other than FULLTEXT and SPATIAL) has, so the clause says nothing there; the
/// server keeps it only in the table's definition file, information_schema cannot tell it
/// from no clause, and the model reads the two alike (as Atlas does): a plan never re-creates
/// a key to add or remove the words.
fn without_default_key_type(text: &str) -> String {
    let innodb = text
        .lines()
        .any(|l| l.starts_with(')') && l.contains("ENGINE=InnoDB"));
    if !text.starts_with("CREATE TABLE") || !innodb {
        return text.to_string();
    }
    let is_key = |line: &str| {
        ["  KEY ", "  UNIQUE KEY ", "  PRIMARY KEY "]
            .iter()
            .any(|k| line.starts_with(k))
    };
    text.lines()
        .map(|line| {
            if is_key(line) {
                line.replacen(" USING BTREE", "", 1)
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A `SHOW CREATE TABLE` text with its index and constraint lines sorted (the order in which
/// they are listed does not count) and without the commas between items; columns keep their
/// order, it counts on MySQL.
fn sort_table_items(text: &str) -> String {
    if !text.starts_with("CREATE TABLE") {
        return text.to_string();
    }
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let (mut columns, mut items, mut tail) = (Vec::new(), Vec::new(), Vec::new());
    for line in lines {
        if !tail.is_empty() || line.starts_with(')') {
            tail.push(line.to_string());
        } else if line.starts_with("  `") {
            columns.push(line.trim_end_matches(',').to_string());
        } else {
            items.push(line.trim_end_matches(',').to_string());
        }
    }
    items.sort();
    [vec![header], columns, items, tail].concat().join("\n")
}

/// A trigger's text with the header before `FOR EACH ROW` in one case, without quotes and with
/// single spaces up to the body: the server keeps the header as written, and the planner writes its own.
fn normalize_trigger_header(text: &str) -> String {
    let upper = text.to_uppercase();
    if !upper.starts_with("CREATE TRIGGER") {
        return text.to_string();
    }
    let Some(at) = upper
        .find("FOR EACH ROW")
        .map(|at| at + "FOR EACH ROW".len())
    else {
        return text.to_string();
    };
    let header: Vec<String> = text[..at]
        .replace('`', "")
        .split_whitespace()
        .map(str::to_uppercase)
        .collect();
    format!("{} {}", header.join(" "), text[at..].trim_start())
}

/// `text` without ` KEY=value` (up to the next space).
fn strip_clause(text: &str, key: &str) -> String {
    match text.find(key) {
        Some(at) => {
            let rest = &text[at + key.len()..];
            let end = rest.find(' ').unwrap_or(rest.len());
            format!("{}{}", &text[..at], &rest[end..])
        }
        None => text.to_string(),
    }
}

/// `CREATE DEFINER=`u`@`h` …` without the definer.
fn strip_definer(text: &str) -> String {
    match text.find("DEFINER=") {
        Some(at) => {
            let rest = &text[at..];
            let end = rest.find(' ').map_or(rest.len(), |e| e + 1);
            format!("{}{}", &text[..at], &rest[end..])
        }
        None => text.to_string(),
    }
}

async fn check_case(server: &MysqlUrl, index: usize, case: &Case) -> Outcome {
    if let Some(why) = other_server(case) {
        return Outcome::Invalid(format!("for another server: {why}"));
    }
    // The process id keeps two runs on one shared server out of each other's databases.
    let run = std::process::id();
    let (a, mut conn_a) = Database::create(server, format!("conformance_a_{run}_{index}")).await;
    let (b, mut conn_b) = Database::create(server, format!("conformance_b_{run}_{index}")).await;
    let outcome = run_case(case, &a, &mut conn_a, &b, &mut conn_b).await;
    // Closed (not dropped): the shared server frees each session at once.
    let _ = conn_a.close().await;
    let _ = conn_b.close().await;
    a.drop().await;
    b.drop().await;
    outcome
}

async fn run_case(
    case: &Case,
    a: &Database,
    conn_a: &mut MySqlConnection,
    b: &Database,
    conn_b: &mut MySqlConnection,
) -> Outcome {
    // sqldef's runner loads every case into a database named mysqldef_test, and some cases
    // name it; here each side has its own database.
    let (current, desired) = (unqualified(&case.current), unqualified(&case.desired));
    if let Err(e) = load_scripts(conn_a, &[Script::new("current", &current)]).await {
        return Outcome::Invalid(format!("current does not load: {}", first_line(&e)));
    }
    if let Err(e) = load_scripts(conn_b, &[Script::new("desired", &desired)]).await {
        return Outcome::Invalid(format!("desired does not load: {}", first_line(&e)));
    }
    let (current, desired) = match (
        inspect_realm(conn_a, &a.name).await,
        inspect_realm(conn_b, &b.name).await,
    ) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return failed("inspect error", format!("{e:#}")),
    };
    let policy = dialect::MYSQL.diff_policy();
    let changes = diff(&current, &desired, &DiffOptions::default(), policy);
    let plan = match (MysqlPlanner {
        current: &current,
        desired: &desired,
    })
    .plan(&changes)
    {
        Ok(plan) => plan,
        Err(e) => return failed("plan error", format!("{e:#}")),
    };
    if std::env::var("CONFORMANCE_SHOW_PLAN").is_ok() {
        let sql: Vec<&str> = plan.statements().map(|s| s.sql.as_str()).collect();
        eprintln!("== {}::{}\n{}", case.file, case.name, sql.join(";\n"));
    }
    for statement in plan.statements() {
        if let Err(e) = sqlx::raw_sql(&statement.sql).execute(&mut *conn_a).await {
            return failed(
                "plan fails to apply",
                format!("{e}\n  statement: {}", statement.sql),
            );
        }
    }
    let after = match inspect_realm(conn_a, &a.name).await {
        Ok(r) => r,
        Err(e) => return failed("inspect error", format!("{e:#}")),
    };
    if let Some(outcome) = check_converged(&after, &desired, &dialect::MYSQL, |r| r) {
        return outcome;
    }
    let rendered = (renderings(conn_a).await, renderings(conn_b).await);
    if let Some(outcome) = compare_renderings("SHOW CREATE", rendered.0, rendered.1) {
        return outcome;
    }
    if let Some(loss) = loses_data(&kept_by_desired(&changes)) {
        return failed("loses data", loss);
    }
    Outcome::Passed
}

/// The changes without the drop of a column that comes back generated: its values are the
/// expression's from then on, so the desired state keeps none of the old ones, and neither
/// server turns a stored column into a generated one in place (`MODIFY COLUMN`: "not yet
/// supported for generated columns"). The plan still warns of the drop.
fn kept_by_desired(changes: &[Change]) -> Vec<Change> {
    let comes_back_generated = |table: &QualifiedName, name: &str| {
        changes.iter().any(|c| {
            matches!(c, Change::AddColumn { table: t, column }
                if t == table && column.name == name && column.generated.is_some())
        })
    };
    changes
        .iter()
        .filter(|c| {
            !matches!(c, Change::DropColumn { table, column, .. }
                if comes_back_generated(table, &column.name))
        })
        .cloned()
        .collect()
}

fn unqualified(sql: &str) -> String {
    sql.replace("`mysqldef_test`.", "")
        .replace("mysqldef_test.", "")
}

fn first_line(error: &anyhow::Error) -> String {
    let text = format!("{error:#}");
    text.lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn mysqldef_conformance() {
    let server = server();
    let dir = corpus_dir().join("sqldef/mysqldef");
    let cases = load_cases(&dir);
    assert!(!cases.is_empty(), "no cases found in {}", dir.display());
    // A few cases at once: each spends most of its time waiting for the server's DDL.
    let outcomes: Vec<(Case, Outcome)> = stream::iter(cases.into_iter().enumerate())
        .map(|(index, case)| {
            let server = &server;
            async move {
                let outcome = check_case(server, index, &case).await;
                (case, outcome)
            }
        })
        .buffered(CASES_AT_ONCE)
        .collect()
        .await;
    let report = report("mysqldef on MariaDB", &outcomes);
    println!("{report}");
    // Beside the build's other output: CARGO_TARGET_DIR when set, else the checkout's target/.
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        std::path::PathBuf::from,
    );
    let _ = std::fs::create_dir_all(&target);
    let report_path = target.join("conformance-mysql.txt");
    if let Err(e) = std::fs::write(&report_path, &report) {
        eprintln!("could not write {}: {e}", report_path.display());
    }
    assert_floor("mysqldef", &outcomes, "testdata/conformance/mysql.floor");
}

#[test]
fn using_btree_is_no_difference_on_innodb_only() {
    let innodb = "CREATE TABLE `t` (\n  `a` int(11) DEFAULT NULL COMMENT 'x USING BTREE'\n  \
                  KEY `k` (`a`) USING BTREE COMMENT 'c'\n) ENGINE=InnoDB";
    assert_eq!(
        without_default_key_type(innodb),
        "CREATE TABLE `t` (\n  `a` int(11) DEFAULT NULL COMMENT 'x USING BTREE'\n  \
         KEY `k` (`a`) COMMENT 'c'\n) ENGINE=InnoDB"
    );
    let memory = innodb.replace("InnoDB", "MEMORY");
    assert_eq!(without_default_key_type(&memory), memory);
}
