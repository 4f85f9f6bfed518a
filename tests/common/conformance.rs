//! Shared by the conformance tests over sqldef's corpora (../shared/conformance): reading the
//! cases, classifying outcomes, the data-loss check, the report and the floor.

use schemactl::dialect::Dialect;
use schemactl::diff::{Change, DiffOptions, diff};
use schemactl::schema::Realm;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Case {
    pub file: String,
    pub name: String,
    pub current: String,
    pub desired: String,
    /// sqldef's `min_version` / `max_version` (server version) and `flavor`, when given.
    pub min_version: Option<String>,
    pub max_version: Option<String>,
    pub flavor: Option<String>,
    /// sqldef's `error`: the case expects sqldef to refuse the change.
    pub error: bool,
}

impl Case {
    /// Why the case does not apply to a server of `version` (dotted numbers) with no flavor.
    pub fn restriction_unmet(&self, version: &str) -> Option<String> {
        if let Some(flavor) = &self.flavor {
            return Some(format!("needs flavor {flavor}"));
        }
        let number = |v: &str| -> Vec<u64> {
            v.split('.')
                .map(|p| p.trim().parse().unwrap_or(0))
                .collect()
        };
        if let Some(min) = &self.min_version
            && number(version) < number(min)
        {
            return Some(format!("needs version >= {min}"));
        }
        if let Some(max) = &self.max_version
            && number(version) > number(max)
        {
            return Some(format!("needs version <= {max}"));
        }
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The case's SQL does not load on this server: not counted.
    Invalid(String),
    Passed,
    Failed {
        cause: String,
        detail: String,
    },
}

pub fn corpus_dir() -> PathBuf {
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

pub fn load_cases(dir: &Path) -> Vec<Case> {
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
                min_version: scalar(&body, "min_version"),
                max_version: scalar(&body, "max_version"),
                flavor: scalar(&body, "flavor"),
                error: body.get("error").is_some_and(|v| !v.is_null()),
            });
        }
    }
    cases
}

/// A string or number field of a case.
fn scalar(body: &serde_yaml::Value, key: &str) -> Option<String> {
    match body.get(key)? {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A column or table dropped and added again under the same name loses data.
pub fn loses_data(changes: &[Change]) -> Option<String> {
    for change in changes {
        match change {
            Change::DropColumn { table, column, .. } if column.generated.is_none() => {
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

/// Compares the server's own renderings (`pg_dump`, `sqlite_master`) of database A after the
/// plan with those of B loaded from `desired`; None when equal.
pub fn compare_renderings(
    what: &str,
    after: Result<Vec<String>, String>,
    desired: Result<Vec<String>, String>,
) -> Option<Outcome> {
    match (after, desired) {
        (Ok(a), Ok(b)) if a != b => {
            let only_a: Vec<&String> = a.iter().filter(|s| !b.contains(s)).take(2).collect();
            let only_b: Vec<&String> = b.iter().filter(|s| !a.contains(s)).take(2).collect();
            Some(failed(
                &format!("not converged ({what})"),
                format!("after plan: {only_a:?}\ndesired: {only_b:?}"),
            ))
        }
        (Err(e), _) | (_, Err(e)) => Some(failed(&format!("{what} error"), e)),
        _ => None,
    }
}

pub fn failed(cause: &str, detail: impl Into<String>) -> Outcome {
    Outcome::Failed {
        cause: cause.into(),
        detail: detail.into(),
    }
}

/// Rates per file and in total, failures grouped by cause, invalid cases grouped by cause.
pub fn report(title: &str, outcomes: &[(Case, Outcome)]) -> String {
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
    let mut out =
        format!("{title} conformance (passed / valid, invalid = does not load on this server)\n");
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
    let mut invalid_causes: BTreeMap<String, usize> = BTreeMap::new();
    for line in &invalid {
        let cause = line.split_once(": ").map_or(line.as_str(), |(_, why)| why);
        *invalid_causes.entry(invalid_cause(cause)).or_default() += 1;
    }
    if !invalid_causes.is_empty() {
        out.push_str("\ninvalid by cause\n");
        for (cause, count) in &invalid_causes {
            out.push_str(&format!("  {count:>4}  {cause}\n"));
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

/// An invalid case's cause without the statement-specific parts (file:line, names).
fn invalid_cause(why: &str) -> String {
    let Some((_, message)) = why.split_once("statement failed on the dev database: ") else {
        return why.to_string();
    };
    let side = why.split(':').next().unwrap_or("");
    let generic: String = message
        .split('"')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { "…" } else { part })
        .collect::<Vec<_>>()
        .join("\"");
    format!(
        "{side}: {}",
        generic.split(" near ").next().unwrap_or(&generic)
    )
}

/// Fails when the total rate of a full run is below the floor kept in `floor_file`.
pub fn assert_floor(title: &str, outcomes: &[(Case, Outcome)], floor_file: &str) {
    let valid = outcomes
        .iter()
        .filter(|(_, o)| !matches!(o, Outcome::Invalid(_)))
        .count();
    let passed = outcomes
        .iter()
        .filter(|(_, o)| *o == Outcome::Passed)
        .count();
    let rate = 100.0 * passed as f64 / valid.max(1) as f64;
    let floor_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(floor_file);
    let floor: f64 = std::fs::read_to_string(&floor_path)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    if std::env::var("CONFORMANCE_FILTER").is_err() {
        assert!(
            rate >= floor,
            "{title} conformance {rate:.1}% is below the floor {floor}% ({})",
            floor_path.display()
        );
    }
}

/// The oracle on models: the migrated state `after` equals `desired` once both are
/// `normalized`, and a second plan is empty. `None` when both hold, else the failure (with the
/// first statements of the plan that would still be needed).
pub fn check_converged(
    after: &Realm,
    desired: &Realm,
    dialect: &dyn Dialect,
    normalized: impl Fn(Realm) -> Realm,
) -> Option<Outcome> {
    let policy = dialect.diff_policy();
    let again = diff(after, desired, &DiffOptions::default(), policy);
    if normalized(after.clone()) != normalized(desired.clone()) {
        let summary: Vec<String> = match dialect.plan(after, desired, &again) {
            Ok(plan) => plan.statements().take(3).map(|s| s.sql.clone()).collect(),
            Err(e) => vec![format!("{e:#}")],
        };
        return Some(failed("not converged (model)", summary.join("\n")));
    }
    if !again.is_empty() {
        return Some(failed("second plan not empty", format!("{again:?}")));
    }
    None
}
