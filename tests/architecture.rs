//! The layer rules of docs/ARCHITECTURE.md, checked on the source text: no import cycle between
//! top-level modules or between the files of `diff/`, no import between `driver` and `plan`,
//! and no match on a database URL's kind outside the dialect seam and the dialects' own places.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, relative to `src/`, with its text up to its unit tests and
/// without comment lines; test-only files (`tests.rs`) are left out, as tests may use any
/// layer.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && path.file_name().is_some_and(|n| n != "tests.rs")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                let code: String = code
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                let rel = path
                    .strip_prefix(src())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, code));
            }
        }
    }
    out.sort();
    out
}

/// The identifiers that follow `prefix` in `code` (e.g. `crate::` → the module names used).
fn names_after<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    code.match_indices(prefix)
        .filter(|(at, _)| {
            // Whole path segment only: `crate::x`, not `mycrate::x`.
            code[..*at]
                .chars()
                .last()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_')
        })
        .map(|(at, _)| {
            let rest = &code[at + prefix.len()..];
            let end = rest
                .find(|c: char| !c.is_alphanumeric() && c != '_')
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// The modules of every strongly connected component with more than one module.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Two modules are in one cycle when each reaches the other.
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(node) = todo.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|k| (k, reach(k))).collect();
    let mut found: Vec<Vec<String>> = Vec::new();
    for (node, from_node) in &reached {
        let component: Vec<String> = reached
            .iter()
            .filter(|(other, from_other)| {
                other != &node && from_node.contains(**other) && from_other.contains(*node)
            })
            .map(|(other, _)| (*other).clone())
            .chain(std::iter::once((*node).clone()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if component.len() > 1 && !found.contains(&component) {
            found.push(component);
        }
    }
    found
}

#[test]
fn top_level_modules_import_without_cycles() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, code) in sources(&src()) {
        let module = file.split(['/', '.']).next().unwrap().to_string();
        if module == "main" || module == "lib" {
            continue;
        }
        let targets = edges.entry(module.clone()).or_default();
        for used in names_after(&code, "crate::") {
            if used != module {
                targets.insert(used.to_string());
            }
        }
    }
    assert!(edges.contains_key("dialect") && edges["workflow"].contains("dialect"));
    assert_eq!(cycles(&edges), Vec::<Vec<String>>::new(), "{edges:#?}");
}

#[test]
fn diff_files_import_without_cycles() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let diff_dir = src().join("diff");
    for (file, code) in sources(&diff_dir) {
        // `diff/table/columns.rs` belongs to `table`; `diff/mod.rs` is the module itself.
        let inner = file.strip_prefix("diff/").unwrap();
        let part = inner.split(['/', '.']).next().unwrap().to_string();
        if part == "mod" || part == "tests" {
            continue;
        }
        let targets = edges.entry(part.clone()).or_default();
        let nested = inner.contains('/');
        let mut used = names_after(&code, "crate::diff::");
        if !nested {
            used.extend(names_after(&code, "super::"));
        } else {
            used.extend(names_after(&code, "super::super::"));
        }
        for name in used {
            let is_sibling =
                diff_dir.join(format!("{name}.rs")).exists() || diff_dir.join(name).is_dir();
            if name != part && is_sibling {
                targets.insert(name.to_string());
            }
        }
    }
    assert_eq!(cycles(&edges), Vec::<Vec<String>>::new(), "{edges:#?}");
}

#[test]
fn drivers_and_planners_do_not_import_each_other() {
    let mut offenders = Vec::new();
    for (from, to) in [("plan", "driver"), ("driver", "plan")] {
        for (file, code) in sources(&src().join(from)) {
            if names_after(&code, "crate::").contains(&to) {
                offenders.push(format!("{file}: crate::{to}"));
            }
        }
    }
    assert_eq!(offenders, Vec::<String>::new());
}

/// A dialect's own files may name its URL variants; nothing else may branch on them.
fn inside_the_seam(file: &str) -> bool {
    let owned = [
        "dialect/",
        "url",
        "driver/postgres/",
        "driver/sqlite/",
        "driver/mysql/",
    ];
    let dialect_folders = [
        "plan/postgres/",
        "plan/sqlite/",
        "plan/mysql/",
        "devdb/postgres/",
        "devdb/sqlite.rs",
        "sql/sqlite.rs",
        "devdb/mysql/",
    ];
    owned
        .iter()
        .chain(dialect_folders.iter())
        .any(|p| file.starts_with(p))
}

#[test]
fn nothing_outside_the_seam_matches_on_a_url_kind() {
    let variants = ["Postgres", "Sqlite", "Mysql", "Docker", "File"];
    let mut offenders = Vec::new();
    for (file, code) in sources(&src()) {
        if inside_the_seam(&file) {
            continue;
        }
        for variant in names_after(&code, "DbUrl::") {
            if variants.contains(&variant) {
                offenders.push(format!("{file}: DbUrl::{variant}"));
            }
        }
        for dialect in ["postgres", "sqlite", "mysql"] {
            for prefix in ["driver::", "plan::", "sql::"] {
                if names_after(&code, prefix).contains(&dialect) {
                    offenders.push(format!("{file}: {prefix}{dialect}"));
                }
            }
        }
    }
    assert_eq!(offenders, Vec::<String>::new());
}

#[test]
fn the_checks_see_a_cycle_when_there_is_one() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    edges.entry("c".into()).or_default().insert("a".into());
    edges.entry("d".into()).or_default().insert("a".into());
    assert_eq!(
        cycles(&edges),
        vec![vec!["a".to_string(), "b".into(), "c".into()]]
    );
    assert_eq!(
        names_after("use crate::x::y; mycrate::z; crate::w", "crate::"),
        ["x", "w"]
    );
}
