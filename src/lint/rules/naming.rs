//! Naming: names of new tables, columns, indexes and constraints against configured patterns,
//! and identifiers PostgreSQL would truncate.

use super::*;
use crate::diff::Change;
use regex::Regex;

/// PostgreSQL's NAMEDATALEN - 1.
const MAX_IDENTIFIER_BYTES: usize = 63;

/// A configured pattern and the message shown when a name does not match it.
#[derive(Debug, Clone)]
pub struct NamePattern {
    pub regex: Regex,
    pub message: Option<String>,
}

/// `lint { naming { match … table { match … } … } }`, compiled.
#[derive(Debug, Clone, Default)]
pub struct NamingRules {
    /// Applies to every kind without its own pattern.
    pub any: Option<NamePattern>,
    pub schema: Option<NamePattern>,
    pub table: Option<NamePattern>,
    pub column: Option<NamePattern>,
    pub index: Option<NamePattern>,
    pub constraint: Option<NamePattern>,
}

impl NamingRules {
    /// The pattern for a kind of object and the rule reporting it.
    fn pattern(&self, kind: &str) -> (Option<&NamePattern>, &'static Rule) {
        let (own, rule) = match kind {
            "schema" => (&self.schema, &NAMING_SCHEMA),
            "table" => (&self.table, &NAMING_TABLE),
            "column" => (&self.column, &NAMING_COLUMN),
            "index" => (&self.index, &NAMING_INDEX),
            _ => (&self.constraint, &NAMING_CONSTRAINT),
        };
        (own.as_ref().or(self.any.as_ref()), rule)
    }
}

pub fn check(input: &StatementCheck, hits: &mut Vec<Hit>) {
    let rules = &input.context.naming;
    let mut names: Vec<(&str, String)> = Vec::new();
    for change in input.changes {
        match change {
            Change::CreateSchema { name } => names.push(("schema", name.clone())),
            Change::CreateTable { name, table } => {
                names.push(("table", name.name.clone()));
                names.extend(table.columns.iter().map(|c| ("column", c.name.clone())));
                names.extend(
                    table
                        .constraints
                        .iter()
                        .map(|c| ("constraint", c.name.clone())),
                );
            }
            Change::AddColumn { column, .. } => names.push(("column", column.name.clone())),
            Change::CreateIndex { index, .. } => names.push(("index", index.name.clone())),
            Change::AddConstraint { constraint, .. } => {
                names.push(("constraint", constraint.name.clone()))
            }
            _ => {}
        }
    }
    for (kind, name) in names {
        let (pattern, rule) = rules.pattern(kind);
        if let Some(pattern) = pattern
            && !pattern.regex.is_match(&name)
        {
            let why = pattern
                .message
                .clone()
                .unwrap_or_else(|| format!("must match {}", pattern.regex.as_str()));
            hits.push(Hit::new(rule, format!("{kind} {name}: {why}")));
        }
    }
    for token in &input.parsed.tokens {
        if !token.text.starts_with('\'') && token.text.len() > MAX_IDENTIFIER_BYTES {
            hits.push(Hit::new(
                &IDENTIFIER_TOO_LONG,
                format!("{} bytes: {}", token.text.len(), token.text.to_lowercase()),
            ));
        }
    }
}
