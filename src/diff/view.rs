//! Views and materialized views: create, drop, replace in place where the dialect allows it,
//! and re-creation (with their indexes, triggers and comments) where it does not.

use super::emitter::{Emitter, union};
use super::graph::{Node, Rank};
use super::res::{Res, data_type_res, dep_res, qualified, view_res};
use super::uses::view_scope;
use super::{Change, CommentTarget};
use crate::schema::{Index, QualifiedName, Schema, Trigger, View, ViewColumn};

impl Emitter<'_> {
    /// Whether an existing view must be dropped and created again.
    fn view_recreated(&self, name: &QualifiedName) -> bool {
        match (self.from.view(name), self.to.view(name)) {
            (Some(old), Some(new)) => {
                self.forced.views.contains(name)
                    || (view_changed(old, new) && !self.dialect.view_replaceable(old, new))
            }
            _ => false,
        }
    }

    pub(crate) fn views(&mut self, schema: &str, old: &Schema, new: &Schema) {
        for name in union(&old.views, &new.views) {
            let qn = qualified(schema, name);
            let recreate = self.view_recreated(&qn);
            let (old_v, new_v) = (old.views.get(name), new.views.get(name));
            if let Some(v) = old_v.filter(|_| new_v.is_none() || recreate) {
                self.push(drop_view(&qn, v));
            }
            if let Some(v) = new_v.filter(|_| old_v.is_none() || recreate) {
                self.push(create_view(&qn, v));
            }
            let kept = old_v.filter(|_| new_v.is_some() && !recreate);
            if let (Some(a), Some(b)) = (kept, new_v)
                && view_changed(a, b)
            {
                let mut node = Node::new(
                    Change::ReplaceView {
                        name: qn.clone(),
                        from: view_shell(a),
                        to: view_shell(b),
                    },
                    Rank::CreateView,
                    qn.to_string(),
                );
                node.makes.push(view_res(&qn));
                node.makes.extend(view_column_res(&qn, &b.columns));
                add_view_needs(&mut node, b);
                node.releases.extend(a.depends_on.iter().map(dep_res));
                node.old_texts.push(a.definition.clone());
                self.push(node);
            }
            if let Some(v) = new_v {
                self.view_members(&qn, kept, v);
            }
        }
    }

    fn view_members(&mut self, qn: &QualifiedName, old: Option<&View>, new: &View) {
        let old_indexes: Vec<&Index> = old.map(|v| v.indexes.iter().collect()).unwrap_or_default();
        let new_indexes: Vec<&Index> = new.indexes.iter().collect();
        let columns = |v: &View| v.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        let old_columns = old.map(columns).unwrap_or_default();
        self.indexes(
            qn,
            view_res(qn),
            &old_indexes,
            &new_indexes,
            &old_columns,
            &columns(new),
        );
        let old_triggers: Vec<&Trigger> =
            old.map(|v| v.triggers.iter().collect()).unwrap_or_default();
        let new_triggers: Vec<&Trigger> = new.triggers.iter().collect();
        self.triggers(qn, view_res(qn), &old_triggers, &new_triggers);
        let target = if new.materialized {
            CommentTarget::MaterializedView { name: qn.clone() }
        } else {
            CommentTarget::View { name: qn.clone() }
        };
        self.comment(
            target,
            old.and_then(|v| v.comment.as_ref()),
            new.comment.as_ref(),
            view_res(qn),
            qn.to_string(),
        );
        for column in &new.columns {
            let before = old
                .and_then(|v| v.columns.iter().find(|c| c.name == column.name))
                .and_then(|c| c.comment.as_ref());
            self.comment(
                CommentTarget::ViewColumn {
                    view: qn.clone(),
                    column: column.name.clone(),
                },
                before,
                column.comment.as_ref(),
                Res::Column(qn.clone(), column.name.clone()),
                format!("{qn}.{}", column.name),
            );
        }
    }
}

fn view_changed(old: &View, new: &View) -> bool {
    old.materialized != new.materialized
        || old.definition != new.definition
        || old.options != new.options
        || bare_columns(&old.columns) != bare_columns(&new.columns)
}

fn bare_columns(columns: &[ViewColumn]) -> Vec<ViewColumn> {
    columns
        .iter()
        .map(|c| ViewColumn {
            comment: None,
            ..c.clone()
        })
        .collect()
}

/// The view as `CreateView`/`DropView` carry it: no indexes, triggers or comments.
fn view_shell(view: &View) -> View {
    View {
        columns: bare_columns(&view.columns),
        indexes: Vec::new(),
        triggers: Vec::new(),
        comment: None,
        ..view.clone()
    }
}

fn view_column_res(qn: &QualifiedName, columns: &[ViewColumn]) -> Vec<Res> {
    columns
        .iter()
        .map(|c| Res::Column(qn.clone(), c.name.clone()))
        .collect()
}

fn add_view_needs(node: &mut Node, view: &View) {
    node.needs.extend(view.depends_on.iter().map(dep_res));
    node.needs.extend(
        view.columns
            .iter()
            .filter_map(|c| data_type_res(&c.data_type)),
    );
    node.new_texts.push(view.definition.clone());
    node.scope = view_scope(view);
}

fn create_view(qn: &QualifiedName, view: &View) -> Node {
    let mut node = Node::new(
        Change::CreateView {
            name: qn.clone(),
            view: view_shell(view),
        },
        Rank::CreateView,
        qn.to_string(),
    );
    node.makes
        .extend([view_res(qn), Res::RelationName(qn.clone())]);
    node.makes.extend(view_column_res(qn, &view.columns));
    add_view_needs(&mut node, view);
    node.needs.push(Res::Schema(qn.schema.clone()));
    node
}

fn drop_view(qn: &QualifiedName, view: &View) -> Node {
    let mut node = Node::new(
        Change::DropView {
            name: qn.clone(),
            view: view_shell(view),
        },
        Rank::DropView,
        qn.to_string(),
    );
    node.kills
        .extend([view_res(qn), Res::RelationName(qn.clone())]);
    node.kills.extend(view_column_res(qn, &view.columns));
    for index in &view.indexes {
        node.kills
            .push(Res::RelationName(qualified(&qn.schema, &index.name)));
    }
    node.releases.extend(view.depends_on.iter().map(dep_res));
    node.releases.extend(
        view.columns
            .iter()
            .filter_map(|c| data_type_res(&c.data_type)),
    );
    node.releases.push(Res::Schema(qn.schema.clone()));
    node.old_texts.push(view.definition.clone());
    node.scope = view_scope(view);
    node
}
