//! Sequences: created bare (ownership follows once the owning column exists), dropped unless
//! their owner takes them along, altered, commented.

use super::emitter::{Emitter, union};
use super::graph::{Node, Rank};
use super::res::{Res, qualified, table_res};
use super::{Change, CommentTarget};
use crate::schema::{ObjectRef, Schema, Sequence};

impl Emitter<'_> {
    /// Whether dropping the owning column or table of a current sequence takes it along.
    fn sequence_dropped_with_owner(&self, sequence: &Sequence) -> bool {
        sequence
            .owned_by
            .as_ref()
            .is_some_and(|owner| self.column_gone(&owner.table, &owner.column))
    }

    pub(crate) fn sequences(&mut self, schema: &str, old: &Schema, new: &Schema) {
        for name in union(&old.sequences, &new.sequences) {
            let qn = qualified(schema, name);
            let key = qn.to_string();
            let object = Res::Object(ObjectRef::Sequence {
                schema: schema.into(),
                name: name.clone(),
            });
            let (old_seq, new_seq) = (old.sequences.get(name), new.sequences.get(name));
            let implicitly_dropped = old_seq.is_some_and(|s| self.sequence_dropped_with_owner(s));
            if let Some(seq) = old_seq.filter(|_| new_seq.is_none() && !implicitly_dropped) {
                let mut node = Node::new(
                    Change::DropSequence {
                        name: qn.clone(),
                        sequence: bare_sequence(seq),
                    },
                    Rank::DropSequence,
                    key.clone(),
                );
                node.kills
                    .extend([object.clone(), Res::RelationName(qn.clone())]);
                node.releases.push(Res::Schema(schema.into()));
                self.push(node);
            }
            let created = new_seq.filter(|_| old_seq.is_none() || implicitly_dropped);
            if let Some(seq) = created {
                let mut node = Node::new(
                    Change::CreateSequence {
                        name: qn.clone(),
                        sequence: bare_sequence(seq),
                    },
                    Rank::CreateSequence,
                    key.clone(),
                );
                node.makes
                    .extend([object.clone(), Res::RelationName(qn.clone())]);
                node.needs.push(Res::Schema(schema.into()));
                self.push(node);
            }
            let before = match (old_seq, created) {
                (_, Some(seq)) => Some(bare_sequence(seq)),
                (Some(seq), None) => Some(without_sequence_comment(seq)),
                (None, None) => None,
            };
            if let (Some(before), Some(after)) = (before, new_seq.map(without_sequence_comment))
                && before != after
            {
                let rank = if before.options == after.options {
                    Rank::SequenceOwner
                } else {
                    Rank::CreateSequence
                };
                let mut node = Node::new(
                    Change::AlterSequence {
                        name: qn.clone(),
                        from: before.clone(),
                        to: after.clone(),
                    },
                    rank,
                    key.clone(),
                );
                node.needs.push(object.clone());
                if let Some(owner) = &after.owned_by {
                    node.needs.push(table_res(&owner.table));
                    node.needs
                        .push(Res::Column(owner.table.clone(), owner.column.clone()));
                }
                if let Some(owner) = &before.owned_by {
                    node.releases
                        .push(Res::Column(owner.table.clone(), owner.column.clone()));
                }
                self.push(node);
            }
            if let Some(seq) = new_seq {
                let before = old_seq
                    .filter(|_| created.is_none())
                    .and_then(|s| s.comment.as_ref());
                self.comment(
                    CommentTarget::Sequence { name: qn.clone() },
                    before,
                    seq.comment.as_ref(),
                    object,
                    key,
                );
            }
        }
    }
}

fn without_sequence_comment(seq: &Sequence) -> Sequence {
    Sequence {
        comment: None,
        ..seq.clone()
    }
}

/// A sequence as `CreateSequence` carries it: ownership is set by a later `AlterSequence`,
/// once the owning table exists.
fn bare_sequence(seq: &Sequence) -> Sequence {
    Sequence {
        owned_by: None,
        comment: None,
        ..seq.clone()
    }
}
