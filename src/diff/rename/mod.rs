//! Renames: hints that a current table or column is a target one under a new name, so that the
//! diff renames it (keeping its rows) instead of dropping it and adding another.
//!
//! A hint that applies is resolved into [`apply::Renames`] (with the constraint, index and
//! sequence renames that follow from it), the current state is rewritten as the server would
//! show it after the renames, and the usual comparison runs on that. The rename changes go
//! into the same ordering graph, first wherever nothing forces otherwise.

mod apply;
mod candidates;
mod derived;
mod rewrite;

pub use candidates::{RenameCandidate, rename_candidates};

pub(crate) use apply::{Renames, apply};

use crate::diff::Change;
use crate::diff::graph::{Node, Rank};
use crate::diff::policy::DiffPolicy;
use crate::diff::res::{MemberKind, Res, table_res};
use crate::schema::{ConstraintKind, ObjectRef, QualifiedName, Realm};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// "This current object is that target object under a new name."
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "object", rename_all = "snake_case")]
pub enum RenameHint {
    /// May move the table to another schema.
    Table {
        from: QualifiedName,
        to: QualifiedName,
    },
    /// `table` is the table's name in the desired state (after any table rename).
    Column {
        table: QualifiedName,
        from: String,
        to: String,
    },
}

impl fmt::Display for RenameHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenameHint::Table { from, to } => write!(f, "table {from} to {to}"),
            RenameHint::Column { table, from, to } => {
                write!(f, "column {table}.{from} to {table}.{to}")
            }
        }
    }
}

/// A hint that did not apply, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnusedHint {
    pub hint: RenameHint,
    pub reason: String,
}

/// The hints that `diff` ignores for these two states, each with the reason.
pub fn unused_hints(from: &Realm, to: &Realm, hints: &[RenameHint]) -> Vec<UnusedHint> {
    hinted(from, to, hints).1
}

/// The renames the hints call for, those that follow from them included; `policy` spells the
/// new names in the rewritten texts.
pub(crate) fn resolve(
    from: &Realm,
    to: &Realm,
    hints: &[RenameHint],
    policy: &dyn DiffPolicy,
) -> Renames {
    let mut renames = hinted(from, to, hints).0;
    if renames.is_empty() {
        return renames;
    }
    let touched: BTreeSet<QualifiedName> = renames
        .tables
        .iter()
        .map(|(_, new)| new.clone())
        .chain(renames.columns.keys().cloned())
        .collect();
    let stage = apply(from, &renames, policy);
    let follow = derived::derive(&stage, to, &touched, policy);
    renames.sequences = follow.sequences;
    renames.indexes = follow.indexes;
    renames.constraints = follow.constraints;
    renames
}

/// The renames the hints themselves call for, and the hints that do not apply.
fn hinted(from: &Realm, to: &Realm, hints: &[RenameHint]) -> (Renames, Vec<UnusedHint>) {
    let mut renames = Renames::default();
    let mut unused = Vec::new();
    let mut reject = |hint: &RenameHint, reason: String| {
        unused.push(UnusedHint {
            hint: hint.clone(),
            reason,
        })
    };
    for hint in hints {
        if let RenameHint::Table { from: old, to: new } = hint {
            let claimed = renames.tables.iter().any(|(a, b)| a == old || b == new);
            match table_hint_problem(from, to, old, new) {
                Some(reason) => reject(hint, reason),
                None if claimed => reject(hint, "an earlier hint renames the same table".into()),
                None => renames.tables.push((old.clone(), new.clone())),
            }
        }
    }
    for hint in hints {
        if let RenameHint::Column {
            table,
            from: old,
            to: new,
        } = hint
        {
            let original = renames.original_table(table);
            let claimed = renames
                .columns
                .get(table)
                .is_some_and(|m| m.contains_key(old) || m.values().any(|v| v == new));
            match column_hint_problem(from, to, &original, table, old, new) {
                Some(reason) => reject(hint, reason),
                None if claimed => reject(hint, "an earlier hint renames the same column".into()),
                None => {
                    renames
                        .columns
                        .entry(table.clone())
                        .or_default()
                        .insert(old.clone(), new.clone());
                }
            }
        }
    }
    (renames, unused)
}

fn table_hint_problem(
    from: &Realm,
    to: &Realm,
    old: &QualifiedName,
    new: &QualifiedName,
) -> Option<String> {
    if old == new {
        Some("the old and new names are the same".into())
    } else if from.table(old).is_none() {
        Some(format!("table {old} does not exist in the current state"))
    } else if to.table(old).is_some() {
        Some(format!("table {old} still exists in the desired state"))
    } else if to.table(new).is_none() {
        Some(format!("table {new} does not exist in the desired state"))
    } else if from.table(new).is_some() {
        Some(format!("table {new} already exists in the current state"))
    } else {
        None
    }
}

fn column_hint_problem(
    from: &Realm,
    to: &Realm,
    original: &QualifiedName,
    table: &QualifiedName,
    old: &str,
    new: &str,
) -> Option<String> {
    let has = |realm: &Realm, t: &QualifiedName, c: &str| {
        realm
            .table(t)
            .is_some_and(|t| t.columns.iter().any(|col| col.name == c))
    };
    if old == new {
        Some("the old and new names are the same".into())
    } else if to.table(table).is_none() {
        Some(format!("table {table} does not exist in the desired state"))
    } else if from.table(original).is_none() {
        Some(format!(
            "table {original} does not exist in the current state"
        ))
    } else if !has(from, original, old) {
        Some(format!(
            "column {original}.{old} does not exist in the current state"
        ))
    } else if has(to, table, old) {
        Some(format!(
            "column {table}.{old} still exists in the desired state"
        ))
    } else if !has(to, table, new) {
        Some(format!(
            "column {table}.{new} does not exist in the desired state"
        ))
    } else if has(from, original, new) {
        Some(format!(
            "column {original}.{new} already exists in the current state"
        ))
    } else {
        None
    }
}

/// The rename changes as graph nodes. `from` is the current state before, `renamed` after the
/// renames.
pub(crate) fn nodes(from: &Realm, renamed: &Realm, renames: &Renames) -> Vec<Node> {
    let mut out = Vec::new();
    // A table moved into a schema that only the target state has: the renamed state holds
    // that schema already, so the comparison does not create it.
    for name in renamed.schemas.keys() {
        if !from.schemas.contains_key(name) {
            let mut node = Node::new(
                Change::CreateSchema { name: name.clone() },
                Rank::CreateSchema,
                name.clone(),
            );
            node.makes.push(Res::Schema(name.clone()));
            out.push(node);
        }
    }
    for (old, new) in &renames.tables {
        let mut node = Node::new(
            Change::RenameTable {
                from: old.clone(),
                to: new.clone(),
            },
            Rank::Rename,
            new.to_string(),
        );
        node.makes.push(Res::RenamedTable(new.clone()));
        node.kills
            .extend([table_res(old), Res::RelationName(old.clone())]);
        // Another relation holding the new name must be dropped first.
        let occupied = from
            .schemas
            .get(&new.schema)
            .is_some_and(|s| apply::relation_names(s).contains(&new.name));
        if occupied {
            node.makes.push(Res::RelationName(new.clone()));
        }
        node.needs.push(Res::Schema(new.schema.clone()));
        node.releases.push(Res::Schema(old.schema.clone()));
        out.push(node);
    }
    for (table, columns) in &renames.columns {
        for (old, new) in columns {
            let mut node = Node::new(
                Change::RenameColumn {
                    table: table.clone(),
                    from: old.clone(),
                    to: new.clone(),
                },
                Rank::Rename,
                format!("{table}.{new}"),
            );
            node.makes
                .push(Res::RenamedColumn(table.clone(), new.clone()));
            node.needs.push(Res::RenamedTable(table.clone()));
            out.push(node);
        }
    }
    for (old, new) in &renames.sequences {
        let mut node = Node::new(
            Change::RenameSequence {
                from: old.clone(),
                to: new.clone(),
            },
            Rank::Rename,
            new.to_string(),
        );
        node.makes.push(Res::Renamed(new.clone()));
        node.kills.extend([
            Res::RelationName(old.clone()),
            Res::Object(ObjectRef::Sequence {
                schema: old.schema.clone(),
                name: old.name.clone(),
            }),
        ]);
        let owner = renamed
            .schemas
            .get(&new.schema)
            .and_then(|s| s.sequences.get(&new.name))
            .and_then(|s| s.owned_by.as_ref());
        if let Some(owner) = owner {
            node.needs.push(Res::RenamedTable(owner.table.clone()));
        }
        out.push(node);
    }
    for (on, old, new) in &renames.indexes {
        let mut node = Node::new(
            Change::RenameIndex {
                on: on.clone(),
                from: old.clone(),
                to: new.clone(),
            },
            Rank::Rename,
            format!("{}.{new}", on.schema),
        );
        node.makes.push(Res::Renamed(QualifiedName::new(
            on.schema.clone(),
            new.clone(),
        )));
        node.kills.push(Res::RelationName(QualifiedName::new(
            on.schema.clone(),
            old.clone(),
        )));
        node.needs.push(Res::RenamedTable(on.clone()));
        out.push(node);
    }
    for (table, old, new) in &renames.constraints {
        let mut node = Node::new(
            Change::RenameConstraint {
                table: table.clone(),
                from: old.clone(),
                to: new.clone(),
            },
            Rank::Rename,
            format!("{table}.{new}"),
        );
        node.makes
            .push(Res::RenamedMember(table.clone(), new.clone()));
        node.kills.push(Res::Member(
            table.clone(),
            MemberKind::Constraint,
            old.clone(),
        ));
        let kind = renamed
            .table(table)
            .and_then(|t| t.constraints.iter().find(|c| &c.name == new))
            .map(|c| c.kind);
        if matches!(
            kind,
            Some(ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclusion)
        ) {
            node.kills.push(Res::RelationName(QualifiedName::new(
                table.schema.clone(),
                old.clone(),
            )));
        }
        node.needs.push(Res::RenamedTable(table.clone()));
        out.push(node);
    }
    out
}

/// Makes every other change wait for the renames of the objects it names: they are spelled by
/// their new names. Needs nobody makes add no edges, so this over-approximates freely.
pub(crate) fn wait_for_renames(nodes: &mut [Node]) {
    for node in nodes {
        let needs = named(&node.change);
        node.needs.extend(needs);
    }
}

fn named(change: &Change) -> Vec<Res> {
    use Change::*;
    let relation = |qn: &QualifiedName| Res::RenamedTable(qn.clone());
    let column = |t: &QualifiedName, c: &str| Res::RenamedColumn(t.clone(), c.to_string());
    let in_schema = |schema: &str, name: &str| Res::Renamed(QualifiedName::new(schema, name));
    match change {
        CreateTable { name, .. } | DropTable { name, .. } => vec![relation(name)],
        AddColumn { table, column: c }
        | DropColumn {
            table, column: c, ..
        } => {
            vec![relation(table), column(table, &c.name)]
        }
        AlterColumn { table, from, .. } => vec![relation(table), column(table, &from.name)],
        ReorderColumns { table, from, .. } => std::iter::once(relation(table))
            .chain(from.iter().map(|c| column(table, c)))
            .collect(),
        AddConstraint { table, constraint } | DropConstraint { table, constraint } => {
            let mut out = vec![
                relation(table),
                Res::RenamedMember(table.clone(), constraint.name.clone()),
            ];
            out.extend(constraint.columns.iter().map(|c| column(table, c)));
            if let Some(target) = &constraint.references {
                out.push(relation(target));
                out.extend(
                    constraint
                        .referenced_columns
                        .iter()
                        .map(|c| column(target, c)),
                );
            }
            out
        }
        CreateIndex { on, index } | DropIndex { on, index } => {
            vec![relation(on), in_schema(&on.schema, &index.name)]
        }
        SetRowSecurity { table, .. }
        | SetTableOptions { table, .. }
        | CreatePolicy { table, .. }
        | DropPolicy { table, .. }
        | AlterPolicy { table, .. } => vec![relation(table)],
        AttachPartition {
            table,
            partition_of,
        }
        | DetachPartition {
            table,
            partition_of,
        } => vec![relation(table), relation(&partition_of.parent)],
        CreateView { view, .. } | DropView { view, .. } => view_tables(view),
        ReplaceView { from, to, .. } => {
            let mut out = view_tables(from);
            out.extend(view_tables(to));
            out
        }
        CreateTrigger { on, .. } | DropTrigger { on, .. } => vec![relation(on)],
        AlterSequence { name, from, to } => {
            let mut out = vec![Res::Renamed(name.clone())];
            for owner in from.owned_by.iter().chain(to.owned_by.iter()) {
                out.push(relation(&owner.table));
                out.push(column(&owner.table, &owner.column));
            }
            out
        }
        DropSequence { name, .. } => vec![Res::Renamed(name.clone())],
        SetComment { target, .. } => {
            use super::CommentTarget as T;
            match target {
                T::Table { name } => vec![relation(name)],
                T::Sequence { name } | T::Index { name } => vec![Res::Renamed(name.clone())],
                T::Column { table, column: c } => vec![relation(table), column(table, c)],
                T::Constraint { table, name } => vec![
                    relation(table),
                    Res::RenamedMember(table.clone(), name.clone()),
                ],
                T::Trigger { on, .. } => vec![relation(on)],
                T::Policy { table, .. } => vec![relation(table)],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

fn view_tables(view: &crate::schema::View) -> Vec<Res> {
    view.depends_on
        .iter()
        .filter_map(|d| match d {
            ObjectRef::Table { schema, name } => Some(Res::RenamedTable(QualifiedName::new(
                schema.clone(),
                name.clone(),
            ))),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests;
