//! PostgreSQL planner: renders changes as PostgreSQL DDL with reverses and risk notes.
//!
//! Every identifier is quoted; type names, expressions and definitions are the server's own
//! canonical texts from the model and are used verbatim. Each change becomes one step whose
//! reverse is the rendering of `change.inverse()`.

mod cast;
mod collation;
mod column;
mod comment;
mod diff_policy;
mod inherit;
mod inline;
mod namespace;
mod policy;
mod quote;
mod rename;
mod routine;
mod sequence;
mod statement;
mod table;
mod trigger;
mod type_cost;
mod types;
mod view;

pub use diff_policy::PostgresDiffPolicy;
pub use type_cost::type_cost;

use super::{Plan, Planner, Statement, Step, describe_with};
use crate::diff::Change;
use crate::schema::{QualifiedName, Table};
use inline::Inline;
use std::collections::{BTreeMap, BTreeSet};

pub struct PostgresPlanner;

impl Planner for PostgresPlanner {
    fn plan(&self, changes: &[Change]) -> anyhow::Result<Plan> {
        let (changes, inline) = inline::arrange(changes);
        let mut created = Created::default();
        // Sized up front: a step holds a whole change, and growing by doubling would keep two
        // copies of a first migration's thousands of steps alive at once.
        let mut steps = Vec::with_capacity(changes.len());
        for change in changes {
            steps.push(step(change, &created, &inline)?);
            created.record(change);
        }
        Ok(Plan { steps })
    }
}

/// The step of one change. A change a `CREATE TABLE` carries has no statements of its own,
/// and no reverse: dropping the table undoes it.
fn step(change: &Change, created: &Created, inline: &Inline) -> anyhow::Result<Step> {
    let carried = inline.carries(change);
    let statements = match carried {
        true => Vec::new(),
        false => render(change, created, inline)?,
    };
    let reverse = match carried {
        true => Vec::new(),
        // A reverse runs after later steps were undone, when nothing of this plan is new any
        // more: judge its risks as on an existing database.
        false => render(&change.inverse(), &Created::default(), &Inline::default())?,
    };
    Ok(Step {
        change: change.clone(),
        summary: describe_with(change, &quote::NAMES),
        statements,
        reverse,
    })
}

/// Relations created earlier in the plan: they hold no rows yet, so building indexes or
/// checking constraints on them carries no risk.
#[derive(Default)]
struct Created<'a> {
    tables: BTreeMap<&'a QualifiedName, &'a Table>,
    relations: BTreeSet<&'a QualifiedName>,
}

impl<'a> Created<'a> {
    fn record(&mut self, change: &'a Change) {
        match change {
            Change::CreateTable { name, table } => {
                self.tables.insert(name, table);
                self.relations.insert(name);
            }
            Change::CreateView { name, view } if view.materialized => {
                self.relations.insert(name);
            }
            _ => {}
        }
    }

    fn is_new(&self, name: &QualifiedName) -> bool {
        self.relations.contains(name)
    }
}

/// The statements carrying out one change.
fn render(change: &Change, created: &Created, inline: &Inline) -> anyhow::Result<Vec<Statement>> {
    use Change::*;
    Ok(match change {
        CreateExtension { extension } => vec![namespace::create_extension(extension)],
        DropExtension { extension } => vec![namespace::drop_extension(extension)],
        UpdateExtension { to, .. } => vec![namespace::update_extension(to)],
        CreateSchema { name } => vec![namespace::create_schema(name)],
        DropSchema { name } => vec![namespace::drop_schema(name)],

        CreateType { name, def } => types::create(name, def),
        DropType { name, def } => types::drop(name, def),
        AlterType { name, from, to } => types::alter(name, from, to),

        CreateCollation { name, collation } => vec![collation::create(name, collation)],
        DropCollation { name, .. } => vec![collation::drop(name)],

        CreateSequence { name, sequence } => sequence::create(name, sequence),
        DropSequence { name, .. } => sequence::drop(name),
        AlterSequence { name, from, to } => sequence::alter(name, from, to),

        CreateFunction { function, .. } => vec![routine::create(function)],
        ReplaceFunction { to, .. } => vec![routine::create(to)],
        DropFunction { name, function } => vec![routine::drop(name, function)],

        CreateTable { name, table } => {
            let parent = table
                .partition_of
                .as_ref()
                .and_then(|p| created.tables.get(&p.parent).copied());
            table::create(name, table, parent, inline)
        }
        DropTable { name, .. } => vec![table::drop(name)],
        AddColumn { table, column } => vec![column::add(table, column, created.is_new(table))],
        DropColumn {
            table,
            column,
            only,
        } => vec![column::drop(table, column, *only)],
        AlterColumn { table, from, to } => column::alter(table, from, to),
        // Column order is no difference here (the diff policy says so): never asked for.
        ReorderColumns { .. } => return Err(super::unrenderable("PostgreSQL", change)),
        AddConstraint { table, constraint } => vec![table::add_constraint(
            table,
            constraint,
            created.is_new(table),
        )],
        DropConstraint { table, constraint } => vec![table::drop_constraint(table, constraint)],
        CreateIndex { on, index } => vec![table::create_index(on, index, created.is_new(on))],
        DropIndex { on, index } => vec![table::drop_index(on, index)],
        SetRowSecurity { table, from, to } => table::set_row_security(table, from, to),
        SetTableOptions { table, from, to } => table::set_options(table, from, to),
        AttachPartition {
            table,
            partition_of,
        } => vec![table::attach_partition(table, partition_of)],
        DetachPartition {
            table,
            partition_of,
        } => vec![table::detach_partition(table, partition_of)],
        Inherit {
            table,
            parent,
            checks,
        } => inherit::inherit(table, parent, checks),
        NoInherit { table, parent } => vec![inherit::no_inherit(table, parent)],

        CreateView { name, view } => vec![view::create(name, view)],
        DropView { name, view } => vec![view::drop(name, view)],
        ReplaceView { name, from, to } => view::replace(name, from, to),

        CreateTrigger { on, trigger } => trigger::create(on, trigger),
        DropTrigger { on, trigger } => vec![trigger::drop(on, trigger)],

        CreatePolicy { table, policy } => vec![policy::create(table, policy)],
        DropPolicy { table, policy } => vec![policy::drop(table, policy)],
        AlterPolicy { table, from, to } => policy::alter(table, from, to),

        SetComment { target, to, .. } => vec![comment::set(target, to)],

        RenameTable { from, to } => rename::table(from, to),
        RenameColumn { table, from, to } => vec![rename::column(table, from, to)],
        RenameIndex { on, from, to } => vec![rename::index(on, from, to)],
        RenameSequence { from, to } => vec![rename::sequence(from, to)],
        RenameConstraint { table, from, to } => vec![rename::constraint(table, from, to)],
    })
}

#[cfg(test)]
mod tests;
