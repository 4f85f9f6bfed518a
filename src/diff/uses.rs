//! What an object relies on, as resources and texts: the emitters turn it into needs and
//! releases, the cascade into what breaks when those go.

use super::res::{Res, table_res};
use crate::schema::{Constraint, ObjectRef, Policy, QualifiedName, Realm, Trigger, View};

/// What a constraint relies on: its columns and, for a foreign key, the referenced key.
pub(crate) fn constraint_uses(table: &QualifiedName, c: &Constraint) -> Vec<Res> {
    let mut out: Vec<Res> = c
        .columns
        .iter()
        .map(|col| Res::Column(table.clone(), col.clone()))
        .collect();
    out.push(table_res(table));
    if let Some(target) = &c.references {
        out.push(table_res(target));
        out.push(Res::Key(target.clone(), sorted(&c.referenced_columns)));
        out.extend(
            c.referenced_columns
                .iter()
                .map(|col| Res::Column(target.clone(), col.clone())),
        );
    }
    out
}

/// Column names in the order a unique key resource lists them.
pub(crate) fn sorted(columns: &[String]) -> Vec<String> {
    let mut out = columns.to_vec();
    out.sort();
    out
}

/// Every routine a trigger could be calling: the overloads of its function's name.
pub(crate) fn trigger_functions(realm: &Realm, trigger: &Trigger) -> Vec<Res> {
    let prefix = format!("{}(", trigger.function.name);
    realm
        .schemas
        .get(&trigger.function.schema)
        .map(|s| {
            s.functions
                .keys()
                .filter(|k| k.starts_with(&prefix))
                .map(|k| {
                    Res::Object(ObjectRef::Function {
                        schema: trigger.function.schema.clone(),
                        signature: k.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The expressions of a policy.
pub(crate) fn policy_texts(policy: &Policy) -> Vec<String> {
    policy
        .using
        .iter()
        .chain(policy.with_check.iter())
        .cloned()
        .collect()
}

/// Relations a view reads, whose column names its definition may mention.
pub(crate) fn view_scope(view: &View) -> Vec<QualifiedName> {
    view.depends_on
        .iter()
        .filter_map(|d| match d {
            ObjectRef::Table { schema, name } | ObjectRef::View { schema, name } => {
                Some(QualifiedName::new(schema.clone(), name.clone()))
            }
            _ => None,
        })
        .collect()
}
