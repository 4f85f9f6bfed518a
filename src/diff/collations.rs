//! User-defined collations: created and dropped. Nothing of a collation alters in place, so a
//! changed one is dropped and created again; the columns that keep using it are parked on the
//! default collation meanwhile, and indexes and views that mention it are re-created (see
//! `cascade`), because the server refuses to drop a collation anything still uses.

use super::Change;
use super::emitter::{Emitter, union};
use super::graph::{Node, Rank};
use super::res::{Res, collation_ref, qualified};
use crate::schema::Schema;

impl Emitter<'_> {
    pub(crate) fn collations(&mut self, schema: &str, old: &Schema, new: &Schema) {
        for name in union(&old.collations, &new.collations) {
            let qn = qualified(schema, name);
            let object = Res::Object(collation_ref(schema, name));
            let (old_def, new_def) = (old.collations.get(name), new.collations.get(name));
            let changed = matches!((old_def, new_def), (Some(a), Some(b)) if a != b);
            if let Some(collation) = old_def.filter(|_| new_def.is_none() || changed) {
                let mut node = Node::new(
                    Change::DropCollation {
                        name: qn.clone(),
                        collation: collation.clone(),
                    },
                    Rank::DropCollation,
                    qn.to_string(),
                );
                node.kills.push(object.clone());
                node.releases.push(Res::Schema(schema.into()));
                self.push(node);
            }
            if let Some(collation) = new_def.filter(|_| old_def.is_none() || changed) {
                let mut node = Node::new(
                    Change::CreateCollation {
                        name: qn.clone(),
                        collation: collation.clone(),
                    },
                    Rank::CreateCollation,
                    qn.to_string(),
                );
                node.makes.push(object);
                node.needs.push(Res::Schema(schema.into()));
                self.push(node);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diff::{Change, DiffOptions, diff};
    use crate::plan::postgres::PostgresDiffPolicy;
    use crate::schema::{Collation, Column, DataType, Realm, Table};

    fn nocase(locale: &str) -> Collation {
        Collation::icu("nocase", locale, false)
    }

    /// `public` with collation `nocase` (when given) and table `t` whose column uses it.
    fn realm(collation: Option<Collation>, column_collation: Option<&str>) -> Realm {
        let mut realm = Realm::default();
        let schema = realm.schemas.entry("public".into()).or_default();
        schema.name = "public".into();
        schema
            .collations
            .extend(collation.map(|c| (c.name.clone(), c)));
        let mut column = Column::new("label", DataType::pg("text", 'S'));
        column.collation = column_collation.map(str::to_string);
        let table = Table {
            name: "t".into(),
            columns: vec![column],
            ..Table::default()
        };
        schema.tables.insert("t".into(), table);
        realm
    }

    fn kinds(from: &Realm, to: &Realm) -> Vec<String> {
        diff(from, to, &DiffOptions::default(), &PostgresDiffPolicy)
            .iter()
            .map(|c| match c {
                Change::CreateCollation { collation, .. } => format!("+{}", collation.name),
                Change::DropCollation { collation, .. } => format!("-{}", collation.name),
                Change::AlterColumn { to, .. } => format!("column {:?}", to.collation),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn columns_take_a_new_collation_after_it_exists_and_leave_it_before_it_goes() {
        let plain = realm(None, None);
        let with = realm(Some(nocase("und-u-ks-level2")), Some("public.nocase"));
        assert_eq!(
            kinds(&plain, &with),
            ["+nocase", "column Some(\"public.nocase\")"]
        );
        assert_eq!(kinds(&with, &plain), ["column None", "-nocase"]);
    }

    #[test]
    fn a_changed_collation_is_recreated_around_its_parked_columns() {
        let old = realm(Some(nocase("und-u-ks-level2")), Some("public.nocase"));
        let new = realm(Some(nocase("und-u-ks-level1")), Some("public.nocase"));
        assert_eq!(
            kinds(&old, &new),
            [
                "column None",
                "-nocase",
                "+nocase",
                "column Some(\"public.nocase\")"
            ]
        );
        assert!(kinds(&new, &new).is_empty());
    }
}
