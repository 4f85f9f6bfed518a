//! The change vocabulary: what `diff` produces and `plan` renders.
//!
//! Each change carries whole objects (both sides for alterations), so that a planner can render
//! it and its reverse without looking anything up, and `Change::inverse` is a plain swap.
//! Creating an object never implies its comment, indexes, triggers or policies: those arrive as
//! changes of their own, so every dialect renders each thing in exactly one place.

use crate::schema::{
    Collation, Column, Constraint, Extension, Function, Index, PartitionOf, Policy, QualifiedName,
    Sequence, Table, TableAttrs, Trigger, TypeDef, View,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    CreateExtension {
        extension: Extension,
    },
    DropExtension {
        extension: Extension,
    },
    /// `ALTER EXTENSION ... UPDATE TO` the version `to` asked for.
    UpdateExtension {
        from: Extension,
        to: Extension,
    },
    CreateSchema {
        name: String,
    },
    DropSchema {
        name: String,
    },

    CreateType {
        name: QualifiedName,
        def: TypeDef,
    },
    DropType {
        name: QualifiedName,
        def: TypeDef,
    },
    /// An in-place change of a type of the same kind: enum values added, domain default / NOT NULL
    /// / checks changed, composite attributes added, dropped or retyped.
    AlterType {
        name: QualifiedName,
        from: TypeDef,
        to: TypeDef,
    },

    CreateCollation {
        name: QualifiedName,
        collation: Collation,
    },
    DropCollation {
        name: QualifiedName,
        collation: Collation,
    },

    CreateSequence {
        name: QualifiedName,
        sequence: Sequence,
    },
    DropSequence {
        name: QualifiedName,
        sequence: Sequence,
    },
    AlterSequence {
        name: QualifiedName,
        from: Sequence,
        to: Sequence,
    },

    CreateFunction {
        name: QualifiedName,
        function: Function,
    },
    DropFunction {
        name: QualifiedName,
        function: Function,
    },
    /// `CREATE OR REPLACE` of a routine whose signature and result type stay the same.
    ReplaceFunction {
        name: QualifiedName,
        from: Function,
        to: Function,
    },

    /// Renders the table's columns, the constraints left in `table.constraints`, partitioning,
    /// inheritance and storage options; nothing else of the table.
    CreateTable {
        name: QualifiedName,
        table: Table,
    },
    DropTable {
        name: QualifiedName,
        table: Table,
    },
    AddColumn {
        table: QualifiedName,
        column: Column,
    },
    DropColumn {
        table: QualifiedName,
        column: Column,
        /// From this table alone (`ALTER TABLE ONLY`): an INHERITS child keeps its copy, which
        /// becomes its own column (PostgreSQL).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        only: bool,
    },
    /// Type, default, NOT NULL, identity, generation or collation changed in place (not the comment).
    AlterColumn {
        table: QualifiedName,
        from: Column,
        to: Column,
    },
    /// The columns both states have are in another order (only where order counts, see
    /// `DiffPolicy::column_order_counts`); `from` and `to` are the two tables' column names.
    ReorderColumns {
        table: QualifiedName,
        from: Vec<String>,
        to: Vec<String>,
    },
    AddConstraint {
        table: QualifiedName,
        constraint: Constraint,
    },
    DropConstraint {
        table: QualifiedName,
        constraint: Constraint,
    },
    /// `on` is a table or a materialized view.
    CreateIndex {
        on: QualifiedName,
        index: Index,
    },
    DropIndex {
        on: QualifiedName,
        index: Index,
    },
    SetRowSecurity {
        table: QualifiedName,
        from: RowSecurity,
        to: RowSecurity,
    },
    /// Storage parameters and UNLOGGED.
    SetTableOptions {
        table: QualifiedName,
        from: TableOptions,
        to: TableOptions,
    },
    AttachPartition {
        table: QualifiedName,
        partition_of: PartitionOf,
    },
    /// `table` becomes an INHERITS child of `parent`, whose columns it already has; `checks`
    /// are the parent's CHECK constraints it lacks, added first as PostgreSQL requires.
    Inherit {
        table: QualifiedName,
        parent: QualifiedName,
        checks: Vec<Constraint>,
    },
    /// `table` stops inheriting from `parent`, keeping the columns and checks it had from it as
    /// its own.
    NoInherit {
        table: QualifiedName,
        parent: QualifiedName,
    },
    DetachPartition {
        table: QualifiedName,
        partition_of: PartitionOf,
    },

    /// Renders the view (or materialized view) itself, not its indexes, triggers or comments.
    CreateView {
        name: QualifiedName,
        view: View,
    },
    DropView {
        name: QualifiedName,
        view: View,
    },
    /// `CREATE OR REPLACE VIEW` where the server allows it (same leading columns, same types).
    ReplaceView {
        name: QualifiedName,
        from: View,
        to: View,
    },

    /// `on` is a table or a view (INSTEAD OF triggers).
    CreateTrigger {
        on: QualifiedName,
        trigger: Trigger,
    },
    DropTrigger {
        on: QualifiedName,
        trigger: Trigger,
    },

    CreatePolicy {
        table: QualifiedName,
        policy: Policy,
    },
    DropPolicy {
        table: QualifiedName,
        policy: Policy,
    },
    AlterPolicy {
        table: QualifiedName,
        from: Policy,
        to: Policy,
    },

    SetComment {
        target: CommentTarget,
        from: Option<String>,
        to: Option<String>,
    },

    /// A table moved to another schema and/or given another name; it keeps its rows, columns,
    /// indexes, constraints and owned sequences (which move along to the new schema).
    RenameTable {
        from: QualifiedName,
        to: QualifiedName,
    },
    /// `table` is the table's name at the time of the rename (its name in the target state).
    RenameColumn {
        table: QualifiedName,
        from: String,
        to: String,
    },
    /// An index of table (or materialized view) `on`; it stays in `on`'s schema.
    RenameIndex {
        on: QualifiedName,
        from: String,
        to: String,
    },
    /// A sequence renamed within its schema (`from.schema == to.schema`).
    RenameSequence {
        from: QualifiedName,
        to: QualifiedName,
    },
    /// A constraint of `table` (a primary key's or unique constraint's index follows its name).
    RenameConstraint {
        table: QualifiedName,
        from: String,
        to: String,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowSecurity {
    pub enabled: bool,
    pub forced: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableOptions {
    pub unlogged: bool,
    pub options: Vec<String>,
    #[serde(default, skip_serializing_if = "TableAttrs::is_none")]
    pub attrs: TableAttrs,
    /// The partitioning key ([`crate::schema::Table::partition_by`]). MySQL re-partitions a
    /// table in place; where a new key re-creates the table instead (the dialect's
    /// `table_needs_recreate`), both sides here hold the same key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<String>,
}

/// The object a comment is attached to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "object", rename_all = "snake_case")]
pub enum CommentTarget {
    Extension {
        name: String,
    },
    Schema {
        name: String,
    },
    Table {
        name: QualifiedName,
    },
    Column {
        table: QualifiedName,
        column: String,
    },
    View {
        name: QualifiedName,
    },
    MaterializedView {
        name: QualifiedName,
    },
    /// A column of a view or materialized view.
    ViewColumn {
        view: QualifiedName,
        column: String,
    },
    Type {
        name: QualifiedName,
    },
    Domain {
        name: QualifiedName,
    },
    Sequence {
        name: QualifiedName,
    },
    /// `name` is the schema and routine name; `arguments` its identity arguments.
    Function {
        name: QualifiedName,
        arguments: String,
        procedure: bool,
    },
    /// Index in `schema` (the table's schema).
    Index {
        name: QualifiedName,
    },
    Constraint {
        table: QualifiedName,
        name: String,
    },
    Trigger {
        on: QualifiedName,
        name: String,
    },
    Policy {
        table: QualifiedName,
        name: String,
    },
}

/// The tables `changes` create.
pub fn created_tables(changes: &[Change]) -> std::collections::BTreeSet<&QualifiedName> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateTable { name, .. } => Some(name),
            _ => None,
        })
        .collect()
}

impl Change {
    /// The change that undoes this one (structure, not data: the inverse of a drop re-creates an
    /// empty object).
    pub fn inverse(&self) -> Change {
        use Change::*;
        match self.clone() {
            CreateExtension { extension } => DropExtension { extension },
            DropExtension { extension } => CreateExtension { extension },
            UpdateExtension { from, to } => UpdateExtension { from: to, to: from },
            CreateSchema { name } => DropSchema { name },
            DropSchema { name } => CreateSchema { name },
            CreateType { name, def } => DropType { name, def },
            DropType { name, def } => CreateType { name, def },
            AlterType { name, from, to } => AlterType {
                name,
                from: to,
                to: from,
            },
            CreateCollation { name, collation } => DropCollation { name, collation },
            DropCollation { name, collation } => CreateCollation { name, collation },
            CreateSequence { name, sequence } => DropSequence { name, sequence },
            DropSequence { name, sequence } => CreateSequence { name, sequence },
            AlterSequence { name, from, to } => AlterSequence {
                name,
                from: to,
                to: from,
            },
            CreateFunction { name, function } => DropFunction { name, function },
            DropFunction { name, function } => CreateFunction { name, function },
            ReplaceFunction { name, from, to } => ReplaceFunction {
                name,
                from: to,
                to: from,
            },
            CreateTable { name, table } => DropTable { name, table },
            DropTable { name, table } => CreateTable { name, table },
            AddColumn { table, column } => DropColumn {
                table,
                column,
                only: false,
            },
            DropColumn { table, column, .. } => AddColumn { table, column },
            AlterColumn { table, from, to } => AlterColumn {
                table,
                from: to,
                to: from,
            },
            ReorderColumns { table, from, to } => ReorderColumns {
                table,
                from: to,
                to: from,
            },
            AddConstraint { table, constraint } => DropConstraint { table, constraint },
            DropConstraint { table, constraint } => AddConstraint { table, constraint },
            CreateIndex { on, index } => DropIndex { on, index },
            DropIndex { on, index } => CreateIndex { on, index },
            SetRowSecurity { table, from, to } => SetRowSecurity {
                table,
                from: to,
                to: from,
            },
            SetTableOptions { table, from, to } => SetTableOptions {
                table,
                from: to,
                to: from,
            },
            AttachPartition {
                table,
                partition_of,
            } => DetachPartition {
                table,
                partition_of,
            },
            DetachPartition {
                table,
                partition_of,
            } => AttachPartition {
                table,
                partition_of,
            },
            Inherit { table, parent, .. } => NoInherit { table, parent },
            // The table kept the parent's checks as its own: nothing to add back.
            NoInherit { table, parent } => Inherit {
                table,
                parent,
                checks: Vec::new(),
            },
            CreateView { name, view } => DropView { name, view },
            DropView { name, view } => CreateView { name, view },
            ReplaceView { name, from, to } => ReplaceView {
                name,
                from: to,
                to: from,
            },
            CreateTrigger { on, trigger } => DropTrigger { on, trigger },
            DropTrigger { on, trigger } => CreateTrigger { on, trigger },
            CreatePolicy { table, policy } => DropPolicy { table, policy },
            DropPolicy { table, policy } => CreatePolicy { table, policy },
            AlterPolicy { table, from, to } => AlterPolicy {
                table,
                from: to,
                to: from,
            },
            SetComment { target, from, to } => SetComment {
                target,
                from: to,
                to: from,
            },
            RenameTable { from, to } => RenameTable { from: to, to: from },
            RenameColumn { table, from, to } => RenameColumn {
                table,
                from: to,
                to: from,
            },
            RenameIndex { on, from, to } => RenameIndex {
                on,
                from: to,
                to: from,
            },
            RenameSequence { from, to } => RenameSequence { from: to, to: from },
            RenameConstraint { table, from, to } => RenameConstraint {
                table,
                from: to,
                to: from,
            },
        }
    }
}
