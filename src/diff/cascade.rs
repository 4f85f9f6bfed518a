//! Knock-on re-creations: objects that do not change themselves but use something the plan
//! drops or rewrites (a view over a retyped column, a trigger on a re-created routine, a
//! foreign key into a re-created primary key, a column of a re-created enum type) and which
//! the database would refuse to keep. They are dropped and created again around the change, and
//! such columns are parked (default dropped, given the dialect's parked type) while the type is
//! replaced.

use super::forced::Forced;
use super::graph::Node;
use super::mention::{Candidates, Words, spelled_name};
use super::policy::DiffPolicy;
use super::relation::{common_parents, find_column};
use super::res::{
    MemberKind, Res, data_type_res, dep_res, member, qualified, table_res, type_ref, view_res,
};
use super::uses::{constraint_uses, policy_texts, trigger_functions, view_scope};
use crate::schema::{Column, ConstraintKind, ObjectRef, QualifiedName, Realm, Table, View};
use crate::sql::Flavor;
use std::collections::BTreeSet;

/// `forced` plus every surviving object of `from` that uses something the nodes kill.
pub(crate) fn widen(
    from: &Realm,
    to: &Realm,
    forced: &Forced,
    nodes: &[Node],
    policy: &dyn DiffPolicy,
) -> Forced {
    let killed: BTreeSet<&Res> = nodes.iter().flat_map(|n| n.kills.iter()).collect();
    let scan = Scan {
        candidates: Candidates::new(policy.flavor(), killed.iter().copied()),
        killed,
        dialect: policy,
    };
    let mut out = forced.clone();
    for (schema_name, schema) in &from.schemas {
        let Some(target) = to.schemas.get(schema_name) else {
            continue;
        };
        for (name, view) in &schema.views {
            let qn = qualified(schema_name, name);
            if !target.views.contains_key(name) || scan.kills(&view_res(&qn)) {
                continue;
            }
            if scan.view_broken(view) {
                out.views.insert(qn.clone());
                continue;
            }
            scan.relation_members(&qn, &view.indexes, &view.triggers, from, &mut out);
        }
        for (key, function) in &schema.functions {
            let object = Res::Object(ObjectRef::Function {
                schema: schema_name.clone(),
                signature: key.clone(),
            });
            if target.functions.contains_key(key)
                && !scan.kills(&object)
                && scan.uses_killed(function.depends_on.iter().map(dep_res))
            {
                out.functions.insert((schema_name.clone(), key.clone()));
            }
        }
        for (name, def) in &schema.types {
            let object = Res::Object(type_ref(schema_name, name));
            if target.types.contains_key(name)
                && !scan.kills(&object)
                && scan.uses_killed(def.depends_on.iter().map(dep_res))
            {
                out.types.insert(qualified(schema_name, name));
            }
        }
        for (name, table) in &schema.tables {
            let qn = qualified(schema_name, name);
            let Some(new_table) = target.tables.get(name) else {
                continue;
            };
            if scan.kills(&table_res(&qn)) {
                continue;
            }
            if scan.uses_killed(common_parents(table, new_table).iter().map(table_res)) {
                out.tables.insert(qn);
                continue;
            }
            scan.table_members(&qn, table, from, &mut out);
            scan.columns(&qn, table, new_table, &mut out);
        }
    }
    out
}

struct Scan<'a> {
    killed: BTreeSet<&'a Res>,
    candidates: Candidates<'a>,
    dialect: &'a dyn DiffPolicy,
}

impl Scan<'_> {
    fn kills(&self, res: &Res) -> bool {
        self.killed.contains(res)
    }

    fn uses_killed(&self, uses: impl IntoIterator<Item = Res>) -> bool {
        uses.into_iter().any(|r| self.killed.contains(&r))
    }

    fn mentions_killed(&self, texts: Vec<String>, scope: &[QualifiedName]) -> bool {
        !self.candidates.mentioned(&texts, scope).is_empty()
    }

    fn view_broken(&self, view: &View) -> bool {
        let uses = view.depends_on.iter().map(dep_res).chain(
            view.columns
                .iter()
                .filter_map(|c| data_type_res(&c.data_type)),
        );
        self.uses_killed(uses)
            || self.mentions_killed(vec![view.definition.clone()], &view_scope(view))
    }

    fn table_members(&self, qn: &QualifiedName, table: &Table, from: &Realm, out: &mut Forced) {
        for c in &table.constraints {
            if self.kills(&member(qn, MemberKind::Constraint, &c.name)) {
                continue;
            }
            let uses = if c.kind == ConstraintKind::ForeignKey {
                constraint_uses(qn, c)
            } else {
                Vec::new()
            };
            if self.uses_killed(uses) || self.mentions_killed(vec![c.definition.clone()], &[]) {
                out.members
                    .insert((qn.clone(), MemberKind::Constraint, c.name.clone()));
            }
        }
        for p in &table.policies {
            let gone = self.kills(&member(qn, MemberKind::Policy, &p.name));
            if !gone && self.mentions_killed(policy_texts(p), std::slice::from_ref(qn)) {
                out.members
                    .insert((qn.clone(), MemberKind::Policy, p.name.clone()));
            }
        }
        self.relation_members(qn, &table.indexes, &table.triggers, from, out);
    }

    fn relation_members(
        &self,
        qn: &QualifiedName,
        indexes: &[crate::schema::Index],
        triggers: &[crate::schema::Trigger],
        from: &Realm,
        out: &mut Forced,
    ) {
        for index in indexes {
            let name = Res::RelationName(qualified(&qn.schema, &index.name));
            if !self.kills(&name) && self.mentions_killed(vec![index.definition.clone()], &[]) {
                out.members
                    .insert((qn.clone(), MemberKind::Index, index.name.clone()));
            }
        }
        for trigger in triggers {
            if self.kills(&member(qn, MemberKind::Trigger, &trigger.name)) {
                continue;
            }
            let broken = self.uses_killed(trigger_functions(from, trigger))
                || self.mentions_killed(vec![trigger.definition.clone()], std::slice::from_ref(qn));
            if broken {
                out.members
                    .insert((qn.clone(), MemberKind::Trigger, trigger.name.clone()));
            }
        }
    }

    /// Columns that keep using a type, routine or sequence being re-created must let go of it
    /// for a while.
    fn columns(&self, qn: &QualifiedName, old: &Table, new: &Table, out: &mut Forced) {
        for column in &old.columns {
            let Some(target) = find_column(new, &column.name) else {
                continue;
            };
            // A column dropped and added again lets go of what it uses anyway: nothing to park.
            if self.dialect.column_needs_readd(column, target) {
                continue;
            }
            let mut used: Vec<Res> = data_type_res(&column.data_type)
                .filter(|r| self.kills(r))
                .into_iter()
                .collect();
            used.extend(self.candidates.mentioned(&column_texts(column), &[]));
            let flavor = self.dialect.flavor();
            let still_used = used.iter().any(|r| column_uses(flavor, target, r));
            if still_used {
                out.parked.insert((qn.clone(), column.name.clone()));
            }
        }
    }
}

fn column_texts(column: &Column) -> Vec<String> {
    column
        .default
        .iter()
        .chain(column.collation.iter())
        .cloned()
        .collect()
}

/// Whether the target column's type or default uses the object.
fn column_uses(flavor: &Flavor, column: &Column, res: &Res) -> bool {
    if data_type_res(&column.data_type).as_ref() == Some(res) {
        return true;
    }
    let Res::Object(object) = res else {
        return false;
    };
    let Some((schema, name)) = spelled_name(object) else {
        return false;
    };
    let texts = column.default.iter().chain(column.collation.iter());
    Words::of(flavor, texts.map(String::as_str)).has_qualified(schema, name)
}
