//! Rendering findings: text for people (file:line, the statement, the safe way), JSON, and
//! GitHub workflow annotations.

use super::rules::Level;
use super::{Finding, LintOutcome};
use std::fmt::Write;

/// `path:line: level CODE: message (detail) [measured]`, the statement indented, the safe
/// pattern and the link; then what each statement was measured doing on the dev database.
pub fn text(outcome: &LintOutcome) -> String {
    text_with(outcome, |_, word| word.to_string())
}

/// [`text`] with each level word as `style` renders it (colour on a terminal).
pub fn text_with(outcome: &LintOutcome, style: impl Fn(Level, &str) -> String) -> String {
    let mut out = String::new();
    for f in &outcome.findings {
        let level = style(f.level, f.level.as_str());
        let basis = f
            .basis
            .map(|b| format!(" [{}]", b.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}:{}: {level} {}: {} ({}){basis}",
            f.file, f.line, f.code, f.message, f.detail
        );
        for line in f.statement.lines().take(5) {
            let _ = writeln!(out, "    {line}");
        }
        let _ = writeln!(out, "  safe: {}", f.help);
        let _ = writeln!(out, "  see: {}", f.doc);
    }
    if !outcome.statements.is_empty() {
        let _ = writeln!(out, "measured on the dev database:");
        for s in &outcome.statements {
            let _ = writeln!(out, "  {}:{}: {}", s.file, s.line, s.summary);
        }
    }
    out
}

/// `{"findings": [...], "statements": [...], "errors": N, "warnings": M}`.
pub fn json(outcome: &LintOutcome) -> String {
    let findings = &outcome.findings;
    let errors = findings.iter().filter(|f| f.level == Level::Error).count();
    let value = serde_json::json!({
        "findings": findings,
        "statements": outcome.statements,
        "errors": errors,
        "warnings": findings.len() - errors,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&value).expect("findings serialize")
    )
}

/// One `::error file=…,line=…,title=CODE::message` workflow command per finding.
pub fn github(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let basis = f
            .basis
            .map(|b| format!(" [{}]", b.as_str()))
            .unwrap_or_default();
        let level = f.level.as_str();
        let message = format!(
            "{} ({}){basis}. Safe: {} See {}",
            f.message, f.detail, f.help, f.doc
        );
        let _ = writeln!(
            out,
            "::{level} file={},line={},title={}::{}",
            escape_property(&f.file),
            f.line,
            escape_property(f.code),
            escape_data(&message)
        );
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes_what_the_runner_parses() {
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(escape_data("x\ny"), "x%0Ay");
    }
}
