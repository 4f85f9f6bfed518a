//! The I/O of a lint run: on one scratch database of the dev server, replay the files before
//! the selected ones, then run each selected statement, inspecting the schema before and after
//! it, and hand both to the analyzers.

use super::Finding;
use super::rules::{self, FileContext, Hit, Rule, StatementCheck};
use super::settings::LintSettings;
use super::statement::{Kind, ParsedStatement};
use super::suppress::Suppressions;
use crate::dialect::Dev;
use crate::diff::{DiffOptions, diff};
use crate::driver::DevConnection;
use crate::error::bad_input;
use crate::migrate::{MigrationFile, TxMode};
use crate::workflow::{execute_statements, prefix_keys};
use anyhow::{Context, Result};

/// Lints `files[i]` for every `i` in `selected` (ascending), each against the state the files
/// before it leave.
pub async fn lint_files(
    dev: &Dev,
    files: &[MigrationFile],
    selected: &[usize],
    settings: &LintSettings,
) -> Result<Vec<Finding>> {
    if selected.is_empty() {
        return Ok(Vec::new());
    }
    // The files before the first selected one only build the state: a template the dev
    // server kept of them (see `workflow::prefix_keys`) saves replaying them.
    let keys = prefix_keys(dev, &files[..selected[0]])
        .await
        .unwrap_or_default();
    let (mut scratch, done) = dev.scratch_at(&keys).await?;
    let result = lint_on(scratch.connection(), dev, files, done, selected, settings).await;
    scratch.discard().await?;
    result
}

async fn lint_on(
    conn: &mut dyn DevConnection,
    dev: &Dev,
    files: &[MigrationFile],
    done: usize,
    selected: &[usize],
    settings: &LintSettings,
) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    let mut context = FileContext {
        naming: settings.naming(),
        ..FileContext::default()
    };
    for (index, file) in files.iter().enumerate().skip(done) {
        if !selected.contains(&index) {
            // Unselected files (before or between selected ones) only build the state.
            let statements = file.statements(conn.lexer_flavor());
            execute_statements(conn, &file.path.display().to_string(), &statements).await?;
            continue;
        }
        let failed = lint_file(conn, dev, file, settings, &mut context, &mut findings).await?;
        if failed {
            if index + 1 < files.len() {
                eprintln!(
                    "{}: stopped at the failing statement; later files were not checked",
                    file.path.display()
                );
            }
            break;
        }
    }
    Ok(findings)
}

/// Lints one file statement by statement; returns whether a statement failed on the server.
async fn lint_file(
    conn: &mut dyn DevConnection,
    dev: &Dev,
    file: &MigrationFile,
    settings: &LintSettings,
    context: &mut FileContext,
    findings: &mut Vec<Finding>,
) -> Result<bool> {
    let text = std::fs::read_to_string(&file.path)
        .with_context(|| format!("reading {}", file.path.display()))
        .map_err(|e| bad_input(format!("{e:#}")))?;
    let suppress = Suppressions::parse(&text, &file.directives);
    let transactional = file.directives.tx_mode != Some(TxMode::None);
    context.in_transaction = transactional;
    context.lock_timeout = false;
    context.statement_timeout = false;
    context.not_valid_in_file.clear();
    let statements = file.statements(conn.lexer_flavor());
    let mut kinds = Vec::new();
    let mut hits: Vec<(usize, Hit)> = Vec::new();
    let traits = dev.dialect().lint_traits()?;
    let scope = dev.scope();
    let policy = dev.dialect().diff_policy();
    let mut before = conn.inspect_realm(&scope).await?;
    let mut failed = false;
    for (index, statement) in statements.iter().enumerate() {
        let parsed = ParsedStatement::parse(&statement.text, traits);
        kinds.push(parsed.kind);
        // Transaction control is not run: the dev database replays in autocommit, so that the
        // schema can be inspected between statements.
        let control = matches!(parsed.kind, Kind::Begin | Kind::Commit);
        let executed = match control {
            true => Ok(()),
            false => {
                conn.execute_each(std::slice::from_ref(&statement.text))
                    .await
            }
        };
        if let Err(error) = executed {
            let mut detail = error.message.clone();
            for extra in [&error.detail, &error.hint].into_iter().flatten() {
                detail.push_str(&format!("; {extra}"));
            }
            hits.push((index, Hit::new(&rules::STATEMENT_FAILS, detail)));
            failed = true;
            break;
        }
        // Only schema statements (and DO blocks and the like) can change what inspection sees.
        let changes_schema = matches!(parsed.kind, Kind::Ddl | Kind::Other);
        let after = if changes_schema {
            conn.inspect_realm(&scope).await?
        } else {
            before.clone()
        };
        let changes = diff(&before, &after, &DiffOptions::default(), policy);
        let check = StatementCheck {
            parsed: &parsed,
            before: &before,
            after: &after,
            changes: &changes,
            context,
            traits,
        };
        let statement_hits = rules::check_statement(&check);
        // A missing timeout is reported once per file, at the first statement that needs it.
        context.lock_timeout |= statement_hits
            .iter()
            .any(|h| h.rule == &rules::LOCK_TIMEOUT);
        context.statement_timeout |= statement_hits
            .iter()
            .any(|h| h.rule == &rules::STATEMENT_TIMEOUT);
        hits.extend(statement_hits.into_iter().map(|h| (index, h)));
        context.record(&parsed, &changes);
        match parsed.kind {
            Kind::Begin => context.in_transaction = true,
            Kind::Commit => context.in_transaction = transactional,
            Kind::Set => {
                context.lock_timeout |= parsed.has("LOCK_TIMEOUT");
                context.statement_timeout |= parsed.has("STATEMENT_TIMEOUT");
            }
            _ => {}
        }
        before = after;
    }
    if !failed {
        let file_hits = match traits.transactional_ddl {
            true => rules::check_file_transactions(&kinds, transactional),
            false => rules::check_file_commits(&kinds, &hits)
                .into_iter()
                .collect(),
        };
        hits.extend(file_hits);
    }
    hits.sort_by_key(|(index, _)| *index);
    for (index, hit) in hits {
        let statement = &statements[index];
        if suppress.silences(hit.rule, statement.line) {
            continue;
        }
        if let Some(mut finding) = finding(settings, hit.rule, hit.detail, file, statement) {
            finding.help = traits.help_for(finding.code, finding.help);
            findings.push(finding);
        }
    }
    Ok(failed)
}

fn finding(
    settings: &LintSettings,
    rule: &'static Rule,
    detail: String,
    file: &MigrationFile,
    statement: &crate::sql::SplitStatement,
) -> Option<Finding> {
    Some(Finding {
        code: rule.code,
        level: settings.level(rule)?,
        file: file.path.display().to_string(),
        line: statement.line,
        message: rule.message,
        detail,
        help: rule.help,
        doc: rule.doc_link(),
        statement: statement.text.clone(),
    })
}
