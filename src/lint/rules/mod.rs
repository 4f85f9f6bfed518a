//! The analyzers: pure functions over one statement, its parsed form, the schema before and
//! after it, and what the files being linted have done so far. One family per file.

mod catalog;
mod data_depend;
mod destructive;
mod incompatible;
mod locking;
mod naming;
pub mod rebuild;
mod style;
mod transaction;

pub use catalog::*;
pub use naming::{NamePattern, NamingRules};
pub use transaction::{check_file as check_file_transactions, check_file_commits};

use super::statement::ParsedStatement;
use crate::dialect::LintTraits;
use crate::diff::Change;
use crate::schema::{QualifiedName, Realm};
use std::collections::BTreeSet;

/// What the selected files did before the statement, and how the file runs.
#[derive(Debug, Default)]
pub struct FileContext {
    /// Tables created by the selected files so far: nothing can be locked or violated in them.
    pub new_tables: BTreeSet<QualifiedName>,
    /// Columns added by the selected files so far, as (table, column).
    pub new_columns: BTreeSet<(QualifiedName, String)>,
    /// Columns the selected files made NOT NULL so far, as (table, column): dropping that NOT
    /// NULL again takes nothing away from code that is running now.
    pub new_not_null: BTreeSet<(QualifiedName, String)>,
    /// Views, functions, types, sequences, extensions and policies the selected files created
    /// so far, by [`other_object`]: dropping them again removes nothing anyone uses yet.
    pub new_objects: BTreeSet<(&'static str, String)>,
    /// Whether the statement runs inside a transaction (the file's txmode or an explicit BEGIN).
    pub in_transaction: bool,
    /// Whether the file set lock_timeout / statement_timeout before the statement.
    pub lock_timeout: bool,
    pub statement_timeout: bool,
    /// Constraints this file added NOT VALID, by name: validating them in the same transaction
    /// keeps the add's strong lock during the scan.
    pub not_valid_in_file: BTreeSet<String>,
    pub naming: NamingRules,
}

impl FileContext {
    /// A table that existed before the selected files (so it may hold rows and traffic).
    pub fn is_existing_table(&self, before: &Realm, table: &QualifiedName) -> bool {
        before.table(table).is_some() && !self.new_tables.contains(table)
    }

    /// A column of an existing table that existed before the selected files.
    pub fn is_existing_column(&self, before: &Realm, table: &QualifiedName, column: &str) -> bool {
        self.is_existing_table(before, table)
            && !self
                .new_columns
                .contains(&(table.clone(), column.to_string()))
    }

    /// Whether every column of `constraint` is new: its rows hold nothing to check yet.
    pub fn on_new_columns_only(
        &self,
        before: &Realm,
        table: &QualifiedName,
        constraint: &crate::schema::Constraint,
    ) -> bool {
        !constraint.columns.is_empty()
            && constraint
                .columns
                .iter()
                .all(|c| !self.is_existing_column(before, table, c))
    }

    /// Records what the statement created, for the statements after it.
    pub fn record(&mut self, parsed: &ParsedStatement, changes: &[Change]) {
        let not_valid = parsed.has_seq(&["NOT", "VALID"]);
        // A drop and a creation of the same object in one statement is a replacement.
        let dropped: BTreeSet<_> = changes
            .iter()
            .filter_map(|c| other_object(c).filter(|(_, _, created)| !created))
            .map(|(kind, name, _)| (kind, name))
            .collect();
        for (kind, name, created) in changes.iter().filter_map(other_object) {
            if created && !dropped.contains(&(kind, name.clone())) {
                self.new_objects.insert((kind, name));
            }
        }
        for change in changes {
            match change {
                Change::AddConstraint { constraint, .. } if not_valid => {
                    self.not_valid_in_file.insert(constraint.name.clone());
                }
                Change::CreateTable { name, .. } => {
                    self.new_tables.insert(name.clone());
                }
                Change::AddColumn { table, column } => {
                    self.new_columns
                        .insert((table.clone(), column.name.clone()));
                }
                Change::RenameTable { to, .. } => {
                    self.new_tables.insert(to.clone());
                }
                Change::AlterColumn { table, from, to } if !from.not_null && to.not_null => {
                    self.new_not_null.insert((table.clone(), to.name.clone()));
                }
                _ => {}
            }
        }
    }
}

/// The kind and name of a view, function, type, sequence, extension or policy a change creates
/// or drops, and whether it creates it.
pub fn other_object(change: &Change) -> Option<(&'static str, String, bool)> {
    let (kind, name, created) = match change {
        Change::CreateView { name, .. } => ("view", name.to_string(), true),
        Change::DropView { name, .. } => ("view", name.to_string(), false),
        Change::CreateFunction { name, .. } => ("function", name.to_string(), true),
        Change::DropFunction { name, .. } => ("function", name.to_string(), false),
        Change::CreateType { name, .. } => ("type", name.to_string(), true),
        Change::DropType { name, .. } => ("type", name.to_string(), false),
        Change::CreateSequence { name, .. } => ("sequence", name.to_string(), true),
        Change::DropSequence { name, .. } => ("sequence", name.to_string(), false),
        Change::CreateExtension { extension } => ("extension", extension.name.clone(), true),
        Change::DropExtension { extension } => ("extension", extension.name.clone(), false),
        Change::CreatePolicy { table, policy } => {
            ("policy", format!("{} on {table}", policy.name), true)
        }
        Change::DropPolicy { table, policy } => {
            ("policy", format!("{} on {table}", policy.name), false)
        }
        _ => return None,
    };
    Some((kind, name, created))
}

/// One statement as the analyzers see it.
pub struct StatementCheck<'a> {
    pub parsed: &'a ParsedStatement,
    pub before: &'a Realm,
    pub after: &'a Realm,
    /// `diff(before, after)`: exactly what the statement changed.
    pub changes: &'a [Change],
    pub context: &'a FileContext,
    /// What the rules need to know of the database the file is for.
    pub traits: &'a LintTraits,
}

impl StatementCheck<'_> {
    /// The table a name from the statement's tokens means, in `realm`.
    pub fn table_named(&self, realm: &Realm, parts: &[String]) -> Option<QualifiedName> {
        resolve_table(realm, parts, self.traits)
    }
}

/// A rule that matched, with what exactly it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: &'static Rule,
    pub detail: String,
    /// For rules about what the database does: whether the dev database showed it (set by
    /// `lint::measure`; a rule that knows its finding cannot be measured sets it itself).
    pub basis: Option<Basis>,
}

impl Hit {
    pub fn new(rule: &'static Rule, detail: impl Into<String>) -> Hit {
        Hit {
            rule,
            detail: detail.into(),
            basis: None,
        }
    }

    /// A finding that measuring the statement cannot confirm or refute.
    pub fn predicted(rule: &'static Rule, detail: impl Into<String>) -> Hit {
        Hit {
            basis: Some(Basis::Predicted),
            ..Hit::new(rule, detail)
        }
    }
}

/// Whether a finding about what the database does was seen on the dev database or follows
/// from the statement's text and the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    Measured,
    Predicted,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Measured => "measured",
            Basis::Predicted => "predicted",
        }
    }
}

/// Every rule's findings on one statement.
pub fn check_statement(input: &StatementCheck) -> Vec<Hit> {
    let mut hits = Vec::new();
    incompatible::check(input, &mut hits);
    if input.traits.transactional_ddl {
        transaction::check(input, &mut hits);
    }
    // A rename or move shows in the diff as drops and creations of everything under the name;
    // incompatible.rs reports it as what it is.
    let p = input.parsed;
    if p.starts(&["ALTER"]) && (p.has("RENAME") || p.has_seq(&["SET", "SCHEMA"])) {
        return hits;
    }
    destructive::check(input, &mut hits);
    data_depend::check(input, &mut hits);
    if input.traits.lock_rules {
        locking::check(input, &mut hits);
    }
    naming::check(input, &mut hits);
    if input.traits.style_rules {
        style::check(input, &mut hits);
    }
    hits
}

/// Whether a constraint the diff shows on `table` is a new check of existing rows: the table
/// existed, and the statement is not VALIDATE CONSTRAINT (the safe second step, under a weaker
/// lock) nor DETACH PARTITION … CONCURRENTLY (which adds a check mirroring the bound).
pub fn checks_existing_rows(input: &StatementCheck, table: &QualifiedName) -> bool {
    let p = input.parsed;
    input.context.is_existing_table(input.before, table)
        && !p.has_seq(&["VALIDATE", "CONSTRAINT"])
        && !p.has_seq(&["DETACH", "PARTITION"])
}

/// Whether the statement is the kind of DDL that takes an ACCESS EXCLUSIVE (or SHARE) lock on a
/// table that existed before: what lock_timeout and statement_timeout should guard.
pub fn locks_existing_table(input: &StatementCheck) -> bool {
    let p = input.parsed;
    let touched = |t: &QualifiedName| input.context.is_existing_table(input.before, t);
    let locking_change = input.changes.iter().any(|c| match c {
        Change::AddColumn { table, .. }
        | Change::DropColumn { table, .. }
        | Change::AlterColumn { table, .. }
        | Change::AddConstraint { table, .. }
        | Change::DropConstraint { table, .. }
        | Change::RenameColumn { table, .. } => touched(table),
        Change::CreateIndex { on, .. } | Change::DropIndex { on, .. } => {
            touched(on) && !p.has("CONCURRENTLY")
        }
        Change::DropTable { name, .. } | Change::RenameTable { from: name, .. } => touched(name),
        _ => false,
    });
    // ALTER TABLE forms the diff does not show (SET STATISTICS, storage, …) still lock.
    let altered = p.starts(&["ALTER", "TABLE"])
        && p.name_after(&["TABLE"])
            .and_then(|n| input.table_named(input.before, &n))
            .is_some_and(|t| touched(&t));
    locking_change || altered
}

/// `schema.table` of a possibly unqualified name from the tokens, resolved against `realm`
/// (the dialect's default schema first, then the first schema holding it), folded to lower
/// case where the dialect folds unquoted names. The tokens are upper case, so where names are
/// kept as written a table is also found by its name in any case (SQLite compares names
/// without case; MySQL's table names follow the file system, and a statement that names a
/// table in another case than it was created in is rare).
pub fn resolve_table(
    realm: &Realm,
    parts: &[String],
    traits: &LintTraits,
) -> Option<QualifiedName> {
    let fold = |name: &str| match traits.folds_unquoted_names {
        true => name.to_lowercase(),
        false => name.to_string(),
    };
    match parts {
        [schema, name] => Some(QualifiedName::new(fold(schema), fold(name))),
        [name] => {
            let name = fold(name);
            let default = QualifiedName::new(traits.default_schema, name.clone());
            if realm.table(&default).is_some() {
                return Some(default);
            }
            let in_schema = |exact: bool| {
                realm.schemas.values().find_map(|s| {
                    s.tables
                        .keys()
                        .find(|t| match exact {
                            true => **t == name,
                            false => t.eq_ignore_ascii_case(&name),
                        })
                        .map(|t| QualifiedName::new(s.name.clone(), t.clone()))
                })
            };
            in_schema(true).or_else(|| in_schema(false))
        }
        _ => None,
    }
}
