//! The table rebuild SQLite needs for what `ALTER TABLE` cannot do (change a column, drop one
//! that others use, add or drop a constraint, STRICT, WITHOUT ROWID): create the desired table
//! under a temporary name, copy the rows, drop the old table, rename the new one, and re-create
//! the table's indexes and triggers. Foreign key enforcement is off meanwhile (so dropping the
//! old table neither fails nor cascades) and `PRAGMA foreign_key_check` runs after.
//!
//! Every row that the new definition can hold is kept. A row that cannot (a NULL under a new
//! NOT NULL without a default, a CHECK it fails, a duplicate under a new UNIQUE, a dangling new
//! foreign key) makes the copy or the check fail, so the plan refuses instead of dropping rows.

use super::{Sides, plain, quote, risky};
use crate::plan::risk;
use crate::plan::{RiskKind, Statement};
use crate::schema::QualifiedName;
use crate::sql::sqlite::table_text;
use std::collections::BTreeMap;

/// Prefix of the temporary table a rebuild creates; never left behind (same transaction).
pub const NEW_PREFIX: &str = "_schemactl_new_";

impl Sides<'_> {
    /// The reverse of a forward rebuild that ran after `renames` (new → old column names): it
    /// runs before those renames are undone, so the columns still carry their new names.
    pub(super) fn rebuild_back(
        &self,
        name: &QualifiedName,
        renames: Option<&BTreeMap<String, String>>,
    ) -> Vec<Statement> {
        let inverted: Option<BTreeMap<String, String>> = renames.map(|r| {
            r.iter()
                .map(|(new, old)| (old.clone(), new.clone()))
                .collect()
        });
        self.rebuild(name, inverted.as_ref(), false)
    }

    /// Statements that rebuild `name` from its `from` definition to its `to` definition.
    /// `renames` maps columns' names in `to` to their names in `from`; `renamed_already` says
    /// whether the database already carries the `to` names (the renames ran before).
    pub(super) fn rebuild(
        &self,
        name: &QualifiedName,
        renames: Option<&BTreeMap<String, String>>,
        renamed_already: bool,
    ) -> Vec<Statement> {
        let (Some(from), Some(to)) = (self.table_before(name), self.to.table(name)) else {
            return Vec::new();
        };
        let Some(create) = to.create_sql.as_deref() else {
            return Vec::new();
        };
        let Some(text) = table_text(create) else {
            return Vec::new();
        };
        let table = quote(&name.name);
        let temp = quote(&format!("{NEW_PREFIX}{}", name.name));
        let mut targets = Vec::new();
        let mut sources = Vec::new();
        let mut notes = Vec::new();
        for column in to.columns.iter().filter(|c| c.generated.is_none()) {
            let source_name = renames
                .and_then(|r| r.get(&column.name))
                .unwrap_or(&column.name);
            let Some(source) = from
                .columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(source_name) && c.generated.is_none())
            else {
                continue;
            };
            targets.push(quote(&column.name));
            let value = if renamed_already {
                quote(&column.name)
            } else {
                quote(&source.name)
            };
            sources.push(
                match (&column.default, column.not_null && !source.not_null) {
                    (Some(default), true) => format!("COALESCE({value}, {default})"),
                    _ => value,
                },
            );
            if source.data_type.sql != column.data_type.sql {
                notes.push(format!(
                    "column {:?} becomes {} (values convert by affinity {})",
                    column.name, column.data_type.sql, column.data_type.category
                ));
            }
            if column.not_null && !source.not_null && column.default.is_none() {
                notes.push(format!(
                    "column {:?} becomes NOT NULL: a NULL in it stops the rebuild",
                    column.name
                ));
            }
        }
        let dropped: Vec<&str> = from
            .columns
            .iter()
            .filter(|c| {
                !to.columns.iter().any(|t| {
                    let source = renames.and_then(|r| r.get(&t.name)).unwrap_or(&t.name);
                    source.eq_ignore_ascii_case(&c.name)
                })
            })
            .map(|c| c.name.as_str())
            .collect();
        if from.constraints != to.constraints {
            notes.push("constraints change: rows that break them stop the rebuild".into());
        }

        let mut out = vec![Statement {
            sql: "PRAGMA foreign_keys = off".into(),
            risks: Vec::new(),
            transactional: false,
        }];
        out.push(plain("PRAGMA legacy_alter_table = on".into()));
        out.push(plain(format!(
            "CREATE TABLE {temp} {}",
            &create[text.body_start..]
        )));
        let copy = format!(
            "INSERT INTO {temp} ({}) SELECT {} FROM {table}",
            targets.join(", "),
            sources.join(", ")
        );
        out.push(if notes.is_empty() {
            plain(copy)
        } else {
            risky(copy, RiskKind::DataDependent, notes.join("; "))
        });
        out.push(if dropped.is_empty() {
            plain(format!("DROP TABLE {table}"))
        } else {
            let quoted: Vec<String> = dropped.iter().map(|c| quote(c)).collect();
            plain(format!("DROP TABLE {table}")).with_risk(risk::drops_columns(name, &quoted))
        });
        out.push(risky(
            format!("ALTER TABLE {temp} RENAME TO {table}"),
            RiskKind::Locking,
            format!("rewrites every row of {name}"),
        ));
        out.push(plain("PRAGMA legacy_alter_table = off".into()));
        out.extend(to.indexes.iter().map(|i| plain(i.definition.clone())));
        out.extend(to.triggers.iter().map(|t| plain(t.definition.clone())));
        out.push(plain(format!("PRAGMA foreign_key_check({table})")));
        out.push(Statement {
            sql: "PRAGMA foreign_keys = on".into(),
            risks: Vec::new(),
            transactional: false,
        });
        out
    }
}
