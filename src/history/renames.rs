//! Renames in a history: a statement that says RENAME turns a drop and a creation of the
//! same shape into one object under a new name. Tables and columns go to the diff as hints
//! (so their rows are seen to stay); indexes, constraints and sequences are paired after it.

use crate::dialect::Dialect;
use crate::diff::{Change, DiffOptions, RenameHint, diff, rename_candidates};
use crate::schema::Realm;
use crate::sql::{Flavor, TokenKind, significant};

/// Whether a statement renames something: it says RENAME (or MySQL's CHANGE).
pub fn says_rename(flavor: &Flavor, sql: &str) -> bool {
    significant(flavor, sql).any(|t| {
        t.kind == TokenKind::Word && (t.is_word(sql, "RENAME") || t.is_word(sql, "CHANGE"))
    })
}

/// The renames of tables and columns a renaming statement made: each dropped and added column
/// (or table) of the same shape is one object under a new name.
pub fn statement_renames(
    renamed: bool,
    before: &Realm,
    after: &Realm,
    dialect: &dyn Dialect,
) -> Vec<RenameHint> {
    if !renamed {
        return Vec::new();
    }
    let changes = diff(
        before,
        after,
        &DiffOptions::default(),
        dialect.diff_policy(),
    );
    let mut hints: Vec<RenameHint> = Vec::new();
    for candidate in rename_candidates(&changes) {
        // One rename per dropped object.
        let taken = hints.iter().any(|h| same_source(h, &candidate.hint));
        if !taken {
            hints.push(candidate.hint);
        }
    }
    hints
}

fn same_source(a: &RenameHint, b: &RenameHint) -> bool {
    match (a, b) {
        (RenameHint::Table { from: x, .. }, RenameHint::Table { from: y, .. }) => x == y,
        (
            RenameHint::Column {
                table: t1,
                from: f1,
                ..
            },
            RenameHint::Column {
                table: t2,
                from: f2,
                ..
            },
        ) => t1 == t2 && f1 == f2,
        _ => false,
    }
}

/// Pairs each dropped index, constraint or sequence with a created one of the same shape
/// (same table and columns, same kind, same options) into a rename.
pub fn fold_object_renames(changes: Vec<Change>) -> Vec<Change> {
    let mut out: Vec<Option<Change>> = changes.into_iter().map(Some).collect();
    for i in 0..out.len() {
        for j in 0..out.len() {
            if i == j {
                continue;
            }
            let (Some(dropped), Some(created)) = (&out[i], &out[j]) else {
                continue;
            };
            if let Some(rename) = as_rename(dropped, created) {
                out[i] = Some(rename);
                out[j] = None;
            }
        }
    }
    out.into_iter().flatten().collect()
}

fn as_rename(dropped: &Change, created: &Change) -> Option<Change> {
    match (dropped, created) {
        (Change::DropIndex { on, index: a }, Change::CreateIndex { on: on2, index: b })
            if on == on2 && a.unique == b.unique && a.parts == b.parts && a.name != b.name =>
        {
            Some(Change::RenameIndex {
                on: on.clone(),
                from: a.name.clone(),
                to: b.name.clone(),
            })
        }
        (
            Change::DropConstraint {
                table,
                constraint: a,
            },
            Change::AddConstraint {
                table: table2,
                constraint: b,
            },
        ) if table == table2 && a.kind == b.kind && a.columns == b.columns && a.name != b.name => {
            Some(Change::RenameConstraint {
                table: table.clone(),
                from: a.name.clone(),
                to: b.name.clone(),
            })
        }
        (
            Change::DropSequence { name, sequence: a },
            Change::CreateSequence {
                name: name2,
                sequence: b,
            },
        ) if name.schema == name2.schema && a.options == b.options && name != name2 => {
            Some(Change::RenameSequence {
                from: name.clone(),
                to: name2.clone(),
            })
        }
        _ => None,
    }
}
