//! A column's definition as `CREATE TABLE`, `ADD COLUMN` and `MODIFY COLUMN` write it, and
//! where it goes (`FIRST`, `AFTER`).

use super::quote::{ident, string};
use crate::schema::{Column, GeneratedStorage, Table};

/// `name type [CHARACTER SET] [COLLATE] [GENERATED ALWAYS AS (…) VIRTUAL|STORED] [NULL|NOT NULL]
/// [DEFAULT] [ON UPDATE] [AUTO_INCREMENT] [INVISIBLE] [COMMENT] [CHECK]`: every attribute the model
/// holds, so that `MODIFY COLUMN` (which replaces the whole definition) keeps what it should.
pub fn definition(column: &Column) -> String {
    let attrs = column.attrs.mysql().cloned().unwrap_or_default();
    let mut out = format!("{} {}", ident(&column.name), column.data_type.sql);
    if let Some(charset) = &attrs.charset {
        out.push_str(&format!(" CHARACTER SET {charset}"));
    }
    if let Some(collation) = &column.collation {
        out.push_str(&format!(" COLLATE {collation}"));
    }
    if let Some(expr) = &column.generated {
        let kind = match attrs.storage {
            Some(GeneratedStorage::Stored) => "STORED",
            _ => "VIRTUAL",
        };
        out.push_str(&format!(" GENERATED ALWAYS AS ({expr}) {kind}"));
    }
    // MariaDB refuses NULL / NOT NULL after a generated column's VIRTUAL|STORED (its generated
    // columns are always nullable); MySQL 8 takes them there and defaults to NULL, so a
    // nullable generated column writes none and only MySQL's NOT NULL one writes it.
    match (column.generated.is_some(), column.not_null) {
        (_, true) => out.push_str(" NOT NULL"),
        (false, false) => out.push_str(" NULL"),
        (true, false) => {}
    }
    if let Some(default) = &column.default {
        out.push_str(&format!(" DEFAULT {default}"));
    }
    if let Some(on_update) = &attrs.on_update {
        out.push_str(&format!(" ON UPDATE {on_update}"));
    }
    if attrs.auto_increment {
        out.push_str(" AUTO_INCREMENT");
    }
    if attrs.invisible {
        out.push_str(" INVISIBLE");
    }
    if let Some(comment) = &column.comment {
        out.push_str(&format!(" COMMENT {}", string(comment)));
    }
    if let Some(check) = &attrs.check {
        out.push_str(&format!(" CHECK ({check})"));
    }
    out
}

/// Where `name` goes in `table` (the desired table): after the column before it there,
/// `FIRST` if it is first, nothing if it is last (a new column goes last by itself).
pub fn position(table: &Table, name: &str) -> String {
    let at = table.columns.iter().position(|c| c.name == name);
    match at {
        Some(0) if table.columns.len() > 1 => " FIRST".into(),
        Some(i) if i + 1 < table.columns.len() => {
            format!(" AFTER {}", ident(&table.columns[i - 1].name))
        }
        _ => String::new(),
    }
}

/// The columns to move so that the columns `current` shares with `desired` stand in the
/// desired order: those outside a longest run already in order, each placed after its desired
/// predecessor, in desired order (so each predecessor is in place when its follower moves).
pub fn moves<'a>(current: &Table, desired: &'a Table) -> Vec<(&'a Column, String)> {
    let desired_at = |name: &str| desired.columns.iter().position(|c| c.name == name);
    let shared: Vec<(usize, &str)> = current
        .columns
        .iter()
        .filter_map(|c| desired_at(&c.name).map(|at| (at, c.name.as_str())))
        .collect();
    let positions: Vec<usize> = shared.iter().map(|(at, _)| *at).collect();
    let kept: Vec<usize> = longest_increasing(&positions);
    let kept_names: Vec<&str> = kept.iter().map(|&i| shared[i].1).collect();
    desired
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            shared.iter().any(|(_, n)| *n == c.name) && !kept_names.contains(&c.name.as_str())
        })
        .map(|(i, c)| {
            let place = if i == 0 {
                " FIRST".to_string()
            } else {
                format!(" AFTER {}", ident(&desired.columns[i - 1].name))
            };
            (c, place)
        })
        .collect()
}

/// Indices of one longest strictly increasing subsequence of `values` (patience sorting).
fn longest_increasing(values: &[usize]) -> Vec<usize> {
    let mut tails: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; values.len()];
    for (i, &v) in values.iter().enumerate() {
        let at = tails.partition_point(|&t| values[t] < v);
        before[i] = at.checked_sub(1).map(|p| tails[p]);
        if at == tails.len() {
            tails.push(i);
        } else {
            tails[at] = i;
        }
    }
    let mut out = Vec::new();
    let mut next = tails.last().copied();
    while let Some(i) = next {
        out.push(i);
        next = before[i];
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{DataType, MysqlType, TypeCategory};

    fn table(names: &[&str]) -> Table {
        Table {
            columns: names.iter().map(|n| column(n)).collect(),
            ..Table::default()
        }
    }

    fn column(name: &str) -> Column {
        Column::new(
            name,
            DataType::builtin("int", TypeCategory::Mysql(MysqlType::Integer)),
        )
    }

    /// Applies the moves as MySQL would, one after the other.
    fn apply(current: &[&str], desired: &Table) -> Vec<String> {
        let mut order: Vec<String> = current.iter().map(|s| s.to_string()).collect();
        for (column, place) in moves(&table(current), desired) {
            order.retain(|n| *n != column.name);
            let at = match place.strip_prefix(" AFTER ") {
                Some(after) => order.iter().position(|n| ident(n) == after).unwrap() + 1,
                None => 0,
            };
            order.insert(at, column.name.clone());
        }
        order
    }

    #[test]
    fn a_column_goes_after_its_predecessor_first_or_last() {
        let t = table(&["id", "name", "age"]);
        assert_eq!(position(&t, "id"), " FIRST");
        assert_eq!(position(&t, "name"), " AFTER `id`");
        assert_eq!(position(&t, "age"), "");
    }

    #[test]
    fn moves_bring_any_order_to_the_desired_one_with_few_moves() {
        let desired = table(&["a", "b", "c", "d", "e"]);
        for current in [
            vec!["e", "d", "c", "b", "a"],
            vec!["b", "a", "c", "d", "e"],
            vec!["a", "c", "d", "e", "b"],
            vec!["c", "a", "x", "e", "b", "d"],
        ] {
            let shared: Vec<&str> = current.iter().copied().filter(|n| *n != "x").collect();
            let order: Vec<String> = apply(&shared, &desired);
            assert_eq!(order, ["a", "b", "c", "d", "e"], "from {current:?}");
        }
        assert_eq!(moves(&table(&["a", "c", "d", "e", "b"]), &desired).len(), 1);
        assert!(moves(&desired.clone(), &desired).is_empty());
    }

    #[test]
    fn definitions_say_null_explicitly_as_atlas_writes_them() {
        assert_eq!(definition(&column("age")), "`age` int NULL");
        let mut id = column("id");
        id.not_null = true;
        id.comment = Some("it's".into());
        assert_eq!(definition(&id), "`id` int NOT NULL COMMENT 'it''s'");
    }

    #[test]
    fn a_column_level_check_ends_the_definition_as_mariadb_prints_it() {
        let mut status = column("status");
        status.comment = Some("state".into());
        status.attrs = crate::schema::ColumnAttrs::of_mysql(crate::schema::MysqlColumn {
            check: Some("`status` in (1,2)".into()),
            ..Default::default()
        });
        assert_eq!(
            definition(&status),
            "`status` int NULL COMMENT 'state' CHECK (`status` in (1,2))"
        );
    }

    #[test]
    fn a_nullable_generated_column_writes_no_null_after_its_storage() {
        let mut total = column("total");
        total.generated = Some("`a` * 2".into());
        assert_eq!(
            definition(&total),
            "`total` int GENERATED ALWAYS AS (`a` * 2) VIRTUAL"
        );
    }
}
