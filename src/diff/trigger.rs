//! Triggers of a table or view: created, dropped, and re-created when their definition or
//! enabled state changes or the cascade forces it.

use super::emitter::Emitter;
use super::graph::{Node, Rank};
use super::res::{MemberKind, Res, member};
use super::uses::trigger_functions;
use super::{Change, CommentTarget};
use crate::schema::{QualifiedName, Trigger};

impl Emitter<'_> {
    /// Trigger changes of a table or view `on`.
    pub fn triggers(
        &mut self,
        on: &QualifiedName,
        on_res: Res,
        old: &[&Trigger],
        new: &[&Trigger],
    ) {
        for trigger in new {
            let before = old.iter().find(|o| o.name == trigger.name).copied();
            let changed = match before {
                Some(o) => {
                    o.definition != trigger.definition
                        || o.enabled != trigger.enabled
                        || self.is_forced(on, MemberKind::Trigger, &trigger.name)
                }
                None => true,
            };
            if let Some(o) = before.filter(|_| changed) {
                let node = self.drop_trigger(on, o);
                self.push(node);
            }
            if changed {
                let node = self.create_trigger(on, on_res.clone(), trigger);
                self.push(node);
            }
            self.comment(
                CommentTarget::Trigger {
                    on: on.clone(),
                    name: trigger.name.clone(),
                },
                before.filter(|_| !changed).and_then(|o| o.comment.as_ref()),
                trigger.comment.as_ref(),
                member(on, MemberKind::Trigger, &trigger.name),
                format!("{on}.{}", trigger.name),
            );
        }
        for o in old {
            if !new.iter().any(|t| t.name == o.name) {
                let node = self.drop_trigger(on, o);
                self.push(node);
            }
        }
    }

    fn create_trigger(&self, on: &QualifiedName, on_res: Res, trigger: &Trigger) -> Node {
        let mut node = Node::new(
            Change::CreateTrigger {
                on: on.clone(),
                trigger: Trigger {
                    comment: None,
                    ..trigger.clone()
                },
            },
            Rank::CreateTrigger,
            format!("{on}.{}", trigger.name),
        );
        node.makes
            .push(member(on, MemberKind::Trigger, &trigger.name));
        node.needs.push(on_res);
        node.needs.extend(trigger_functions(self.to, trigger));
        node.new_texts.push(trigger.definition.clone());
        node.scope.push(on.clone());
        node
    }

    fn drop_trigger(&self, on: &QualifiedName, trigger: &Trigger) -> Node {
        let mut node = Node::new(
            Change::DropTrigger {
                on: on.clone(),
                trigger: Trigger {
                    comment: None,
                    ..trigger.clone()
                },
            },
            Rank::DropTrigger,
            format!("{on}.{}", trigger.name),
        );
        node.kills
            .push(member(on, MemberKind::Trigger, &trigger.name));
        node.releases.extend(trigger_functions(self.from, trigger));
        node.old_texts.push(trigger.definition.clone());
        node.scope.push(on.clone());
        node
    }
}
