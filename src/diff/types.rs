//! User-defined types: created, dropped, altered in place where the dialect allows it, and
//! re-created (with whatever uses them) where it does not.

use super::emitter::{Emitter, union};
use super::graph::{Node, Rank};
use super::res::{Res, dep_res, qualified, type_ref};
use super::{Change, CommentTarget};
use crate::schema::{Schema, TypeDef, TypeKind};

impl Emitter<'_> {
    pub(crate) fn types(&mut self, schema: &str, old: &Schema, new: &Schema) {
        for name in union(&old.types, &new.types) {
            let qn = qualified(schema, name);
            let key = qn.to_string();
            let object = Res::Object(type_ref(schema, name));
            let (old_def, new_def) = (old.types.get(name), new.types.get(name));
            let recreate = self.type_recreated(&qn);
            if let Some(def) = old_def.filter(|_| new_def.is_none() || recreate) {
                let mut node = Node::new(
                    Change::DropType {
                        name: qn.clone(),
                        def: without_type_comment(def),
                    },
                    Rank::DropType,
                    key.clone(),
                );
                node.kills
                    .extend([object.clone(), Res::RelationName(qn.clone())]);
                node.releases.extend(def.depends_on.iter().map(dep_res));
                node.releases.push(Res::Schema(schema.into()));
                self.push(node);
            }
            if let Some(def) = new_def.filter(|_| old_def.is_none() || recreate) {
                let mut node = Node::new(
                    Change::CreateType {
                        name: qn.clone(),
                        def: without_type_comment(def),
                    },
                    Rank::CreateType,
                    key.clone(),
                );
                node.makes
                    .extend([object.clone(), Res::RelationName(qn.clone())]);
                node.needs.extend(def.depends_on.iter().map(dep_res));
                node.needs.push(Res::Schema(schema.into()));
                self.push(node);
            }
            if let (Some(a), Some(b)) = (old_def, new_def)
                && !recreate
                && a.kind != b.kind
            {
                let mut node = Node::new(
                    Change::AlterType {
                        name: qn.clone(),
                        from: without_type_comment(a),
                        to: without_type_comment(b),
                    },
                    Rank::CreateType,
                    key.clone(),
                );
                node.makes.push(object.clone());
                node.needs.extend(b.depends_on.iter().map(dep_res));
                node.releases.extend(a.depends_on.iter().map(dep_res));
                self.push(node);
            }
            if let Some(def) = new_def {
                let target = match def.kind {
                    TypeKind::Domain { .. } => CommentTarget::Domain { name: qn.clone() },
                    _ => CommentTarget::Type { name: qn.clone() },
                };
                let before = old_def
                    .filter(|_| !recreate)
                    .and_then(|d| d.comment.as_ref());
                self.comment(target, before, def.comment.as_ref(), object, key);
            }
        }
    }
}

fn without_type_comment(def: &TypeDef) -> TypeDef {
    TypeDef {
        comment: None,
        ..def.clone()
    }
}
