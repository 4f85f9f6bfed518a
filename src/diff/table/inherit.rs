//! INHERITS parents of an existing table: gained (`INHERIT`, once the table has the parent's
//! columns and checks) and lost (`NO INHERIT`, before anything drops what the table keeps of
//! the parent's).

use crate::diff::Change;
use crate::diff::emitter::Emitter;
use crate::diff::graph::{Node, Rank};
use crate::diff::relation::inheritable_checks;
use crate::diff::res::{MemberKind, Res, member, table_res};
use crate::schema::{Constraint, QualifiedName, Realm, Table};

impl Emitter<'_> {
    pub(super) fn inheritance(&mut self, qn: &QualifiedName, old: &Table, new: &Table) {
        for parent in old.inherits.iter().filter(|p| !new.inherits.contains(p)) {
            let mut node = Node::new(
                Change::NoInherit {
                    table: qn.clone(),
                    parent: parent.clone(),
                },
                Rank::NoInherit,
                qn.to_string(),
            );
            node.makes.push(Res::Detached(qn.clone(), parent.clone()));
            node.releases.push(table_res(parent));
            self.push(node);
        }
        for parent in new.inherits.iter().filter(|p| !old.inherits.contains(p)) {
            let Some(parent_table) = self.to.table(parent) else {
                continue;
            };
            let checks: Vec<Constraint> = inheritable_checks(parent_table)
                .filter(|c| !old.constraints.iter().any(|o| o.name == c.name))
                .map(|c| Constraint {
                    comment: None,
                    ..c.clone()
                })
                .collect();
            let mut node = Node::new(
                Change::Inherit {
                    table: qn.clone(),
                    parent: parent.clone(),
                    checks: checks.clone(),
                },
                Rank::Inherit,
                qn.to_string(),
            );
            node.needs.extend([table_res(qn), table_res(parent)]);
            for column in &parent_table.columns {
                node.needs.extend([
                    Res::Column(qn.clone(), column.name.clone()),
                    Res::Column(parent.clone(), column.name.clone()),
                ]);
            }
            for check in &checks {
                node.needs
                    .push(member(parent, MemberKind::Constraint, &check.name));
            }
            self.push(node);
        }
    }
}

/// The checks a table keeps as its own when it stops inheriting from a parent: the parent's
/// that the table's model leaves out because it only had them from the parent, with the
/// parent each came from.
pub(super) fn detached_checks(
    from: &Realm,
    old: &Table,
    new: &Table,
) -> Vec<(QualifiedName, Constraint)> {
    let mut out = Vec::new();
    for parent in old.inherits.iter().filter(|p| !new.inherits.contains(p)) {
        let Some(parent_table) = from.table(parent) else {
            continue;
        };
        for check in inheritable_checks(parent_table) {
            if !old.constraints.iter().any(|c| c.name == check.name) {
                out.push((parent.clone(), check.clone()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::diff::{Change, DiffOptions, diff};
    use crate::plan::postgres::PostgresDiffPolicy;
    use crate::schema::{Column, Constraint, DataType, QualifiedName, Realm, Table};

    fn positive() -> Constraint {
        Constraint::check("parent_id_check", "CHECK ((id > 0))", &["id"])
    }

    /// `parent (id CHECK)` and `child (id, extra)`, the child inheriting when `attached`.
    fn realm(attached: bool) -> Realm {
        let id = Column::new("id", DataType::pg("integer", 'N'));
        let extra = Column::new("extra", DataType::pg("text", 'S'));
        let parent = Table {
            name: "parent".into(),
            columns: vec![id.clone()],
            constraints: vec![positive()],
            ..Table::default()
        };
        let child = Table {
            name: "child".into(),
            columns: vec![id, extra],
            inherits: if attached {
                vec![QualifiedName::new("public", "parent")]
            } else {
                Vec::new()
            },
            inherited_columns: if attached {
                vec!["id".into()]
            } else {
                Vec::new()
            },
            ..Table::default()
        };
        let mut realm = Realm::default();
        let schema = realm.schemas.entry("public".into()).or_default();
        schema.tables.insert("parent".into(), parent);
        schema.tables.insert("child".into(), child);
        realm
    }

    fn changes(from: &Realm, to: &Realm) -> Vec<Change> {
        diff(from, to, &DiffOptions::default(), &PostgresDiffPolicy)
    }

    #[test]
    fn a_new_parent_is_inherited_with_its_checks_and_a_lost_one_let_go() {
        let attach = changes(&realm(false), &realm(true));
        assert!(
            matches!(&attach[..], [Change::Inherit { checks, .. }] if checks == &[positive()]),
            "{attach:?}"
        );
        let detach = changes(&realm(true), &realm(false));
        assert!(
            matches!(&detach[..], [
                Change::NoInherit { .. },
                Change::DropConstraint { constraint, .. },
            ] if constraint.name == "parent_id_check"),
            "{detach:?}"
        );
    }
}
