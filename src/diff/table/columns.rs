//! Columns of an existing table: added, dropped, altered, re-added where the dialect cannot
//! alter them, and altered in two steps around a serial/identity swap or while parked.

use crate::diff::emitter::Emitter;
use crate::diff::graph::{Node, Rank};
use crate::diff::relation::{common_parents, find_column, followed_parent, same_column};
use crate::diff::res::{Res, data_type_res, qualified, table_res};
use crate::diff::{Change, CommentTarget};
use crate::schema::{Column, ObjectRef, QualifiedName, Realm, Table};

impl Emitter<'_> {
    /// A column a parent of both states has exactly as the table has it is the parent's: it is
    /// added, altered and dropped there and reaches the table through inheritance.
    pub(super) fn columns(&mut self, qn: &QualifiedName, old: &Table, new: &Table) {
        let common = common_parents(old, new);
        let names: Vec<&String> = new
            .columns
            .iter()
            .map(|c| &c.name)
            .chain(
                old.columns
                    .iter()
                    .map(|c| &c.name)
                    .filter(|n| find_column(new, n).is_none()),
            )
            .collect();
        for name in names {
            let (a, b) = (find_column(old, name), find_column(new, name));
            let old_parent = a.and_then(|c| followed_parent(self.from, &common, c));
            let follows = a.is_none_or(|_| old_parent.is_some())
                && b.is_none_or(|c| followed_parent(self.to, &common, c).is_some());
            // The parent the column came from drops it: what the table keeps or drops of its
            // copy waits for that.
            let parent_drop = old_parent.filter(|p| {
                self.to
                    .table(p)
                    .is_none_or(|t| find_column(t, name).is_none())
            });
            let first = self.nodes.len();
            match (a, b, &parent_drop) {
                (Some(a), None, Some(parent)) if follows => {
                    self.copy_left_by_parent(qn, old, a, parent)
                }
                _ if follows => {}
                _ => self.column(qn, a, b),
            }
            if let Some(parent) = parent_drop {
                for node in &mut self.nodes[first..] {
                    node.needs
                        .push(Res::ParentColumnGone(parent.clone(), name.clone()));
                }
            }
        }
    }

    /// A child's copy of a column its parent drops: gone with the parent's, unless the child
    /// declared it too or the parent drops it alone (another child keeps its copy); then the
    /// child drops it itself.
    fn copy_left_by_parent(
        &mut self,
        qn: &QualifiedName,
        old: &Table,
        column: &Column,
        parent: &QualifiedName,
    ) {
        let declared = !old.inherited_columns.contains(&column.name);
        if declared || self.parent_drops_alone(parent, &column.name) {
            self.push(drop_column(self.from, qn, column, false));
        }
    }

    /// Whether a column dropped from `parent` must be dropped from it alone (`ONLY`): a child
    /// that has it only from the parent keeps it.
    fn parent_drops_alone(&self, parent: &QualifiedName, column: &str) -> bool {
        self.from.schemas.iter().any(|(schema_name, schema)| {
            schema.tables.values().any(|child| {
                let name = QualifiedName::new(schema_name.as_str(), child.name.as_str());
                let kept = self.to.table(&name).is_some_and(|c| {
                    c.inherits.contains(parent) && find_column(c, column).is_some()
                });
                child.inherits.contains(parent)
                    && child.inherited_columns.iter().any(|c| c == column)
                    && kept
                    && !self.table_recreated(&name)
            })
        })
    }

    /// A reorder when the columns both tables have are not in the same relative order (added
    /// and dropped columns alone are placed by their own changes).
    pub(super) fn column_order(&mut self, qn: &QualifiedName, old: &Table, new: &Table) {
        let common = |of: &Table, other: &Table| -> Vec<String> {
            of.columns
                .iter()
                .filter(|c| find_column(other, &c.name).is_some())
                .map(|c| c.name.clone())
                .collect()
        };
        if common(old, new) == common(new, old) {
            return;
        }
        let names = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect();
        let mut node = Node::new(
            Change::ReorderColumns {
                table: qn.clone(),
                from: names(old),
                to: names(new),
            },
            Rank::ReorderColumns,
            qn.to_string(),
        );
        node.needs.push(table_res(qn));
        node.needs.extend(
            new.columns
                .iter()
                .map(|c| Res::Column(qn.clone(), c.name.clone())),
        );
        self.push(node);
    }

    fn column(&mut self, qn: &QualifiedName, old: Option<&Column>, new: Option<&Column>) {
        match (old, new) {
            (None, Some(b)) => self.push(add_column(qn, b)),
            (Some(a), None) => {
                let only = self.parent_drops_alone(qn, &a.name);
                self.push(drop_column(self.from, qn, a, only));
            }
            (Some(a), Some(b)) if self.dialect.column_needs_readd(a, b) => {
                self.push(drop_column(self.from, qn, a, false));
                self.push(add_column(qn, b));
            }
            (Some(a), Some(b)) => {
                let parked = self.forced.parked.contains(&(qn.clone(), a.name.clone()));
                if parked {
                    let mid = self.parked_column(a);
                    self.column_in_two_legs(qn, a, &mid, b);
                } else if self.dialect.swaps_serial_and_identity(a, b) {
                    let mid = Column {
                        identity: None,
                        default: None,
                        ..a.clone()
                    };
                    self.column_in_two_legs(qn, a, &mid, b);
                } else if !same_column(a, b) {
                    self.push(alter_column(qn, a, b));
                }
            }
            (None, None) => {}
        }
        if let Some(b) = new {
            let before = old
                .filter(|a| !self.dialect.column_needs_readd(a, b))
                .and_then(|a| a.comment.as_ref());
            self.comment(
                CommentTarget::Column {
                    table: qn.clone(),
                    column: b.name.clone(),
                },
                before,
                b.comment.as_ref(),
                Res::Column(qn.clone(), b.name.clone()),
                format!("{qn}.{}", b.name),
            );
        }
    }

    /// The column without its default, and of the dialect's parked type if its type is being
    /// re-created, so that the re-created objects it uses can be dropped while it waits.
    fn parked_column(&self, column: &Column) -> Column {
        let retype = column
            .data_type
            .schema
            .as_ref()
            .is_some_and(|s| self.type_recreated(&qualified(s, &column.data_type.base)));
        let mut parked = Column {
            default: None,
            ..column.clone()
        };
        if retype {
            parked.data_type = self.dialect.parked_type(&column.data_type);
            parked.collation = None;
        }
        if column
            .collation
            .as_deref()
            .is_some_and(|c| self.collation_recreated(c))
        {
            parked.collation = None;
        }
        parked
    }

    fn column_in_two_legs(&mut self, qn: &QualifiedName, a: &Column, mid: &Column, b: &Column) {
        let parked = Res::Parked(qn.clone(), a.name.clone());
        let identity_sequence = self
            .dialect
            .identity_sequence(qn, &a.name)
            .map(Res::RelationName);
        let mut first = alter_column(qn, a, mid);
        first.rank = Rank::ParkColumn;
        first.kills.push(parked.clone());
        if a.identity.is_some() && mid.identity.is_none() {
            first.kills.extend(identity_sequence.clone());
        }
        self.push(first);
        if !same_column(mid, b) {
            let mut second = alter_column(qn, mid, b);
            second.makes.push(parked);
            if b.identity.is_some() && mid.identity.is_none() {
                second.makes.extend(identity_sequence);
            }
            self.push(second);
        }
    }
}

pub(super) fn bare_column(column: &Column) -> Column {
    Column {
        comment: None,
        ..column.clone()
    }
}

/// The texts of a column that may name other objects; the collation is one, so that a
/// column lets go of a collation before it is dropped and takes a new one once it exists.
fn column_texts(column: &Column) -> Vec<String> {
    column
        .default
        .iter()
        .chain(column.generated.iter())
        .chain(column.collation.iter())
        .cloned()
        .collect()
}

/// What a dropped column takes along: itself and the sequences it owns.
pub(super) fn column_kills(realm: &Realm, table: &QualifiedName, column: &str) -> Vec<Res> {
    let mut kills = vec![Res::Column(table.clone(), column.to_string())];
    for (schema_name, schema) in &realm.schemas {
        for (name, sequence) in &schema.sequences {
            let owned = sequence
                .owned_by
                .as_ref()
                .is_some_and(|o| &o.table == table && o.column == column);
            if owned {
                kills.push(Res::Object(ObjectRef::Sequence {
                    schema: schema_name.clone(),
                    name: name.clone(),
                }));
                kills.push(Res::RelationName(qualified(schema_name, name)));
            }
        }
    }
    kills
}

fn add_column(qn: &QualifiedName, column: &Column) -> Node {
    let mut node = Node::new(
        Change::AddColumn {
            table: qn.clone(),
            column: bare_column(column),
        },
        Rank::AddColumn,
        format!("{qn}.{}", column.name),
    );
    node.makes
        .push(Res::Column(qn.clone(), column.name.clone()));
    node.needs.push(table_res(qn));
    node.needs.extend(data_type_res(&column.data_type));
    node.new_texts = column_texts(column);
    node.scope.push(qn.clone());
    node
}

fn drop_column(realm: &Realm, qn: &QualifiedName, column: &Column, only: bool) -> Node {
    let mut node = Node::new(
        Change::DropColumn {
            table: qn.clone(),
            column: bare_column(column),
            only,
        },
        Rank::DropColumn,
        format!("{qn}.{}", column.name),
    );
    node.kills.extend(column_kills(realm, qn, &column.name));
    node.makes
        .push(Res::ParentColumnGone(qn.clone(), column.name.clone()));
    node.releases.extend(data_type_res(&column.data_type));
    node.old_texts = column_texts(column);
    node.scope.push(qn.clone());
    node
}

pub(super) fn alter_column(qn: &QualifiedName, a: &Column, b: &Column) -> Node {
    let mut node = Node::new(
        Change::AlterColumn {
            table: qn.clone(),
            from: bare_column(a),
            to: bare_column(b),
        },
        Rank::AlterColumn,
        format!("{qn}.{}", a.name),
    );
    let column = Res::Column(qn.clone(), a.name.clone());
    if a.data_type != b.data_type || a.collation != b.collation {
        node.kills.push(column.clone());
    }
    node.makes.push(column);
    node.needs.extend(data_type_res(&b.data_type));
    node.releases.extend(data_type_res(&a.data_type));
    node.new_texts = column_texts(b);
    node.old_texts = column_texts(a);
    node.scope.push(qn.clone());
    node
}
