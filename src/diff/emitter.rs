//! The emitter's state and the questions every emitter asks of it: which current tables,
//! columns and types the plan drops or re-creates, and which members the cascade forces.

use super::forced::Forced;
use super::graph::{Node, Rank};
use super::mention::Words;
use super::policy::DiffPolicy;
use super::relation::find_column;
use super::res::{MemberKind, Res};
use super::{Change, CommentTarget};
use crate::schema::{QualifiedName, Realm};
use std::collections::{BTreeMap, BTreeSet};

/// Builds the nodes of one comparison under a given set of forced re-creations.
pub(crate) struct Emitter<'a> {
    pub from: &'a Realm,
    pub to: &'a Realm,
    pub forced: &'a Forced,
    /// The dialect's answers to what can change in place.
    pub dialect: &'a dyn DiffPolicy,
    pub nodes: Vec<Node>,
}

/// Keys of either map, sorted.
pub(crate) fn union<'k, V>(
    a: &'k BTreeMap<String, V>,
    b: &'k BTreeMap<String, V>,
) -> BTreeSet<&'k String> {
    a.keys().chain(b.keys()).collect()
}

impl Emitter<'_> {
    pub fn push(&mut self, node: Node) {
        self.nodes.push(node);
    }

    /// A comment change when the texts differ; `needs` is the object it is attached to.
    pub fn comment(
        &mut self,
        target: CommentTarget,
        from: Option<&String>,
        to: Option<&String>,
        needs: Res,
        sort_key: String,
    ) {
        if from == to {
            return;
        }
        let mut node = Node::new(
            Change::SetComment {
                target,
                from: from.cloned(),
                to: to.cloned(),
            },
            Rank::Comment,
            sort_key,
        );
        node.needs.push(needs);
        self.push(node);
    }

    pub fn is_forced(&self, on: &QualifiedName, kind: MemberKind, name: &str) -> bool {
        self.forced
            .members
            .contains(&(on.clone(), kind, name.to_string()))
    }

    /// Whether an existing table is dropped and created again.
    pub fn table_recreated(&self, name: &QualifiedName) -> bool {
        match (self.from.table(name), self.to.table(name)) {
            (Some(old), Some(new)) => {
                self.dialect.table_needs_recreate(old, new) || self.forced.tables.contains(name)
            }
            _ => false,
        }
    }

    /// Whether a current table stops existing at some point of the plan.
    pub fn table_gone(&self, name: &QualifiedName) -> bool {
        self.from.table(name).is_some()
            && (self.to.table(name).is_none() || self.table_recreated(name))
    }

    /// Whether a current column stops existing (dropped, its table dropped, or re-added).
    pub fn column_gone(&self, table: &QualifiedName, column: &str) -> bool {
        if self.table_gone(table) {
            return true;
        }
        let old = self.from.table(table).and_then(|t| find_column(t, column));
        let new = self.to.table(table).and_then(|t| find_column(t, column));
        match (old, new) {
            (Some(old), Some(new)) => self.dialect.column_needs_readd(old, new),
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// Whether a collation `COLLATE` text names is dropped and created again.
    pub fn collation_recreated(&self, text: &str) -> bool {
        let words = Words::of(self.dialect.flavor(), [text]);
        self.from.schemas.iter().any(|(schema, old)| {
            old.collations.iter().any(|(name, def)| {
                words.has_qualified(schema, name)
                    && self
                        .to
                        .schemas
                        .get(schema)
                        .and_then(|s| s.collations.get(name))
                        .is_some_and(|new| new != def)
            })
        })
    }

    /// A new type of the target state is re-created when the current one cannot be altered.
    pub fn type_recreated(&self, name: &QualifiedName) -> bool {
        let old = self
            .from
            .schemas
            .get(&name.schema)
            .and_then(|s| s.types.get(&name.name));
        let new = self
            .to
            .schemas
            .get(&name.schema)
            .and_then(|s| s.types.get(&name.name));
        match (old, new) {
            (Some(old), Some(new)) => {
                self.forced.types.contains(name) || self.dialect.type_needs_recreate(old, new)
            }
            _ => false,
        }
    }
}
