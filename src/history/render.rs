//! `migrate history` output: text for people, JSON for tools (stable; docs/history.md).

use super::History;
use std::fmt::Write;

/// One block per file: version, name, commit; then one line per event.
pub fn text(history: &History) -> String {
    let mut out = String::new();
    for file in &history.files {
        let _ = write!(out, "{} {}", file.version, file.name);
        if let Some(git) = &file.git {
            let short: String = git.commit.chars().take(10).collect();
            let _ = write!(out, "  ({short}, {}, {})", git.author, git.date);
        }
        out.push('\n');
        if file.events.is_empty() {
            out.push_str("  (no schema change)\n");
        }
        for event in &file.events {
            let line = event
                .line
                .map(|l| format!("  (line {l})"))
                .unwrap_or_default();
            let _ = write!(
                out,
                "  {:<6} {:<24} {}",
                event.risk.as_str(),
                event.kind,
                event.object
            );
            match (&event.from, &event.to) {
                (Some(from), Some(to)) => {
                    let _ = write!(out, ": {from} -> {to}");
                }
                (None, Some(to)) => {
                    let _ = write!(out, ": {to}");
                }
                (Some(from), None) => {
                    let _ = write!(out, ": was {from}");
                }
                (None, None) => {}
            }
            let _ = writeln!(out, "{line}");
            if event.risk != super::Risk::Low {
                let _ = writeln!(out, "         {}", event.explanation);
            }
        }
    }
    out
}

pub fn json(history: &History) -> String {
    let mut text = serde_json::to_string_pretty(history).expect("history serializes");
    text.push('\n');
    text
}
