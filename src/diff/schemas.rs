//! Schemas and extensions: created, dropped, commented; an extension moving to another schema
//! is dropped and created again, and one whose desired version was asked for is updated.

use super::emitter::{Emitter, union};
use super::graph::{Node, Rank};
use super::res::Res;
use super::{Change, CommentTarget};

impl Emitter<'_> {
    pub(crate) fn schemas(&mut self) {
        for name in union(&self.from.schemas, &self.to.schemas) {
            let old = self.from.schemas.get(name);
            let new = self.to.schemas.get(name);
            match (old, new) {
                (None, Some(_)) => {
                    let mut node = Node::new(
                        Change::CreateSchema { name: name.clone() },
                        Rank::CreateSchema,
                        name.clone(),
                    );
                    node.makes.push(Res::Schema(name.clone()));
                    self.push(node);
                }
                (Some(_), None) => {
                    let mut node = Node::new(
                        Change::DropSchema { name: name.clone() },
                        Rank::DropSchema,
                        name.clone(),
                    );
                    node.kills.push(Res::Schema(name.clone()));
                    self.push(node);
                }
                _ => {}
            }
            self.comment(
                CommentTarget::Schema { name: name.clone() },
                old.and_then(|s| s.comment.as_ref()),
                new.and_then(|s| s.comment.as_ref()),
                Res::Schema(name.clone()),
                name.clone(),
            );
        }
    }

    pub(crate) fn extensions(&mut self) {
        for name in union(&self.from.extensions, &self.to.extensions) {
            let old = self.from.extensions.get(name);
            let new = self.to.extensions.get(name);
            let moved = matches!((old, new), (Some(a), Some(b)) if a.schema != b.schema);
            if let Some(old) = old.filter(|_| new.is_none() || moved) {
                let mut node = Node::new(
                    Change::DropExtension {
                        extension: old.clone(),
                    },
                    Rank::DropExtension,
                    name.clone(),
                );
                node.kills.push(Res::Extension(name.clone()));
                node.releases.push(Res::Schema(old.schema.clone()));
                self.push(node);
            }
            if let Some(new) = new.filter(|_| old.is_none() || moved) {
                let mut node = Node::new(
                    Change::CreateExtension {
                        extension: new.clone(),
                    },
                    Rank::CreateExtension,
                    name.clone(),
                );
                node.makes.push(Res::Extension(name.clone()));
                node.needs.push(Res::Schema(new.schema.clone()));
                self.push(node);
            }
            if let (Some(old), Some(new)) = (old, new)
                && !moved
                && old.version != new.version
                && new.version_requested()
            {
                // What the new version provides may be used by the objects created after it.
                let mut node = Node::new(
                    Change::UpdateExtension {
                        from: old.clone(),
                        to: new.clone(),
                    },
                    Rank::CreateExtension,
                    name.clone(),
                );
                node.makes.push(Res::Extension(name.clone()));
                self.push(node);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diff::{Change, DiffOptions, diff};
    use crate::plan::postgres::PostgresDiffPolicy;
    use crate::schema::{Extension, Realm};

    fn with_hstore(version: &str) -> Realm {
        let mut realm = Realm::default();
        realm.extensions.insert(
            "hstore".into(),
            Extension {
                name: "hstore".into(),
                schema: "public".into(),
                version: version.into(),
                default_version: Some("1.8".into()),
            },
        );
        realm
    }

    fn changes(from: &Realm, to: &Realm) -> Vec<Change> {
        diff(from, to, &DiffOptions::default(), &PostgresDiffPolicy)
    }

    #[test]
    fn a_requested_version_updates_and_the_default_version_asks_nothing() {
        let update = changes(&with_hstore("1.4"), &with_hstore("1.6"));
        assert!(
            matches!(&update[..], [Change::UpdateExtension { from, to }]
                if from.version == "1.4" && to.version == "1.6"),
            "{update:?}"
        );
        assert!(changes(&with_hstore("1.4"), &with_hstore("1.8")).is_empty());
    }
}
