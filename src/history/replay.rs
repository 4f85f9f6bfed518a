//! The I/O of `migrate history`: replays the directory file by file on one scratch database,
//! inspects after each file (and after each statement of a file that has several, to find the
//! statement behind each event), and turns the difference of successive states into events.

use super::event::{Event, events_of};
use super::fold;
use super::renames::{fold_object_renames, says_rename, statement_renames};
use super::{FileHistory, History};
use crate::dialect::{Dev, Dialect};
use crate::diff::{Change, DiffOptions, RenameHint, diff};
use crate::driver::DevConnection;
use crate::migrate::MigrationFile;
use crate::plan::{Risk, Step};
use crate::schema::{QualifiedName, Realm};
use crate::sql::is_data_change;
use crate::workflow::{execute_statements, load_cached, prefix_keys, store_cached};
use anyhow::Result;

/// The history of `files`, replayed in order on a scratch database of `dev`.
///
/// Through the run's cache: file k's events are kept under the state key after files 1..k
/// (they depend on nothing else), so a rerun takes the files whose events it finds from the
/// cache and replays only those after them, on a copy of the state the dev server kept (see
/// `Dev::scratch_at`), or on nothing at all when every file and the last state are cached.
pub async fn replay(dev: &Dev, files: &[MigrationFile]) -> Result<History> {
    let keys = prefix_keys(dev, files).await.unwrap_or_default();
    let known: Vec<FileHistory> = keys
        .iter()
        .skip(1)
        .zip(files)
        .map_while(|(key, file)| {
            let record: FileHistory = load_cached(dev, "history", key)?;
            // The key holds the file's name and text, not where the directory is now.
            Some(FileHistory {
                file: file.path.display().to_string(),
                ..record
            })
        })
        .collect();
    let last_state = keys
        .last()
        .and_then(|key| load_cached::<Realm>(dev, "state", key));
    if let Some(last_state) = last_state.filter(|_| known.len() == files.len()) {
        return Ok(History {
            dialect: dev.dialect().name(),
            files: known,
            last_state,
        });
    }
    let (mut scratch, kept) = dev
        .scratch_at(&keys[..keys.len().min(known.len() + 1)])
        .await?;
    let result = replay_on(scratch.connection(), dev, files, &keys, kept, known).await;
    match (&result, keys.last()) {
        (Ok(_), Some(key)) if kept < files.len() => dev.keep(scratch, key).await?,
        _ => scratch.discard().await?,
    }
    result
}

/// Replays `files` on `conn`, which holds the state after the first `kept`; the events of
/// the first `known.len()` (at least `kept`) are known, the others are found and cached.
async fn replay_on(
    conn: &mut dyn DevConnection,
    dev: &Dev,
    files: &[MigrationFile],
    keys: &[String],
    kept: usize,
    known: Vec<FileHistory>,
) -> Result<History> {
    let dialect = dev.dialect();
    let scope = dev.scope();
    let start = known.len();
    crate::workflow::replay_files(conn, &files[kept..start]).await?;
    let mut before = match keys.get(start) {
        Some(key) => match load_cached(dev, "state", key) {
            Some(state) => state,
            None => conn.inspect_realm(&scope).await?,
        },
        None => conn.inspect_realm(&scope).await?,
    };
    let mut out = known;
    for (index, file) in files.iter().enumerate().skip(start) {
        let flavor = conn.lexer_flavor();
        let statements = file.statements(flavor);
        let origin = file.path.display().to_string();
        // Per statement: (its line, the renames it made, its events).
        let mut steps: Vec<(usize, Vec<RenameHint>, Vec<Event>)> = Vec::new();
        let mut state = before.clone();
        for (index, statement) in statements.iter().enumerate() {
            execute_statements(conn, &origin, std::slice::from_ref(statement)).await?;
            if statements.len() == 1 {
                break;
            }
            // A data change leaves the schema as it was: the next inspection tells the same,
            // one round of catalog queries later (a trigger's DDL goes to the next statement).
            let last = index + 1 == statements.len();
            if !last && is_data_change(flavor, &statement.text) {
                continue;
            }
            let next = conn.inspect_realm(&scope).await?;
            let renamed = says_rename(flavor, &statement.text);
            let hints = statement_renames(renamed, &state, &next, dialect);
            let changes = changes_between(&state, &next, &hints, renamed, dialect);
            steps.push((
                statement.line,
                hints,
                events(&state, &next, &changes, dialect),
            ));
            state = next;
        }
        let after = match statements.len() {
            1 => conn.inspect_realm(&scope).await?,
            _ => state,
        };
        let renamed = statements.iter().any(|s| says_rename(flavor, &s.text));
        let hints: Vec<RenameHint> = match statements.as_slice() {
            [_] => statement_renames(renamed, &before, &after, dialect),
            _ => steps.iter().flat_map(|(_, h, _)| h.clone()).collect(),
        };
        let changes = changes_between(&before, &after, &hints, renamed, dialect);
        let mut file_events = events(&before, &after, &changes, dialect);
        for event in &mut file_events {
            event.line = match statements.as_slice() {
                [only] => Some(only.line),
                // The statement with this very event, else the last one that touched the
                // object (a view dropped by one statement and created by the next changed).
                _ => steps
                    .iter()
                    .find(|(_, _, evs)| {
                        evs.iter()
                            .any(|e| e.kind == event.kind && e.object == event.object)
                    })
                    .or_else(|| {
                        steps
                            .iter()
                            .rev()
                            .find(|(_, _, evs)| evs.iter().any(|e| e.object == event.object))
                    })
                    .map(|(line, _, _)| *line),
            };
        }
        fold::fold_file_events(&mut file_events);
        let record = FileHistory {
            version: file.version.clone(),
            name: file.name.clone(),
            file: origin,
            statements: statements.len(),
            git: None,
            events: file_events,
        };
        if let Some(key) = keys.get(index + 1) {
            store_cached(dev, "history", key, &record.file, &record);
            if index + 1 == files.len() {
                store_cached(dev, "state", key, &record.file, &after);
            }
        }
        out.push(record);
        before = after;
    }
    Ok(History {
        dialect: dialect.name(),
        files: out,
        last_state: before,
    })
}

/// The diff with the renames the statements made: tables and columns by hint (their rows
/// stay), other objects by pairing a drop with a creation of the same shape.
fn changes_between(
    before: &Realm,
    after: &Realm,
    hints: &[RenameHint],
    renamed: bool,
    dialect: &dyn Dialect,
) -> Vec<Change> {
    let options = DiffOptions {
        renames: hints.to_vec(),
        ..DiffOptions::default()
    };
    let changes = diff(before, after, &options, dialect.diff_policy());
    match renamed {
        true => fold_object_renames(changes),
        false => changes,
    }
}

/// The events of `changes`, each with the risk notes the dialect's planner gives its step (all
/// the changes planned together, as a migration would run them). Where a planner carries a
/// table's changes in its table-options step (SQLite's rebuild), that step is no event of its
/// own: its notes go to the table's other changes, each to the one whose column it names.
fn events(before: &Realm, after: &Realm, changes: &[Change], dialect: &dyn Dialect) -> Vec<Event> {
    let plan = dialect.plan(before, after, changes).ok();
    let steps: Vec<&Step> = plan.iter().flat_map(|p| p.steps.iter()).collect();
    let mut used = vec![false; steps.len()];
    let mut risks: Vec<Vec<Risk>> = changes
        .iter()
        .map(|change| {
            let found = (0..steps.len()).find(|&i| !used[i] && &steps[i].change == change);
            found.map_or_else(Vec::new, |i| {
                used[i] = true;
                steps[i]
                    .statements
                    .iter()
                    .flat_map(|s| s.risks.iter().cloned())
                    .collect()
            })
        })
        .collect();
    let mut carriers = vec![false; changes.len()];
    for (i, change) in changes.iter().enumerate() {
        let Change::SetTableOptions { table, .. } = change else {
            continue;
        };
        let others: Vec<usize> = (0..changes.len())
            .filter(|&j| j != i && change_table(&changes[j]) == Some(table))
            .collect();
        if others.is_empty() {
            continue;
        }
        carriers[i] = true;
        for risk in std::mem::take(&mut risks[i]) {
            let named = others.iter().copied().find(|&j| {
                change_column(&changes[j]).is_some_and(|c| risk.note.contains(&format!("\"{c}\"")))
            });
            risks[named.unwrap_or(others[0])].push(risk);
        }
    }
    changes
        .iter()
        .zip(&risks)
        .zip(&carriers)
        .filter(|(_, carrier)| !**carrier)
        .flat_map(|((change, risks), _)| events_of(change, risks))
        .collect()
}

fn change_table(change: &Change) -> Option<&QualifiedName> {
    match change {
        Change::AddColumn { table, .. }
        | Change::DropColumn { table, .. }
        | Change::AlterColumn { table, .. }
        | Change::RenameColumn { table, .. }
        | Change::ReorderColumns { table, .. }
        | Change::AddConstraint { table, .. }
        | Change::DropConstraint { table, .. }
        | Change::SetTableOptions { table, .. } => Some(table),
        Change::CreateIndex { on, .. } | Change::DropIndex { on, .. } => Some(on),
        _ => None,
    }
}

fn change_column(change: &Change) -> Option<&str> {
    match change {
        Change::AddColumn { column, .. } | Change::DropColumn { column, .. } => Some(&column.name),
        Change::AlterColumn { to, .. } => Some(&to.name),
        Change::RenameColumn { from, .. } => Some(from),
        _ => None,
    }
}
