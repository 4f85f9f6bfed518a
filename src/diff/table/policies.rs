//! Row-level security of a table: its policies (created, altered in place where the dialect
//! allows it, re-created otherwise, dropped) and whether row security is enabled and forced.

use crate::diff::emitter::Emitter;
use crate::diff::graph::{Node, Rank};
use crate::diff::res::{MemberKind, member, table_res};
use crate::diff::uses::policy_texts;
use crate::diff::{Change, CommentTarget, RowSecurity};
use crate::schema::{Policy, QualifiedName, Table};

impl Emitter<'_> {
    pub(super) fn policies(&mut self, table: &QualifiedName, old: &[Policy], new: &[Policy]) {
        for policy in new {
            let before = old.iter().find(|o| o.name == policy.name);
            let forced = self.is_forced(table, MemberKind::Policy, &policy.name);
            let same = |o: &Policy| {
                Policy {
                    comment: None,
                    ..o.clone()
                } == Policy {
                    comment: None,
                    ..policy.clone()
                }
            };
            match before {
                Some(o) if same(o) && !forced => {}
                Some(o) if !forced && self.dialect.policy_alterable(o, policy) => {
                    let mut node = Node::new(
                        Change::AlterPolicy {
                            table: table.clone(),
                            from: policy_bare(o),
                            to: policy_bare(policy),
                        },
                        Rank::CreatePolicy,
                        format!("{table}.{}", policy.name),
                    );
                    node.needs
                        .push(member(table, MemberKind::Policy, &policy.name));
                    node.new_texts.extend(policy_texts(policy));
                    node.old_texts.extend(policy_texts(o));
                    node.scope.push(table.clone());
                    self.push(node);
                }
                Some(o) => {
                    self.push(drop_policy(table, o));
                    self.push(create_policy(table, policy));
                }
                None => self.push(create_policy(table, policy)),
            }
            let recreated =
                before.is_some_and(|o| forced || !self.dialect.policy_alterable(o, policy));
            self.comment(
                CommentTarget::Policy {
                    table: table.clone(),
                    name: policy.name.clone(),
                },
                before
                    .filter(|_| !recreated)
                    .and_then(|o| o.comment.as_ref()),
                policy.comment.as_ref(),
                member(table, MemberKind::Policy, &policy.name),
                format!("{table}.{}", policy.name),
            );
        }
        for o in old {
            if !new.iter().any(|p| p.name == o.name) {
                self.push(drop_policy(table, o));
            }
        }
    }

    pub(super) fn row_security(&mut self, qn: &QualifiedName, from: RowSecurity, to: RowSecurity) {
        let mut node = Node::new(
            Change::SetRowSecurity {
                table: qn.clone(),
                from,
                to,
            },
            Rank::RowSecurity,
            qn.to_string(),
        );
        node.needs.push(table_res(qn));
        self.push(node);
    }
}

fn policy_bare(policy: &Policy) -> Policy {
    Policy {
        comment: None,
        ..policy.clone()
    }
}

fn create_policy(table: &QualifiedName, policy: &Policy) -> Node {
    let mut node = Node::new(
        Change::CreatePolicy {
            table: table.clone(),
            policy: policy_bare(policy),
        },
        Rank::CreatePolicy,
        format!("{table}.{}", policy.name),
    );
    node.makes
        .push(member(table, MemberKind::Policy, &policy.name));
    node.needs.push(table_res(table));
    node.new_texts = policy_texts(policy);
    node.scope.push(table.clone());
    node
}

fn drop_policy(table: &QualifiedName, policy: &Policy) -> Node {
    let mut node = Node::new(
        Change::DropPolicy {
            table: table.clone(),
            policy: policy_bare(policy),
        },
        Rank::DropPolicy,
        format!("{table}.{}", policy.name),
    );
    node.kills
        .push(member(table, MemberKind::Policy, &policy.name));
    node.old_texts = policy_texts(policy);
    node.scope.push(table.clone());
    node
}

pub(super) fn row_security_of(table: &Table) -> RowSecurity {
    RowSecurity {
        enabled: table.row_security,
        forced: table.force_row_security,
    }
}
