//! What a plan may see: the env's `schemas` and `exclude` (Atlas's attributes of the same
//! names), applied to both states before they are compared.
//!
//! An exclude pattern is a dot-separated path of globs (`*` any run of characters, `?` one),
//! `schema.table.column`, optionally followed by `[type=KIND|KIND]`. A path of one part names
//! a schema, two an object of a schema (table, view, sequence, type, function), three a part of
//! a table (column, index, constraint, trigger). When a state holds a single schema (SQLite's
//! `main`, a schema-bound URL) the schema part may be left out, as in Atlas: `tmp_*` then
//! names tables and `users.secret` a column.

use crate::schema::{Realm, Schema, Table};
use std::fmt;

/// The objects a comparison covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Only these schemas (empty: all).
    schemas: Vec<String>,
    exclude: Vec<Pattern>,
}

/// Kinds an exclude pattern can be limited to with `[type=...]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Schema,
    Table,
    View,
    Sequence,
    Type,
    Function,
    Column,
    Index,
    Constraint,
    Trigger,
}

const KINDS: &[(&str, Kind)] = &[
    ("schema", Kind::Schema),
    ("table", Kind::Table),
    ("view", Kind::View),
    ("materialized", Kind::View),
    ("sequence", Kind::Sequence),
    ("type", Kind::Type),
    ("enum", Kind::Type),
    ("domain", Kind::Type),
    ("function", Kind::Function),
    ("procedure", Kind::Function),
    ("column", Kind::Column),
    ("index", Kind::Index),
    ("constraint", Kind::Constraint),
    ("foreign_key", Kind::Constraint),
    ("check", Kind::Constraint),
    ("trigger", Kind::Trigger),
];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    text: String,
    parts: Vec<String>,
    /// Empty: any kind at the pattern's depth.
    kinds: Vec<Kind>,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exclude: Vec<&str> = self.exclude.iter().map(|p| p.text.as_str()).collect();
        write!(f, "schemas={:?} exclude={:?}", self.schemas, exclude)
    }
}

impl Scope {
    /// Parses the patterns; the error names the pattern that is wrong.
    pub fn new(schemas: &[String], exclude: &[String]) -> Result<Scope, String> {
        Ok(Scope {
            schemas: schemas.to_vec(),
            exclude: exclude
                .iter()
                .map(|p| Pattern::parse(p))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Whether the scope leaves everything in.
    pub fn is_everything(&self) -> bool {
        self.schemas.is_empty() && self.exclude.is_empty()
    }

    /// Both states without what is out of scope. They count as single-schema (patterns may
    /// leave out the schema) when together they hold one schema name.
    pub fn apply_to_both(&self, current: &Realm, desired: &Realm) -> (Realm, Realm) {
        let mut names: Vec<&String> = current
            .schemas
            .keys()
            .chain(desired.schemas.keys())
            .collect();
        names.sort();
        names.dedup();
        let single = names.len() == 1;
        (self.apply(current, single), self.apply(desired, single))
    }

    /// `realm` without what is out of scope.
    pub fn apply(&self, realm: &Realm, single_schema: bool) -> Realm {
        if self.is_everything() {
            return realm.clone();
        }
        let single = single_schema;
        let mut out = realm.clone();
        out.schemas.retain(|name, _| {
            (self.schemas.is_empty() || self.schemas.contains(name))
                && !self.excludes(single, &[name], Kind::Schema)
        });
        for (name, schema) in out.schemas.iter_mut() {
            self.narrow_schema(single, name, schema);
        }
        out
    }

    fn narrow_schema(&self, single: bool, schema_name: &str, schema: &mut Schema) {
        let out = |kind: Kind, name: &str| self.excludes(single, &[schema_name, name], kind);
        schema.tables.retain(|name, _| !out(Kind::Table, name));
        schema.views.retain(|name, _| !out(Kind::View, name));
        schema
            .sequences
            .retain(|name, _| !out(Kind::Sequence, name));
        schema.types.retain(|name, _| !out(Kind::Type, name));
        // Functions are keyed `name(args)`; patterns name them without arguments.
        schema.functions.retain(|key, _| {
            let name = key.split('(').next().unwrap_or(key);
            !out(Kind::Function, name)
        });
        for (name, table) in schema.tables.iter_mut() {
            self.narrow_table(single, schema_name, name, table);
        }
    }

    fn narrow_table(&self, single: bool, schema: &str, table_name: &str, table: &mut Table) {
        let out = |kind: Kind, name: &str| self.excludes(single, &[schema, table_name, name], kind);
        table.columns.retain(|c| !out(Kind::Column, &c.name));
        table.indexes.retain(|i| !out(Kind::Index, &i.name));
        table
            .constraints
            .retain(|c| !out(Kind::Constraint, &c.name));
        table.triggers.retain(|t| !out(Kind::Trigger, &t.name));
    }

    /// Whether a pattern covers the object at `path` (schema first) of `kind`.
    /// In a single-schema state the schema itself goes only by an explicit `[type=schema]`,
    /// so that `*` there means every table, as in Atlas.
    fn excludes(&self, single_schema: bool, path: &[&str], kind: Kind) -> bool {
        self.exclude.iter().any(|p| {
            if single_schema && kind == Kind::Schema && !p.kinds.contains(&Kind::Schema) {
                return false;
            }
            p.matches(path, kind)
                || (single_schema && path.len() > 1 && p.matches(&path[1..], kind))
        })
    }
}

/// A table present in both states whose columns or constraints differ between them.
pub(super) fn touched_table(before: &Realm, after: &Realm) -> Option<String> {
    for (schema_name, schema) in &after.schemas {
        let Some(old) = before.schemas.get(schema_name) else {
            continue;
        };
        for (name, table) in &schema.tables {
            let Some(old_table) = old.tables.get(name) else {
                continue;
            };
            if old_table.columns != table.columns || old_table.constraints != table.constraints {
                return Some(format!("{schema_name}.{name}"));
            }
        }
    }
    None
}

impl Pattern {
    fn parse(text: &str) -> Result<Pattern, String> {
        let (path, kinds) = match text.split_once('[') {
            None => (text, Vec::new()),
            Some((path, rest)) => {
                let inner = rest
                    .strip_suffix(']')
                    .and_then(|r| r.trim().strip_prefix("type="))
                    .ok_or_else(|| {
                        format!("exclude pattern {text:?}: expected `[type=KIND]` at the end")
                    })?;
                let kinds = inner
                    .split('|')
                    .map(|k| {
                        let k = k.trim();
                        KINDS
                            .iter()
                            .find(|(name, _)| *name == k)
                            .map(|(_, kind)| *kind)
                            .ok_or_else(|| {
                                let known: Vec<&str> = KINDS.iter().map(|(n, _)| *n).collect();
                                format!(
                                    "exclude pattern {text:?}: unknown type `{k}` (known: {})",
                                    known.join(", ")
                                )
                            })
                    })
                    .collect::<Result<_, _>>()?;
                (path, kinds)
            }
        };
        let parts: Vec<String> = path.split('.').map(str::to_string).collect();
        if parts.iter().any(String::is_empty) || parts.len() > 3 {
            return Err(format!(
                "exclude pattern {text:?}: expected SCHEMA, SCHEMA.OBJECT or SCHEMA.TABLE.PART \
                 of globs"
            ));
        }
        Ok(Pattern {
            text: text.to_string(),
            parts,
            kinds,
        })
    }

    fn matches(&self, path: &[&str], kind: Kind) -> bool {
        self.parts.len() == path.len()
            && (self.kinds.is_empty() || self.kinds.contains(&kind))
            && self
                .parts
                .iter()
                .zip(path)
                .all(|(glob, name)| glob_matches(glob.as_bytes(), name.as_bytes()))
    }
}

/// `*` matches any run of bytes, `?` exactly one; everything else itself.
fn glob_matches(glob: &[u8], name: &[u8]) -> bool {
    match (glob.first(), name.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            glob_matches(&glob[1..], name) || (!name.is_empty() && glob_matches(glob, &name[1..]))
        }
        (Some(b'?'), Some(_)) => glob_matches(&glob[1..], &name[1..]),
        (Some(g), Some(n)) if g == n => glob_matches(&glob[1..], &name[1..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, DataType, Schema, Table};

    /// Tables by name with their column names.
    type Tables<'a> = &'a [(&'a str, &'a [&'a str])];

    fn realm(schemas: &[(&str, Tables)]) -> Realm {
        let mut realm = Realm::default();
        for (schema_name, tables) in schemas {
            let mut schema = Schema {
                name: schema_name.to_string(),
                ..Schema::default()
            };
            for (table_name, columns) in *tables {
                let table = Table {
                    name: table_name.to_string(),
                    columns: columns
                        .iter()
                        .map(|c| Column::new(c, DataType::pg("integer", 'N')))
                        .collect(),
                    ..Table::default()
                };
                schema.tables.insert(table_name.to_string(), table);
            }
            realm.schemas.insert(schema_name.to_string(), schema);
        }
        realm
    }

    fn tables(realm: &Realm) -> Vec<String> {
        let mut out = Vec::new();
        for (s, schema) in &realm.schemas {
            for (t, table) in &schema.tables {
                let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
                out.push(format!("{s}.{t}({})", columns.join(",")));
            }
        }
        out
    }

    fn scope(schemas: &[&str], exclude: &[&str]) -> Scope {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Scope::new(&strings(schemas), &strings(exclude)).unwrap()
    }

    #[test]
    fn globs_match_runs_and_single_characters() {
        assert!(glob_matches(b"tmp_*", b"tmp_"));
        assert!(glob_matches(b"tmp_*", b"tmp_users"));
        assert!(glob_matches(b"*_log", b"audit_log"));
        assert!(glob_matches(b"t?", b"t1"));
        assert!(!glob_matches(b"t?", b"t12"));
        assert!(!glob_matches(b"tmp_*", b"users"));
        assert!(glob_matches(b"*", b""));
    }

    #[test]
    fn schemas_keep_only_the_named_ones() {
        let r = realm(&[("app", &[("a", &["id"])]), ("audit", &[("b", &["id"])])]);
        assert_eq!(
            tables(&scope(&["app"], &[]).apply(&r, r.schemas.len() == 1)),
            ["app.a(id)"]
        );
    }

    #[test]
    fn patterns_reach_schemas_tables_and_columns() {
        let r = realm(&[
            ("app", &[("users", &["id", "secret"]), ("tmp_x", &["id"])]),
            ("audit", &[("log", &["id"])]),
        ]);
        let narrowed =
            scope(&[], &["audit", "*.tmp_*", "app.users.secret"]).apply(&r, r.schemas.len() == 1);
        assert_eq!(tables(&narrowed), ["app.users(id)"]);
    }

    #[test]
    fn a_single_schema_state_takes_patterns_without_the_schema() {
        let r = realm(&[("main", &[("users", &["id", "secret"]), ("tmp_x", &["id"])])]);
        let narrowed = scope(&[], &["tmp_*", "users.secret"]).apply(&r, r.schemas.len() == 1);
        assert_eq!(tables(&narrowed), ["main.users(id)"]);
    }

    #[test]
    fn a_star_in_a_single_schema_state_means_its_tables() {
        let r = realm(&[("main", &[("users", &["id"])])]);
        assert!(tables(&scope(&[], &["*"]).apply(&r, true)).is_empty());
        assert!(
            scope(&[], &["*"])
                .apply(&r, true)
                .schemas
                .contains_key("main")
        );
    }

    #[test]
    fn both_states_share_the_single_schema_reading() {
        let current = realm(&[("public", &[("tmp_a", &["id"])])]);
        let desired = realm(&[("public", &[]), ("audit", &[])]);
        let (c, _) = scope(&[], &["tmp_*"]).apply_to_both(&current, &desired);
        assert_eq!(
            tables(&c),
            ["public.tmp_a(id)"],
            "two schemas: a one-part pattern is a schema"
        );
    }

    #[test]
    fn a_type_selector_limits_the_kind() {
        let r = realm(&[("main", &[("users", &["id"]), ("audit", &["id"])])]);
        assert_eq!(
            tables(&scope(&[], &["*[type=view]"]).apply(&r, r.schemas.len() == 1)).len(),
            2,
            "no view matches"
        );
        assert_eq!(
            tables(&scope(&[], &["a*[type=table|view]"]).apply(&r, r.schemas.len() == 1)),
            ["main.users(id)"]
        );
    }

    #[test]
    fn bad_patterns_are_named() {
        let err = Scope::new(&[], &["a..b".into()]).unwrap_err();
        assert!(err.contains("\"a..b\""), "{err}");
        let err = Scope::new(&[], &["t[type=tabel]".into()]).unwrap_err();
        assert!(err.contains("unknown type `tabel`"), "{err}");
        let err = Scope::new(&[], &["t[kind=table]".into()]).unwrap_err();
        assert!(err.contains("[type=KIND]"), "{err}");
    }
}
