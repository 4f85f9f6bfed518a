//! Routines: created, dropped, replaced in place, or dropped and created again where the
//! dialect cannot replace them.

use super::emitter::{Emitter, union};
use super::graph::{Node, Rank};
use super::res::{Res, dep_res, qualified};
use super::{Change, CommentTarget};
use crate::schema::{Function, ObjectRef, RoutineKind, Schema};

impl Emitter<'_> {
    /// Whether a current routine is dropped and created again rather than replaced.
    fn function_recreated(&self, schema: &str, key: &str) -> bool {
        let old = self
            .from
            .schemas
            .get(schema)
            .and_then(|s| s.functions.get(key));
        let new = self
            .to
            .schemas
            .get(schema)
            .and_then(|s| s.functions.get(key));
        match (old, new) {
            (Some(a), Some(b)) => {
                self.dialect.routine_needs_recreate(a, b)
                    || self
                        .forced
                        .functions
                        .contains(&(schema.to_string(), key.to_string()))
            }
            _ => false,
        }
    }

    pub(crate) fn functions(&mut self, schema: &str, old: &Schema, new: &Schema) {
        for key in union(&old.functions, &new.functions) {
            let sort_key = format!("{schema}.{key}");
            let object = Res::Object(ObjectRef::Function {
                schema: schema.into(),
                signature: key.clone(),
            });
            let (old_fn, new_fn) = (old.functions.get(key), new.functions.get(key));
            let recreate = self.function_recreated(schema, key);
            if let Some(f) = old_fn.filter(|_| new_fn.is_none() || recreate) {
                let mut node = Node::new(
                    Change::DropFunction {
                        name: qualified(schema, &f.name),
                        function: without_comment_fn(f),
                    },
                    Rank::DropFunction,
                    sort_key.clone(),
                );
                node.kills.push(object.clone());
                node.releases.extend(f.depends_on.iter().map(dep_res));
                node.releases.push(Res::Schema(schema.into()));
                self.push(node);
            }
            if let Some(f) = new_fn.filter(|_| old_fn.is_none() || recreate) {
                let mut node = Node::new(
                    Change::CreateFunction {
                        name: qualified(schema, &f.name),
                        function: without_comment_fn(f),
                    },
                    Rank::CreateFunction,
                    sort_key.clone(),
                );
                node.makes.push(object.clone());
                node.needs.extend(f.depends_on.iter().map(dep_res));
                node.needs.push(Res::Schema(schema.into()));
                self.push(node);
            }
            if let (Some(a), Some(b)) = (old_fn, new_fn)
                && !recreate
                && a.definition != b.definition
            {
                let mut node = Node::new(
                    Change::ReplaceFunction {
                        name: qualified(schema, &b.name),
                        from: without_comment_fn(a),
                        to: without_comment_fn(b),
                    },
                    Rank::CreateFunction,
                    sort_key.clone(),
                );
                node.makes.push(object.clone());
                node.needs.extend(b.depends_on.iter().map(dep_res));
                node.releases.extend(a.depends_on.iter().map(dep_res));
                self.push(node);
            }
            if let Some(f) = new_fn {
                let before = old_fn
                    .filter(|_| !recreate)
                    .and_then(|f| f.comment.as_ref());
                self.comment(
                    CommentTarget::Function {
                        name: qualified(schema, &f.name),
                        arguments: f.identity_arguments.clone(),
                        procedure: f.kind == RoutineKind::Procedure,
                    },
                    before,
                    f.comment.as_ref(),
                    object,
                    sort_key,
                );
            }
        }
    }
}

fn without_comment_fn(f: &Function) -> Function {
    Function {
        comment: None,
        ..f.clone()
    }
}
