//! One-line human descriptions of changes, e.g. `add column "age" to public.users`.
//!
//! A [`Names`] style says how objects are named in them, so a dialect can name them the way its
//! SQL does; [`describe`] uses the plain style (`public.users`, members quoted: `"age"`).

use crate::diff::{Change, CommentTarget};
use crate::schema::{QualifiedName, TypeDef, TypeKind};

/// How a description names objects: schema-level ones by their qualified name; the member a
/// change adds, drops or alters (column, constraint, index, ...) by `member`; other bare names
/// (schemas, extensions, the members of comment targets) by `unqualified`.
pub struct Names {
    pub qualified: fn(&QualifiedName) -> String,
    pub member: fn(&str) -> String,
    pub unqualified: fn(&str) -> String,
}

/// `public.users`, `"age"`, `pgcrypto`: the style of plans that do not say otherwise.
pub const PLAIN: Names = Names {
    qualified: |name| name.to_string(),
    member: |name| format!("\"{name}\""),
    unqualified: |name| name.to_string(),
};

fn type_kind(def: &TypeDef) -> &'static str {
    match def.kind {
        TypeKind::Enum { .. } => "enum",
        TypeKind::Composite { .. } => "composite type",
        TypeKind::Domain { .. } => "domain",
        TypeKind::Range { .. } => "range type",
    }
}

fn comment_target(target: &CommentTarget, names: &Names) -> String {
    let (q, u) = (names.qualified, names.unqualified);
    match target {
        CommentTarget::Extension { name } => format!("extension {}", u(name)),
        CommentTarget::Schema { name } => format!("schema {}", u(name)),
        CommentTarget::Table { name } => format!("table {}", q(name)),
        CommentTarget::Column { table, column } => format!("column {}.{}", q(table), u(column)),
        CommentTarget::View { name } => format!("view {}", q(name)),
        CommentTarget::MaterializedView { name } => format!("materialized view {}", q(name)),
        CommentTarget::ViewColumn { view, column } => format!("column {}.{}", q(view), u(column)),
        CommentTarget::Type { name } => format!("type {}", q(name)),
        CommentTarget::Domain { name } => format!("domain {}", q(name)),
        CommentTarget::Sequence { name } => format!("sequence {}", q(name)),
        CommentTarget::Function {
            name,
            arguments,
            procedure,
        } => format!(
            "{} {}({arguments})",
            if *procedure { "procedure" } else { "function" },
            q(name)
        ),
        CommentTarget::Index { name } => format!("index {}", q(name)),
        CommentTarget::Constraint { table, name } => {
            format!("constraint {} on {}", u(name), q(table))
        }
        CommentTarget::Trigger { on, name } => format!("trigger {} on {}", u(name), q(on)),
        CommentTarget::Policy { table, name } => format!("policy {} on {}", u(name), q(table)),
    }
}

fn view_kind(materialized: bool) -> &'static str {
    if materialized {
        "materialized view"
    } else {
        "view"
    }
}

/// The description in the plain style.
pub fn describe(change: &Change) -> String {
    describe_with(change, &PLAIN)
}

/// The description with objects named in the `names` style.
pub fn describe_with(change: &Change, names: &Names) -> String {
    member_change(change, names).unwrap_or_else(|| object_change(change, names))
}

/// Changes of schema-level objects.
fn object_change(change: &Change, names: &Names) -> String {
    use Change::*;
    let (q, u) = (names.qualified, names.unqualified);
    let routine = |verb: &str, name: &QualifiedName, function: &crate::schema::Function| {
        let (kind, arguments) = (routine_kind(function), &function.identity_arguments);
        format!("{verb} {kind} {}({arguments})", q(name))
    };
    match change {
        CreateExtension { extension } => format!("create extension {}", u(&extension.name)),
        DropExtension { extension } => format!("drop extension {}", u(&extension.name)),
        UpdateExtension { to, .. } => {
            format!("update extension {} to {}", u(&to.name), to.version)
        }
        CreateSchema { name } => format!("create schema {}", u(name)),
        DropSchema { name } => format!("drop schema {}", u(name)),
        CreateType { name, def } => format!("create {} {}", type_kind(def), q(name)),
        DropType { name, def } => format!("drop {} {}", type_kind(def), q(name)),
        AlterType { name, to, .. } => format!("alter {} {}", type_kind(to), q(name)),
        CreateCollation { name, .. } => format!("create collation {}", q(name)),
        DropCollation { name, .. } => format!("drop collation {}", q(name)),
        CreateSequence { name, .. } => format!("create sequence {}", q(name)),
        DropSequence { name, .. } => format!("drop sequence {}", q(name)),
        AlterSequence { name, .. } => format!("alter sequence {}", q(name)),
        CreateFunction { name, function } => routine("create", name, function),
        DropFunction { name, function } => routine("drop", name, function),
        ReplaceFunction { name, to, .. } => routine("replace", name, to),
        CreateTable { name, .. } => format!("create table {}", q(name)),
        DropTable { name, .. } => format!("drop table {}", q(name)),
        ReorderColumns { table, .. } => format!("reorder the columns of {}", q(table)),
        SetRowSecurity { table, .. } => format!("change row level security of {}", q(table)),
        SetTableOptions { table, .. } => format!("change storage options of {}", q(table)),
        AttachPartition {
            table,
            partition_of,
        } => format!(
            "attach partition {} to {}",
            q(table),
            q(&partition_of.parent)
        ),
        DetachPartition {
            table,
            partition_of,
        } => format!(
            "detach partition {} from {}",
            q(table),
            q(&partition_of.parent)
        ),
        Inherit { table, parent, .. } => format!("make {} inherit {}", q(table), q(parent)),
        NoInherit { table, parent } => {
            format!("make {} no longer inherit {}", q(table), q(parent))
        }
        CreateView { name, view } => format!("create {} {}", view_kind(view.materialized), q(name)),
        DropView { name, view } => format!("drop {} {}", view_kind(view.materialized), q(name)),
        ReplaceView { name, to, .. } => {
            format!("replace {} {}", view_kind(to.materialized), q(name))
        }
        SetComment { target, to, .. } => {
            let verb = if to.is_some() { "set" } else { "remove" };
            format!("{verb} comment on {}", comment_target(target, names))
        }
        RenameTable { from, to } => format!("rename table {} to {}", q(from), q(to)),
        RenameSequence { from, to } => format!("rename sequence {} to {}", q(from), q(to)),
        _ => unreachable!("members are described by member_change"),
    }
}

/// Changes of a member of a table or view (column, constraint, index, trigger, policy).
fn member_change(change: &Change, names: &Names) -> Option<String> {
    use Change::*;
    let (q, m) = (names.qualified, names.member);
    Some(match change {
        AddColumn { table, column } => format!("add column {} to {}", m(&column.name), q(table)),
        DropColumn { table, column, .. } => {
            format!("drop column {} from {}", m(&column.name), q(table))
        }
        AlterColumn { table, to, .. } => format!("alter column {} of {}", m(&to.name), q(table)),
        AddConstraint { table, constraint } => {
            format!("add constraint {} to {}", m(&constraint.name), q(table))
        }
        DropConstraint { table, constraint } => {
            format!("drop constraint {} from {}", m(&constraint.name), q(table))
        }
        CreateIndex { on, index } => format!("create index {} on {}", m(&index.name), q(on)),
        DropIndex { on, index } => format!("drop index {} on {}", m(&index.name), q(on)),
        CreateTrigger { on, trigger } => {
            format!("create trigger {} on {}", m(&trigger.name), q(on))
        }
        DropTrigger { on, trigger } => format!("drop trigger {} on {}", m(&trigger.name), q(on)),
        CreatePolicy { table, policy } => {
            format!("create policy {} on {}", m(&policy.name), q(table))
        }
        DropPolicy { table, policy } => format!("drop policy {} on {}", m(&policy.name), q(table)),
        AlterPolicy { table, to, .. } => format!("alter policy {} on {}", m(&to.name), q(table)),
        RenameColumn { table, from, to } => {
            format!("rename column {} of {} to {}", m(from), q(table), m(to))
        }
        RenameIndex { on, from, to } => {
            format!("rename index {} on {} to {}", m(from), q(on), m(to))
        }
        RenameConstraint { table, from, to } => {
            format!("rename constraint {} of {} to {}", m(from), q(table), m(to))
        }
        _ => return None,
    })
}

fn routine_kind(function: &crate::schema::Function) -> &'static str {
    match function.kind {
        crate::schema::RoutineKind::Function => "function",
        crate::schema::RoutineKind::Procedure => "procedure",
    }
}
