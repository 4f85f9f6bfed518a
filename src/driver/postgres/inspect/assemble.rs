//! Joins the catalog rows into a [`Realm`]: each row is attached to its owner by oid, then
//! everything is sorted so that equal databases give equal models.

use super::CatalogRows;
use super::comments::{Catalog, Comments};
use super::refs::ObjectRefs;
use super::{
    columns, constraints, functions, indexes, policies, relations, sequences, triggers, types,
};
use crate::schema::{
    Column, CompositeAttribute, Constraint, ConstraintKind, DataType, DomainCheck, Extension,
    Function, Identity, Index, PartitionOf, Policy, QualifiedName, Realm, RoutineKind, Schema,
    Sequence, SequenceOptions, SequenceOwner, Table, Trigger, TriggerState, TypeDef, TypeKind,
    View, ViewColumn,
};
use sqlx::postgres::types::Oid;
use std::collections::HashMap;

/// What a relation oid stands for in the model.
#[derive(Debug, Clone)]
pub(super) enum Slot {
    Table(QualifiedName),
    View(QualifiedName),
    /// The class holding a composite type's attributes.
    Composite(QualifiedName),
}

pub(super) fn build_realm(rows: CatalogRows) -> Realm {
    let CatalogRows {
        schemas,
        extensions,
        relations,
        columns,
        constraints,
        domain_checks,
        indexes,
        triggers,
        policies,
        types,
        sequences,
        collations,
        functions,
        comments,
        depends,
    } = rows;

    let mut realm = Realm::default();
    for row in schemas {
        realm.schemas.insert(
            row.name.clone(),
            Schema {
                name: row.name,
                comment: comments.of(Catalog::Namespace, row.oid),
                ..Schema::default()
            },
        );
    }
    for row in extensions {
        realm.extensions.insert(
            row.name.clone(),
            Extension {
                name: row.name,
                schema: row.schema,
                version: row.version,
                default_version: row.default_version,
            },
        );
    }

    for row in &collations {
        let schema = realm.schemas.get_mut(&row.schema);
        if let (Some(schema), Some(collation)) = (schema, row.collation()) {
            schema.collations.insert(row.name.clone(), collation);
        }
    }

    let refs = ObjectRefs::new(&relations, &types, &sequences, &functions, &collations);
    let mut builder = Builder {
        realm,
        slots: HashMap::new(),
        comments,
    };
    builder.add_relations(relations);
    builder.add_types(types, domain_checks);
    let identities = builder.add_sequences(&sequences);
    builder.add_columns(columns, &identities);
    builder.add_constraints(constraints);
    builder.add_indexes(indexes);
    builder.add_triggers(triggers);
    builder.add_policies(policies);
    builder.add_functions(&functions);

    let mut realm = builder.realm;
    refs.add_dependencies(&mut realm, &depends);
    sort_members(&mut realm);
    realm
}

struct Builder {
    realm: Realm,
    slots: HashMap<Oid, Slot>,
    comments: Comments,
}

impl Builder {
    fn schema_mut(&mut self, name: &str) -> Option<&mut Schema> {
        self.realm.schemas.get_mut(name)
    }

    fn table_mut(&mut self, relation: Oid) -> Option<&mut Table> {
        match self.slots.get(&relation)? {
            Slot::Table(name) => self
                .realm
                .schemas
                .get_mut(&name.schema)?
                .tables
                .get_mut(&name.name),
            _ => None,
        }
    }

    fn view_mut(&mut self, relation: Oid) -> Option<&mut View> {
        match self.slots.get(&relation)? {
            Slot::View(name) => self
                .realm
                .schemas
                .get_mut(&name.schema)?
                .views
                .get_mut(&name.name),
            _ => None,
        }
    }

    fn type_mut(&mut self, name: &QualifiedName) -> Option<&mut TypeDef> {
        self.realm
            .schemas
            .get_mut(&name.schema)?
            .types
            .get_mut(&name.name)
    }

    fn add_relations(&mut self, rows: Vec<relations::RelationRow>) {
        for row in rows {
            let name = QualifiedName::new(&row.schema, &row.name);
            let comment = self.comments.of(Catalog::Class, row.oid);
            let mut options = row.options;
            options.sort();
            match row.kind.as_str() {
                "r" | "p" => {
                    let mut parents = row
                        .parent_schemas
                        .into_iter()
                        .zip(row.parent_names)
                        .map(|(schema, name)| QualifiedName::new(schema, name));
                    let (partition_of, inherits) = if row.is_partition {
                        let parent = parents.next();
                        let partition = parent.map(|parent| PartitionOf {
                            parent,
                            bound: row.partition_bound.unwrap_or_default(),
                        });
                        (partition, Vec::new())
                    } else {
                        (None, parents.collect())
                    };
                    let table = Table {
                        name: row.name.clone(),
                        comment,
                        unlogged: row.persistence == "u",
                        partition_by: row.partition_by,
                        partition_of,
                        inherits,
                        row_security: row.row_security,
                        force_row_security: row.force_row_security,
                        options,
                        ..Table::default()
                    };
                    if let Some(schema) = self.schema_mut(&row.schema) {
                        schema.tables.insert(row.name, table);
                        self.slots.insert(row.oid, Slot::Table(name));
                    }
                }
                "v" | "m" => {
                    let view = View {
                        name: row.name.clone(),
                        materialized: row.kind == "m",
                        definition: row.view_definition.unwrap_or_default(),
                        options,
                        comment,
                        ..View::default()
                    };
                    if let Some(schema) = self.schema_mut(&row.schema) {
                        schema.views.insert(row.name, view);
                        self.slots.insert(row.oid, Slot::View(name));
                    }
                }
                _ => {}
            }
        }
    }

    fn add_types(&mut self, rows: Vec<types::TypeRow>, checks: Vec<constraints::DomainCheckRow>) {
        let mut checks_by_domain: HashMap<Oid, Vec<DomainCheck>> = HashMap::new();
        for check in checks {
            checks_by_domain
                .entry(check.domain)
                .or_default()
                .push(DomainCheck {
                    name: check.name,
                    definition: check.definition,
                });
        }
        for row in rows {
            let kind = match row.kind.as_str() {
                "e" => TypeKind::Enum {
                    labels: row.enum_labels,
                },
                "c" => {
                    self.slots.insert(
                        row.class,
                        Slot::Composite(QualifiedName::new(&row.schema, &row.name)),
                    );
                    TypeKind::Composite {
                        attributes: Vec::new(),
                    }
                }
                "d" => {
                    let mut checks = checks_by_domain.remove(&row.oid).unwrap_or_default();
                    checks.sort_by(|a, b| a.name.cmp(&b.name));
                    TypeKind::Domain {
                        base: parse_data_type(row.base_type.as_deref()),
                        not_null: row.not_null,
                        default: row.default_expr,
                        collation: row.collation,
                        checks,
                    }
                }
                "r" => TypeKind::Range {
                    subtype: parse_data_type(row.base_type.as_deref()),
                    options: row.range_options,
                },
                _ => continue,
            };
            let comment = self.comments.of(Catalog::Type, row.oid);
            if let Some(schema) = self.schema_mut(&row.schema) {
                schema.types.insert(
                    row.name.clone(),
                    TypeDef {
                        name: row.name,
                        kind,
                        comment,
                        depends_on: Default::default(),
                    },
                );
            }
        }
    }

    /// Adds free-standing and owned sequences; returns identity sequences' options keyed by
    /// their column (relation oid, column number).
    fn add_sequences(
        &mut self,
        rows: &[sequences::SequenceRow],
    ) -> HashMap<(Oid, i32), SequenceOptions> {
        let mut identities = HashMap::new();
        for row in rows {
            let options = SequenceOptions {
                data_type: row.data_type.clone(),
                start: row.start,
                increment: row.increment,
                min_value: row.min_value,
                max_value: row.max_value,
                cache: row.cache,
                cycle: row.cycle,
            };
            if row.owner_kind.as_deref() == Some("i") {
                if let (Some(relation), Some(position)) = (row.owner_relation, row.owner_position) {
                    identities.insert((relation, position), options);
                }
                continue;
            }
            let owned_by = match (&row.owner_schema, &row.owner_table, &row.owner_column) {
                (Some(schema), Some(table), Some(column)) => Some(SequenceOwner {
                    table: QualifiedName::new(schema, table),
                    column: column.clone(),
                }),
                _ => None,
            };
            let comment = self.comments.of(Catalog::Class, row.oid);
            if let Some(schema) = self.schema_mut(&row.schema) {
                schema.sequences.insert(
                    row.name.clone(),
                    Sequence {
                        name: row.name.clone(),
                        options,
                        owned_by,
                        comment,
                    },
                );
            }
        }
        identities
    }

    fn add_columns(
        &mut self,
        rows: Vec<columns::ColumnRow>,
        identities: &HashMap<(Oid, i32), SequenceOptions>,
    ) {
        for row in rows {
            let Some(slot) = self.slots.get(&row.relation).cloned() else {
                continue;
            };
            let data_type = parse_data_type(Some(&row.data_type));
            let comment = self
                .comments
                .get(Catalog::Class, row.relation, i32::from(row.position));
            match slot {
                Slot::Table(_) => {
                    let identity = identity_of(&row, identities);
                    let column = Column {
                        name: row.name,
                        data_type,
                        not_null: row.not_null,
                        default: row.default_expr,
                        identity,
                        generated: row.generated,
                        collation: row.collation,
                        comment,
                        attrs: Default::default(),
                    };
                    if let Some(table) = self.table_mut(row.relation) {
                        if row.inherited && table.partition_of.is_none() {
                            table.inherited_columns.push(column.name.clone());
                        }
                        table.columns.push(column);
                    }
                }
                Slot::View(_) => {
                    if let Some(view) = self.view_mut(row.relation) {
                        view.columns.push(ViewColumn {
                            name: row.name,
                            data_type,
                            comment,
                        });
                    }
                }
                Slot::Composite(name) => {
                    if let Some(TypeDef {
                        kind: TypeKind::Composite { attributes },
                        ..
                    }) = self.type_mut(&name)
                    {
                        attributes.push(CompositeAttribute {
                            name: row.name,
                            data_type,
                            collation: row.collation,
                        });
                    }
                }
            }
        }
    }

    fn add_constraints(&mut self, rows: Vec<constraints::ConstraintRow>) {
        for row in rows {
            let kind = match row.kind.as_str() {
                "p" => ConstraintKind::PrimaryKey,
                "u" => ConstraintKind::Unique,
                "c" => ConstraintKind::Check,
                "f" => ConstraintKind::ForeignKey,
                "x" => ConstraintKind::Exclusion,
                _ => continue,
            };
            let references = match (row.referenced_schema, row.referenced_table) {
                (Some(schema), Some(table)) => Some(QualifiedName::new(schema, table)),
                _ => None,
            };
            let constraint = Constraint {
                name: row.name,
                kind,
                definition: row.definition,
                columns: row.columns,
                references,
                referenced_columns: row.referenced_columns,
                validated: row.validated,
                deferrable: row.deferrable,
                initially_deferred: row.initially_deferred,
                comment: self.comments.of(Catalog::Constraint, row.oid),
            };
            if let Some(table) = self.table_mut(row.relation) {
                table.constraints.push(constraint);
            }
        }
    }

    fn add_indexes(&mut self, rows: Vec<indexes::IndexRow>) {
        for row in rows {
            let index = Index {
                name: row.name,
                definition: row.definition,
                unique: row.unique,
                method: row.method,
                parts: row.parts,
                include: row.include,
                predicate: row.predicate,
                nulls_not_distinct: row.nulls_not_distinct,
                comment: self.comments.of(Catalog::Class, row.oid),
                invisible: false,
            };
            if let Some(table) = self.table_mut(row.relation) {
                table.indexes.push(index);
            } else if let Some(view) = self.view_mut(row.relation) {
                view.indexes.push(index);
            }
        }
    }

    fn add_triggers(&mut self, rows: Vec<triggers::TriggerRow>) {
        for row in rows {
            let trigger = Trigger {
                name: row.name,
                definition: row.definition,
                function: QualifiedName::new(row.function_schema, row.function_name),
                enabled: TriggerState::from_letter(&row.enabled),
                comment: self.comments.of(Catalog::Trigger, row.oid),
            };
            if let Some(table) = self.table_mut(row.relation) {
                table.triggers.push(trigger);
            } else if let Some(view) = self.view_mut(row.relation) {
                view.triggers.push(trigger);
            }
        }
    }

    fn add_policies(&mut self, rows: Vec<policies::PolicyRow>) {
        for row in rows {
            let command = match row.command.as_str() {
                "r" => "SELECT",
                "a" => "INSERT",
                "w" => "UPDATE",
                "d" => "DELETE",
                _ => "ALL",
            };
            let mut roles = row.roles;
            roles.sort();
            let policy = Policy {
                name: row.name,
                permissive: row.permissive,
                command: command.to_string(),
                roles,
                using: row.using_expr,
                with_check: row.with_check,
                comment: self.comments.of(Catalog::Policy, row.oid),
            };
            if let Some(table) = self.table_mut(row.relation) {
                table.policies.push(policy);
            }
        }
    }

    fn add_functions(&mut self, rows: &[functions::FunctionRow]) {
        for row in rows {
            let function = Function {
                name: row.name.clone(),
                kind: if row.kind == "p" {
                    RoutineKind::Procedure
                } else {
                    RoutineKind::Function
                },
                identity_arguments: row.identity_arguments.clone(),
                returns: row.returns.clone(),
                language: row.language.clone(),
                definition: row.definition.clone(),
                comment: self.comments.of(Catalog::Proc, row.oid),
                depends_on: Default::default(),
            };
            if let Some(schema) = self.schema_mut(&row.schema) {
                schema.functions.insert(function_key(row), function);
            }
        }
    }
}

/// The key of a function in [`Schema::functions`]: `name(argument types)`.
pub(super) fn function_key(row: &functions::FunctionRow) -> String {
    format!("{}({})", row.name, row.argument_types)
}

fn identity_of(
    row: &columns::ColumnRow,
    identities: &HashMap<(Oid, i32), SequenceOptions>,
) -> Option<Identity> {
    let always = match row.identity.as_str() {
        "a" => true,
        "d" => false,
        _ => return None,
    };
    let sequence = identities
        .get(&(row.relation, i32::from(row.position)))
        .cloned()?;
    Some(Identity { always, sequence })
}

/// Decodes the JSON built by `fragments::data_type_json`; an unknown type reads as its SQL text.
fn parse_data_type(json: Option<&str>) -> DataType {
    json.and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_else(|| DataType::pg("unknown", 'X'))
}

fn sort_members(realm: &mut Realm) {
    for schema in realm.schemas.values_mut() {
        for table in schema.tables.values_mut() {
            table.constraints.sort_by(|a, b| a.name.cmp(&b.name));
            table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            table.triggers.sort_by(|a, b| a.name.cmp(&b.name));
            table.policies.sort_by(|a, b| a.name.cmp(&b.name));
        }
        for view in schema.views.values_mut() {
            view.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            view.triggers.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{PgCategory, TypeCategory};

    #[test]
    fn data_type_json_decodes_into_the_model() {
        let json = r#"{"sql":"public.mood[]","base":"mood","schema":"public","array_dims":1,"category":"A"}"#;
        let parsed = parse_data_type(Some(json));
        assert_eq!(parsed.sql, "public.mood[]");
        assert_eq!(parsed.base, "mood");
        assert_eq!(parsed.schema.as_deref(), Some("public"));
        assert_eq!(parsed.array_dims, 1);
        assert_eq!(parsed.category, TypeCategory::Postgres(PgCategory::Array));
    }

    #[test]
    fn sorts_triggers_by_name() {
        let mut realm = Realm::default();
        let mut schema = Schema::default();
        let table = Table {
            name: "t".into(),
            triggers: ["b", "a"]
                .iter()
                .map(|n| Trigger {
                    name: n.to_string(),
                    definition: String::new(),
                    function: QualifiedName::new("public", "f"),
                    enabled: crate::schema::TriggerState::Origin,
                    comment: None,
                })
                .collect(),
            ..Table::default()
        };
        schema.tables.insert("t".into(), table);
        realm.schemas.insert("public".into(), schema);
        sort_members(&mut realm);
        let names: Vec<_> = realm.schemas["public"].tables["t"]
            .triggers
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
    }
}
