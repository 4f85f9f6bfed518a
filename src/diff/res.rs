//! Resources: the things a change brings into or out of existence or relies on, by which the
//! ordering graph links changes, and the names of model objects as resources.

use crate::schema::{DataType, ObjectRef, QualifiedName};

/// Something a change can bring into or out of existence, or rely on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Res {
    Schema(String),
    Extension(String),
    Object(ObjectRef),
    Column(QualifiedName, String),
    /// A unique key (primary key, unique constraint, unique index) over these sorted columns.
    Key(QualifiedName, Vec<String>),
    /// A name in a schema's shared relation namespace (tables, views, sequences, indexes).
    RelationName(QualifiedName),
    /// A constraint, trigger or policy name on its table.
    Member(QualifiedName, MemberKind, String),
    /// The parked state of a column whose type or default waits for a re-created object.
    Parked(QualifiedName, String),
    /// A table under the new name a rename gives it.
    RenamedTable(QualifiedName),
    /// A sequence or index under the new name a rename gives it.
    Renamed(QualifiedName),
    /// A column under the new name a rename gives it.
    RenamedColumn(QualifiedName, String),
    /// A constraint under the new name a rename gives it.
    RenamedMember(QualifiedName, String),
    /// A child's copies of what it had from a parent, its own once it stops inheriting
    /// (child, parent).
    Detached(QualifiedName, QualifiedName),
    /// A column dropped from a parent: the copies its children keep are their own from then.
    ParentColumnGone(QualifiedName, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum MemberKind {
    Constraint,
    Index,
    Trigger,
    Policy,
}

pub(crate) fn qualified(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(schema, name)
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

pub(crate) fn collation_ref(schema: &str, name: &str) -> ObjectRef {
    ObjectRef::Collation {
        schema: schema.into(),
        name: name.into(),
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

pub(crate) fn member(on: &QualifiedName, kind: MemberKind, name: &str) -> Res {
    Res::Member(on.clone(), kind, name.to_string())
}
