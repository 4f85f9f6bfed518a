//! Indexes of a table or materialized view: created, dropped, and re-created when their
//! definition changes or the cascade forces it.

use super::emitter::Emitter;
use super::graph::{Node, Rank};
use super::res::{MemberKind, Res, qualified};
use super::uses::sorted;
use super::{Change, CommentTarget};
use crate::schema::{Index, QualifiedName};

impl Emitter<'_> {
    /// Index changes of a table or materialized view `on`.
    pub fn indexes(
        &mut self,
        on: &QualifiedName,
        on_res: Res,
        old: &[&Index],
        new: &[&Index],
        old_columns: &[String],
        new_columns: &[String],
    ) {
        for index in new {
            let before = old.iter().find(|o| o.name == index.name).copied();
            let changed = match before {
                Some(o) => {
                    o.definition != index.definition
                        || self.is_forced(on, MemberKind::Index, &index.name)
                }
                None => true,
            };
            if let Some(o) = before.filter(|_| changed) {
                self.push(drop_index(on, o, old_columns));
            }
            if changed {
                self.push(create_index(on, on_res.clone(), index, new_columns));
            }
            let name = qualified(&on.schema, &index.name);
            self.comment(
                CommentTarget::Index { name: name.clone() },
                before.filter(|_| !changed).and_then(|o| o.comment.as_ref()),
                index.comment.as_ref(),
                Res::RelationName(name.clone()),
                name.to_string(),
            );
        }
        for o in old {
            if !new.iter().any(|i| i.name == o.name) {
                self.push(drop_index(on, o, old_columns));
            }
        }
    }
}

/// An index's name, and its unique key when it is a plain unique index over columns.
pub(crate) fn index_makes(on: &QualifiedName, index: &Index, columns: &[String]) -> Vec<Res> {
    let mut out = vec![Res::RelationName(qualified(&on.schema, &index.name))];
    let keys = index
        .plain_columns()
        .filter(|keys| !keys.is_empty() && keys.iter().all(|k| columns.iter().any(|c| c == k)));
    if let (Some(keys), true) = (keys, index.unique && index.predicate.is_none()) {
        let keys: Vec<String> = keys.into_iter().map(String::from).collect();
        out.push(Res::Key(on.clone(), sorted(&keys)));
    }
    out
}

fn create_index(on: &QualifiedName, on_res: Res, index: &Index, columns: &[String]) -> Node {
    let mut node = Node::new(
        Change::CreateIndex {
            on: on.clone(),
            index: Index {
                comment: None,
                ..index.clone()
            },
        },
        Rank::CreateIndex,
        format!("{}.{}", on.schema, index.name),
    );
    node.makes.extend(index_makes(on, index, columns));
    node.needs.push(on_res);
    node.new_texts.push(index.definition.clone());
    node.scope.push(on.clone());
    node
}

fn drop_index(on: &QualifiedName, index: &Index, columns: &[String]) -> Node {
    let mut node = Node::new(
        Change::DropIndex {
            on: on.clone(),
            index: Index {
                comment: None,
                ..index.clone()
            },
        },
        Rank::DropIndex,
        format!("{}.{}", on.schema, index.name),
    );
    node.kills.extend(index_makes(on, index, columns));
    node.old_texts.push(index.definition.clone());
    node.scope.push(on.clone());
    node
}
