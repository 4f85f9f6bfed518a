//! `migrate history --export URL`: the history as tables of a real database, so a team can
//! ask it with SQL ("when did users.age become NOT NULL?"). Each export replaces the tables
//! an earlier one wrote, in one transaction where the database's DDL is transactional.
//!
//! - `schemactl_history_files`: one row per file, in order (`position`), with its commit.
//! - `schemactl_history_events`: one row per event (`position` of its file, `seq` in it).
//! - `schemactl_history_columns`: each column of the schema after the last file, with its
//!   type and the last event that touched it (its table's creation when none did) and that
//!   event's version. A table written by the export rather than a view: following a column
//!   back through table and column renames is a walk, not portable SQL.

use super::History;
use super::columns::current_columns;
use crate::migrate::MigrationTarget;
use crate::sql::Flavor;
use anyhow::{Result, bail};

pub const FILES_TABLE: &str = "schemactl_history_files";
pub const EVENTS_TABLE: &str = "schemactl_history_events";
pub const COLUMNS_TABLE: &str = "schemactl_history_columns";

/// Writes `history` into the target's tables; returns the number of events written.
pub async fn export(target: &mut dyn MigrationTarget, history: &History) -> Result<usize> {
    let statements = statements(history, target.lexer_flavor());
    let texts: Vec<&str> = statements.iter().map(String::as_str).collect();
    target.begin(&texts).await?;
    for statement in &statements {
        if let Err(refused) = target.execute(statement).await? {
            target.rollback().await.ok();
            bail!("exporting the history: {refused}\n  statement: {statement}");
        }
    }
    target.commit().await?;
    Ok(history.files.iter().map(|f| f.events.len()).sum())
}

/// The whole export as statements: drop what an earlier export wrote, create, insert.
fn statements(history: &History, flavor: &Flavor) -> Vec<String> {
    let text = |value: Option<&str>| match value {
        Some(v) => flavor.string_literal(v),
        None => "NULL".to_string(),
    };
    let mut out = vec![
        format!("DROP TABLE IF EXISTS {COLUMNS_TABLE}"),
        format!("DROP TABLE IF EXISTS {EVENTS_TABLE}"),
        format!("DROP TABLE IF EXISTS {FILES_TABLE}"),
        format!(
            "CREATE TABLE {FILES_TABLE} (position integer NOT NULL PRIMARY KEY, \
             version varchar(255) NOT NULL, name text NOT NULL, file text NOT NULL, \
             statements integer NOT NULL, git_commit text, git_author text, git_date text, \
             git_subject text)"
        ),
        format!(
            "CREATE TABLE {EVENTS_TABLE} (position integer NOT NULL, seq integer NOT NULL, \
             version varchar(255) NOT NULL, kind varchar(64) NOT NULL, object text NOT NULL, \
             table_name text, from_value text, to_value text, risk varchar(16) NOT NULL, \
             explanation text NOT NULL, line integer, PRIMARY KEY (position, seq))"
        ),
    ];
    for (position, file) in history.files.iter().enumerate() {
        let git = file.git.as_ref();
        out.push(format!(
            "INSERT INTO {FILES_TABLE} VALUES ({position}, {}, {}, {}, {}, {}, {}, {}, {})",
            text(Some(&file.version)),
            text(Some(&file.name)),
            text(Some(&file.file)),
            file.statements,
            text(git.map(|g| g.commit.as_str())),
            text(git.map(|g| g.author.as_str())),
            text(git.map(|g| g.date.as_str())),
            text(git.map(|g| g.subject.as_str())),
        ));
        for (seq, event) in file.events.iter().enumerate() {
            out.push(format!(
                "INSERT INTO {EVENTS_TABLE} VALUES ({position}, {seq}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                text(Some(&file.version)),
                text(Some(&event.kind)),
                text(Some(&event.object)),
                text(event.table.as_deref()),
                text(event.from.as_deref()),
                text(event.to.as_deref()),
                text(Some(event.risk.as_str())),
                text(Some(&event.explanation)),
                event.line.map_or("NULL".to_string(), |l| l.to_string()),
            ));
        }
    }
    out.push(format!(
        "CREATE TABLE {COLUMNS_TABLE} (table_name text NOT NULL, column_name text NOT NULL, \
         data_type text NOT NULL, not_null integer NOT NULL, last_event varchar(64), \
         last_changed_version varchar(255))"
    ));
    for column in current_columns(history) {
        out.push(format!(
            "INSERT INTO {COLUMNS_TABLE} VALUES ({}, {}, {}, {}, {}, {})",
            text(Some(&column.table)),
            text(Some(&column.name)),
            text(Some(&column.data_type)),
            u8::from(column.not_null),
            text(column.last_event.as_deref()),
            text(column.version.as_deref()),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Event, FileHistory, Risk};

    #[test]
    fn an_export_replaces_the_tables_and_quotes_every_value() {
        let history = History {
            dialect: "SQLite",
            last_state: Default::default(),
            files: vec![FileHistory {
                version: "1".into(),
                name: "init".into(),
                file: "migrations/1_init.sql".into(),
                statements: 1,
                git: None,
                events: vec![Event {
                    kind: "comment_changed".into(),
                    object: "main.users".into(),
                    table: Some("main.users".into()),
                    from: None,
                    to: Some("it's".into()),
                    risk: Risk::Low,
                    explanation: "set comment on table main.users".into(),
                    line: Some(1),
                }],
            }],
        };
        let sql = statements(&history, &Flavor::sqlite());
        assert!(sql[0].starts_with("DROP TABLE IF EXISTS"));
        assert!(sql.iter().any(|s| s.contains("'it''s'")));
        assert!(sql.iter().any(|s| s.contains("NULL, NULL, NULL, NULL)")));
    }
}
