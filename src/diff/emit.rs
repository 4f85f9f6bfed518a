//! Turns matched pairs of objects into graph nodes: the changes with what each makes, kills,
//! needs and releases. Schemas, extensions, types, sequences and routines live here; tables
//! and views have their own modules.

use super::cascade::Forced;
use super::graph::{Node, Rank, Res};
use super::{Change, CommentTarget};
use crate::schema::{
    DataType, ObjectRef, QualifiedName, Realm, RoutineKind, Schema, Sequence, TypeDef, TypeKind,
};
use std::collections::{BTreeMap, BTreeSet};

static EMPTY_SCHEMA: Schema = Schema {
    name: String::new(),
    comment: None,
    tables: BTreeMap::new(),
    views: BTreeMap::new(),
    types: BTreeMap::new(),
    sequences: BTreeMap::new(),
    functions: BTreeMap::new(),
};

/// Builds the nodes of one comparison under a given set of forced re-creations.
pub(crate) struct Emitter<'a> {
    pub from: &'a Realm,
    pub to: &'a Realm,
    pub forced: &'a Forced,
    pub nodes: Vec<Node>,
}

pub(crate) fn emit(from: &Realm, to: &Realm, forced: &Forced) -> Vec<Node> {
    let mut emitter = Emitter {
        from,
        to,
        forced,
        nodes: Vec::new(),
    };
    emitter.schemas();
    emitter.extensions();
    for schema in union(&from.schemas, &to.schemas) {
        let old = from.schemas.get(schema).unwrap_or(&EMPTY_SCHEMA);
        let new = to.schemas.get(schema).unwrap_or(&EMPTY_SCHEMA);
        emitter.types(schema, old, new);
        emitter.sequences(schema, old, new);
        emitter.functions(schema, old, new);
        emitter.tables(schema, old, new);
        emitter.views(schema, old, new);
    }
    emitter.nodes
}

/// Keys of either map, sorted.
pub(crate) fn union<'k, V>(
    a: &'k BTreeMap<String, V>,
    b: &'k BTreeMap<String, V>,
) -> BTreeSet<&'k String> {
    a.keys().chain(b.keys()).collect()
}

pub(crate) fn dep_res(dep: &ObjectRef) -> Res {
    match dep {
        ObjectRef::Schema { name } => Res::Schema(name.clone()),
        ObjectRef::Extension { name } => Res::Extension(name.clone()),
        other => Res::Object(other.clone()),
    }
}

pub(crate) fn type_ref(schema: &str, name: &str) -> ObjectRef {
    ObjectRef::Type {
        schema: schema.into(),
        name: name.into(),
    }
}

/// The user-defined type a column or attribute type names, if any.
pub(crate) fn data_type_res(data_type: &DataType) -> Option<Res> {
    data_type
        .schema
        .as_ref()
        .map(|schema| Res::Object(type_ref(schema, &data_type.base)))
}

pub(crate) fn qualified(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(schema, name)
}

/// Whether `old` lists every label of `new`'s prefix order, i.e. only values were added.
pub(crate) fn labels_only_added(old: &[String], new: &[String]) -> bool {
    let mut remaining = new.iter();
    old.iter().all(|label| remaining.any(|n| n == label))
}

/// Whether a type cannot be brought from `old` to `new` in place.
pub(crate) fn type_needs_recreate(old: &TypeDef, new: &TypeDef) -> bool {
    match (&old.kind, &new.kind) {
        (TypeKind::Enum { labels: a }, TypeKind::Enum { labels: b }) => !labels_only_added(a, b),
        (
            TypeKind::Domain {
                base: a,
                collation: ca,
                ..
            },
            TypeKind::Domain {
                base: b,
                collation: cb,
                ..
            },
        ) => a != b || ca != cb,
        (TypeKind::Composite { .. }, TypeKind::Composite { .. }) => false,
        (TypeKind::Range { .. }, TypeKind::Range { .. }) => old.kind != new.kind,
        _ => true,
    }
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
                self.forced.types.contains(name) || type_needs_recreate(old, new)
            }
            _ => false,
        }
    }

    fn schemas(&mut self) {
        for name in union(&self.from.schemas, &self.to.schemas) {
            let old = self.from.schemas.get(name);
            let new = self.to.schemas.get(name);
            match (old, new) {
                (None, Some(_)) => {
                    let mut node = Node::new(
                        Change::CreateSchema { name: name.clone() },
                        Rank::CreateSchema,
                        name.clone(),
                    );
                    node.makes.push(Res::Schema(name.clone()));
                    self.push(node);
                }
                (Some(_), None) => {
                    let mut node = Node::new(
                        Change::DropSchema { name: name.clone() },
                        Rank::DropSchema,
                        name.clone(),
                    );
                    node.kills.push(Res::Schema(name.clone()));
                    self.push(node);
                }
                _ => {}
            }
            self.comment(
                CommentTarget::Schema { name: name.clone() },
                old.and_then(|s| s.comment.as_ref()),
                new.and_then(|s| s.comment.as_ref()),
                Res::Schema(name.clone()),
                name.clone(),
            );
        }
    }

    fn extensions(&mut self) {
        for name in union(&self.from.extensions, &self.to.extensions) {
            let old = self.from.extensions.get(name);
            let new = self.to.extensions.get(name);
            let moved = matches!((old, new), (Some(a), Some(b)) if a.schema != b.schema);
            if let Some(old) = old.filter(|_| new.is_none() || moved) {
                let mut node = Node::new(
                    Change::DropExtension {
                        extension: old.clone(),
                    },
                    Rank::DropExtension,
                    name.clone(),
                );
                node.kills.push(Res::Extension(name.clone()));
                node.releases.push(Res::Schema(old.schema.clone()));
                self.push(node);
            }
            if let Some(new) = new.filter(|_| old.is_none() || moved) {
                let mut node = Node::new(
                    Change::CreateExtension {
                        extension: new.clone(),
                    },
                    Rank::CreateExtension,
                    name.clone(),
                );
                node.makes.push(Res::Extension(name.clone()));
                node.needs.push(Res::Schema(new.schema.clone()));
                self.push(node);
            }
        }
    }

    fn types(&mut self, schema: &str, old: &Schema, new: &Schema) {
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

    /// Whether dropping the owning column or table of a current sequence takes it along.
    pub fn sequence_dropped_with_owner(&self, sequence: &Sequence) -> bool {
        sequence
            .owned_by
            .as_ref()
            .is_some_and(|owner| self.column_gone(&owner.table, &owner.column))
    }

    fn sequences(&mut self, schema: &str, old: &Schema, new: &Schema) {
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

    /// Whether a current routine is dropped and created again rather than replaced.
    pub fn function_recreated(&self, schema: &str, key: &str) -> bool {
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
                a.kind != b.kind
                    || a.returns != b.returns
                    || self
                        .forced
                        .functions
                        .contains(&(schema.to_string(), key.to_string()))
            }
            _ => false,
        }
    }

    fn functions(&mut self, schema: &str, old: &Schema, new: &Schema) {
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

pub(crate) fn table_res(name: &QualifiedName) -> Res {
    Res::Object(ObjectRef::Table {
        schema: name.schema.clone(),
        name: name.name.clone(),
    })
}

pub(crate) fn view_res(name: &QualifiedName) -> Res {
    Res::Object(ObjectRef::View {
        schema: name.schema.clone(),
        name: name.name.clone(),
    })
}

fn without_type_comment(def: &TypeDef) -> TypeDef {
    TypeDef {
        comment: None,
        ..def.clone()
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

fn without_comment_fn(f: &crate::schema::Function) -> crate::schema::Function {
    crate::schema::Function {
        comment: None,
        ..f.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn enum_labels_inserted_anywhere_count_as_added() {
        assert!(labels_only_added(
            &labels(&["a", "c"]),
            &labels(&["a", "b", "c", "d"])
        ));
    }

    #[test]
    fn enum_labels_removed_or_reordered_are_not_additions() {
        assert!(!labels_only_added(&labels(&["a", "b"]), &labels(&["a"])));
        assert!(!labels_only_added(
            &labels(&["a", "b"]),
            &labels(&["b", "a"])
        ));
    }
}
