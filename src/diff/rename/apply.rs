//! Applies a set of renames to a model: the current state as the server would show it right
//! after the `ALTER ... RENAME` statements ran, so that the rest of the diff compares renamed
//! objects with their targets by the usual rules.

use super::rewrite::{Columns, Renaming, rewrite, rewrite_referenced_columns};
use crate::diff::policy::DiffPolicy;
use crate::schema::{
    ConstraintKind, IndexKey, ObjectRef, QualifiedName, Realm, Schema, SequenceOwner, Table,
};
use std::collections::{BTreeMap, BTreeSet};

/// Every rename of one diff: the hinted ones and those that follow from them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Renames {
    /// Old name to new name (schema and/or name change).
    pub tables: Vec<(QualifiedName, QualifiedName)>,
    /// By the table's new name: old column name to new.
    pub columns: BTreeMap<QualifiedName, BTreeMap<String, String>>,
    /// Sequences by their name after the table moves (a moved table takes its owned sequences
    /// along), old to new within one schema.
    pub sequences: Vec<(QualifiedName, QualifiedName)>,
    /// `(table's new name, old index name, new index name)`.
    pub indexes: Vec<(QualifiedName, String, String)>,
    /// `(table's new name, old constraint name, new constraint name)`.
    pub constraints: Vec<(QualifiedName, String, String)>,
}

impl Renames {
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
            && self.columns.is_empty()
            && self.sequences.is_empty()
            && self.indexes.is_empty()
            && self.constraints.is_empty()
    }

    /// The new name of a current table.
    pub fn table(&self, name: &QualifiedName) -> QualifiedName {
        self.tables
            .iter()
            .find(|(old, _)| old == name)
            .map(|(_, new)| new.clone())
            .unwrap_or_else(|| name.clone())
    }

    /// The current name of a table by its new name.
    pub fn original_table(&self, name: &QualifiedName) -> QualifiedName {
        self.tables
            .iter()
            .find(|(_, new)| new == name)
            .map(|(old, _)| old.clone())
            .unwrap_or_else(|| name.clone())
    }

    /// Relation names as texts spell them, old to final, composing moves and renames.
    fn renaming(&self, realm: &Realm) -> Renaming {
        let mut out = Renaming::default();
        let mut put = |old: (String, String), new: (String, String)| {
            let chained = out
                .relations
                .iter()
                .find(|(_, v)| **v == old)
                .map(|(k, _)| k.clone());
            match chained {
                Some(first) => out.relations.insert(first, new),
                None => out.relations.insert(old, new),
            };
        };
        for (old, new) in &self.tables {
            put(pair(old), pair(new));
            if old.name != new.name {
                out.qualifiers.insert(old.name.clone(), new.name.clone());
            }
            if old.schema == new.schema {
                continue;
            }
            let Some(schema) = realm.schemas.get(&old.schema) else {
                continue;
            };
            for (name, sequence) in &schema.sequences {
                if sequence.owned_by.as_ref().is_some_and(|o| &o.table == old) {
                    put(
                        (old.schema.clone(), name.clone()),
                        (new.schema.clone(), name.clone()),
                    );
                }
            }
            for index in realm
                .table(old)
                .map(|t| t.indexes.as_slice())
                .unwrap_or(&[])
            {
                put(
                    (old.schema.clone(), index.name.clone()),
                    (new.schema.clone(), index.name.clone()),
                );
            }
        }
        for (old, new) in &self.sequences {
            put(pair(old), pair(new));
        }
        for (on, old, new) in &self.indexes {
            put(
                (on.schema.clone(), old.clone()),
                (on.schema.clone(), new.clone()),
            );
        }
        out
    }
}

fn pair(name: &QualifiedName) -> (String, String) {
    (name.schema.clone(), name.name.clone())
}

/// `realm` with the renames applied; `policy` spells the new names in the rewritten texts.
pub(crate) fn apply(realm: &Realm, renames: &Renames, policy: &dyn DiffPolicy) -> Realm {
    if renames.is_empty() {
        return realm.clone();
    }
    let renaming = renames.renaming(realm);
    let mut out = realm.clone();
    move_tables(&mut out, renames);
    move_sequences(&mut out, &renaming);
    let no_columns = BTreeMap::new();
    let columns_of = |t: &QualifiedName| renames.columns.get(t).unwrap_or(&no_columns);
    let relation = |name: &QualifiedName| match renaming.relations.get(&pair(name)) {
        Some((schema, name)) => QualifiedName::new(schema.clone(), name.clone()),
        None => name.clone(),
    };
    let object = |r: &ObjectRef| map_object(r, &renaming);
    for (schema_name, schema) in out.schemas.iter_mut() {
        for (name, table) in schema.tables.iter_mut() {
            let qn = QualifiedName::new(schema_name.clone(), name.clone());
            let original = renames.original_table(&qn);
            let own = Columns::Own {
                renamed: columns_of(&qn),
                qualifiers: vec![
                    "new".into(),
                    "old".into(),
                    original.name.clone(),
                    qn.name.clone(),
                ],
            };
            let text = |t: &str| rewrite(t, &renaming, &own, policy);
            rename_table_members(table, &qn, &original, renames, &renaming, policy);
            for column in &mut table.columns {
                if let Some(new) = columns_of(&qn).get(&column.name) {
                    column.name = new.clone();
                }
                column.default = column.default.as_deref().map(text);
                column.generated = column.generated.as_deref().map(text);
            }
            for constraint in &mut table.constraints {
                let target = constraint.references.as_ref().map(&relation);
                constraint.definition = match (&target, constraint.definition.find(" REFERENCES "))
                {
                    (Some(target), Some(at)) => {
                        let (head, tail) = constraint.definition.split_at(at);
                        let tail = rewrite(tail, &renaming, &Columns::None, policy);
                        format!(
                            "{}{}",
                            text(head),
                            rewrite_referenced_columns(&tail, columns_of(target), policy)
                        )
                    }
                    _ => text(&constraint.definition),
                };
                rename_all(&mut constraint.columns, columns_of(&qn));
                if let Some(target) = target {
                    rename_all(&mut constraint.referenced_columns, columns_of(&target));
                    constraint.references = Some(target);
                }
            }
            for index in &mut table.indexes {
                index.definition = text(&index.definition);
                for part in &mut index.parts {
                    part.key = match &part.key {
                        IndexKey::Column(name) => {
                            IndexKey::Column(columns_of(&qn).get(name).unwrap_or(name).clone())
                        }
                        IndexKey::Expression(expr) => IndexKey::Expression(text(expr)),
                    };
                }
                index.include = index.include.iter().map(|k| text(k)).collect();
                index.predicate = index.predicate.as_deref().map(text);
            }
            for trigger in &mut table.triggers {
                trigger.definition = text(&trigger.definition);
            }
            for policy in &mut table.policies {
                policy.using = policy.using.as_deref().map(text);
                policy.with_check = policy.with_check.as_deref().map(text);
            }
            table.partition_by = table.partition_by.as_deref().map(text);
            if let Some(partition_of) = &mut table.partition_of {
                partition_of.parent = relation(&partition_of.parent);
            }
            table.inherits = table.inherits.iter().map(&relation).collect();
            table.depends_on = table.depends_on.iter().map(object).collect();
        }
        for view in schema.views.values_mut() {
            view.depends_on = view.depends_on.iter().map(object).collect();
            let mut read: BTreeMap<String, String> = BTreeMap::new();
            for dep in &view.depends_on {
                if let ObjectRef::Table { schema, name } = dep {
                    let qn = QualifiedName::new(schema.clone(), name.clone());
                    for (old, new) in columns_of(&qn) {
                        read.entry(old.clone()).or_insert_with(|| new.clone());
                    }
                }
            }
            view.definition = rewrite(
                &view.definition,
                &renaming,
                &Columns::Qualified(&read),
                policy,
            );
        }
        for sequence in schema.sequences.values_mut() {
            if let Some(owner) = &sequence.owned_by {
                let table = renames.table(&owner.table);
                let column = columns_of(&table)
                    .get(&owner.column)
                    .cloned()
                    .unwrap_or_else(|| owner.column.clone());
                sequence.owned_by = Some(SequenceOwner { table, column });
            }
        }
        for function in schema.functions.values_mut() {
            function.depends_on = function.depends_on.iter().map(object).collect();
        }
        for def in schema.types.values_mut() {
            def.depends_on = def.depends_on.iter().map(object).collect();
        }
    }
    out
}

fn move_tables(realm: &mut Realm, renames: &Renames) {
    let mut moved = Vec::new();
    for (old, new) in &renames.tables {
        if let Some(mut table) = realm
            .schemas
            .get_mut(&old.schema)
            .and_then(|s| s.tables.remove(&old.name))
        {
            table.name = new.name.clone();
            moved.push((new.clone(), table));
        }
    }
    for (new, table) in moved {
        schema_entry(realm, &new.schema)
            .tables
            .insert(new.name.clone(), table);
    }
}

fn move_sequences(realm: &mut Realm, renaming: &Renaming) {
    let mut moved = Vec::new();
    for (schema_name, schema) in realm.schemas.iter_mut() {
        let keys: Vec<String> = schema
            .sequences
            .keys()
            .filter(|k| {
                renaming
                    .relations
                    .contains_key(&(schema_name.clone(), (*k).clone()))
            })
            .cloned()
            .collect();
        for key in keys {
            let target = renaming.relations[&(schema_name.clone(), key.clone())].clone();
            let mut sequence = schema.sequences.remove(&key).expect("listed key");
            sequence.name = target.1.clone();
            moved.push((target, sequence));
        }
    }
    for ((schema, name), sequence) in moved {
        schema_entry(realm, &schema)
            .sequences
            .insert(name, sequence);
    }
}

fn schema_entry<'r>(realm: &'r mut Realm, name: &str) -> &'r mut Schema {
    realm
        .schemas
        .entry(name.to_string())
        .or_insert_with(|| Schema {
            name: name.to_string(),
            ..Default::default()
        })
}

/// Index and constraint renames of one table (by its new name `qn`).
fn rename_table_members(
    table: &mut Table,
    qn: &QualifiedName,
    original: &QualifiedName,
    renames: &Renames,
    renaming: &Renaming,
    policy: &dyn DiffPolicy,
) {
    for index in &mut table.indexes {
        let key = (original.schema.clone(), index.name.clone());
        if let Some((_, new)) = renaming.relations.get(&key)
            && *new != index.name
        {
            index.definition =
                rename_index_in_definition(&index.definition, &index.name, new, policy);
            index.name = new.clone();
        }
    }
    for (on, old, new) in &renames.constraints {
        if on != qn {
            continue;
        }
        if let Some(c) = table.constraints.iter_mut().find(|c| &c.name == old) {
            c.name = new.clone();
        }
    }
    table.constraints.sort_by(|a, b| a.name.cmp(&b.name));
    table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
}

/// `CREATE [UNIQUE] INDEX old ON ...` with the new name.
pub(crate) fn rename_index_in_definition(
    definition: &str,
    old: &str,
    new: &str,
    policy: &dyn DiffPolicy,
) -> String {
    let renaming = Renaming::default();
    let spelled = policy.spell_identifier(old);
    let target = format!(" INDEX {spelled} ON ");
    // MySQL's definitions are the key as SHOW CREATE TABLE lists it: `[UNIQUE ]KEY name (…)`.
    let key = format!("KEY {spelled} (");
    let key_at = definition
        .find(&key)
        .filter(|&at| at == 0 || definition[..at].ends_with(' '));
    match (definition.find(&target), key_at) {
        (Some(at), _) => format!(
            "{} INDEX {} ON {}",
            &definition[..at],
            policy.spell_identifier(new),
            &definition[at + target.len()..]
        ),
        (None, Some(at)) => format!(
            "{}KEY {} ({}",
            &definition[..at],
            policy.spell_identifier(new),
            &definition[at + key.len()..]
        ),
        (None, None) => rewrite(definition, &renaming, &Columns::None, policy),
    }
}

fn rename_all(names: &mut [String], renamed: &BTreeMap<String, String>) {
    for name in names {
        if let Some(new) = renamed.get(name) {
            *name = new.clone();
        }
    }
}

fn map_object(object: &ObjectRef, renaming: &Renaming) -> ObjectRef {
    let lookup = |schema: &String, name: &String| {
        renaming
            .relations
            .get(&(schema.clone(), name.clone()))
            .cloned()
    };
    match object {
        ObjectRef::Table { schema, name } => match lookup(schema, name) {
            Some((schema, name)) => ObjectRef::Table { schema, name },
            None => object.clone(),
        },
        ObjectRef::Sequence { schema, name } => match lookup(schema, name) {
            Some((schema, name)) => ObjectRef::Sequence { schema, name },
            None => object.clone(),
        },
        other => other.clone(),
    }
}

/// Names of relations (tables, views, sequences, indexes, constraint indexes, types) in a
/// schema, to tell whether a name is free.
pub(crate) fn relation_names(schema: &Schema) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = schema
        .tables
        .keys()
        .chain(schema.views.keys())
        .chain(schema.sequences.keys())
        .chain(schema.types.keys())
        .cloned()
        .collect();
    for table in schema.tables.values() {
        out.extend(table.indexes.iter().map(|i| i.name.clone()));
        out.extend(
            table
                .constraints
                .iter()
                .filter(|c| {
                    matches!(
                        c.kind,
                        ConstraintKind::PrimaryKey
                            | ConstraintKind::Unique
                            | ConstraintKind::Exclusion
                    )
                })
                .map(|c| c.name.clone()),
        );
    }
    for view in schema.views.values() {
        out.extend(view.indexes.iter().map(|i| i.name.clone()));
    }
    out
}
