//! Tables: `CREATE TABLE` with its columns, keys and the indexes created with it, and the
//! table options (`ENGINE`, `DEFAULT CHARSET`, `COLLATE`, `ROW_FORMAT`).

use super::quote::ident;
use super::{column, partition};
use crate::diff::TableOptions;
use crate::schema::{Constraint, ConstraintKind, Index, MysqlTable, QualifiedName, Table};

pub fn create(
    name: &QualifiedName,
    table: &Table,
    keys: &[&Constraint],
    indexes: &[&Index],
) -> String {
    let mut items: Vec<String> = table.columns.iter().map(column::definition).collect();
    items.extend(table.constraints.iter().map(constraint));
    items.extend(keys.iter().map(|k| constraint(k)));
    items.extend(indexes.iter().map(|i| index(i)));
    let mut sql = format!(
        "CREATE TABLE {} (\n  {}\n)",
        ident(&name.name),
        items.join(",\n  ")
    );
    let options = options(table.attrs.mysql());
    if !options.is_empty() {
        sql.push(' ');
        sql.push_str(&options.join(" "));
    }
    if let Some(by) = &table.partition_by {
        let default = MysqlTable::default();
        let attrs = table.attrs.mysql().unwrap_or(&default);
        sql.push('\n');
        sql.push_str(&partition::clause(by, attrs));
    }
    sql
}

/// A key or check as a table item (and after `ADD`).
pub fn constraint(constraint: &Constraint) -> String {
    match constraint.kind {
        ConstraintKind::Check if !constraint.definition.starts_with("CONSTRAINT") => format!(
            "CONSTRAINT {} {}",
            ident(&constraint.name),
            constraint.definition
        ),
        _ => constraint.definition.clone(),
    }
}

/// An index as `CREATE TABLE` and `ADD` write it: its definition, and `IGNORED` when the
/// optimizer is not to use it. That is MariaDB's word (10.6+); MySQL 8 says `INVISIBLE`, and
/// the planner cannot tell the servers apart, so this plan suits MariaDB only there.
pub fn index(index: &Index) -> String {
    if index.invisible {
        format!("{} IGNORED", index.definition)
    } else {
        index.definition.clone()
    }
}

/// The clause that drops a key or check.
pub fn drop_constraint(constraint: &Constraint) -> String {
    let name = ident(&constraint.name);
    match constraint.kind {
        ConstraintKind::PrimaryKey => "DROP PRIMARY KEY".into(),
        ConstraintKind::Unique => format!("DROP INDEX {name}"),
        ConstraintKind::ForeignKey => format!("DROP FOREIGN KEY {name}"),
        // `DROP CONSTRAINT` is MariaDB's and MySQL 8.0.19+'s (older MySQL: `DROP CHECK`).
        ConstraintKind::Check | ConstraintKind::Exclusion => format!("DROP CONSTRAINT {name}"),
    }
}

/// Table options as `CREATE TABLE` and `ALTER TABLE` write them; only those the model holds
/// (it omits what equals the server's or database's default).
pub fn options(attrs: Option<&MysqlTable>) -> Vec<String> {
    let Some(attrs) = attrs else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(engine) = &attrs.engine {
        out.push(format!("ENGINE={engine}"));
    }
    if let Some(charset) = &attrs.charset {
        out.push(format!("DEFAULT CHARSET={charset}"));
    }
    if let Some(collation) = &attrs.collation {
        out.push(format!("COLLATE={collation}"));
    }
    if let Some(row_format) = &attrs.row_format {
        out.push(format!("ROW_FORMAT={row_format}"));
    }
    if let Some(next) = attrs.auto_increment {
        out.push(format!("AUTO_INCREMENT={next}"));
    }
    out.extend(attrs.options.iter().map(|o| other_option(o)));
    out
}

/// `key=value` as the model keeps it, as MySQL writes it (`KEY_BLOCK_SIZE=8`).
fn other_option(option: &str) -> String {
    match option.split_once('=') {
        Some((key, value)) => format!("{}={value}", key.to_ascii_uppercase()),
        None => option.to_ascii_uppercase(),
    }
}

/// The clauses that bring a table's options from `from` to `to`; an option that goes back to
/// its default is set to the default (`DEFAULT` where MySQL takes it).
pub fn set_options(from: &TableOptions, to: &TableOptions) -> Vec<String> {
    let (a, b) = (from.attrs.mysql(), to.attrs.mysql());
    let default = MysqlTable::default();
    let (a, b) = (a.unwrap_or(&default), b.unwrap_or(&default));
    let mut out = Vec::new();
    if a.engine != b.engine {
        out.push(format!(
            "ENGINE={}",
            b.engine.as_deref().unwrap_or("InnoDB")
        ));
    }
    if a.charset != b.charset || a.collation != b.collation {
        match (&b.charset, &b.collation) {
            (Some(cs), Some(coll)) => out.push(format!("DEFAULT CHARSET={cs} COLLATE={coll}")),
            (Some(cs), None) => out.push(format!("DEFAULT CHARSET={cs}")),
            (None, Some(coll)) => out.push(format!("COLLATE={coll}")),
            (None, None) => out.push("DEFAULT CHARSET=DEFAULT".into()),
        }
    }
    if a.row_format != b.row_format {
        out.push(format!(
            "ROW_FORMAT={}",
            b.row_format.as_deref().unwrap_or("DEFAULT")
        ));
    }
    if let (Some(next), true) = (b.auto_increment, a.auto_increment != b.auto_increment) {
        out.push(format!("AUTO_INCREMENT={next}"));
    }
    let key = |o: &str| o.split('=').next().unwrap_or(o).to_string();
    for option in &a.options {
        if !b.options.iter().any(|o| key(o) == key(option)) {
            out.push(format!("{}=DEFAULT", key(option).to_ascii_uppercase()));
        }
    }
    for option in b.options.iter().filter(|o| !a.options.contains(o)) {
        out.push(other_option(option));
    }
    out
}
