//! Rendering findings: text for people (file:line, the statement, the safe way), JSON, and
//! GitHub workflow annotations.

use super::Finding;
use super::rules::Level;
use std::fmt::Write;

/// `path:line: level CODE: message (detail)`, the statement indented, the safe pattern and the
/// link; then a count.
pub fn text(findings: &[Finding]) -> String {
    text_with(findings, |_, word| word.to_string())
}

/// [`text`] with each level word as `style` renders it (colour on a terminal).
pub fn text_with(findings: &[Finding], style: impl Fn(Level, &str) -> String) -> String {
    let mut out = String::new();
    for f in findings {
        let level = style(f.level, f.level.as_str());
        let _ = writeln!(
            out,
            "{}:{}: {level} {}: {} ({})",
            f.file, f.line, f.code, f.message, f.detail
        );
        for line in f.statement.lines().take(5) {
            let _ = writeln!(out, "    {line}");
        }
        let _ = writeln!(out, "  safe: {}", f.help);
        let _ = writeln!(out, "  see: {}", f.doc);
    }
    out
}

/// `{"findings": [...], "errors": N, "warnings": M}`.
pub fn json(findings: &[Finding]) -> String {
    let errors = findings.iter().filter(|f| f.level == Level::Error).count();
    let value = serde_json::json!({
        "findings": findings,
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
        let level = f.level.as_str();
        let message = format!(
            "{} ({}). Safe: {} See {}",
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
