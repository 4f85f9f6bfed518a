//! `migrate lint`: analyzers over the statements of selected migration files, each checked
//! against the schema before it (from replaying the earlier files on the dev database) and the
//! schema it leaves.
//!
//! - `select`: which files (latest N, changed since a git base, or named).
//! - `replay`: the I/O: replays and executes on a scratch database, inspects between statements.
//! - `statement`: the parsed form (sqlparser, with a token-level fallback).
//! - `rules`: the catalog and the analyzers, pure functions.
//! - `suppress`: `-- schemactl:nolint` / `-- atlas:nolint` directives, read once per file.
//! - `config`: the project file's `lint { }` settings as plain data.
//! - `settings`: levels per rule from those settings.
//! - `report`: text, JSON and GitHub annotation output.

pub mod config;
pub mod measure;
pub mod replay;
pub mod report;
pub mod rules;
pub mod select;
pub mod settings;
pub mod statement;
pub mod suppress;

use measure::StatementEffects;
use rules::{Basis, Level};
use serde::Serialize;

/// One finding, ready for output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub level: Level,
    pub file: String,
    pub line: usize,
    pub message: &'static str,
    /// What exactly matched, e.g. `drops column public.users.email`.
    pub detail: String,
    /// For rules about what the database does: seen on the dev database, or predicted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// How to do it safely.
    pub help: &'static str,
    pub doc: String,
    pub statement: String,
}

/// What a lint run found: the findings, and what each statement was measured doing.
#[derive(Debug, Clone, Default)]
pub struct LintOutcome {
    pub findings: Vec<Finding>,
    pub statements: Vec<StatementEffects>,
}

/// Whether any finding fails the gate.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.level == Level::Error)
}
