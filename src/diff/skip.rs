//! `diff { skip { drop_table = true ... } }`: kinds of drops a plan leaves out (Atlas's block of
//! the same name).
//!
//! Skipping is done on the desired state, not on the change list: whatever the current state
//! has and a skipped drop would remove is copied into the desired state, so the planner never
//! sees a state that differs from what it will leave behind (SQLite's table rebuilds copy the
//! desired table; a filtered change list would have rebuilt it without the kept column).

use crate::schema::{ConstraintKind, Realm, Table};

/// The change kinds that can be skipped, by their names in the project file.
pub const SKIPPABLE: &[&str] = &[
    "drop_schema",
    "drop_table",
    "drop_column",
    "drop_index",
    "drop_foreign_key",
    "drop_check",
    "drop_view",
    "drop_function",
    "drop_sequence",
    "drop_type",
    "drop_trigger",
];

/// Drop kinds to leave out of plans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skip {
    kinds: Vec<&'static str>,
}

impl Skip {
    /// The kinds named; an unknown name is an error naming the ones that can be skipped.
    pub fn new(names: &[String]) -> Result<Skip, String> {
        let kinds = names
            .iter()
            .map(|name| {
                SKIPPABLE
                    .iter()
                    .find(|k| {
                        **k == name.as_str() || (name == "drop_func" && **k == "drop_function")
                    })
                    .copied()
                    .ok_or_else(|| {
                        format!(
                            "`{name}` cannot be skipped (schemactl skips: {})",
                            SKIPPABLE.join(", ")
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Skip { kinds })
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    fn has(&self, kind: &str) -> bool {
        self.kinds.contains(&kind)
    }

    /// `desired` with what `current` has and a skipped drop would remove put back.
    pub fn keep_in(&self, current: &Realm, desired: &Realm) -> Realm {
        let mut kept = desired.clone();
        if self.is_empty() {
            return kept;
        }
        for (schema_name, schema) in &current.schemas {
            let Some(target) = kept.schemas.get_mut(schema_name) else {
                if self.has("drop_schema") {
                    kept.schemas.insert(schema_name.clone(), schema.clone());
                }
                continue;
            };
            let keep = |kind: &str| self.has(kind);
            copy_missing(&schema.views, &mut target.views, keep("drop_view"));
            copy_missing(
                &schema.functions,
                &mut target.functions,
                keep("drop_function"),
            );
            copy_missing(
                &schema.sequences,
                &mut target.sequences,
                keep("drop_sequence"),
            );
            copy_missing(&schema.types, &mut target.types, keep("drop_type"));
            for (table_name, table) in &schema.tables {
                match target.tables.get_mut(table_name) {
                    None if keep("drop_table") => {
                        target.tables.insert(table_name.clone(), table.clone());
                    }
                    None => {}
                    Some(wanted) => self.keep_table_parts(table, wanted),
                }
            }
        }
        kept
    }

    fn keep_table_parts(&self, current: &Table, wanted: &mut Table) {
        if self.has("drop_column") {
            for (position, column) in current.columns.iter().enumerate() {
                if wanted.columns.iter().any(|c| c.name == column.name) {
                    continue;
                }
                // After the column that precedes it now, so that order-sensitive dialects
                // see no move.
                let after = current.columns[..position]
                    .iter()
                    .rev()
                    .find_map(|prev| wanted.columns.iter().position(|c| c.name == prev.name));
                let at = after.map_or(0, |i| i + 1);
                wanted.columns.insert(at, column.clone());
            }
        }
        let has_columns = |wanted: &Table, names: &[String]| {
            names
                .iter()
                .all(|n| wanted.columns.iter().any(|c| &c.name == n))
        };
        for constraint in &current.constraints {
            let skipped = match constraint.kind {
                ConstraintKind::ForeignKey => self.has("drop_foreign_key"),
                ConstraintKind::Check => self.has("drop_check"),
                _ => false,
            };
            let gone = !wanted.constraints.iter().any(|c| c.name == constraint.name);
            if skipped && gone && has_columns(wanted, &constraint.columns) {
                wanted.constraints.push(constraint.clone());
                wanted.constraints.sort_by(|a, b| a.name.cmp(&b.name));
            }
        }
        if self.has("drop_index") {
            for index in &current.indexes {
                let gone = !wanted.indexes.iter().any(|i| i.name == index.name);
                // Only an index on plain columns that all remain: an expression may name a
                // column that is gone.
                let columns: Vec<String> = index
                    .plain_columns()
                    .unwrap_or_default()
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                if gone && index.plain_columns().is_some() && has_columns(wanted, &columns) {
                    wanted.indexes.push(index.clone());
                    wanted.indexes.sort_by(|a, b| a.name.cmp(&b.name));
                }
            }
        }
        if self.has("drop_trigger") {
            for trigger in &current.triggers {
                if !wanted.triggers.iter().any(|t| t.name == trigger.name) {
                    wanted.triggers.push(trigger.clone());
                    wanted.triggers.sort_by(|a, b| a.name.cmp(&b.name));
                }
            }
        }
    }
}

fn copy_missing<V: Clone>(
    from: &std::collections::BTreeMap<String, V>,
    to: &mut std::collections::BTreeMap<String, V>,
    enabled: bool,
) {
    if !enabled {
        return;
    }
    for (name, value) in from {
        to.entry(name.clone()).or_insert_with(|| value.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, DataType, Schema};

    fn table(name: &str, columns: &[&str]) -> Table {
        Table {
            name: name.into(),
            columns: columns
                .iter()
                .map(|c| Column::new(c, DataType::pg("integer", 'N')))
                .collect(),
            ..Table::default()
        }
    }

    fn realm(tables: Vec<Table>) -> Realm {
        let mut schema = Schema {
            name: "public".into(),
            ..Schema::default()
        };
        for t in tables {
            schema.tables.insert(t.name.clone(), t);
        }
        let mut realm = Realm::default();
        realm.schemas.insert("public".into(), schema);
        realm
    }

    fn skip(names: &[&str]) -> Skip {
        Skip::new(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn columns(realm: &Realm, table: &str) -> Vec<String> {
        realm.schemas["public"].tables[table]
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }

    #[test]
    fn a_skipped_table_drop_keeps_the_table() {
        let current = realm(vec![table("a", &["id"]), table("old", &["id"])]);
        let desired = realm(vec![table("a", &["id"])]);
        let kept = skip(&["drop_table"]).keep_in(&current, &desired);
        assert!(kept.schemas["public"].tables.contains_key("old"));
        let not_kept = skip(&["drop_column"]).keep_in(&current, &desired);
        assert!(!not_kept.schemas["public"].tables.contains_key("old"));
    }

    #[test]
    fn a_skipped_column_drop_keeps_the_column_in_its_place() {
        let current = realm(vec![table("a", &["id", "legacy", "name"])]);
        let desired = realm(vec![table("a", &["id", "name", "email"])]);
        let kept = skip(&["drop_column"]).keep_in(&current, &desired);
        assert_eq!(columns(&kept, "a"), ["id", "legacy", "name", "email"]);
    }

    #[test]
    fn unknown_kinds_name_what_can_be_skipped() {
        let err = Skip::new(&["drop_tabel".into()]).unwrap_err();
        assert!(
            err.contains("`drop_tabel`") && err.contains("drop_table"),
            "{err}"
        );
        assert!(Skip::new(&["drop_func".into()]).is_ok());
    }
}
