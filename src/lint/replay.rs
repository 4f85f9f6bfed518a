//! The I/O of a lint run: on one scratch database of the dev server, replay the files before
//! the selected ones, then run each selected statement, inspecting the schema before and after
//! it, and hand both to the analyzers.

use super::measure::{self, StatementEffects};
use super::rules::rebuild::TableEvents;
use super::rules::{self, FileContext, Hit, Rule, StatementCheck};
use super::settings::LintSettings;
use super::statement::{Kind, ParsedStatement};
use super::suppress::Suppressions;
use super::{Finding, LintOutcome};
use crate::dialect::Dev;
use crate::diff::{DiffOptions, diff};
use crate::driver::DevConnection;
use crate::error::bad_input;
use crate::migrate::{MigrationFile, TxMode};
use crate::schema::Realm;
use crate::workflow::{execute_statements, load_cached, prefix_keys, store_cached};
use anyhow::{Context, Result};

/// Lints `files[i]` for every `i` in `selected` (ascending), each against the state the files
/// before it leave.
pub async fn lint_files(
    dev: &Dev,
    files: &[MigrationFile],
    selected: &[usize],
    settings: &LintSettings,
) -> Result<LintOutcome> {
    if selected.is_empty() {
        return Ok(LintOutcome::default());
    }
    // The files before the first selected one only build the state: a template the dev
    // server kept of them (see `workflow::prefix_keys`) saves replaying them.
    let keys = prefix_keys(dev, &files[..selected[0]])
        .await
        .unwrap_or_default();
    // Lint only watches what the statements do, so the kept template itself will do, inside
    // a transaction that is rolled back (no copy of it is made). A statement may fail there
    // only for the transaction (CREATE INDEX CONCURRENTLY): then the lint starts over on a
    // copy, where it runs as it would on a real server.
    let run = async |conn: &mut dyn DevConnection, done: usize| {
        lint_on(conn, dev, files, &keys, done, selected, settings).await
    };
    // Inside the lender's one transaction the locks of earlier statements stay held: the
    // measurement tells them apart from those each statement takes (see lint::measure).
    if let Some((mut borrowed, done)) = dev.borrow_at(&keys).await {
        let outcome = match borrowable(files, done, selected, dev) {
            true => Some(run(borrowed.connection(), done).await),
            false => None,
        };
        borrowed.discard().await?;
        if let Some(Ok(outcome)) = outcome
            && !outcome.failed
        {
            return Ok(outcome.lint);
        }
    }
    let (mut scratch, done) = dev.scratch_at(&keys).await?;
    let result = run(scratch.connection(), done).await;
    scratch.discard().await?;
    Ok(result?.lint)
}

/// Whether the files after the kept `done` can run inside the borrowed transaction: the
/// files that only build the state run whole, so none of them may control transactions
/// (the selected ones are linted, where transaction control is not run).
fn borrowable(files: &[MigrationFile], done: usize, selected: &[usize], dev: &Dev) -> bool {
    let Ok(traits) = dev.dialect().lint_traits() else {
        return false;
    };
    let last = selected.last().copied().unwrap_or(done);
    (done..=last).all(|index| {
        let file = &files[index];
        file.statements(dev.dialect().lexer_flavor())
            .iter()
            .all(|statement| {
                let parsed = ParsedStatement::parse(&statement.text, traits);
                match parsed.kind {
                    Kind::Begin | Kind::Commit => selected.contains(&index),
                    _ => !parsed.has_seq(&["PREPARE", "TRANSACTION"]),
                }
            })
    })
}

struct Outcome {
    lint: LintOutcome,
    /// A statement failed on the server (the lint stopped there).
    failed: bool,
}

async fn lint_on(
    conn: &mut dyn DevConnection,
    dev: &Dev,
    files: &[MigrationFile],
    keys: &[String],
    done: usize,
    selected: &[usize],
    settings: &LintSettings,
) -> Result<Outcome> {
    let mut lint = LintOutcome::default();
    let mut context = FileContext {
        naming: settings.naming(),
        ..FileContext::default()
    };
    // The state the first file is linted against: the cached model of the kept prefix when
    // the run has one, else inspected (and cached for the next run).
    let mut start = match keys.get(done) {
        Some(key) if done == selected[0] => Some(start_state(conn, dev, key, done).await?),
        _ => None,
    };
    let mut failed = false;
    for (index, file) in files.iter().enumerate().skip(done) {
        if !selected.contains(&index) {
            // Unselected files (before or between selected ones) only build the state.
            start = None;
            let statements = file.statements(conn.lexer_flavor());
            execute_statements(conn, &file.path.display().to_string(), &statements).await?;
            continue;
        }
        let before = match start.take() {
            Some(realm) => realm,
            None => conn.inspect_realm(&dev.scope()).await?,
        };
        failed = lint_file(conn, dev, file, before, settings, &mut context, &mut lint).await?;
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
    Ok(Outcome { lint, failed })
}

/// The model after the first `files` files: cached under `key`, else inspected and stored.
async fn start_state(
    conn: &mut dyn DevConnection,
    dev: &Dev,
    key: &str,
    files: usize,
) -> Result<Realm> {
    if let Some(realm) = load_cached::<Realm>(dev, "state", key) {
        return Ok(realm);
    }
    let realm = conn.inspect_realm(&dev.scope()).await?;
    store_cached(
        dev,
        "state",
        key,
        &format!("{files} file(s) before the linted ones"),
        &realm,
    );
    Ok(realm)
}

/// Lints one file statement by statement; returns whether a statement failed on the server.
async fn lint_file(
    conn: &mut dyn DevConnection,
    dev: &Dev,
    file: &MigrationFile,
    mut before: Realm,
    settings: &LintSettings,
    context: &mut FileContext,
    lint: &mut LintOutcome,
) -> Result<bool> {
    let text = std::fs::read_to_string(&file.path)
        .with_context(|| format!("reading {}", file.path.display()))
        .map_err(|e| bad_input(format!("{e:#}")))?;
    let suppress = Suppressions::parse(&text)
        .map_err(|why| bad_input(format!("{}: {why}", file.path.display())))?;
    let transactional = file.directives.tx_mode != Some(TxMode::None);
    context.in_transaction = transactional;
    context.lock_timeout = false;
    context.statement_timeout = false;
    context.not_valid_in_file.clear();
    let statements = file.statements(conn.lexer_flavor());
    let mut kinds = Vec::new();
    let mut events = Vec::new();
    let mut hits: Vec<(usize, Hit)> = Vec::new();
    let traits = dev.dialect().lint_traits()?;
    let scope = dev.scope();
    let policy = dev.dialect().diff_policy();
    let mut failed = false;
    for (index, statement) in statements.iter().enumerate() {
        let parsed = ParsedStatement::parse(&statement.text, traits);
        kinds.push(parsed.kind);
        // Transaction control is not run: the dev database replays in autocommit, so that the
        // schema can be inspected between statements.
        let control = matches!(parsed.kind, Kind::Begin | Kind::Commit);
        // Settings and data changes take no lock worth reporting: only schema statements
        // (and DO blocks and the like) are measured.
        let measure = settings.measure() && matches!(parsed.kind, Kind::Ddl | Kind::Other);
        let executed = match (control, measure) {
            (true, _) => Ok(None),
            (false, true) => conn.execute_measured(&statement.text).await,
            (false, false) => conn
                .execute_each(std::slice::from_ref(&statement.text))
                .await
                .map(|()| None),
        };
        let measured = match executed {
            Ok(measured) => Ok(measured.map(|m| measure::on_existing(m, &before, context))),
            Err(error) => Err(error),
        };
        let measured = match measured {
            Ok(measured) => measured,
            Err(error) => {
                let mut detail = error.message.clone();
                for extra in [&error.detail, &error.hint].into_iter().flatten() {
                    detail.push_str(&format!("; {extra}"));
                }
                hits.push((index, Hit::new(&rules::STATEMENT_FAILS, detail)));
                failed = true;
                break;
            }
        };
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
        let statement_hits = measure::reconcile(rules::check_statement(&check), measured.as_ref());
        if let Some(summary) = measured.as_ref().and_then(measure::summary) {
            lint.statements.push(StatementEffects {
                file: file.path.display().to_string(),
                line: statement.line,
                summary,
                measured: measured.clone().unwrap_or_default(),
            });
        }
        // A missing timeout is reported once per file, at the first statement that needs it.
        context.lock_timeout |= statement_hits
            .iter()
            .any(|h| h.rule == &rules::LOCK_TIMEOUT);
        context.statement_timeout |= statement_hits
            .iter()
            .any(|h| h.rule == &rules::STATEMENT_TIMEOUT);
        hits.extend(statement_hits.into_iter().map(|h| (index, h)));
        events.push(table_events(
            &parsed, &changes, &before, &after, context, traits,
        ));
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
        for copy in rules::rebuild::fold(&events, &mut hits) {
            kinds[copy] = Kind::Ddl;
        }
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
        if let Some(mut finding) = finding(settings, &hit, file, statement.line, &statement.text) {
            finding.help = traits.help_for(finding.code, finding.help);
            lint.findings.push(finding);
        }
    }
    // A statement that failed stopped the checks: the directives below it were never asked.
    if !failed {
        for (line, why) in suppress.unused() {
            let hit = Hit::new(&rules::UNUSED_NOLINT, why);
            let text = text.lines().nth(line - 1).unwrap_or_default().trim();
            lint.findings
                .extend(finding(settings, &hit, file, line, text));
        }
    }
    Ok(failed)
}

/// The tables a statement created and dropped, and the one it copied rows into.
fn table_events(
    parsed: &ParsedStatement,
    changes: &[crate::diff::Change],
    before: &Realm,
    after: &Realm,
    context: &FileContext,
    traits: &crate::dialect::LintTraits,
) -> TableEvents {
    use crate::diff::Change;
    let mut events = TableEvents::default();
    for change in changes {
        match change {
            Change::CreateTable { name, .. } => events.created.push(name.clone()),
            Change::RenameTable { from, to } => {
                events.dropped.push(from.clone());
                events.created.push(to.clone());
            }
            Change::DropTable { name, .. } => {
                if context.is_existing_table(before, name) {
                    events.dropped_existing.push(name.clone());
                }
                events.dropped.push(name.clone());
            }
            _ => {}
        }
    }
    if parsed.kind == Kind::Dml && parsed.starts(&["INSERT", "INTO"]) {
        events.inserted_into = parsed
            .name_after(&["INTO"])
            .and_then(|n| rules::resolve_table(after, &n, traits));
    }
    events
}

fn finding(
    settings: &LintSettings,
    hit: &Hit,
    file: &MigrationFile,
    line: usize,
    statement: &str,
) -> Option<Finding> {
    let rule: &Rule = hit.rule;
    Some(Finding {
        code: rule.code,
        level: settings.level(rule)?,
        file: file.path.display().to_string(),
        line,
        message: rule.message,
        detail: hit.detail.clone(),
        basis: hit.basis,
        help: rule.help,
        doc: rule.doc_link(),
        statement: statement.to_string(),
    })
}

/// Lints `script` against the state `setup` leaves (both SQL of the dev database's dialect):
/// what `schema apply` shows of its plan. Findings name `label` as their file; their lines are
/// the script's.
pub async fn lint_script(
    dev: &Dev,
    setup: &str,
    script: &str,
    label: &str,
    settings: &LintSettings,
) -> Result<LintOutcome> {
    let dir = tempfile::tempdir().context("making a directory for the linted script")?;
    std::fs::write(dir.path().join("1_setup.sql"), setup)?;
    std::fs::write(dir.path().join("2_script.sql"), script)?;
    let files = crate::migrate::MigrationDir::open(dir.path(), crate::migrate::DirFormat::Atlas)?
        .files()?;
    let mut outcome = lint_files(dev, &files, &[1], settings).await?;
    for finding in &mut outcome.findings {
        finding.file = label.to_string();
    }
    for statement in &mut outcome.statements {
        statement.file = label.to_string();
    }
    Ok(outcome)
}
