//! SQLite plans: `ALTER TABLE` where SQLite can (add a column, renames), and otherwise one table
//! rebuild per table that gathers all of that table's changes (see `rebuild`).
//!
//! SQLite keeps each object's `CREATE` text; the planner re-runs the desired text, so that the
//! migrated database holds the same definitions as one loaded from the desired SQL.

mod diff_policy;
mod rebuild;

pub use diff_policy::SqliteDiffPolicy;

use super::{Plan, Planner, Risk, RiskKind, Statement, Step, describe, risk};
use crate::diff::{Change, created_tables};
use crate::schema::{ConstraintKind, QualifiedName, Realm, Table};
use crate::sql::sqlite::{is_table_constraint, normalize, quote, table_text, tokenize};
use std::collections::{BTreeMap, BTreeSet};

/// Plans between two inspected SQLite realms; it needs both whole states because a rebuild
/// re-creates a table from its desired definition and copies the rows of its current one.
pub struct SqlitePlanner<'a> {
    pub current: &'a Realm,
    pub desired: &'a Realm,
}

impl Planner for SqlitePlanner<'_> {
    fn plan(&self, changes: &[Change]) -> anyhow::Result<Plan> {
        let table_renames: BTreeMap<QualifiedName, QualifiedName> = changes
            .iter()
            .filter_map(|c| match c {
                Change::RenameTable { from, to } => Some((to.clone(), from.clone())),
                _ => None,
            })
            .collect();
        let forward = Sides {
            from: self.current,
            to: self.desired,
            renamed_from: &table_renames,
        };
        let no_renames = BTreeMap::new();
        let backward = Sides {
            from: self.desired,
            to: self.current,
            renamed_from: &no_renames,
        };
        let created = created_tables(changes);
        let dropped: BTreeSet<&QualifiedName> = changes
            .iter()
            .filter_map(|c| match c {
                Change::DropTable { name, .. } => Some(name),
                _ => None,
            })
            .collect();
        let renamed = column_renames(changes);
        let mut by_table: BTreeMap<&QualifiedName, Vec<usize>> = BTreeMap::new();
        for (i, change) in changes.iter().enumerate() {
            if let Some(table) = altered_table(change) {
                by_table.entry(table).or_default().push(i);
            }
        }
        let rebuilt: BTreeMap<&QualifiedName, usize> = by_table
            .iter()
            .filter(|(t, _)| !created.contains(*t) && !dropped.contains(*t))
            .filter(|(t, indices)| {
                let ours: Vec<&Change> = indices.iter().map(|&i| &changes[i]).collect();
                forward.needs_rebuild(t, &ours, renamed.get(*t))
            })
            .map(|(t, indices)| (*t, *indices.last().expect("nonempty")))
            .collect();

        let mut steps = Vec::new();
        for (i, change) in changes.iter().enumerate() {
            let table = altered_table(change);
            if let Some(t) = table {
                if let Some(&last) = rebuilt.get(t) {
                    if i == last {
                        steps.push(Step {
                            change: change.clone(),
                            summary: format!("rebuild table {t} (create, copy rows, drop, rename)"),
                            statements: forward.rebuild(t, renamed.get(t), true),
                            reverse: backward.rebuild_back(t, renamed.get(t)),
                        });
                    }
                    continue;
                }
                if created.contains(t) && matches!(change, Change::AddConstraint { .. }) {
                    continue;
                }
                if dropped.contains(t) && is_member_drop(change) {
                    continue;
                }
            }
            let statements = forward.render(change)?;
            let reverse = backward.render(&change.inverse())?;
            steps.push(Step {
                change: change.clone(),
                summary: describe(change),
                statements,
                reverse,
            });
        }
        Ok(Plan { steps })
    }
}

/// The table a change alters in place (not creations, drops or renames of the table itself).
fn altered_table(change: &Change) -> Option<&QualifiedName> {
    match change {
        Change::AddColumn { table, .. }
        | Change::DropColumn { table, .. }
        | Change::AlterColumn { table, .. }
        | Change::AddConstraint { table, .. }
        | Change::DropConstraint { table, .. }
        | Change::SetTableOptions { table, .. } => Some(table),
        Change::CreateIndex { on, .. }
        | Change::DropIndex { on, .. }
        | Change::RenameIndex { on, .. }
        | Change::CreateTrigger { on, .. }
        | Change::DropTrigger { on, .. } => Some(on),
        _ => None,
    }
}

fn is_member_drop(change: &Change) -> bool {
    matches!(
        change,
        Change::DropConstraint { .. } | Change::DropIndex { .. } | Change::DropTrigger { .. }
    )
}

/// Column renames per table: new name → old name.
fn column_renames(changes: &[Change]) -> BTreeMap<&QualifiedName, BTreeMap<String, String>> {
    let mut out: BTreeMap<&QualifiedName, BTreeMap<String, String>> = BTreeMap::new();
    for change in changes {
        if let Change::RenameColumn { table, from, to } = change {
            out.entry(table)
                .or_default()
                .insert(to.clone(), from.clone());
        }
    }
    out
}

/// The state a statement is rendered from and the one it leads to.
#[derive(Clone, Copy)]
struct Sides<'a> {
    from: &'a Realm,
    to: &'a Realm,
    /// Tables renamed by the plan: new name → name in `from`.
    renamed_from: &'a BTreeMap<QualifiedName, QualifiedName>,
}

impl Sides<'_> {
    /// The table before the plan, found by the name it had when the plan renames it.
    fn table_before(&self, name: &QualifiedName) -> Option<&Table> {
        self.from.table(self.renamed_from.get(name).unwrap_or(name))
    }

    /// Whether `table`'s changes need a rebuild instead of `ALTER TABLE … ADD COLUMN`.
    fn needs_rebuild(
        &self,
        table: &QualifiedName,
        changes: &[&Change],
        renames: Option<&BTreeMap<String, String>>,
    ) -> bool {
        let (Some(from), Some(to)) = (self.table_before(table), self.to.table(table)) else {
            return false;
        };
        let added: Vec<&str> = changes
            .iter()
            .filter_map(|c| match c {
                Change::AddColumn { column, .. } => Some(column.name.as_str()),
                _ => None,
            })
            .collect();
        let in_place = changes.iter().all(|c| match c {
            Change::AddColumn { .. }
            | Change::SetTableOptions { .. }
            | Change::CreateIndex { .. }
            | Change::DropIndex { .. }
            | Change::RenameIndex { .. }
            | Change::CreateTrigger { .. }
            | Change::DropTrigger { .. } => true,
            Change::AddConstraint { constraint, .. } => {
                matches!(
                    constraint.kind,
                    ConstraintKind::ForeignKey | ConstraintKind::Check
                ) && !constraint.columns.is_empty()
                    && constraint
                        .columns
                        .iter()
                        .all(|c| added.contains(&c.as_str()))
            }
            _ => false,
        });
        if !in_place {
            return true;
        }
        let Some(items) = to.create_sql.as_deref().and_then(table_text) else {
            return !added.is_empty();
        };
        let (Some(before), Some(after)) = (from.attrs.sqlite(), to.attrs.sqlite()) else {
            return true;
        };
        let mut expected = before.clone();
        expected.items = before
            .items
            .iter()
            .map(|item| rename_tokens(item, renames))
            .collect();
        for name in &added {
            match column_item(&items.items, name) {
                Some(item) if can_add_column(item) => expected.items.push(normalize(item)),
                _ => return true,
            }
        }
        expected.items.sort();
        expected != *after
    }

    fn render(&self, change: &Change) -> anyhow::Result<Vec<Statement>> {
        Ok(match change {
            Change::CreateTable { name, table } => {
                let sql = table
                    .create_sql
                    .clone()
                    .or_else(|| self.to.table(name).and_then(|t| t.create_sql.clone()))
                    .unwrap_or_else(|| format!("CREATE TABLE {} (\"?\")", quote(&name.name)));
                vec![plain(sql)]
            }
            Change::DropTable { name, .. } => vec![
                plain(format!("DROP TABLE {}", quote(&name.name)))
                    .with_risk(risk::drops_table(name)),
            ],
            Change::AddColumn { table, column } => {
                let item = self
                    .to
                    .table(table)
                    .and_then(|t| t.create_sql.as_deref())
                    .and_then(table_text)
                    .and_then(|t| column_item(&t.items, &column.name).map(str::to_string))
                    .unwrap_or_else(|| format!("{} {}", quote(&column.name), column.data_type.sql));
                vec![plain(format!(
                    "ALTER TABLE {} ADD COLUMN {item}",
                    quote(&table.name)
                ))]
            }
            Change::CreateIndex { index, .. } => vec![plain(index.definition.clone())],
            Change::DropIndex { index, .. } => {
                vec![plain(format!("DROP INDEX {}", quote(&index.name)))]
            }
            Change::RenameIndex { on, from, to } => {
                let index = self
                    .to
                    .table(on)
                    .and_then(|t| t.indexes.iter().find(|i| &i.name == to));
                let mut out = vec![plain(format!("DROP INDEX {}", quote(from)))];
                out.extend(index.map(|i| plain(i.definition.clone())));
                out
            }
            Change::CreateView { view, .. } => vec![plain(view.definition.clone())],
            Change::DropView { name, .. } => {
                vec![plain(format!("DROP VIEW {}", quote(&name.name)))]
            }
            Change::ReplaceView { name, to, .. } => vec![
                plain(format!("DROP VIEW {}", quote(&name.name))),
                plain(to.definition.clone()),
            ],
            Change::CreateTrigger { trigger, .. } => vec![plain(trigger.definition.clone())],
            Change::DropTrigger { trigger, .. } => {
                vec![plain(format!("DROP TRIGGER {}", quote(&trigger.name)))]
            }
            Change::RenameTable { from, to } => vec![
                plain(format!(
                    "ALTER TABLE {} RENAME TO {}",
                    quote(&from.name),
                    quote(&to.name)
                ))
                .with_risk(risk::renames_table(from, to)),
            ],
            Change::RenameColumn { table, from, to } => vec![
                plain(format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    quote(&table.name),
                    quote(from),
                    quote(to)
                ))
                .with_risk(risk::renames_column(table, from, to)),
            ],
            // Reached only as the reverse of an in-place ADD COLUMN (a forward drop rebuilds
            // the table). SQLite refuses it for a column in an index, a key or a foreign key;
            // `migrate down` checks a reverse on the dev database before it runs.
            Change::DropColumn { table, column, .. } => vec![
                plain(format!(
                    "ALTER TABLE {} DROP COLUMN {}",
                    quote(&table.name),
                    quote(&column.name)
                ))
                .with_risk(risk::drops_columns(table, &[quote(&column.name)])),
            ],
            // In place only when the attributes change by the definitions of added columns
            // (their body items), or a constraint is written inline in an added column's definition
            // (and goes with its DROP COLUMN in reverse): the ADD COLUMN says it all.
            Change::SetTableOptions { .. } => Vec::new(),
            Change::AddConstraint { .. } | Change::DropConstraint { .. } => Vec::new(),
            // The diff derives it from a table rename (PostgreSQL names keys after their
            // table); SQLite's keys are named by inspection after their table, so the table's
            // RENAME TO already renamed it.
            Change::RenameConstraint { .. } => Vec::new(),
            // Nothing else has SQLite syntax outside a rebuild (comments, schemas, ...).
            other => return Err(super::unrenderable("SQLite", other)),
        })
    }
}

/// Replaces whole name tokens of a normalized body item by their new names.
fn rename_tokens(item: &str, renames: Option<&BTreeMap<String, String>>) -> String {
    let Some(renames) = renames else {
        return item.to_string();
    };
    let by_old: BTreeMap<String, String> = renames
        .iter()
        .map(|(new, old)| (old.to_ascii_uppercase(), new.to_ascii_uppercase()))
        .collect();
    item.split(' ')
        .map(|word| {
            by_old
                .get(word)
                .cloned()
                .unwrap_or_else(|| word.to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The raw definition of column `name` among a table's body items.
fn column_item<'i>(items: &'i [String], name: &str) -> Option<&'i str> {
    items
        .iter()
        .find(|item| {
            !is_table_constraint(item)
                && tokenize(item)
                    .first()
                    .is_some_and(|t| t.ident(item).eq_ignore_ascii_case(name))
        })
        .map(String::as_str)
}

/// What `ALTER TABLE … ADD COLUMN` accepts: no key, a constant default when NOT NULL, no
/// stored generation, and a NULL default for a foreign key column.
fn can_add_column(item: &str) -> bool {
    let words: Vec<String> = normalize(item).split(' ').map(str::to_string).collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    let default = words
        .iter()
        .position(|w| w == "DEFAULT")
        .and_then(|at| words.get(at + 1).cloned());
    if has("PRIMARY") || has("UNIQUE") || has("STORED") {
        return false;
    }
    if let Some(d) = &default
        && (d == "(" || d.starts_with("CURRENT_"))
    {
        return false;
    }
    let non_null_default = default.as_deref().is_some_and(|d| d != "NULL");
    if words.windows(2).any(|w| w[0] == "NOT" && w[1] == "NULL") && !non_null_default {
        return false;
    }
    !(has("REFERENCES") && non_null_default)
}

fn plain(sql: String) -> Statement {
    Statement {
        sql,
        risks: Vec::new(),
        transactional: true,
    }
}

fn risky(sql: String, kind: RiskKind, note: String) -> Statement {
    Statement {
        sql,
        risks: vec![Risk { kind, note }],
        transactional: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_column_is_an_alter_only_where_sqlite_allows_it() {
        assert!(can_add_column("note TEXT"));
        assert!(can_add_column("n INT NOT NULL DEFAULT 0"));
        assert!(can_add_column("u INT REFERENCES users (id)"));
        assert!(can_add_column("v INT GENERATED ALWAYS AS (n + 1) VIRTUAL"));
        assert!(!can_add_column("n INT NOT NULL"));
        assert!(!can_add_column("n INT NOT NULL DEFAULT NULL"));
        assert!(!can_add_column("id INTEGER PRIMARY KEY"));
        assert!(!can_add_column("email TEXT UNIQUE"));
        assert!(!can_add_column("at TEXT DEFAULT CURRENT_TIMESTAMP"));
        assert!(!can_add_column("x INT DEFAULT (1 + 1)"));
        assert!(!can_add_column("s INT GENERATED ALWAYS AS (n + 1) STORED"));
        assert!(!can_add_column("u INT DEFAULT 1 REFERENCES users (id)"));
    }

    #[test]
    fn renamed_columns_are_renamed_in_normalized_items() {
        let renames = BTreeMap::from([("name".to_string(), "fullname".to_string())]);
        assert_eq!(
            rename_tokens("FULLNAME TEXT CHECK ( FULLNAME <> '' )", Some(&renames)),
            "NAME TEXT CHECK ( NAME <> '' )"
        );
        assert_eq!(rename_tokens("ID INT", None), "ID INT");
    }

    #[test]
    fn column_items_are_found_by_name_not_by_table_constraints() {
        let items = vec![
            "\"Id\" INTEGER".to_string(),
            "CONSTRAINT id_pk PRIMARY KEY (Id)".to_string(),
        ];
        assert_eq!(column_item(&items, "id"), Some("\"Id\" INTEGER"));
        assert_eq!(column_item(&items, "constraint"), None);
    }
}
