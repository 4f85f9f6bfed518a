//! Turns matched pairs of objects into graph nodes: the changes with what each makes, kills,
//! needs and releases, object kind by object kind (each in its own module).

use super::emitter::{Emitter, union};
use super::forced::Forced;
use super::graph::Node;
use super::policy::DiffPolicy;
use crate::schema::{Realm, Schema};
use std::collections::BTreeMap;

static EMPTY_SCHEMA: Schema = Schema {
    name: String::new(),
    comment: None,
    tables: BTreeMap::new(),
    views: BTreeMap::new(),
    types: BTreeMap::new(),
    sequences: BTreeMap::new(),
    functions: BTreeMap::new(),
    collations: BTreeMap::new(),
};

pub(crate) fn emit(
    from: &Realm,
    to: &Realm,
    forced: &Forced,
    policy: &dyn DiffPolicy,
) -> Vec<Node> {
    let mut emitter = Emitter {
        from,
        to,
        forced,
        dialect: policy,
        nodes: Vec::new(),
    };
    emitter.schemas();
    emitter.extensions();
    for schema in union(&from.schemas, &to.schemas) {
        let old = from.schemas.get(schema).unwrap_or(&EMPTY_SCHEMA);
        let new = to.schemas.get(schema).unwrap_or(&EMPTY_SCHEMA);
        emitter.collations(schema, old, new);
        emitter.types(schema, old, new);
        emitter.sequences(schema, old, new);
        emitter.functions(schema, old, new);
        emitter.tables(schema, old, new);
        emitter.views(schema, old, new);
    }
    emitter.nodes
}
