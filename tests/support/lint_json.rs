//! Shared by the tests of `migrate lint`: its `--format json` report as sortable findings.

use std::path::Path;
use std::process::Output;

/// (code, file name, line) of every finding in `output`'s JSON report, sorted; panics with
/// `what`, stdout and stderr when stdout is not such a report.
pub fn findings(what: &str, output: &Output) -> Vec<(String, String, usize)> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut found: Vec<(String, String, usize)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = Path::new(f["file"].as_str().unwrap());
            (
                f["code"].as_str().unwrap().to_string(),
                file.file_name().unwrap().to_string_lossy().into_owned(),
                f["line"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    found.sort();
    found
}
