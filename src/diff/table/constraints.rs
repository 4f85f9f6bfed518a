//! Constraints of a table: added, dropped, and dropped and added again when their definition
//! changes or the cascade forces it; those a partition or child inherits are left alone.

use super::inherit::detached_checks;
use crate::diff::emitter::Emitter;
use crate::diff::graph::{Node, Rank};
use crate::diff::relation::{common_parents, constraint_inherited, constraint_inherited_from};
use crate::diff::res::{MemberKind, Res, member, qualified};
use crate::diff::uses::{constraint_uses, sorted};
use crate::diff::{Change, CommentTarget};
use crate::schema::{Constraint, ConstraintKind, QualifiedName, Table};

impl Emitter<'_> {
    /// Constraints of a table; `old` is None for a new table, whose shell already holds all
    /// but the foreign keys.
    pub(super) fn constraints(&mut self, qn: &QualifiedName, old: Option<&Table>, new: &Table) {
        let (from, to) = (self.from, self.to);
        // What the table had from a parent it stops inheriting from is its own from then on.
        let detached = old
            .map(|t| detached_checks(from, t, new))
            .unwrap_or_default();
        let mut old_constraints: Vec<&Constraint> = old
            .map(|t| {
                let kept_parents = common_parents(t, new);
                t.constraints
                    .iter()
                    .filter(|c| !constraint_inherited_from(from, &kept_parents, t, c))
                    .collect()
            })
            .unwrap_or_default();
        old_constraints.extend(detached.iter().map(|(_, c)| c));
        let after_detach = |node: &mut Node, c: &Constraint| {
            if let Some((parent, _)) = detached.iter().find(|(_, d)| d.name == c.name) {
                node.needs.push(Res::Detached(qn.clone(), parent.clone()));
            }
        };
        for c in new
            .constraints
            .iter()
            .filter(|c| !constraint_inherited(to, new, c))
        {
            let before = old_constraints.iter().find(|o| o.name == c.name).copied();
            let in_shell = old.is_none() && c.kind != ConstraintKind::ForeignKey;
            let changed = match before {
                Some(o) => {
                    o.definition != c.definition
                        || self.is_forced(qn, MemberKind::Constraint, &c.name)
                }
                None => true,
            };
            if let Some(o) = before.filter(|_| changed) {
                let mut node = drop_constraint(qn, o);
                after_detach(&mut node, o);
                self.push(node);
            }
            if changed && !in_shell {
                self.push(add_constraint(qn, c));
            }
            self.comment(
                CommentTarget::Constraint {
                    table: qn.clone(),
                    name: c.name.clone(),
                },
                before.filter(|_| !changed).and_then(|o| o.comment.as_ref()),
                c.comment.as_ref(),
                member(qn, MemberKind::Constraint, &c.name),
                format!("{qn}.{}", c.name),
            );
        }
        for o in old_constraints {
            let kept = new
                .constraints
                .iter()
                .any(|c| c.name == o.name && !constraint_inherited(to, new, c));
            if !kept {
                let mut node = drop_constraint(qn, o);
                after_detach(&mut node, o);
                self.push(node);
            }
        }
    }
}

/// What a constraint provides to others: its name, its index's name and its unique key.
pub(super) fn constraint_makes(table: &QualifiedName, c: &Constraint) -> Vec<Res> {
    let mut out = vec![member(table, MemberKind::Constraint, &c.name)];
    if matches!(
        c.kind,
        ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclusion
    ) {
        out.push(Res::RelationName(qualified(&table.schema, &c.name)));
    }
    if matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
        out.push(Res::Key(table.clone(), sorted(&c.columns)));
    }
    out
}

fn add_constraint(table: &QualifiedName, c: &Constraint) -> Node {
    let rank = if c.kind == ConstraintKind::ForeignKey {
        Rank::AddForeignKey
    } else {
        Rank::AddConstraint
    };
    let mut node = Node::new(
        Change::AddConstraint {
            table: table.clone(),
            constraint: Constraint {
                comment: None,
                ..c.clone()
            },
        },
        rank,
        format!("{table}.{}", c.name),
    );
    node.makes.extend(constraint_makes(table, c));
    node.needs.extend(constraint_uses(table, c));
    node.new_texts.push(c.definition.clone());
    node.scope.push(table.clone());
    node
}

pub(super) fn drop_constraint(table: &QualifiedName, c: &Constraint) -> Node {
    let rank = if c.kind == ConstraintKind::ForeignKey {
        Rank::DropForeignKey
    } else {
        Rank::DropConstraint
    };
    let mut node = Node::new(
        Change::DropConstraint {
            table: table.clone(),
            constraint: Constraint {
                comment: None,
                ..c.clone()
            },
        },
        rank,
        format!("{table}.{}", c.name),
    );
    node.kills.extend(constraint_makes(table, c));
    node.releases.extend(constraint_uses(table, c));
    node.old_texts.push(c.definition.clone());
    node.scope.push(table.clone());
    node
}
