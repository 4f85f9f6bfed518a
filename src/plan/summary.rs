//! One-line human descriptions of changes, e.g. `add column "age" to public.users`.

use crate::diff::{Change, CommentTarget};
use crate::schema::{TypeDef, TypeKind};

fn type_kind(def: &TypeDef) -> &'static str {
    match def.kind {
        TypeKind::Enum { .. } => "enum",
        TypeKind::Composite { .. } => "composite type",
        TypeKind::Domain { .. } => "domain",
        TypeKind::Range { .. } => "range type",
    }
}

fn comment_target(target: &CommentTarget) -> String {
    match target {
        CommentTarget::Extension { name } => format!("extension {name}"),
        CommentTarget::Schema { name } => format!("schema {name}"),
        CommentTarget::Table { name } => format!("table {name}"),
        CommentTarget::Column { table, column } => format!("column {table}.{column}"),
        CommentTarget::View { name } => format!("view {name}"),
        CommentTarget::MaterializedView { name } => format!("materialized view {name}"),
        CommentTarget::ViewColumn { view, column } => format!("column {view}.{column}"),
        CommentTarget::Type { name } => format!("type {name}"),
        CommentTarget::Domain { name } => format!("domain {name}"),
        CommentTarget::Sequence { name } => format!("sequence {name}"),
        CommentTarget::Function {
            name,
            arguments,
            procedure,
        } => format!(
            "{} {name}({arguments})",
            if *procedure { "procedure" } else { "function" }
        ),
        CommentTarget::Index { name } => format!("index {name}"),
        CommentTarget::Constraint { table, name } => format!("constraint {name} on {table}"),
        CommentTarget::Trigger { on, name } => format!("trigger {name} on {on}"),
        CommentTarget::Policy { table, name } => format!("policy {name} on {table}"),
    }
}

fn view_kind(materialized: bool) -> &'static str {
    if materialized {
        "materialized view"
    } else {
        "view"
    }
}

pub fn describe(change: &Change) -> String {
    use Change::*;
    match change {
        CreateExtension { extension } => format!("create extension {}", extension.name),
        DropExtension { extension } => format!("drop extension {}", extension.name),
        CreateSchema { name } => format!("create schema {name}"),
        DropSchema { name } => format!("drop schema {name}"),
        CreateType { name, def } => format!("create {} {name}", type_kind(def)),
        DropType { name, def } => format!("drop {} {name}", type_kind(def)),
        AlterType { name, to, .. } => format!("alter {} {name}", type_kind(to)),
        CreateSequence { name, .. } => format!("create sequence {name}"),
        DropSequence { name, .. } => format!("drop sequence {name}"),
        AlterSequence { name, .. } => format!("alter sequence {name}"),
        CreateFunction { name, function } => format!(
            "create {} {name}({})",
            routine_kind(function),
            function.identity_arguments
        ),
        DropFunction { name, function } => format!(
            "drop {} {name}({})",
            routine_kind(function),
            function.identity_arguments
        ),
        ReplaceFunction { name, to, .. } => format!(
            "replace {} {name}({})",
            routine_kind(to),
            to.identity_arguments
        ),
        CreateTable { name, .. } => format!("create table {name}"),
        DropTable { name, .. } => format!("drop table {name}"),
        AddColumn { table, column } => format!("add column \"{}\" to {table}", column.name),
        DropColumn { table, column } => format!("drop column \"{}\" from {table}", column.name),
        AlterColumn { table, to, .. } => format!("alter column \"{}\" of {table}", to.name),
        ReorderColumns { table, .. } => format!("reorder the columns of {table}"),
        AddConstraint { table, constraint } => {
            format!("add constraint \"{}\" to {table}", constraint.name)
        }
        DropConstraint { table, constraint } => {
            format!("drop constraint \"{}\" from {table}", constraint.name)
        }
        CreateIndex { on, index } => format!("create index \"{}\" on {on}", index.name),
        DropIndex { on, index } => format!("drop index \"{}\" on {on}", index.name),
        SetRowSecurity { table, .. } => format!("change row level security of {table}"),
        SetTableOptions { table, .. } => format!("change storage options of {table}"),
        AttachPartition {
            table,
            partition_of,
        } => format!("attach partition {table} to {}", partition_of.parent),
        DetachPartition {
            table,
            partition_of,
        } => format!("detach partition {table} from {}", partition_of.parent),
        CreateView { name, view } => format!("create {} {name}", view_kind(view.materialized)),
        DropView { name, view } => format!("drop {} {name}", view_kind(view.materialized)),
        ReplaceView { name, to, .. } => format!("replace {} {name}", view_kind(to.materialized)),
        CreateTrigger { on, trigger } => format!("create trigger \"{}\" on {on}", trigger.name),
        DropTrigger { on, trigger } => format!("drop trigger \"{}\" on {on}", trigger.name),
        CreatePolicy { table, policy } => format!("create policy \"{}\" on {table}", policy.name),
        DropPolicy { table, policy } => format!("drop policy \"{}\" on {table}", policy.name),
        AlterPolicy { table, to, .. } => format!("alter policy \"{}\" on {table}", to.name),
        SetComment { target, to, .. } => match to {
            Some(_) => format!("set comment on {}", comment_target(target)),
            None => format!("remove comment on {}", comment_target(target)),
        },
        RenameTable { from, to } => format!("rename table {from} to {to}"),
        RenameColumn { table, from, to } => {
            format!("rename column \"{from}\" of {table} to \"{to}\"")
        }
        RenameIndex { on, from, to } => format!("rename index \"{from}\" on {on} to \"{to}\""),
        RenameSequence { from, to } => format!("rename sequence {from} to {to}"),
        RenameConstraint { table, from, to } => {
            format!("rename constraint \"{from}\" of {table} to \"{to}\"")
        }
    }
}

fn routine_kind(function: &crate::schema::Function) -> &'static str {
    match function.kind {
        crate::schema::RoutineKind::Function => "function",
        crate::schema::RoutineKind::Procedure => "procedure",
    }
}
