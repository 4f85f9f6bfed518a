//! Renames that follow from a hinted one: constraints, indexes and serial sequences of a renamed
//! table (or of a table with a renamed column) that the target state has under another name but
//! otherwise the same, such as `users_pkey` becoming `accounts_pkey`.

use super::apply::{Renames, relation_names, rename_index_in_definition};
use crate::diff::policy::DiffPolicy;
use crate::schema::{Index, QualifiedName, Realm, Sequence, Table};
use std::collections::BTreeSet;

/// Member renames of `tables` (new names) between `renamed` (the current state with the hinted
/// renames applied) and `to`. A pair is renamed only when it is the one match on both sides
/// and the new name is free.
pub(crate) fn derive(
    renamed: &Realm,
    to: &Realm,
    tables: &BTreeSet<QualifiedName>,
    policy: &dyn DiffPolicy,
) -> Renames {
    let mut out = Renames::default();
    for qn in tables {
        let (Some(old), Some(new)) = (renamed.table(qn), to.table(qn)) else {
            continue;
        };
        let taken = renamed
            .schemas
            .get(&qn.schema)
            .map(relation_names)
            .unwrap_or_default();
        constraints(qn, old, new, &taken, &mut out);
        indexes(qn, old, new, &taken, &mut out, policy);
        sequences(qn, renamed, to, &taken, &mut out);
    }
    out
}

/// Pairs `a` items with `b` items that are alike, where each has exactly one match.
fn unique_pairs<'x, T>(
    a: &[&'x T],
    b: &[&'x T],
    alike: impl Fn(&T, &T) -> bool,
) -> Vec<(&'x T, &'x T)> {
    let mut out = Vec::new();
    for x in a {
        let matches: Vec<&&T> = b.iter().filter(|y| alike(x, y)).collect();
        if let [y] = matches.as_slice()
            && a.iter().filter(|x2| alike(x2, y)).count() == 1
        {
            out.push((*x, **y));
        }
    }
    out
}

fn constraints(
    qn: &QualifiedName,
    old: &Table,
    new: &Table,
    taken: &BTreeSet<String>,
    out: &mut Renames,
) {
    let gone: Vec<_> = old
        .constraints
        .iter()
        .filter(|c| !new.constraints.iter().any(|n| n.name == c.name))
        .collect();
    let added: Vec<_> = new
        .constraints
        .iter()
        .filter(|c| !old.constraints.iter().any(|o| o.name == c.name))
        .collect();
    for (a, b) in unique_pairs(&gone, &added, |a, b| {
        a.kind == b.kind && a.definition == b.definition
    }) {
        if !taken.contains(&b.name) {
            out.constraints
                .push((qn.clone(), a.name.clone(), b.name.clone()));
        }
    }
}

fn index_shape(index: &Index, policy: &dyn DiffPolicy) -> Index {
    Index {
        name: String::new(),
        definition: rename_index_in_definition(&index.definition, &index.name, "_", policy),
        comment: None,
        ..index.clone()
    }
}

fn indexes(
    qn: &QualifiedName,
    old: &Table,
    new: &Table,
    taken: &BTreeSet<String>,
    out: &mut Renames,
    policy: &dyn DiffPolicy,
) {
    let gone: Vec<_> = old
        .indexes
        .iter()
        .filter(|i| !new.indexes.iter().any(|n| n.name == i.name))
        .collect();
    let added: Vec<_> = new
        .indexes
        .iter()
        .filter(|i| !old.indexes.iter().any(|o| o.name == i.name))
        .collect();
    for (a, b) in unique_pairs(&gone, &added, |a, b| {
        index_shape(a, policy) == index_shape(b, policy)
    }) {
        if !taken.contains(&b.name) {
            out.indexes
                .push((qn.clone(), a.name.clone(), b.name.clone()));
        }
    }
}

fn owned_by_table<'r>(realm: &'r Realm, qn: &QualifiedName) -> Vec<&'r Sequence> {
    realm
        .schemas
        .get(&qn.schema)
        .map(|s| {
            s.sequences
                .values()
                .filter(|seq| seq.owned_by.as_ref().is_some_and(|o| &o.table == qn))
                .collect()
        })
        .unwrap_or_default()
}

fn sequences(
    qn: &QualifiedName,
    renamed: &Realm,
    to: &Realm,
    taken: &BTreeSet<String>,
    out: &mut Renames,
) {
    let (old, new) = (owned_by_table(renamed, qn), owned_by_table(to, qn));
    let gone: Vec<_> = old
        .iter()
        .copied()
        .filter(|s| !new.iter().any(|n| n.name == s.name))
        .collect();
    let added: Vec<_> = new
        .iter()
        .copied()
        .filter(|s| !old.iter().any(|o| o.name == s.name))
        .collect();
    for (a, b) in unique_pairs(&gone, &added, |a, b| {
        a.owned_by == b.owned_by && a.options == b.options
    }) {
        if !taken.contains(&b.name) {
            out.sequences.push((
                QualifiedName::new(qn.schema.clone(), a.name.clone()),
                QualifiedName::new(qn.schema.clone(), b.name.clone()),
            ));
        }
    }
}
