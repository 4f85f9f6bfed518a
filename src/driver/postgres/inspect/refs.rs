//! Maps catalog oids to [`ObjectRef`]s and turns catalog dependencies into `depends_on` sets.

use super::assemble::function_key;
use super::depends::{Dependency, Space};
use super::{collations, functions, relations, sequences, types};
use crate::schema::{ObjectRef, Realm};
use sqlx::postgres::types::Oid;
use std::collections::{BTreeSet, HashMap};

/// The model object behind each class, type and function oid in scope.
pub(super) struct ObjectRefs {
    classes: HashMap<Oid, ObjectRef>,
    types: HashMap<Oid, ObjectRef>,
    procs: HashMap<Oid, ObjectRef>,
    collations: HashMap<Oid, ObjectRef>,
}

impl ObjectRefs {
    pub fn new(
        relations: &[relations::RelationRow],
        types: &[types::TypeRow],
        sequences: &[sequences::SequenceRow],
        functions: &[functions::FunctionRow],
        collations: &[collations::CollationRow],
    ) -> Self {
        let mut refs = Self {
            classes: HashMap::new(),
            types: HashMap::new(),
            procs: HashMap::new(),
            collations: HashMap::new(),
        };
        for row in collations {
            refs.collations.insert(
                row.oid,
                ObjectRef::Collation {
                    schema: row.schema.clone(),
                    name: row.name.clone(),
                },
            );
        }
        for row in relations {
            let (schema, name) = (row.schema.clone(), row.name.clone());
            let object = match row.kind.as_str() {
                "r" | "p" => ObjectRef::Table { schema, name },
                _ => ObjectRef::View { schema, name },
            };
            // A column of a table's row type (or its array) needs that table.
            refs.types.insert(row.row_type, object.clone());
            refs.types.insert(row.row_array_type, object.clone());
            refs.classes.insert(row.oid, object);
        }
        for row in types {
            let object = ObjectRef::Type {
                schema: row.schema.clone(),
                name: row.name.clone(),
            };
            refs.types.insert(row.array_type, object.clone());
            if row.kind == "c" {
                refs.classes.insert(row.class, object.clone());
            }
            refs.types.insert(row.oid, object);
        }
        for row in sequences {
            // Identity sequences belong to their column and are created with it.
            if row.owner_kind.as_deref() != Some("i") {
                refs.classes.insert(
                    row.oid,
                    ObjectRef::Sequence {
                        schema: row.schema.clone(),
                        name: row.name.clone(),
                    },
                );
            }
        }
        for row in functions {
            refs.procs.insert(
                row.oid,
                ObjectRef::Function {
                    schema: row.schema.clone(),
                    signature: function_key(row),
                },
            );
        }
        refs.types.remove(&Oid(0));
        refs.classes.remove(&Oid(0));
        refs
    }

    fn resolve(&self, (space, oid): (Space, Oid)) -> Option<&ObjectRef> {
        match space {
            Space::Class => self.classes.get(&oid),
            Space::Type => self.types.get(&oid),
            Space::Proc => self.procs.get(&oid),
            Space::Collation => self.collations.get(&oid),
        }
    }

    /// Records each dependency between two objects in scope on the dependent object.
    pub fn add_dependencies(&self, realm: &mut Realm, dependencies: &[Dependency]) {
        for dependency in dependencies {
            let (Some(depender), Some(referenced)) = (
                self.resolve(dependency.depender),
                self.resolve(dependency.referenced),
            ) else {
                continue;
            };
            if depender == referenced {
                continue;
            }
            if let Some(set) = depends_on_mut(realm, depender) {
                set.insert(referenced.clone());
            }
        }
    }
}

fn depends_on_mut<'a>(
    realm: &'a mut Realm,
    object: &ObjectRef,
) -> Option<&'a mut BTreeSet<ObjectRef>> {
    match object {
        ObjectRef::Table { schema, name } => Some(
            &mut realm
                .schemas
                .get_mut(schema)?
                .tables
                .get_mut(name)?
                .depends_on,
        ),
        ObjectRef::View { schema, name } => Some(
            &mut realm
                .schemas
                .get_mut(schema)?
                .views
                .get_mut(name)?
                .depends_on,
        ),
        ObjectRef::Type { schema, name } => Some(
            &mut realm
                .schemas
                .get_mut(schema)?
                .types
                .get_mut(name)?
                .depends_on,
        ),
        ObjectRef::Function { schema, signature } => Some(
            &mut realm
                .schemas
                .get_mut(schema)?
                .functions
                .get_mut(signature)?
                .depends_on,
        ),
        _ => None,
    }
}
