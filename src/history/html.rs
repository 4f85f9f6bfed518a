//! `migrate history --format html`: one static page, readable offline (no server, nothing
//! fetched): a timeline of the files with their events coloured by risk, a filter by table,
//! and each table's columns with the version that added or last changed them.

use super::History;
use super::columns::current_columns;
use std::collections::BTreeSet;
use std::fmt::Write;

const STYLE: &str = "
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d232a; background: #f6f7f9; }
header { padding: 16px 24px; background: #1d232a; color: #fff; }
header h1 { margin: 0 0 4px; font-size: 20px; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 24px; padding: 16px 24px; }
.file { background: #fff; border-left: 4px solid #c9ced6; border-radius: 4px; margin: 0 0 12px; padding: 8px 12px; }
.file h2 { font-size: 15px; margin: 0; }
.file .git { color: #5b6470; font-size: 12px; }
.event { display: grid; grid-template-columns: 70px 210px 1fr; gap: 8px; padding: 3px 0; border-top: 1px solid #eef0f3; }
.event .why { grid-column: 2 / 4; color: #5b6470; font-size: 12px; }
.risk { font-weight: 600; text-transform: uppercase; font-size: 11px; border-radius: 3px; padding: 1px 6px; text-align: center; }
.risk-high .risk { background: #fde2e1; color: #a4161a; }
.risk-medium .risk { background: #fff1cc; color: #8a5a00; }
.risk-low .risk { background: #e3f4e8; color: #1e6b34; }
.file.has-high { border-left-color: #d62828; }
.file.has-medium { border-left-color: #f4a259; }
code { font: 12px ui-monospace, monospace; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: 0 0 16px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eef0f3; font-size: 13px; }
.hidden { display: none; }
";

/// Shows only the files and events of the chosen table; `#table=NAME` in the address chooses
/// one on load.
const SCRIPT: &str = "
function applyFilter(table) {
  document.querySelectorAll('.event').forEach(function (e) {
    e.classList.toggle('hidden', table !== '' && e.dataset.table !== table);
  });
  document.querySelectorAll('.file').forEach(function (f) {
    var shown = f.querySelectorAll('.event:not(.hidden)').length;
    f.classList.toggle('hidden', table !== '' && shown === 0);
  });
  document.querySelectorAll('.columns').forEach(function (t) {
    t.classList.toggle('hidden', table !== '' && t.dataset.table !== table);
  });
}
var select = document.getElementById('table-filter');
select.addEventListener('change', function () { applyFilter(select.value); });
var wanted = decodeURIComponent((location.hash.match(/table=([^&]+)/) || [])[1] || '');
if (wanted) { select.value = wanted; applyFilter(wanted); }
";

pub fn html(history: &History) -> String {
    let events: usize = history.files.iter().map(|f| f.events.len()).sum();
    let tables: BTreeSet<&str> = history
        .files
        .iter()
        .flat_map(|f| f.events.iter().filter_map(|e| e.table.as_deref()))
        .collect();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Schema history</title><style>{STYLE}</style></head><body>\
         <header><h1>Schema history</h1><div>{} · {} file(s) · {events} event(s)</div></header>\
         <main><section id=\"timeline\"><label>Table <select id=\"table-filter\">\
         <option value=\"\">all tables</option>",
        escape(history.dialect),
        history.files.len()
    );
    for table in &tables {
        let _ = write!(out, "<option>{}</option>", escape(table));
    }
    out.push_str("</select></label>");
    for file in &history.files {
        let worst = file.events.iter().map(|e| e.risk).max();
        let class = match worst {
            Some(risk) => format!("file has-{}", risk.as_str()),
            None => "file".to_string(),
        };
        let _ = write!(
            out,
            "<article class=\"{class}\" id=\"v{}\"><h2><code>{}</code> {}</h2>",
            escape(&file.version),
            escape(&file.version),
            escape(&file.name)
        );
        if let Some(git) = &file.git {
            let short: String = git.commit.chars().take(10).collect();
            let _ = write!(
                out,
                "<div class=\"git\">{} · {} · {} · {}</div>",
                escape(&short),
                escape(&git.author),
                escape(&git.date),
                escape(&git.subject)
            );
        }
        if file.events.is_empty() {
            out.push_str("<div class=\"git\">no schema change</div>");
        }
        for event in &file.events {
            let change = match (&event.from, &event.to) {
                (Some(a), Some(b)) => format!(": {} → {}", escape(a), escape(b)),
                (None, Some(b)) => format!(": {}", escape(b)),
                (Some(a), None) => format!(": was {}", escape(a)),
                (None, None) => String::new(),
            };
            let line = event
                .line
                .map(|l| format!(" <span class=\"git\">line {l}</span>"))
                .unwrap_or_default();
            let _ = write!(
                out,
                "<div class=\"event risk-{risk}\" data-table=\"{table}\"><span class=\"risk\">{risk}</span>\
                 <code>{kind}</code><span>{object}{change}{line}</span><span class=\"why\">{why}</span></div>",
                risk = event.risk.as_str(),
                table = escape(event.table.as_deref().unwrap_or("")),
                kind = escape(&event.kind),
                object = escape(&event.object),
                why = escape(&event.explanation),
            );
        }
        out.push_str("</article>");
    }
    out.push_str("</section><section id=\"tables\"><h2>Tables now</h2>");
    let columns = current_columns(history);
    let mut table: Option<&str> = None;
    for column in &columns {
        if table != Some(column.table.as_str()) {
            if table.is_some() {
                out.push_str("</table>");
            }
            table = Some(&column.table);
            let _ = write!(
                out,
                "<table class=\"columns\" data-table=\"{t}\"><tr><th colspan=\"3\">{t}</th></tr>\
                 <tr><th>column</th><th>type</th><th>last changed</th></tr>",
                t = escape(&column.table)
            );
        }
        let changed = match (&column.version, &column.last_event) {
            (Some(version), Some(event)) => format!(
                "<a href=\"#v{v}\"><code>{v}</code></a> {e}",
                v = escape(version),
                e = escape(event)
            ),
            _ => String::new(),
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td><code>{}{}</code></td><td>{changed}</td></tr>",
            escape(&column.name),
            escape(&column.data_type),
            if column.not_null { " not null" } else { "" }
        );
    }
    if table.is_some() {
        out.push_str("</table>");
    }
    let _ = writeln!(
        out,
        "</section></main><script>{SCRIPT}</script></body></html>"
    );
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Event, FileHistory, Risk};

    #[test]
    fn the_page_escapes_what_it_shows_and_marks_risky_files() {
        let history = History {
            dialect: "PostgreSQL",
            last_state: Default::default(),
            files: vec![FileHistory {
                version: "1".into(),
                name: "drop <b>".into(),
                file: "m/1.sql".into(),
                statements: 1,
                git: None,
                events: vec![Event {
                    kind: "table_dropped".into(),
                    object: "public.t".into(),
                    table: Some("public.t".into()),
                    from: None,
                    to: None,
                    risk: Risk::High,
                    explanation: "drops table public.t and all its rows".into(),
                    line: Some(1),
                }],
            }],
        };
        let page = html(&history);
        assert!(page.contains("drop &lt;b&gt;"));
        assert!(page.contains("class=\"file has-high\""));
        assert!(page.contains("<option>public.t</option>"));
        assert!(!page.contains("http"), "the page fetches nothing");
    }
}
