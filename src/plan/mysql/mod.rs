//! MySQL and MariaDB plans. Every change of one table that the diff lists in a row goes into
//! one `ALTER TABLE` (one table copy at most, one implicit commit); columns are placed with
//! `FIRST`/`AFTER` so they keep the desired order; indexes and foreign keys of a new table are
//! written inside its `CREATE TABLE` (see `plan::creates`).
//!
//! MySQL commits each DDL statement by itself, so a statement is the unit of apply and of
//! resume (see `driver::mysql`'s target); every statement here is one such unit.

mod column;
mod diff_policy;
mod emptied;
mod partition;
mod quote;
mod render;
mod table;
mod type_cost;

pub use diff_policy::MysqlDiffPolicy;
pub use quote::ident as quote_ident;
pub use type_cost::type_cost;

#[cfg(test)]
use super::RiskKind;
use super::{Plan, Planner, Risk, Statement, Step, creates, describe};
use crate::diff::Change;
use crate::schema::{ConstraintKind, QualifiedName, Realm};
use render::{Clause, Rendered, Sides};

/// Plans between two inspected realms: positions and whole column definitions come from the
/// state a statement leads to.
pub struct MysqlPlanner<'a> {
    pub current: &'a Realm,
    pub desired: &'a Realm,
}

impl Planner for MysqlPlanner<'_> {
    fn plan(&self, changes: &[Change]) -> anyhow::Result<Plan> {
        let changes = emptied::keep_a_column(self.current, changes.to_vec());
        let (arranged, inline_keys) = creates::arrange(&changes);
        let changes: Vec<Change> = arranged.into_iter().cloned().collect();
        let forward = Sides::new(self.current, self.desired, &changes, inline_keys);
        let backward = Sides::new(self.desired, self.current, &[], Default::default());
        let mut rendered = Vec::with_capacity(changes.len());
        for change in &changes {
            let statements = forward.render(change)?;
            let reverse = backward.render(&change.inverse())?;
            rendered.push((change, statements, reverse));
        }
        Ok(Plan {
            steps: combine(rendered),
        })
    }
}

/// Steps, with each run of `ALTER TABLE` clauses on one table joined into one statement on
/// the run's last step (earlier steps of the run keep their change and no statement, so lint
/// and history still see every change); the reverse of the run is joined the same way.
fn combine(rendered: Vec<(&Change, Rendered, Rendered)>) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut run: Vec<(&Change, Rendered, Rendered)> = Vec::new();
    for item in rendered {
        let joins = match (run.last(), &item.1) {
            (Some(last), Rendered::Alter { table, .. }) => {
                last.1.alters(table) && !re_adds_dropped_foreign_key(&run, item.0)
            }
            _ => false,
        };
        if !joins {
            flush(&mut run, &mut steps);
        }
        if matches!(item.1, Rendered::Alter { .. }) {
            run.push(item);
        } else {
            let (change, statements, reverse) = item;
            steps.push(Step {
                change: change.clone(),
                summary: describe(change),
                statements: statements.into_statements(),
                reverse: reverse.into_statements(),
            });
        }
    }
    flush(&mut run, &mut steps);
    steps
}

/// Whether `change` adds a foreign key under a name that the run drops: MariaDB refuses both in
/// one `ALTER TABLE` (errno 121, duplicate key), so the add starts a statement of its own.
fn re_adds_dropped_foreign_key(run: &[(&Change, Rendered, Rendered)], change: &Change) -> bool {
    let Change::AddConstraint { constraint, .. } = change else {
        return false;
    };
    constraint.kind == ConstraintKind::ForeignKey
        && run.iter().any(|(earlier, _, _)| {
            matches!(earlier, Change::DropConstraint { constraint: dropped, .. }
                if dropped.kind == ConstraintKind::ForeignKey && dropped.name == constraint.name)
        })
}

fn flush(run: &mut Vec<(&Change, Rendered, Rendered)>, steps: &mut Vec<Step>) {
    let Some((_, Rendered::Alter { table, .. }, _)) = run.first() else {
        return;
    };
    let table = table.clone();
    let forward: Vec<&Rendered> = run.iter().map(|(_, f, _)| f).collect();
    let backward: Vec<&Rendered> = run.iter().rev().map(|(_, _, b)| b).collect();
    let statement = alter_statement(&table, &forward);
    let reverse = alter_statement(&table, &backward);
    let summaries: Vec<String> = run.iter().map(|(c, _, _)| describe(c)).collect();
    let last = run.len() - 1;
    for (i, (change, _, _)) in run.drain(..).enumerate() {
        let is_last = i == last;
        steps.push(Step {
            change: change.clone(),
            summary: if is_last && last > 0 {
                format!("modify table {table}: {}", summaries.join("; "))
            } else {
                describe(change)
            },
            statements: if is_last {
                statement.clone().into_iter().collect()
            } else {
                Vec::new()
            },
            reverse: if is_last {
                reverse.clone().into_iter().collect()
            } else {
                Vec::new()
            },
        });
    }
}

/// One `ALTER TABLE` of the clauses in order. Of two clauses that write one column's whole
/// definition, the one that adds or places the column stays (MySQL refuses two clauses on one
/// column in one statement; both write the same desired definition).
fn alter_statement(table: &QualifiedName, parts: &[&Rendered]) -> Option<Statement> {
    let mut clauses: Vec<Clause> = Vec::new();
    let mut risks: Vec<Risk> = Vec::new();
    for part in parts {
        if let Rendered::Alter {
            clauses: cs,
            risks: rs,
            ..
        } = part
        {
            for clause in cs {
                if let Some((column, how)) = &clause.column {
                    let earlier = clauses
                        .iter()
                        .position(|c| c.column.as_ref().is_some_and(|(name, _)| name == column));
                    if let Some(at) = earlier {
                        let (_, earlier_how) = clauses[at].column.clone().expect("found by column");
                        if earlier_how >= *how {
                            continue;
                        }
                        clauses.remove(at);
                    }
                }
                clauses.push(clause.clone());
            }
            risks.extend(rs.iter().cloned());
        }
    }
    if clauses.is_empty() {
        return None;
    }
    in_place_order(&mut clauses);
    let body: Vec<String> = clauses.into_iter().map(|c| c.text).collect();
    Some(Statement {
        sql: format!(
            "ALTER TABLE {} {}",
            quote::ident(&table.name),
            body.join(", ")
        ),
        risks,
        transactional: true,
    })
}

/// The clauses that place a column (adds and moves) in the order of the positions they
/// place at, each in one of their slots, the other clauses where they are: MySQL runs the
/// clauses in turn, and `AFTER x` needs `x` there already (an added `x` may come later in the
/// diff's order) and in place (a move of `x` after it would leave a gap).
fn in_place_order(clauses: &mut [Clause]) {
    let slots: Vec<usize> = (0..clauses.len())
        .filter(|&i| clauses[i].place.is_some())
        .collect();
    let mut placing: Vec<Clause> = slots.iter().map(|&i| clauses[i].clone()).collect();
    placing.sort_by_key(|c| c.place);
    for (slot, clause) in slots.into_iter().zip(placing) {
        clauses[slot] = clause;
    }
}

#[cfg(test)]
mod tests;
