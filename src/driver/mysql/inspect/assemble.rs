//! Joins the catalog rows into a [`Realm`]: every row is attached to its table or view by
//! name, the defaults a table or column inherits are left out, and members are sorted so that
//! equal databases give equal models.

use super::charsets::{Charsets, Collated, Named};
use super::checks::{CheckRow, is_mariadb_json_check};
use super::columns::{ColumnRow, Extra, default_sql};
use super::foreign_keys::ForeignKeyRow;
use super::indexes::IndexRow;
use super::server::Server;
use super::tables::{TableRow, create_options};
use super::text::{
    column_list, key_list, quote_ident, quote_string, strip_qualifier, without_default_width,
};
use super::{CatalogRows, SCOPE, empty_realm, triggers};
use crate::schema::{
    Column, ColumnAttrs, Constraint, ConstraintKind, DataType, Index, MysqlColumn, MysqlTable,
    MysqlType, ObjectRef, QualifiedName, Realm, Schema, Sequence, Table, TableAttrs, Trigger,
    TriggerState, TypeCategory, View, ViewColumn,
};
use crate::sql::{Flavor, TokenKind, significant};
use std::collections::{BTreeSet, HashMap};

pub(super) fn build_realm(rows: CatalogRows, database: &str) -> Realm {
    let CatalogRows {
        server,
        charsets,
        tables,
        columns,
        indexes,
        foreign_keys,
        checks,
        views,
        triggers,
        routines,
        partitions,
        sequences,
    } = rows;
    let mut builder = Builder {
        schema: Schema {
            name: SCOPE.into(),
            ..Schema::default()
        },
        attrs: HashMap::new(),
        collated: HashMap::new(),
        server: &server,
        charsets: &charsets,
        database,
    };
    let sequence_comments = builder.add_relations(tables);
    builder.add_columns(columns, &checks);
    builder.add_checks(checks);
    builder.add_indexes(indexes);
    builder.add_foreign_keys(foreign_keys);
    builder.add_triggers(&triggers);
    for p in partitions {
        if let (Some(table), Some(attrs)) = (
            builder.schema.tables.get_mut(&p.table_name),
            builder.attrs.get_mut(&p.table_name),
        ) {
            table.partition_by = Some(p.partition_by);
            attrs.partitions = p.partitions;
            attrs.subpartition_by = p.subpartition_by;
        }
    }
    builder.add_views(views);
    let mut schema = builder.finish();
    schema.functions.extend(routines);
    for row in sequences {
        schema.sequences.insert(
            row.name.clone(),
            Sequence {
                options: row.options(),
                owned_by: None,
                comment: sequence_comments.get(&row.name).cloned(),
                name: row.name,
            },
        );
    }
    let mut realm = empty_realm();
    realm.schemas.insert(SCOPE.into(), schema);
    realm
}

struct Builder<'a> {
    schema: Schema,
    /// Each table's MySQL attributes until partitions are known.
    attrs: HashMap<String, MysqlTable>,
    /// Each table's own charset and collation, which its columns inherit.
    collated: HashMap<String, Collated>,
    server: &'a Server,
    charsets: &'a Charsets,
    database: &'a str,
}

impl Builder<'_> {
    /// Tables and views by name; returns the comments of MariaDB's sequences, which are
    /// tables there.
    fn add_relations(&mut self, rows: Vec<TableRow>) -> HashMap<String, String> {
        let database_default = Collated {
            charset: self.server.charset.clone(),
            collation: self.server.collation.clone(),
        };
        let mut sequence_comments = HashMap::new();
        for row in rows {
            let comment = row.comment.clone().filter(|c| !c.is_empty());
            if row.kind == "VIEW" {
                self.schema.views.insert(
                    row.name.clone(),
                    View {
                        name: row.name,
                        ..View::default()
                    },
                );
                continue;
            }
            if row.kind == "SEQUENCE" {
                if let Some(comment) = comment {
                    sequence_comments.insert(row.name, comment);
                }
                continue;
            }
            if !row.is_table() {
                continue;
            }
            let collation = row
                .collation
                .clone()
                .unwrap_or_else(|| database_default.collation.clone());
            let own = Collated {
                charset: self.charsets.charset_of(&collation),
                collation,
            };
            let Named { charset, collation } = self.charsets.named(&own, &database_default);
            let (row_format, options) = create_options(row.create_options.as_deref().unwrap_or(""));
            let attrs = MysqlTable {
                engine: row
                    .engine
                    .filter(|e| !e.eq_ignore_ascii_case(&self.server.default_engine)),
                charset,
                collation,
                // A fresh table's counter is 1, which SHOW CREATE TABLE does not print either.
                auto_increment: row.auto_increment.filter(|n| *n > 1),
                row_format,
                options,
                ..MysqlTable::default()
            };
            self.collated.insert(row.name.clone(), own);
            self.attrs.insert(row.name.clone(), attrs);
            self.schema.tables.insert(
                row.name.clone(),
                Table {
                    name: row.name,
                    comment,
                    ..Table::default()
                },
            );
        }
        sequence_comments
    }

    /// Columns of tables and views in ordinal order, with their column-level checks.
    fn add_columns(&mut self, rows: Vec<ColumnRow>, checks: &[CheckRow]) {
        for row in rows {
            let is_json = self.server.is_mariadb()
                && row.data_type == "longtext"
                && checks
                    .iter()
                    .any(|c| c.table_name == row.table_name && is_mariadb_json_check(c, &row.name));
            let (base, sql) = if is_json {
                ("json".to_string(), "json".to_string())
            } else {
                (
                    row.data_type.clone(),
                    without_default_width(&row.column_type),
                )
            };
            let class = MysqlType::of_data_type(&base);
            let data_type = DataType {
                sql,
                base,
                schema: None,
                array_dims: 0,
                category: TypeCategory::Mysql(class),
            };
            if let Some(view) = self.schema.views.get_mut(&row.table_name) {
                view.columns.push(ViewColumn {
                    name: row.name,
                    data_type,
                    comment: None,
                });
                continue;
            }
            let (Some(table), Some(parent)) = (
                self.schema.tables.get_mut(&row.table_name),
                self.collated.get(&row.table_name),
            ) else {
                continue;
            };
            // A JSON column's utf8mb4_bin comes with the type.
            let named = match (row.charset, row.collation, is_json) {
                (Some(charset), Some(collation), false) => self
                    .charsets
                    .named(&Collated { charset, collation }, parent),
                _ => Named::default(),
            };
            let extra = Extra::parse(&row.extra);
            let generated = row
                .generation
                .filter(|g| !g.is_empty() && extra.storage.is_some());
            let default = match generated {
                Some(_) => None,
                None => default_sql(self.server, row.default_text.as_deref(), &extra, class),
            };
            let storage = generated.as_ref().and(extra.storage);
            // MariaDB's column-level check (JSON's own `json_valid` aside) is the column's.
            let check = checks
                .iter()
                .find(|c| {
                    c.table_name == row.table_name && c.is_column_level() && c.name == row.name
                })
                .filter(|c| !(is_json && is_mariadb_json_check(c, &row.name)))
                .map(|c| c.clause.clone());
            table.columns.push(Column {
                name: row.name,
                data_type,
                not_null: row.nullable == "NO",
                default,
                identity: None,
                generated,
                collation: named.collation,
                comment: Some(row.comment).filter(|c| !c.is_empty()),
                attrs: ColumnAttrs::of_mysql(MysqlColumn {
                    charset: named.charset,
                    auto_increment: extra.auto_increment,
                    on_update: extra.on_update,
                    invisible: extra.invisible,
                    storage,
                    check,
                }),
            });
        }
    }

    fn add_checks(&mut self, rows: Vec<CheckRow>) {
        for row in rows {
            // A column-level check is its column's (see `add_columns`), JSON's `json_valid`
            // the type's.
            if row.is_column_level()
                && self
                    .schema
                    .tables
                    .get(&row.table_name)
                    .is_some_and(|t| t.columns.iter().any(|c| c.name == row.name))
            {
                continue;
            }
            let Some(table) = self.schema.tables.get_mut(&row.table_name) else {
                continue;
            };
            let enforced = !row.enforced.eq_ignore_ascii_case("NO");
            let mut definition = format!("CHECK ({})", row.clause);
            if !enforced {
                definition.push_str(" /*!80016 NOT ENFORCED */");
            }
            let columns = if row.is_column_level() {
                vec![row.name.clone()]
            } else {
                Vec::new()
            };
            table.constraints.push(constraint(
                row.name,
                ConstraintKind::Check,
                definition,
                columns,
                enforced,
            ));
        }
    }

    fn add_indexes(&mut self, rows: Vec<IndexRow>) {
        for row in rows {
            let Some(table) = self.schema.tables.get_mut(&row.table_name) else {
                continue;
            };
            if row.is_primary() {
                let columns = row
                    .parts
                    .iter()
                    .filter_map(|p| p.column().map(String::from))
                    .collect();
                let definition = format!(
                    "PRIMARY KEY ({}){}",
                    key_list(&row.parts),
                    comment_clause(row.comment.as_deref())
                );
                table.constraints.push(constraint(
                    row.name,
                    ConstraintKind::PrimaryKey,
                    definition,
                    columns,
                    true,
                ));
                continue;
            }
            table.indexes.push(Index {
                definition: index_definition(&row),
                name: row.name,
                unique: row.unique,
                method: row.method,
                parts: row.parts,
                include: Vec::new(),
                predicate: None,
                nulls_not_distinct: false,
                // In the definition: MySQL changes a key's comment only by re-creating it.
                comment: None,
                invisible: row.invisible,
            });
        }
    }

    fn add_foreign_keys(&mut self, rows: Vec<ForeignKeyRow>) {
        for row in rows {
            let Some(table) = self.schema.tables.get_mut(&row.table_name) else {
                continue;
            };
            // A table of the same database is in the realm's one schema; another database's
            // keeps its own name.
            let (references, target) = if row.ref_schema == self.database {
                (
                    QualifiedName::new(SCOPE, &row.ref_table),
                    quote_ident(&row.ref_table),
                )
            } else {
                (
                    QualifiedName::new(&row.ref_schema, &row.ref_table),
                    format!(
                        "{}.{}",
                        quote_ident(&row.ref_schema),
                        quote_ident(&row.ref_table)
                    ),
                )
            };
            // Named as SHOW CREATE TABLE names it, so that `ADD` + definition keeps the name.
            let definition = format!(
                "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {target} ({}){}{}",
                quote_ident(&row.name),
                column_list(&row.columns),
                column_list(&row.ref_columns),
                referential_action("ON DELETE", &row.on_delete),
                referential_action("ON UPDATE", &row.on_update),
            );
            let mut fk = constraint(
                row.name,
                ConstraintKind::ForeignKey,
                definition,
                row.columns,
                true,
            );
            fk.references = Some(references);
            fk.referenced_columns = row.ref_columns;
            table.constraints.push(fk);
        }
    }

    fn add_triggers(&mut self, rows: &[triggers::TriggerRow]) {
        for (row, definition) in rows.iter().zip(triggers::definitions(rows)) {
            if let Some(table) = self.schema.tables.get_mut(&row.table_name) {
                table.triggers.push(Trigger {
                    name: row.name.clone(),
                    definition,
                    function: QualifiedName::new(SCOPE, ""),
                    enabled: TriggerState::Origin,
                    comment: None,
                });
            }
        }
    }

    fn add_views(&mut self, rows: Vec<super::views::ViewRow>) {
        let relations: HashMap<String, bool> = self
            .schema
            .tables
            .keys()
            .map(|t| (t.clone(), false))
            .chain(self.schema.views.keys().map(|v| (v.clone(), true)))
            .collect();
        for row in rows {
            let options = row.options();
            let definition = strip_qualifier(&row.definition, self.database);
            let depends_on = mentioned_relations(&definition, &relations, &row.name);
            if let Some(view) = self.schema.views.get_mut(&row.name) {
                view.definition = definition;
                view.options = options;
                view.depends_on = depends_on;
            }
        }
    }

    fn finish(mut self) -> Schema {
        for (name, table) in &mut self.schema.tables {
            if let Some(attrs) = self.attrs.remove(name) {
                table.attrs = TableAttrs::of_mysql(attrs);
            }
            table.constraints.sort_by(|a, b| a.name.cmp(&b.name));
            table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            table.triggers.sort_by(|a, b| a.name.cmp(&b.name));
        }
        self.schema
    }
}

fn constraint(
    name: String,
    kind: ConstraintKind,
    definition: String,
    columns: Vec<String>,
    validated: bool,
) -> Constraint {
    Constraint {
        name,
        kind,
        definition,
        columns,
        references: None,
        referenced_columns: Vec::new(),
        validated,
        deferrable: false,
        initially_deferred: false,
        comment: None,
    }
}

/// `` UNIQUE KEY `u` (`a`,`b`(10)) ``, `` FULLTEXT KEY `ft` (`body`) ``, `` KEY `k` (`a`) USING
/// HASH COMMENT 'c' ``: the key as SHOW CREATE TABLE prints it, comment included (no `ALTER`
/// changes a key's comment, so a new comment is a new key). Visibility is a field of its own,
/// as the server changes it in place.
fn index_definition(row: &IndexRow) -> String {
    let kind = match row.method.as_str() {
        "FULLTEXT" => "FULLTEXT KEY",
        "SPATIAL" => "SPATIAL KEY",
        _ if row.unique => "UNIQUE KEY",
        _ => "KEY",
    };
    // BTREE is every engine's default but MEMORY's; STATISTICS cannot tell a written
    // `USING BTREE` from none, so only HASH is spelled.
    let using = if row.method == "HASH" {
        " USING HASH"
    } else {
        ""
    };
    format!(
        "{kind} {} ({}){using}{}",
        quote_ident(&row.name),
        key_list(&row.parts),
        comment_clause(row.comment.as_deref())
    )
}

/// `` COMMENT 'text'`` after a key, as SHOW CREATE TABLE prints it; empty without a comment.
fn comment_clause(comment: Option<&str>) -> String {
    comment.map_or_else(String::new, |c| format!(" COMMENT {}", quote_string(c)))
}

/// ` ON DELETE CASCADE`; empty for RESTRICT and NO ACTION, which InnoDB treats alike and which
/// the servers report differently for an unwritten rule (MariaDB RESTRICT, MySQL 8 NO ACTION).
fn referential_action(clause: &str, rule: &str) -> String {
    if rule.eq_ignore_ascii_case("RESTRICT") || rule.eq_ignore_ascii_case("NO ACTION") {
        String::new()
    } else {
        format!(" {clause} {rule}")
    }
}

/// Tables and views a view's query names: a name after FROM, JOIN or a comma, or before a `.`
/// (the server qualifies every column). `relations` maps a name to whether it is a view.
fn mentioned_relations(
    definition: &str,
    relations: &HashMap<String, bool>,
    own: &str,
) -> BTreeSet<ObjectRef> {
    let flavor = Flavor::mysql();
    let tokens: Vec<_> = significant(&flavor, definition).collect();
    let mut out = BTreeSet::new();
    for (i, token) in tokens.iter().enumerate() {
        if !matches!(token.kind, TokenKind::QuotedIdent | TokenKind::Word) {
            continue;
        }
        let name = token.ident(definition);
        let Some(&is_view) = relations.get(&name) else {
            continue;
        };
        let qualifies = tokens
            .get(i + 1)
            .is_some_and(|t| t.is_punct(definition, "."));
        let follows_from = i > 0 && {
            let before = &tokens[i - 1];
            before.is_word(definition, "FROM")
                || before.is_word(definition, "JOIN")
                || before.is_punct(definition, ",")
        };
        let is_member = i > 0 && tokens[i - 1].is_punct(definition, ".");
        if name != own && !is_member && (qualifies || follows_from) {
            let schema = SCOPE.to_string();
            out.insert(if is_view {
                ObjectRef::View { schema, name }
            } else {
                ObjectRef::Table { schema, name }
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{IndexKey, IndexPart};

    #[test]
    fn a_view_depends_on_the_relations_its_query_names() {
        let relations: HashMap<String, bool> = [
            ("t".to_string(), false),
            ("v0".to_string(), true),
            ("id".to_string(), false),
        ]
        .into();
        let deps = mentioned_relations(
            "select `t`.`id` AS `id` from `t` join `v0` where `t`.`id` > 1",
            &relations,
            "v",
        );
        assert_eq!(
            deps,
            [
                ObjectRef::Table {
                    schema: SCOPE.into(),
                    name: "t".into()
                },
                ObjectRef::View {
                    schema: SCOPE.into(),
                    name: "v0".into()
                },
            ]
            .into()
        );
    }

    #[test]
    fn restrict_and_no_action_are_the_unwritten_rule() {
        assert_eq!(referential_action("ON DELETE", "RESTRICT"), "");
        assert_eq!(referential_action("ON DELETE", "NO ACTION"), "");
        assert_eq!(
            referential_action("ON UPDATE", "SET NULL"),
            " ON UPDATE SET NULL"
        );
    }

    #[test]
    fn index_definitions_read_as_show_create_table() {
        let mut prefixed = IndexPart::new(IndexKey::Column("b".into()));
        prefixed.prefix = Some(10);
        let row = IndexRow {
            table_name: "t".into(),
            name: "u".into(),
            unique: true,
            method: "BTREE".into(),
            parts: vec![IndexPart::new(IndexKey::Column("a".into())), prefixed],
            comment: None,
            invisible: false,
        };
        assert_eq!(index_definition(&row), "UNIQUE KEY `u` (`a`,`b`(10))");
        let hashed = IndexRow {
            unique: false,
            method: "HASH".into(),
            comment: Some("it's".into()),
            ..row
        };
        assert_eq!(
            index_definition(&hashed),
            "KEY `u` (`a`,`b`(10)) USING HASH COMMENT 'it''s'"
        );
    }
}
