//! Alembic: a project (alembic.ini, env.py, versions/) turned into SQL files by Alembic's own
//! offline mode, run revision by revision with the user's `alembic` on PATH.
//!
//! The revision graph comes from Alembic itself: a short Python program, run by the
//! interpreter that runs `alembic` (its `#!` line), prints each revision's id, parents,
//! dependencies and message as JSON through `alembic.script.ScriptDirectory`. The graph is put
//! in line by [`super::order`]; versions are the positions in that line (`0001`, `0002`, …),
//! names `<revision>_<message>`.
//!
//! Each revision's SQL is `alembic upgrade PARENT:REVISION --sql` (`base` for a base
//! revision). Offline mode only walks from an ancestor, so PARENT is the revision's own first
//! parent, not the previous file's revision (which in a branched history may be on another
//! branch, and then Alembic prints nothing). For a merge revision that range also runs the
//! other parents' branches, so only the step Alembic marks `-- Running upgrade … -> REVISION`
//! is kept. From that step the statements (split with the dialect's flavour) that only keep
//! Alembic's books are dropped: the version table's `CREATE TABLE`, `INSERT`, `UPDATE` and
//! `DELETE`, and `BEGIN`/`COMMIT`. A `BEGIN` inside the step means the revision ran part of
//! itself outside a transaction (`autocommit_block`), so the file gets `-- atlas:txmode none`.
//! The version table is Alembic's default `alembic_version`.

use super::order::{self, Node, OrderError};
use super::{Imported, ImportedMigration};
use crate::error::bad_input;
use crate::sql::{Flavor, Token, TokenKind, significant, split_statements_for, tokens};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VERSION_TABLE: &str = "alembic_version";

/// Prints the project's revisions and its URL's backend as JSON (see the module docs).
const GRAPH_PROGRAM: &str = r#"
import json, sys
from alembic import util
from alembic.config import Config
from alembic.script import ScriptDirectory

config = Config(sys.argv[1])
revisions = []
for rev in ScriptDirectory.from_config(config).walk_revisions():
    revisions.append({
        "revision": rev.revision,
        "down_revisions": list(util.to_tuple(rev.down_revision, default=())),
        "dependencies": list(getattr(rev, "_resolved_dependencies", None) or ()),
        "message": " ".join((rev.doc or "").split()),
    })
backend = None
url = config.get_main_option("sqlalchemy.url")
if url:
    try:
        from sqlalchemy.engine import make_url
        backend = make_url(url).get_backend_name()
    except Exception:
        pass
print(json.dumps({"backend": backend, "revisions": revisions}))
"#;

/// An Alembic project as its own tools read it.
#[derive(Debug)]
pub struct AlembicProject {
    dir: PathBuf,
    config: PathBuf,
    alembic: PathBuf,
    /// The SQLAlchemy backend of the ini's `sqlalchemy.url` (`postgresql`, `sqlite`, …).
    pub backend: Option<String>,
    revisions: Vec<Revision>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
struct Revision {
    revision: String,
    down_revisions: Vec<String>,
    dependencies: Vec<String>,
    message: String,
}

#[derive(Deserialize)]
struct Graph {
    backend: Option<String>,
    revisions: Vec<Revision>,
}

impl AlembicProject {
    /// Reads the project in `dir` (config `config`, default `dir/alembic.ini`): finds
    /// `alembic` on PATH and asks it for the revision graph.
    pub fn read(dir: &Path, config: Option<&Path>) -> Result<AlembicProject> {
        if !dir.is_dir() {
            return Err(bad_input(format!(
                "{}: no such directory to import",
                dir.display()
            )));
        }
        let config = match config {
            Some(path) => std::path::absolute(path)?,
            None => std::path::absolute(dir.join("alembic.ini"))?,
        };
        if !config.is_file() {
            return Err(bad_input(format!(
                "{}: no Alembic config file (pass --alembic-config FILE)",
                config.display()
            )));
        }
        let alembic = find_on_path("alembic").ok_or_else(|| {
            bad_input(
                "alembic is not on PATH: run the import in the project's Python environment \
                 (e.g. with its virtualenv's bin/ on PATH)",
            )
        })?;
        let python = python_of(&alembic);
        let mut command = Command::new(&python);
        command
            .current_dir(dir)
            .args(["-c", GRAPH_PROGRAM])
            .arg(&config);
        let output = run(
            command,
            &format!("{} (reading the revisions)", python.display()),
        )?;
        let graph: Graph = serde_json::from_slice(&output.stdout)
            .with_context(|| format!("reading the revision graph {} printed", python.display()))?;
        Ok(AlembicProject {
            dir: dir.to_path_buf(),
            config,
            alembic,
            backend: graph.backend,
            revisions: graph.revisions,
        })
    }

    /// `alembic upgrade FROM:TO --sql` in the project's directory: the SQL it prints.
    fn offline_sql(&self, from: &str, to: &str) -> Result<String> {
        let range = format!("{from}:{to}");
        let mut command = Command::new(&self.alembic);
        command
            .current_dir(&self.dir)
            .arg("-c")
            .arg(&self.config)
            .args(["upgrade", &range, "--sql"]);
        let output = run(command, &format!("alembic upgrade {range} --sql"))?;
        String::from_utf8(output.stdout).map_err(|_| {
            bad_input(format!(
                "alembic upgrade {range} --sql: output is not UTF-8"
            ))
        })
    }
}

/// Imports the project's revisions in dependency order; `flavor` is its dialect's.
pub fn import_alembic(project: &AlembicProject, flavor: &Flavor) -> Result<Imported> {
    let line = in_line(&project.revisions)?;
    let width = line.len().to_string().len().max(4);
    let outputs = in_parallel(&line, |r| project.offline_sql(parent_of(r), &r.revision));
    let mut imported = Imported::default();
    for (index, (revision, output)) in line.iter().zip(outputs).enumerate() {
        let (from, output) = (parent_of(revision), output?);
        let step = step_sql(&output, &revision.revision).ok_or_else(|| {
            bad_input(format!(
                "alembic upgrade {from}:{} --sql printed no `-- Running upgrade … -> {}` step \
                 (does env.py run the migrations in offline mode?)",
                revision.revision, revision.revision
            ))
        })?;
        let (sql, outside_transaction) = without_bookkeeping(flavor, step);
        imported.migrations.push(ImportedMigration {
            version: format!("{:0width$}", index + 1),
            name: file_name(revision),
            sql,
            note: note(revision),
            directives: match outside_transaction {
                true => vec!["atlas:txmode none".to_string()],
                false => Vec::new(),
            },
        });
    }
    Ok(imported)
}

/// Where a revision's offline range starts: its first parent, or `base`.
fn parent_of(revision: &Revision) -> &str {
    revision
        .down_revisions
        .first()
        .map_or("base", String::as_str)
}

/// `run` on every item, a few at a time (each is a Python process that mostly starts up),
/// the results in the items' order.
fn in_parallel<T: Sync, R: Send>(items: &[T], run: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
    let mut results = Vec::with_capacity(items.len());
    for chunk in items.chunks(threads) {
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunk.iter().map(|item| scope.spawn(|| run(item))).collect();
            results.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().expect("an alembic run")),
            );
        });
    }
    results
}

/// The revisions in dependency order (see `order`); a broken graph is bad input naming why.
fn in_line(revisions: &[Revision]) -> Result<Vec<&Revision>> {
    let nodes: Vec<Node> = revisions
        .iter()
        .map(|r| Node {
            id: r.revision.clone(),
            parents: r
                .down_revisions
                .iter()
                .chain(&r.dependencies)
                .cloned()
                .collect(),
        })
        .collect();
    let ids = order::linearize(&nodes).map_err(|e| {
        bad_input(match e {
            OrderError::MissingParent { child, parent } => {
                format!(
                    "Alembic revision {child} comes after {parent}, which is not in the project"
                )
            }
            OrderError::Duplicate(id) => format!("Alembic revision {id} is defined twice"),
            OrderError::Cycle(ids) => {
                format!(
                    "Alembic revisions {} wait on each other in a cycle",
                    ids.join(", ")
                )
            }
        })
    })?;
    Ok(ids
        .iter()
        .map(|id| {
            revisions
                .iter()
                .find(|r| &r.revision == id)
                .expect("linearize returns the given ids")
        })
        .collect())
}

/// `<revision>_<message>`, the message reduced to `[A-Za-z0-9_-]` (runs of others become `_`).
fn file_name(revision: &Revision) -> String {
    let mut slug = String::new();
    for c in revision.message.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            slug.push(c);
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    let slug = slug.trim_end_matches('_');
    match slug.is_empty() {
        true => revision.revision.clone(),
        false => format!("{}_{slug}", revision.revision),
    }
}

/// The file's leading comment: the revision, its parents, and what it merges.
fn note(revision: &Revision) -> Vec<String> {
    let mut lines = vec![format!(
        "Imported from Alembic revision {}: {}",
        revision.revision, revision.message
    )];
    lines.push(match revision.down_revisions.as_slice() {
        [] => "parents: none (a base revision)".to_string(),
        parents => format!("parents: {}", parents.join(", ")),
    });
    if let [first @ .., last] = revision.down_revisions.as_slice()
        && !first.is_empty()
    {
        lines.push(format!("merge point of {} and {last}", first.join(", ")));
    }
    if !revision.dependencies.is_empty() {
        lines.push(format!("depends on: {}", revision.dependencies.join(", ")));
    }
    lines
}

/// The part of Alembic's offline output that is `revision`'s own step: from its
/// `-- Running upgrade … -> REVISION` line to the next step's line.
fn step_sql<'a>(output: &'a str, revision: &str) -> Option<&'a str> {
    const MARKER: &str = "-- Running upgrade ";
    let mut start = None;
    let mut offset = 0;
    for line in output.split_inclusive('\n') {
        if let Some(step) = line.trim_end().strip_prefix(MARKER) {
            if let Some(begin) = start {
                return Some(&output[begin..offset]);
            }
            let destinations = step.rsplit_once("->").map_or("", |(_, to)| to);
            if destinations.split(',').any(|d| d.trim() == revision) {
                start = Some(offset + line.len());
            }
        }
        offset += line.len();
    }
    start.map(|begin| &output[begin..])
}

/// The step's statements without Alembic's bookkeeping, one per paragraph, and whether a
/// transaction began inside it.
fn without_bookkeeping(flavor: &Flavor, step: &str) -> (String, bool) {
    let mut kept = Vec::new();
    let mut began = false;
    for statement in split_statements_for(flavor, step) {
        match bookkeeping(flavor, &statement.text) {
            Some(Bookkeeping::Begin) => began = true,
            Some(Bookkeeping::Commit | Bookkeeping::VersionTable) => {}
            None => kept.push(terminated(flavor, &statement.text)),
        }
    }
    (kept.join("\n\n"), began)
}

/// `statement` ended by `;`, on a line of its own when the statement ends in a `--` comment
/// (which would swallow it).
fn terminated(flavor: &Flavor, statement: &str) -> String {
    let ends_in_comment = tokens(flavor, statement)
        .last()
        .is_some_and(|t| t.kind == TokenKind::Comment);
    match ends_in_comment {
        true => format!("{statement}\n;"),
        false => format!("{statement};"),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Bookkeeping {
    Begin,
    Commit,
    VersionTable,
}

/// What a statement of Alembic's books is, or `None` for the migration's own statements.
fn bookkeeping(flavor: &Flavor, sql: &str) -> Option<Bookkeeping> {
    let tokens: Vec<Token> = significant(flavor, sql).collect();
    let word = |i: usize, keyword: &str| tokens.get(i).is_some_and(|t| t.is_word(sql, keyword));
    let only_words = tokens.len() <= 2 && tokens.iter().all(|t| t.kind == TokenKind::Word);
    if only_words && (word(0, "BEGIN") || (word(0, "START") && word(1, "TRANSACTION"))) {
        return Some(Bookkeeping::Begin);
    }
    if only_words && (word(0, "COMMIT") || word(0, "END")) {
        return Some(Bookkeeping::Commit);
    }
    let table_at = if (word(0, "CREATE") && word(1, "TABLE"))
        || (word(0, "INSERT") && word(1, "INTO"))
        || (word(0, "DELETE") && word(1, "FROM"))
    {
        2
    } else if word(0, "UPDATE") {
        1
    } else {
        return None;
    };
    // The table's name is its last part: `alembic_version`, `"app".alembic_version`.
    let mut at = table_at;
    while tokens.get(at + 1).is_some_and(|t| t.is_punct(sql, ".")) && tokens.get(at + 2).is_some() {
        at += 2;
    }
    let name = tokens.get(at)?.ident(sql);
    (name == VERSION_TABLE).then_some(Bookkeeping::VersionTable)
}

/// Runs `command`; a failure to start it or a failing exit is bad input showing its stderr.
fn run(mut command: Command, what: &str) -> Result<Output> {
    let output = command
        .output()
        .map_err(|e| bad_input(format!("{what}: cannot run: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(bad_input(format!(
            "{what} failed ({}):\n{}",
            output.status,
            stderr.trim_end()
        )));
    }
    Ok(output)
}

/// The first executable file `name` in PATH's directories.
fn find_on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// The Python interpreter a console script such as `alembic` runs with: its `#!` line (pip
/// writes the virtualenv's python there, or for long paths a `/bin/sh` line followed by
/// `'''exec' "PYTHON" "$0" "$@"`), else `python3`.
fn python_of(script: &Path) -> PathBuf {
    let head = std::fs::read(script)
        .map(|bytes| String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned())
        .unwrap_or_default();
    interpreter(&head).unwrap_or_else(|| PathBuf::from("python3"))
}

fn interpreter(head: &str) -> Option<PathBuf> {
    let mut lines = head.lines();
    let shebang = lines.next()?.strip_prefix("#!")?;
    let mut words = shebang.split_whitespace();
    let program = words.next()?;
    if program.ends_with("/env") {
        return words.find(|w| !w.starts_with('-')).map(PathBuf::from);
    }
    if program.ends_with("/sh") {
        let exec = lines.find_map(|l| l.strip_prefix("'''exec' "))?;
        let quoted = exec.strip_prefix('"')?;
        return quoted.split('"').next().map(PathBuf::from);
    }
    Some(PathBuf::from(program))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MERGE_OUTPUT: &str = "BEGIN;\n\n-- Running upgrade 4f -> 5b\n\nALTER TABLE posts ADD COLUMN published BOOLEAN;\n\nINSERT INTO alembic_version (version_num) VALUES ('5b') RETURNING alembic_version.version_num;\n\n-- Running upgrade 5a, 5b -> 7c\n\nCREATE TABLE x (a text default 'a;b');\n\nDELETE FROM alembic_version WHERE alembic_version.version_num = '5a';\n\nUPDATE alembic_version SET version_num='7c' WHERE alembic_version.version_num = '5b';\n\nCOMMIT;\n";

    fn revision(id: &str, parents: &[&str], message: &str) -> Revision {
        Revision {
            revision: id.into(),
            down_revisions: parents.iter().map(|p| p.to_string()).collect(),
            dependencies: Vec::new(),
            message: message.into(),
        }
    }

    #[test]
    fn the_step_of_the_revision_is_cut_out_of_the_output() {
        let step = step_sql(MERGE_OUTPUT, "7c").unwrap();
        assert!(step.starts_with("\nCREATE TABLE x"), "{step}");
        assert!(!step.contains("published"));
        let first = step_sql(MERGE_OUTPUT, "5b").unwrap();
        assert!(first.contains("published") && !first.contains("CREATE TABLE x"));
        assert_eq!(step_sql(MERGE_OUTPUT, "5a"), None);
        assert!(step_sql("-- Running upgrade  -> 1c\n\nSELECT 1;\n", "1c").is_some());
    }

    #[test]
    fn bookkeeping_statements_are_dropped_and_the_rest_kept() {
        let flavor = Flavor::postgres();
        let (sql, began) = without_bookkeeping(&flavor, step_sql(MERGE_OUTPUT, "7c").unwrap());
        assert_eq!(sql, "CREATE TABLE x (a text default 'a;b');");
        assert!(!began);
        let preamble = "BEGIN;\nCREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);\nCREATE TABLE \"app\".\"alembic_version\" (v int);\nUPDATE alembic_versions SET a = 1;\n";
        let (sql, began) = without_bookkeeping(&flavor, preamble);
        assert_eq!(sql, "UPDATE alembic_versions SET a = 1;");
        assert!(began, "a BEGIN inside a step is seen");
    }

    #[test]
    fn a_statement_ending_in_a_comment_gets_its_semicolon_on_a_line_of_its_own() {
        let flavor = Flavor::postgres();
        let (sql, _) = without_bookkeeping(&flavor, "SELECT 1 -- why\n;\nSELECT 2;\n");
        assert_eq!(sql, "SELECT 1 -- why\n;\n\nSELECT 2;");
        assert_eq!(split_statements_for(&flavor, &sql).len(), 2);
    }

    #[test]
    fn begin_blocks_of_the_migration_itself_are_not_bookkeeping() {
        let flavor = Flavor::postgres();
        assert_eq!(bookkeeping(&flavor, "BEGIN"), Some(Bookkeeping::Begin));
        assert_eq!(bookkeeping(&flavor, "COMMIT"), Some(Bookkeeping::Commit));
        assert_eq!(
            bookkeeping(&flavor, "START TRANSACTION"),
            Some(Bookkeeping::Begin)
        );
        assert_eq!(bookkeeping(&flavor, "CREATE TABLE begin (a int)"), None);
        assert_eq!(bookkeeping(&flavor, "INSERT INTO users VALUES (1)"), None);
    }

    #[test]
    fn notes_name_parents_and_merge_points() {
        let merge = revision("7c", &["6a", "6b"], "merge tagging and publishing");
        assert_eq!(
            note(&merge),
            [
                "Imported from Alembic revision 7c: merge tagging and publishing",
                "parents: 6a, 6b",
                "merge point of 6a and 6b"
            ]
        );
        let base = revision("1c", &[], "create users");
        assert_eq!(note(&base)[1], "parents: none (a base revision)");
        assert_eq!(note(&base).len(), 2);
    }

    #[test]
    fn file_names_are_the_revision_and_its_message() {
        let r = revision("5b5f", &[], "add posts.published (publishing branch)");
        assert_eq!(file_name(&r), "5b5f_add_posts_published_publishing_branch");
        assert_eq!(file_name(&revision("ab", &[], "")), "ab");
    }

    #[test]
    fn dependencies_order_revisions_too() {
        let mut b = revision("b", &[], "");
        b.dependencies = vec!["z".into()];
        let revisions = [b, revision("z", &[], "")];
        let ids: Vec<&str> = in_line(&revisions)
            .unwrap()
            .iter()
            .map(|r| r.revision.as_str())
            .collect();
        assert_eq!(ids, ["z", "b"]);
        let error = in_line(&[revision("a", &["gone"], "")]).unwrap_err();
        assert_eq!(crate::error::exit_code(&error), 2);
    }

    #[test]
    fn the_interpreter_comes_from_the_scripts_first_line() {
        assert_eq!(
            interpreter("#!/venv/bin/python\nimport x"),
            Some(PathBuf::from("/venv/bin/python"))
        );
        assert_eq!(
            interpreter("#!/usr/bin/env python3\n"),
            Some(PathBuf::from("python3"))
        );
        assert_eq!(
            interpreter("#!/bin/sh\n'''exec' \"/very long/bin/python\" \"$0\" \"$@\"\n' '''\n"),
            Some(PathBuf::from("/very long/bin/python"))
        );
        assert_eq!(interpreter("\x7fELF"), None);
    }
}
