//! Reading a SQLite database into the schema model: `sqlite_master` and the table-valued
//! pragmas (table_xinfo, index_list, index_xinfo, foreign_key_list, table_list), one query per
//! kind for the whole database, joined in memory.
//!
//! SQLite keeps each object's `CREATE` text, so the model keeps it too: index, view and trigger
//! definitions are that text, and a table's `attrs` hold its flags (`strict`,
//! `without_rowid`, `autoincrement`) and the normalized text of every body item, sorted so
//! that column order alone is no difference. Any other difference of the text is then
//! a difference of the model, which the planner carries out by a table rebuild.

use crate::schema::{
    Affinity, Column, Constraint, ConstraintKind, DataType, Index, IndexKey, IndexPart, ObjectRef,
    QualifiedName, Realm, Schema, SqliteTable, Table, TableAttrs, Trigger, TriggerState,
    TypeCategory, View,
};
use crate::sql::TokenKind;
use crate::sql::sqlite::{
    declared_type, group_after, is_table_constraint, normalize, normalize_tokens, table_text,
    tokenize,
};
use anyhow::{Context, Result};
use sqlx::SqliteConnection;
use std::collections::BTreeMap;

/// The only schema of a SQLite realm (attached databases are out of scope).
pub const MAIN: &str = "main";

/// The model of a fresh SQLite database: an empty `main` schema.
pub fn empty_realm() -> Realm {
    let mut realm = Realm::default();
    realm.schemas.insert(
        MAIN.into(),
        Schema {
            name: MAIN.into(),
            ..Default::default()
        },
    );
    realm
}

struct MasterRow {
    kind: String,
    name: String,
    table: String,
    sql: String,
}

pub async fn inspect_realm(conn: &mut SqliteConnection) -> Result<Realm> {
    let master: Vec<MasterRow> = json_rows::<(String, String, String, String)>(
        conn,
        "type, name, tbl_name, sql",
        "sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        "name",
        "reading sqlite_master",
    )
    .await?
    .into_iter()
    .map(|(kind, name, table, sql)| MasterRow {
        kind,
        name,
        table,
        sql,
    })
    .collect();
    let flags = table_flags(conn).await?;
    let columns = table_columns(conn).await?;
    let uniques = unique_indexes(conn).await?;
    let foreign_keys = foreign_keys(conn).await?;

    let mut realm = empty_realm();
    let schema = realm.schemas.get_mut(MAIN).expect("main schema");
    // Tables missing from table_list are the shadow tables of virtual tables (FTS, R*Tree):
    // their virtual table creates them.
    for row in master
        .iter()
        .filter(|r| r.kind == "table" && flags.contains_key(&r.name))
    {
        let (strict, without_rowid) = flags[&row.name];
        let table = build_table(
            row,
            columns
                .get(&row.name)
                .map(Vec::as_slice)
                .unwrap_or_default(),
            uniques
                .get(&row.name)
                .map(Vec::as_slice)
                .unwrap_or_default(),
            foreign_keys
                .get(&row.name)
                .map(Vec::as_slice)
                .unwrap_or_default(),
            strict,
            without_rowid,
        );
        schema.tables.insert(row.name.clone(), table);
    }
    // By lower-cased name (SQLite names are unique regardless of case): each word of a view
    // is one lookup, not one comparison per relation.
    let relation_names: BTreeMap<String, (String, bool)> = master
        .iter()
        .filter(|r| r.kind == "table" || r.kind == "view")
        .map(|r| {
            let entry = (r.name.clone(), r.kind == "view");
            (r.name.to_ascii_lowercase(), entry)
        })
        .collect();
    for row in master.iter().filter(|r| r.kind == "view") {
        let view = View {
            name: row.name.clone(),
            definition: row.sql.trim().to_string(),
            depends_on: mentioned_relations(&row.sql, &relation_names, &row.name),
            ..Default::default()
        };
        schema.views.insert(row.name.clone(), view);
    }
    for row in &master {
        match row.kind.as_str() {
            "index" => {
                let index = build_index(row, uniques_of(&uniques, &row.table, &row.name));
                if let Some(table) = schema.tables.get_mut(&row.table) {
                    table.indexes.push(index);
                }
            }
            "trigger" => {
                let trigger = Trigger {
                    name: row.name.clone(),
                    definition: row.sql.trim().to_string(),
                    function: QualifiedName::new(MAIN, ""),
                    enabled: TriggerState::Origin,
                    comment: None,
                };
                if let Some(table) = schema.tables.get_mut(&row.table) {
                    table.triggers.push(trigger);
                } else if let Some(view) = schema.views.get_mut(&row.table) {
                    view.triggers.push(trigger);
                }
            }
            _ => {}
        }
    }
    Ok(realm)
}

fn uniques_of(uniques: &BTreeMap<String, Vec<IndexInfo>>, table: &str, index: &str) -> bool {
    uniques
        .get(table)
        .into_iter()
        .flatten()
        .any(|i| i.name == index && i.unique)
}

/// `(strict, without_rowid)` of every table.
async fn table_flags(conn: &mut SqliteConnection) -> Result<BTreeMap<String, (bool, bool)>> {
    let rows: Vec<(String, i64, i64)> = json_rows(
        conn,
        "name, strict, wr",
        "pragma_table_list WHERE schema = 'main' AND type <> 'shadow'",
        "name",
        "reading pragma table_list",
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, strict, wr)| (name, (strict != 0, wr != 0)))
        .collect())
}

struct ColumnInfo {
    name: String,
    declared: String,
    not_null: bool,
    default: Option<String>,
    pk: i64,
    /// 0 ordinary, 1 hidden (virtual tables), 2 generated virtual, 3 generated stored.
    hidden: i64,
}

/// table, column, declared type, notnull, default, pk, hidden: a row of pragma_table_xinfo.
type ColumnRow = (String, String, String, i64, Option<String>, i64, i64);

async fn table_columns(conn: &mut SqliteConnection) -> Result<BTreeMap<String, Vec<ColumnInfo>>> {
    let rows: Vec<ColumnRow> = json_rows(
        conn,
        "m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden",
        "sqlite_master m JOIN pragma_table_xinfo(m.name) p WHERE m.type = 'table'",
        "m.name, p.cid",
        "reading pragma table_xinfo",
    )
    .await?;
    let mut out: BTreeMap<String, Vec<ColumnInfo>> = BTreeMap::new();
    for (table, name, declared, not_null, default, pk, hidden) in rows {
        out.entry(table).or_default().push(ColumnInfo {
            name,
            declared,
            not_null: not_null != 0,
            default,
            pk,
            hidden,
        });
    }
    Ok(out)
}

struct IndexInfo {
    name: String,
    unique: bool,
    /// `c` CREATE INDEX, `u` UNIQUE constraint, `pk` PRIMARY KEY.
    origin: String,
    columns: Vec<String>,
}

async fn unique_indexes(conn: &mut SqliteConnection) -> Result<BTreeMap<String, Vec<IndexInfo>>> {
    let rows: Vec<(String, String, i64, String, Option<String>)> = json_rows(
        conn,
        "m.name, il.name, il.\"unique\", il.origin, ix.name",
        "sqlite_master m JOIN pragma_index_list(m.name) il \
         JOIN pragma_index_xinfo(il.name) ix WHERE m.type = 'table' AND ix.key = 1",
        "m.name, il.name, ix.seqno",
        "reading pragma index_list and index_xinfo",
    )
    .await?;
    let mut out: BTreeMap<String, Vec<IndexInfo>> = BTreeMap::new();
    for (table, name, unique, origin, column) in rows {
        let list = out.entry(table).or_default();
        if list.last().is_none_or(|i| i.name != name) {
            list.push(IndexInfo {
                name,
                unique: unique != 0,
                origin,
                columns: Vec::new(),
            });
        }
        let index = list.last_mut().expect("pushed");
        index
            .columns
            .push(column.unwrap_or_else(|| "<expression>".into()));
    }
    Ok(out)
}

struct ForeignKeyInfo {
    id: i64,
    parent: String,
    from: String,
    to: Option<String>,
    on_update: String,
    on_delete: String,
}

/// table, id, parent table, from, to, on update, on delete: a row of pragma_foreign_key_list.
type ForeignKeyRow = (String, i64, String, String, Option<String>, String, String);

async fn foreign_keys(
    conn: &mut SqliteConnection,
) -> Result<BTreeMap<String, Vec<ForeignKeyInfo>>> {
    let rows: Vec<ForeignKeyRow> = json_rows(
        conn,
        "m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete",
        "sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
        "m.name, f.id, f.seq",
        "reading pragma foreign_key_list",
    )
    .await?;
    let mut out: BTreeMap<String, Vec<ForeignKeyInfo>> = BTreeMap::new();
    for (table, id, parent, from, to, on_update, on_delete) in rows {
        out.entry(table).or_default().push(ForeignKeyInfo {
            id,
            parent,
            from,
            to,
            on_update,
            on_delete,
        });
    }
    Ok(out)
}

/// `SELECT columns FROM from ORDER BY order` as one JSON array of rows in a single result row:
/// sqlx hands each result row from its SQLite worker thread over a channel, and those
/// hand-offs (thread wake-ups), not SQLite, were most of the time on large schemas.
async fn json_rows<T: serde::de::DeserializeOwned>(
    conn: &mut SqliteConnection,
    columns: &str,
    from: &str,
    order: &str,
    what: &str,
) -> Result<Vec<T>> {
    let sql =
        format!("SELECT json_group_array(json_array({columns}) ORDER BY {order}) FROM {from}");
    let json: String = sqlx::query_scalar(&sql)
        .fetch_one(&mut *conn)
        .await
        .with_context(|| what.to_string())?;
    serde_json::from_str(&json).with_context(|| format!("{what}: unexpected JSON"))
}

fn build_table(
    row: &MasterRow,
    columns: &[ColumnInfo],
    indexes: &[IndexInfo],
    foreign_keys: &[ForeignKeyInfo],
    strict: bool,
    without_rowid: bool,
) -> Table {
    let parsed = table_text(&row.sql);
    let items = parsed.as_ref().map(|p| p.items.clone()).unwrap_or_default();
    let column_item = |name: &str| {
        items.iter().find(|item| {
            !is_table_constraint(item)
                && tokenize(item)
                    .first()
                    .is_some_and(|t| t.ident(item).eq_ignore_ascii_case(name))
        })
    };
    let mut table = Table {
        name: row.name.clone(),
        create_sql: Some(row.sql.trim().to_string()),
        ..Default::default()
    };
    for info in columns.iter().filter(|c| c.hidden != 1) {
        let item = column_item(&info.name).map(String::as_str).unwrap_or("");
        let mut generated = clause_group(item, &["AS"]).map(|e| normalize(&e));
        if let Some(expr) = &mut generated
            && info.hidden == 3
        {
            expr.push_str(" STORED");
        }
        table.columns.push(Column {
            name: info.name.clone(),
            data_type: data_type(&info.declared),
            not_null: info.not_null,
            default: info.default.clone(),
            identity: None,
            generated,
            collation: word_after(item, "COLLATE"),
            comment: None,
            attrs: Default::default(),
        });
    }
    table.constraints = constraints(&row.name, columns, indexes, foreign_keys, &items);
    table.attrs = TableAttrs::Sqlite(attributes(&row.sql, &items, strict, without_rowid));
    table
}

fn constraints(
    table: &str,
    columns: &[ColumnInfo],
    indexes: &[IndexInfo],
    foreign_keys: &[ForeignKeyInfo],
    items: &[String],
) -> Vec<Constraint> {
    let mut out = Vec::new();
    let mut pk: Vec<&ColumnInfo> = columns.iter().filter(|c| c.pk > 0).collect();
    pk.sort_by_key(|c| c.pk);
    if !pk.is_empty() {
        let cols: Vec<String> = pk.iter().map(|c| c.name.clone()).collect();
        out.push(constraint(
            format!("{table}_pkey"),
            ConstraintKind::PrimaryKey,
            format!("PRIMARY KEY ({})", cols.join(", ")),
            cols,
        ));
    }
    for index in indexes.iter().filter(|i| i.origin == "u") {
        out.push(constraint(
            format!("{table}_{}_key", index.columns.join("_")),
            ConstraintKind::Unique,
            format!("UNIQUE ({})", index.columns.join(", ")),
            index.columns.clone(),
        ));
    }
    let mut ids: Vec<i64> = foreign_keys.iter().map(|f| f.id).collect();
    ids.dedup();
    for id in ids {
        let parts: Vec<&ForeignKeyInfo> = foreign_keys.iter().filter(|f| f.id == id).collect();
        let from: Vec<String> = parts.iter().map(|f| f.from.clone()).collect();
        let to: Vec<String> = parts.iter().filter_map(|f| f.to.clone()).collect();
        let first = parts[0];
        let mut fk = constraint(
            format!("{table}_{}_fkey{id}", from.join("_")),
            ConstraintKind::ForeignKey,
            format!(
                "FOREIGN KEY ({}) REFERENCES {}({}) ON UPDATE {} ON DELETE {}",
                from.join(", "),
                first.parent,
                to.join(", "),
                first.on_update,
                first.on_delete
            ),
            from,
        );
        fk.references = Some(QualifiedName::new(MAIN, &first.parent));
        fk.referenced_columns = to;
        out.push(fk);
    }
    let mut checks: Vec<(String, Vec<String>)> = items
        .iter()
        .flat_map(|item| {
            let column = (!is_table_constraint(item))
                .then(|| tokenize(item).first().map(|t| t.ident(item)))
                .flatten();
            all_clause_groups(item, "CHECK")
                .into_iter()
                .map(move |expr| (normalize(&expr), column.clone().into_iter().collect()))
        })
        .collect();
    checks.sort();
    for (n, (expr, cols)) in checks.into_iter().enumerate() {
        out.push(constraint(
            format!("{table}_check{}", n + 1),
            ConstraintKind::Check,
            format!("CHECK ({expr})"),
            cols,
        ));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn constraint(
    name: String,
    kind: ConstraintKind,
    definition: String,
    columns: Vec<String>,
) -> Constraint {
    Constraint {
        name,
        kind,
        definition,
        columns,
        references: None,
        referenced_columns: Vec::new(),
        validated: true,
        deferrable: false,
        initially_deferred: false,
        comment: None,
    }
}

/// Flags and normalized body items, sorted (see the module comment).
fn attributes(sql: &str, items: &[String], strict: bool, without_rowid: bool) -> SqliteTable {
    let mut items: Vec<String> = items.iter().map(|item| normalize(item)).collect();
    items.sort();
    SqliteTable {
        strict,
        without_rowid,
        autoincrement: tokenize(sql)
            .iter()
            .any(|t| t.is_word(sql, "AUTOINCREMENT")),
        items,
    }
}

/// A declared type kept as written (spacing normalized, upper-cased); its category is the
/// SQLite affinity.
pub fn data_type(declared: &str) -> DataType {
    let sql = declared_type(declared);
    let category = TypeCategory::Sqlite(Affinity::of_declared(&sql));
    let mut data_type = DataType::builtin(&sql, category);
    if sql.is_empty() {
        data_type.base = String::new();
    }
    data_type
}

/// The parenthesized text after the keyword sequence `keywords` in `item`.
fn clause_group(item: &str, keywords: &[&str]) -> Option<String> {
    let tokens = tokenize(item);
    (0..tokens.len()).find_map(|i| {
        let matches = keywords
            .iter()
            .enumerate()
            .all(|(k, kw)| tokens.get(i + k).is_some_and(|t| t.is_word(item, kw)));
        if matches {
            group_after(item, &tokens, i + keywords.len()).map(|(text, _)| text)
        } else {
            None
        }
    })
}

fn all_clause_groups(item: &str, keyword: &str) -> Vec<String> {
    let tokens = tokenize(item);
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_word(item, keyword))
        .filter_map(|(i, _)| group_after(item, &tokens, i + 1).map(|(text, _)| text))
        .collect()
}

fn word_after(item: &str, keyword: &str) -> Option<String> {
    let tokens = tokenize(item);
    let at = tokens.iter().position(|t| t.is_word(item, keyword))?;
    tokens
        .get(at + 1)
        .map(|t| t.ident(item).to_ascii_uppercase())
}

fn build_index(row: &MasterRow, unique: bool) -> Index {
    let sql = &row.sql;
    let tokens = tokenize(sql);
    let open = tokens.iter().position(|t| t.is_punct(sql, "("));
    let (keys, close) = open
        .and_then(|o| group_after(sql, &tokens, o))
        .map(|(inner, close)| {
            let parts = split_top_level(&inner)
                .iter()
                .map(|k| index_part(k))
                .collect();
            (parts, Some(close))
        })
        .unwrap_or_default();
    let predicate = close.and_then(|c| {
        let at = tokens[c..].iter().position(|t| t.is_word(sql, "WHERE"))? + c;
        let rest = tokens.get(at + 1)?;
        Some(normalize(&sql[rest.span.start..]))
    });
    Index {
        name: row.name.clone(),
        definition: sql.trim().to_string(),
        unique,
        method: "btree".into(),
        parts: keys,
        include: Vec::new(),
        predicate,
        nulls_not_distinct: false,
        comment: None,
        invisible: false,
    }
}

fn split_top_level(text: &str) -> Vec<&str> {
    let tokens = tokenize(text);
    let mut depth = 0;
    let mut parts = Vec::new();
    let mut start = 0;
    for t in &tokens {
        if t.is_punct(text, "(") {
            depth += 1;
        } else if t.is_punct(text, ")") {
            depth -= 1;
        } else if depth == 0 && t.is_punct(text, ",") {
            parts.push(&text[start..t.span.start]);
            start = t.span.end;
        }
    }
    parts.push(&text[start..]);
    parts
}

/// One key of an index as written: `name`, `"Name" COLLATE NOCASE DESC` or `lower(email)`.
fn index_part(text: &str) -> IndexPart {
    let mut tokens = tokenize(text);
    let mut descending = false;
    if let Some(last) = tokens.last()
        && (last.is_word(text, "DESC") || last.is_word(text, "ASC"))
    {
        descending = last.is_word(text, "DESC");
        tokens.pop();
    }
    let mut collation = None;
    if let [.., before, name] = tokens.as_slice()
        && before.is_word(text, "COLLATE")
    {
        collation = Some(name.ident(text).to_ascii_uppercase());
        tokens.truncate(tokens.len() - 2);
    }
    let key = match tokens.as_slice() {
        [only] if matches!(only.kind, TokenKind::Word | TokenKind::QuotedIdent) => {
            IndexKey::Column(only.ident(text))
        }
        _ => IndexKey::Expression(normalize_tokens(text, &tokens)),
    };
    IndexPart {
        descending,
        collation,
        ..IndexPart::new(key)
    }
}

/// Tables and views whose names appear in `sql` (other than `own`), for ordering.
fn mentioned_relations(
    sql: &str,
    relations: &BTreeMap<String, (String, bool)>,
    own: &str,
) -> std::collections::BTreeSet<ObjectRef> {
    tokenize(sql)
        .iter()
        .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
        .filter_map(|t| relations.get(&t.ident(sql).to_ascii_lowercase()))
        .filter(|(name, _)| name != own)
        .map(|(name, is_view)| {
            if *is_view {
                ObjectRef::View {
                    schema: MAIN.into(),
                    name: name.clone(),
                }
            } else {
                ObjectRef::Table {
                    schema: MAIN.into(),
                    name: name.clone(),
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_keys_are_columns_or_expressions() {
        let part = index_part("\"Email\" collate nocase DESC");
        assert_eq!(part.key, IndexKey::Column("Email".into()));
        assert_eq!(
            (part.descending, part.collation.as_deref()),
            (true, Some("NOCASE"))
        );
        let part = index_part("lower(email) ASC");
        assert_eq!(part.key, IndexKey::Expression("LOWER ( EMAIL )".into()));
        assert!(!part.descending);
    }

    #[test]
    fn declared_types_keep_their_spelling_and_affinity() {
        let decimal = data_type("decimal ( 10 , 2 )");
        assert_eq!(
            (decimal.sql.as_str(), decimal.category),
            ("DECIMAL(10, 2)", TypeCategory::Sqlite(Affinity::Numeric))
        );
    }

    #[test]
    fn generated_and_check_clauses_are_found() {
        let item = "total int GENERATED ALWAYS AS (a + b) STORED CHECK (total > 0)";
        assert_eq!(clause_group(item, &["AS"]).as_deref(), Some("a + b"));
        assert_eq!(all_clause_groups(item, "CHECK"), ["total > 0"]);
        assert_eq!(
            word_after("a text collate nocase", "COLLATE").as_deref(),
            Some("NOCASE")
        );
    }
}
