//! `migrate lint` over the corpus in testdata/lint against the test PostgreSQL server: every
//! unsafe case raises exactly the codes its `-- expect:` comments name, at their lines; every
//! safe case raises nothing. Plus output snapshots and `--git-base` in a temporary repository.
//!
//! A case is a directory of new migration files; the test puts `testdata/lint/base.sql` (the
//! schema the cases start from) before them in a temporary migration directory, hashes it and
//! lints the case's files.

#[path = "support/lint_json.rs"]
mod lint_json;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn server_url() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

fn corpus(kind: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/lint")
        .join(kind);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    cases
}

/// The case's migration files in version order.
fn sql_files(case: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(case)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    files
}

/// Runs `migrate lint` on `dir`, with the case's project file (env `lint`) when it has one.
fn lint(dir: &Path, extra: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_schemactl"));
    command
        .args(["migrate", "lint", "--dev-url", &server_url(), "--dir"])
        .arg(format!("file://{}", dir.display()))
        .args(extra);
    let project = dir.join("schemactl.hcl");
    if project.exists() {
        command.arg("--config").arg(project).args(["--env", "lint"]);
    }
    command.env("NO_COLOR", "1").output().unwrap()
}

/// A migration directory: the base file, then the case's files, hashed.
fn assemble(case: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lint/base.sql");
    std::fs::copy(base, dir.path().join("20240101000000_base.sql")).unwrap();
    for file in sql_files(case) {
        std::fs::copy(&file, dir.path().join(file.file_name().unwrap())).unwrap();
    }
    let project = case.join("schemactl.hcl");
    if project.exists() {
        std::fs::copy(project, dir.path().join("schemactl.hcl")).unwrap();
    }
    hash(dir.path());
    dir
}

/// (code, file name, line) of every finding, sorted.
fn findings(case: &Path) -> (Vec<(String, String, usize)>, i32) {
    let linted = sql_files(case).len().to_string();
    let dir = assemble(case);
    let output = lint(dir.path(), &["--latest", &linted, "--format", "json"]);
    let found = lint_json::findings(&case.display().to_string(), &output);
    (found, output.status.code().unwrap())
}

/// The `-- expect: CODE…` comments of the linted files, each at the next statement's line
/// (`-- expect-below: CODE…`: at the very next line, for findings on a comment).
fn expectations(case: &Path) -> Vec<(String, String, usize)> {
    let mut expected = Vec::new();
    for file in &sql_files(case) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            if let Some(codes) = line.trim().strip_prefix("-- expect-below:") {
                for code in codes.split_whitespace() {
                    expected.push((code.to_string(), name.clone(), index + 2));
                }
                continue;
            }
            let Some(codes) = line.trim().strip_prefix("-- expect:") else {
                continue;
            };
            let at = (index + 1..lines.len())
                .find(|&i| !lines[i].trim_start().starts_with("--"))
                .expect("a statement after the expectation");
            for code in codes.split_whitespace() {
                expected.push((code.to_string(), name.clone(), at + 1));
            }
        }
    }
    expected.sort();
    expected
}

#[test]
fn unsafe_cases_raise_exactly_their_expected_codes() {
    let mut failures = Vec::new();
    for case in corpus("unsafe") {
        let expected = expectations(&case);
        assert!(!expected.is_empty(), "{} expects nothing", case.display());
        let (found, code) = findings(&case);
        if found != expected {
            failures.push(format!(
                "{}:\n  expected {expected:?}\n  found    {found:?}",
                case.display()
            ));
        }
        let errors = expected
            .iter()
            .any(|(c, _, _)| c.starts_with("DS") || c.starts_with("BC") || c.starts_with("EX"));
        assert_eq!(code, if errors { 1 } else { 0 }, "{}", case.display());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn safe_cases_raise_nothing() {
    let mut failures = Vec::new();
    for case in corpus("safe") {
        let (found, code) = findings(&case);
        if !found.is_empty() || code != 0 {
            failures.push(format!("{}: exit {code}, {found:?}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn stdout_with_dir_as(case: &Path, output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).replace(&case.display().to_string(), "<dir>")
}

#[test]
fn text_and_github_output_snapshots() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lint/unsafe/mf107_foreign_key");
    let dir = assemble(&case);
    let text = lint(dir.path(), &["--latest", "1"]);
    assert_eq!(text.status.code(), Some(0), "warnings only");
    insta::assert_snapshot!("lint_text", stdout_with_dir_as(dir.path(), &text));
    let github = lint(dir.path(), &["--latest", "1", "--format", "github"]);
    insta::assert_snapshot!("lint_github", stdout_with_dir_as(dir.path(), &github));
}

#[test]
fn bad_selection_is_bad_input() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lint/safe/concurrent_index");
    let dir = assemble(&case);
    let output = lint(dir.path(), &["/nonexistent/file.sql"]);
    assert_eq!(output.status.code(), Some(2));
    let output = lint(dir.path(), &["--latest", "0"]);
    assert_eq!(output.status.code(), Some(2));
    // A named file is linted against the state of the files before it.
    let named = dir.path().join("20240102000000_change.sql");
    let output = lint(dir.path(), &[named.to_str().unwrap(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["findings"], serde_json::json!([]));
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(repo)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn hash(dir: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .args(["migrate", "hash", "--dir"])
        .arg(format!("file://{}", dir.display()))
        .status()
        .unwrap();
    assert!(status.success());
}

/// Files committed on main are the state; files added or changed on the branch are linted.
#[test]
fn git_base_lints_files_added_or_changed_since_the_merge_base() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    git(repo.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(
        dir.join("20240101000000_users.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("20240102000000_posts.sql"),
        "CREATE TABLE posts (id bigint PRIMARY KEY);\n",
    )
    .unwrap();
    hash(&dir);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-qm", "base"]);
    git(repo.path(), &["checkout", "-qb", "feature"]);
    // Changed on the branch: a drop of a column main created.
    std::fs::write(
        dir.join("20240102000000_posts.sql"),
        "CREATE TABLE posts (id bigint PRIMARY KEY);\nALTER TABLE users DROP COLUMN email;\n",
    )
    .unwrap();
    // Added on the branch, not committed yet: an index on a table main created.
    std::fs::write(
        dir.join("20240103000000_index.sql"),
        "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\nCREATE INDEX posts_id ON posts (id);\n",
    )
    .unwrap();
    hash(&dir);
    git(repo.path(), &["add", "-A"]);
    let output = lint(&dir, &["--git-base", "main", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut found: Vec<(String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    // posts is created by a selected file, so only users (from main) is existing.
    assert_eq!(
        found,
        [
            ("DS103".to_string(), 2),
            ("PG107".to_string(), 2),
            ("PG113".to_string(), 2)
        ]
    );
    assert_eq!(output.status.code(), Some(1));
    let bad = lint(&dir, &["--git-base", "no-such-ref"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// Every rule of the catalog is raised by a case: in this corpus, or (MySQL-only rules) by the
/// MySQL lint tests, which name the code in an assertion.
#[test]
fn every_rule_has_a_case() {
    let mut covered: std::collections::BTreeSet<String> = corpus("unsafe")
        .iter()
        .flat_map(|case| expectations(case))
        .map(|(code, _, _)| code)
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for file in ["lint_mysql.rs", "lint_measure_mysql.rs"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for rule in schemactl::lint::rules::ALL {
            if rule.code.starts_with("MY") && text.contains(&format!("(\"{}\"", rule.code)) {
                covered.insert(rule.code.to_string());
            }
        }
    }
    let missing: Vec<&str> = schemactl::lint::rules::ALL
        .iter()
        .map(|r| r.code)
        .filter(|code| !covered.contains(*code))
        .collect();
    println!(
        "lint corpus: {}/{} codes raised by a case",
        schemactl::lint::rules::ALL.len() - missing.len(),
        schemactl::lint::rules::ALL.len()
    );
    assert!(missing.is_empty(), "no case raises {missing:?}");
}
