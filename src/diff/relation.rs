//! Facts about tables that the emitters and the cascade share: columns by name, and the
//! parents of partitions and child tables with what those inherit from them.

use crate::schema::{
    Column, Constraint, ConstraintKind, Index, QualifiedName, Realm, Table, Trigger,
};

pub(crate) fn find_column<'t>(table: &'t Table, name: &str) -> Option<&'t Column> {
    table.columns.iter().find(|c| c.name == name)
}

pub(crate) fn column_names(table: &Table) -> Vec<String> {
    table.columns.iter().map(|c| c.name.clone()).collect()
}

/// Whether two columns are the same apart from their comments.
pub(crate) fn same_column(a: &Column, b: &Column) -> bool {
    Column {
        comment: None,
        ..a.clone()
    } == Column {
        comment: None,
        ..b.clone()
    }
}

/// The partition parent and inheritance parents of a table.
pub(crate) fn parent_names(table: &Table) -> Vec<QualifiedName> {
    table
        .partition_of
        .iter()
        .map(|p| p.parent.clone())
        .chain(table.inherits.iter().cloned())
        .collect()
}

/// The parents a table has in both states: what it inherits all along, while a parent it gains
/// or loses gives it nothing the comparison can leave to that parent.
pub(crate) fn common_parents(old: &Table, new: &Table) -> Vec<QualifiedName> {
    let new_parents = parent_names(new);
    parent_names(old)
        .into_iter()
        .filter(|p| new_parents.contains(p))
        .collect()
}

fn parents<'r>(realm: &'r Realm, table: &Table) -> Vec<&'r Table> {
    parents_among(realm, &parent_names(table))
}

fn parents_among<'r>(realm: &'r Realm, names: &[QualifiedName]) -> Vec<&'r Table> {
    names.iter().filter_map(|p| realm.table(p)).collect()
}

/// A column the table has only because its parent has it, exactly as the parent has it.
pub(crate) fn column_follows_parent(realm: &Realm, table: &Table, column: &Column) -> bool {
    followed_parent(realm, &parent_names(table), column).is_some()
}

/// The first of `parents` that has `column` exactly as the table has it.
pub(crate) fn followed_parent(
    realm: &Realm,
    parents: &[QualifiedName],
    column: &Column,
) -> Option<QualifiedName> {
    parents.iter().find_map(|name| {
        let parent = realm.table(name)?;
        find_column(parent, &column.name)
            .filter(|pc| same_column(pc, column))
            .map(|_| name.clone())
    })
}

/// A constraint a partition or child received from its parent (dropping or adding it on the
/// child is both needless and refused).
pub(crate) fn constraint_inherited(realm: &Realm, table: &Table, c: &Constraint) -> bool {
    constraint_inherited_from(realm, &parent_names(table), table, c)
}

/// [`constraint_inherited`] from one of `parents` only.
pub(crate) fn constraint_inherited_from(
    realm: &Realm,
    parents: &[QualifiedName],
    table: &Table,
    c: &Constraint,
) -> bool {
    let applies = table.partition_of.is_some() || c.kind == ConstraintKind::Check;
    applies
        && parents_among(realm, parents).iter().any(|p| {
            p.constraints
                .iter()
                .any(|pc| pc.kind == c.kind && pc.definition == c.definition)
        })
}

/// The CHECK constraints a child receives from a parent: those not marked `NO INHERIT`.
pub(crate) fn inheritable_checks(parent: &Table) -> impl Iterator<Item = &Constraint> {
    parent
        .constraints
        .iter()
        .filter(|c| c.kind == ConstraintKind::Check && !c.definition.contains("NO INHERIT"))
}

/// An index a partition received from an index on its partitioned parent.
pub(crate) fn index_inherited(realm: &Realm, table: &Table, index: &Index) -> bool {
    table.partition_of.is_some()
        && parents(realm, table).iter().any(|p| {
            p.indexes.iter().any(|pi| {
                pi.unique == index.unique
                    && pi.method == index.method
                    && pi.parts == index.parts
                    && pi.include == index.include
                    && pi.predicate == index.predicate
                    && pi.nulls_not_distinct == index.nulls_not_distinct
            })
        })
}

/// A row trigger a partition received from its partitioned parent.
pub(crate) fn trigger_inherited(realm: &Realm, table: &Table, trigger: &Trigger) -> bool {
    table.partition_of.is_some()
        && parents(realm, table)
            .iter()
            .any(|p| p.triggers.iter().any(|t| t.name == trigger.name))
}
