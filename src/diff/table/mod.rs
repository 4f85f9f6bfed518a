//! Tables: creation (a bare shell, then foreign keys, indexes, triggers, policies, row security
//! and comments as separate changes), drops, re-creation where the dialect cannot alter a table
//! in place, and alteration, one concern per module.

mod columns;
mod constraints;
mod inherit;
mod options;
mod policies;

use crate::diff::emitter::{Emitter, union};
use crate::diff::graph::{Node, Rank};
use crate::diff::index::index_makes;
use crate::diff::relation::{
    column_follows_parent, column_names, constraint_inherited, find_column, index_inherited,
    parent_names, trigger_inherited,
};
use crate::diff::res::{MemberKind, Res, dep_res, member, qualified, table_res};
use crate::diff::{Change, CommentTarget, RowSecurity};
use crate::schema::{
    Constraint, ConstraintKind, Index, QualifiedName, Realm, Schema, Table, Trigger,
};
use columns::{bare_column, column_kills};
use constraints::{constraint_makes, drop_constraint};
use policies::row_security_of;

impl Emitter<'_> {
    pub(crate) fn tables(&mut self, schema: &str, old: &Schema, new: &Schema) {
        for name in union(&old.tables, &new.tables) {
            let qn = qualified(schema, name);
            let recreate = self.table_recreated(&qn);
            let (old_t, new_t) = (old.tables.get(name), new.tables.get(name));
            if let Some(t) = old_t.filter(|_| new_t.is_none() || recreate) {
                self.drop_table(&qn, t);
            }
            if let Some(t) = new_t.filter(|_| old_t.is_none() || recreate) {
                self.create_table(&qn, t);
            }
            if let (Some(a), Some(b)) = (old_t, new_t)
                && !recreate
            {
                self.alter_table(&qn, a, b);
            }
        }
    }

    fn create_table(&mut self, qn: &QualifiedName, table: &Table) {
        let to = self.to;
        let shell = table_shell(to, table);
        let mut node = Node::new(
            Change::CreateTable {
                name: qn.clone(),
                table: shell.clone(),
            },
            Rank::CreateTable,
            qn.to_string(),
        );
        node.makes
            .extend([table_res(qn), Res::RelationName(qn.clone())]);
        for column in &table.columns {
            node.makes
                .push(Res::Column(qn.clone(), column.name.clone()));
        }
        for constraint in &shell.constraints {
            node.makes.extend(constraint_makes(qn, constraint));
        }
        node.needs.extend(table.depends_on.iter().map(dep_res));
        node.needs.push(Res::Schema(qn.schema.clone()));
        node.needs
            .extend(parent_names(table).into_iter().map(|p| table_res(&p)));
        self.push(node);
        self.inherited_column_overrides(qn, table);
        self.table_members(qn, None, table);
        if table.row_security || table.force_row_security {
            self.row_security(qn, RowSecurity::default(), row_security_of(table));
        }
        self.table_comments(qn, None, table);
    }

    /// A new child's `CREATE TABLE` leaves out the columns it only inherits; where its copy
    /// differs from the parent's (a default or NOT NULL of its own), that is set afterwards.
    fn inherited_column_overrides(&mut self, qn: &QualifiedName, table: &Table) {
        let to = self.to;
        for column in &table.columns {
            if !table.inherited_columns.contains(&column.name)
                || column_follows_parent(to, table, column)
            {
                continue;
            }
            let parent_column = table
                .inherits
                .iter()
                .filter_map(|p| to.table(p))
                .find_map(|p| find_column(p, &column.name));
            if let Some(parent_column) = parent_column {
                self.push(columns::alter_column(qn, parent_column, column));
            }
        }
    }

    fn drop_table(&mut self, qn: &QualifiedName, table: &Table) {
        let from = self.from;
        for constraint in &table.constraints {
            if constraint.kind == ConstraintKind::ForeignKey
                && !constraint_inherited(from, table, constraint)
            {
                self.push(drop_constraint(qn, constraint));
            }
        }
        let mut node = Node::new(
            Change::DropTable {
                name: qn.clone(),
                table: table_shell(from, table),
            },
            Rank::DropTable,
            qn.to_string(),
        );
        node.kills
            .extend([table_res(qn), Res::RelationName(qn.clone())]);
        for column in &table.columns {
            node.kills.extend(column_kills(from, qn, &column.name));
        }
        for constraint in &table.constraints {
            node.kills.extend(constraint_makes(qn, constraint));
        }
        let columns = column_names(table);
        for index in &table.indexes {
            node.kills.extend(index_makes(qn, index, &columns));
        }
        for trigger in &table.triggers {
            node.kills
                .push(member(qn, MemberKind::Trigger, &trigger.name));
        }
        for policy in &table.policies {
            node.kills
                .push(member(qn, MemberKind::Policy, &policy.name));
        }
        node.releases.extend(table.depends_on.iter().map(dep_res));
        node.releases.push(Res::Schema(qn.schema.clone()));
        node.releases
            .extend(parent_names(table).into_iter().map(|p| table_res(&p)));
        self.push(node);
    }

    fn alter_table(&mut self, qn: &QualifiedName, old: &Table, new: &Table) {
        self.columns(qn, old, new);
        if self.dialect.column_order_counts() {
            self.column_order(qn, old, new);
        }
        self.table_members(qn, Some(old), new);
        if row_security_of(old) != row_security_of(new) {
            self.row_security(qn, row_security_of(old), row_security_of(new));
        }
        self.options(qn, old, new);
        self.partitions(qn, old, new);
        self.inheritance(qn, old, new);
        self.table_comments(qn, Some(old), new);
    }

    /// Constraints, indexes, triggers and policies of a table; `old` is None for a new table.
    fn table_members(&mut self, qn: &QualifiedName, old: Option<&Table>, new: &Table) {
        self.constraints(qn, old, new);
        let (from, to) = (self.from, self.to);
        let old_indexes: Vec<&Index> = old
            .map(|t| {
                t.indexes
                    .iter()
                    .filter(|i| !index_inherited(from, t, i))
                    .collect()
            })
            .unwrap_or_default();
        let new_indexes: Vec<&Index> = new
            .indexes
            .iter()
            .filter(|i| !index_inherited(to, new, i))
            .collect();
        let old_columns = old.map(column_names).unwrap_or_default();
        self.indexes(
            qn,
            table_res(qn),
            &old_indexes,
            &new_indexes,
            &old_columns,
            &column_names(new),
        );
        let old_triggers: Vec<&Trigger> = old
            .map(|t| {
                t.triggers
                    .iter()
                    .filter(|g| !trigger_inherited(from, t, g))
                    .collect()
            })
            .unwrap_or_default();
        let new_triggers: Vec<&Trigger> = new
            .triggers
            .iter()
            .filter(|g| !trigger_inherited(to, new, g))
            .collect();
        self.triggers(qn, table_res(qn), &old_triggers, &new_triggers);
        self.policies(
            qn,
            old.map(|t| t.policies.as_slice()).unwrap_or(&[]),
            &new.policies,
        );
    }

    fn table_comments(&mut self, qn: &QualifiedName, old: Option<&Table>, new: &Table) {
        self.comment(
            CommentTarget::Table { name: qn.clone() },
            old.and_then(|t| t.comment.as_ref()),
            new.comment.as_ref(),
            table_res(qn),
            qn.to_string(),
        );
        if old.is_none() {
            for column in &new.columns {
                self.comment(
                    CommentTarget::Column {
                        table: qn.clone(),
                        column: column.name.clone(),
                    },
                    None,
                    column.comment.as_ref(),
                    Res::Column(qn.clone(), column.name.clone()),
                    format!("{qn}.{}", column.name),
                );
            }
        }
    }
}

/// The table as `CreateTable`/`DropTable` carry it: columns, constraints other than foreign
/// keys (and those not inherited from a parent), partitioning, inheritance and options.
fn table_shell(realm: &Realm, table: &Table) -> Table {
    Table {
        columns: table.columns.iter().map(bare_column).collect(),
        constraints: table
            .constraints
            .iter()
            .filter(|c| {
                c.kind != ConstraintKind::ForeignKey && !constraint_inherited(realm, table, c)
            })
            .map(|c| Constraint {
                comment: None,
                ..c.clone()
            })
            .collect(),
        indexes: Vec::new(),
        triggers: Vec::new(),
        policies: Vec::new(),
        comment: None,
        row_security: false,
        force_row_security: false,
        ..table.clone()
    }
}
