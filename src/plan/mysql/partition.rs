//! Partitioning: the `PARTITION BY` clause of `CREATE TABLE`, and the `ALTER TABLE` statements
//! that bring a table from one partitioning to another. Those are statements of their own:
//! MySQL takes no other clause beside `ADD PARTITION`, `DROP PARTITION` and the like.

use super::quote::{ident, string};
use crate::diff::TableOptions;
use crate::plan::{Risk, RiskKind};
use crate::schema::{MysqlPartition, MysqlTable, QualifiedName};

/// `PARTITION BY by [PARTITIONS n] [SUBPARTITION BY … [SUBPARTITIONS k]] [(PARTITION …, …)]`,
/// each part on a line of its own. Partitions the server named itself (`p0`, `p1`, … of
/// `PARTITIONS n`, `p0sp0`, … of `SUBPARTITIONS k`) are counted, not listed, as the server
/// prints them; one unnamed partition is no count at all (`PARTITION BY HASH (id)`).
pub fn clause(by: &str, attrs: &MysqlTable) -> String {
    let mut out = format!("PARTITION BY {by}");
    let counted = counted_partitions(attrs);
    if let Some(n) = counted.filter(|n| *n > 1) {
        out.push_str(&format!("\nPARTITIONS {n}"));
    }
    let sub_count = counted_subpartitions(attrs);
    if let Some(sub) = &attrs.subpartition_by {
        out.push_str(&format!("\nSUBPARTITION BY {sub}"));
        if let Some(k) = sub_count.filter(|k| *k > 1) {
            out.push_str(&format!("\nSUBPARTITIONS {k}"));
        }
    }
    if counted.is_none() && !attrs.partitions.is_empty() {
        let list: Vec<String> = attrs
            .partitions
            .iter()
            .map(|p| definition(p, sub_count.is_some()))
            .collect();
        out.push_str(&format!("\n({})", list.join(",\n ")));
    }
    out
}

/// `PARTITION p [VALUES …] [COMMENT = '…'] [(SUBPARTITION s, …)]`; subpartitions the server
/// names itself are left to it.
fn definition(partition: &MysqlPartition, subpartitions_counted: bool) -> String {
    let mut out = format!("PARTITION {}", ident(&partition.name));
    if let Some(values) = &partition.values {
        out.push_str(&format!(" {values}"));
    }
    if let Some(comment) = &partition.comment {
        out.push_str(&format!(" COMMENT = {}", string(comment)));
    }
    if !subpartitions_counted && !partition.subpartitions.is_empty() {
        let subs: Vec<String> = partition
            .subpartitions
            .iter()
            .map(|s| format!("SUBPARTITION {}", ident(s)))
            .collect();
        out.push_str(&format!(" ({})", subs.join(", ")));
    }
    out
}

/// How many partitions, when they are the server's own `p0`, `p1`, … with nothing else
/// written on them (HASH and KEY partitions of `PARTITIONS n`).
fn counted_partitions(attrs: &MysqlTable) -> Option<usize> {
    let plain = !attrs.partitions.is_empty()
        && attrs.partitions.iter().enumerate().all(|(i, p)| {
            p.name == format!("p{i}")
                && p.values.is_none()
                && p.comment.is_none()
                && p.subpartitions.is_empty()
        });
    plain.then_some(attrs.partitions.len())
}

/// How many subpartitions each partition has, when the server named them all
/// (`{partition}sp0`, `{partition}sp1`, … of `SUBPARTITIONS k`).
fn counted_subpartitions(attrs: &MysqlTable) -> Option<usize> {
    attrs.subpartition_by.as_ref()?;
    let k = attrs.partitions.first()?.subpartitions.len();
    let named = attrs.partitions.iter().all(|p| {
        p.subpartitions.len() == k
            && p.subpartitions
                .iter()
                .enumerate()
                .all(|(j, s)| *s == format!("{}sp{j}", p.name))
    });
    (k > 0 && named).then_some(k)
}

/// One `ALTER TABLE` of a partitioning change: what follows the table's name, and its risks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub body: String,
    pub risks: Vec<Risk>,
}

/// The statements that take `table` from the partitioning of `from` to that of `to`: partitions
/// added or dropped at the end where only that changed (dropping one drops its rows), HASH and
/// KEY partitions added or merged by count, and otherwise the whole desired partitioning
/// (`PARTITION BY …`: the server moves every row, and fails on a row no partition takes).
pub fn changes(table: &QualifiedName, from: &TableOptions, to: &TableOptions) -> Vec<Step> {
    let default = MysqlTable::default();
    let a = from.attrs.mysql().unwrap_or(&default);
    let b = to.attrs.mysql().unwrap_or(&default);
    let same = from.partition_by == to.partition_by
        && a.partitions == b.partitions
        && a.subpartition_by == b.subpartition_by;
    if same {
        return Vec::new();
    }
    let Some(by) = &to.partition_by else {
        return vec![plain("REMOVE PARTITIONING".into())];
    };
    if from.partition_by.as_ref() == Some(by)
        && a.subpartition_by == b.subpartition_by
        && let Some(steps) = by_count(a, b).or_else(|| at_the_end(table, a, b))
    {
        return steps;
    }
    vec![plain(clause(by, b))]
}

fn plain(body: String) -> Step {
    Step {
        body,
        risks: Vec::new(),
    }
}

/// `ADD PARTITION PARTITIONS k` or `COALESCE PARTITION k` between two counts of the server's
/// own partitions (the rows are hashed again either way).
fn by_count(a: &MysqlTable, b: &MysqlTable) -> Option<Vec<Step>> {
    let (n, m) = (counted_partitions(a)?, counted_partitions(b)?);
    Some(match m.cmp(&n) {
        std::cmp::Ordering::Greater => vec![plain(format!("ADD PARTITION PARTITIONS {}", m - n))],
        std::cmp::Ordering::Less => vec![plain(format!("COALESCE PARTITION {}", n - m))],
        std::cmp::Ordering::Equal => Vec::new(),
    })
}

/// RANGE and LIST partitions where the desired list is the current one without some and with
/// new ones after it: `DROP PARTITION` (with the rows in them), then `ADD PARTITION`.
fn at_the_end(table: &QualifiedName, a: &MysqlTable, b: &MysqlTable) -> Option<Vec<Step>> {
    if a.partitions
        .iter()
        .chain(&b.partitions)
        .any(|p| p.values.is_none())
    {
        return None;
    }
    let kept: Vec<&MysqlPartition> = a
        .partitions
        .iter()
        .filter(|p| b.partitions.iter().any(|q| q.name == p.name))
        .collect();
    let (head, added) = b.partitions.split_at(kept.len().min(b.partitions.len()));
    let in_place = kept.len() <= b.partitions.len() && kept.iter().copied().eq(head.iter());
    if !in_place
        || added
            .iter()
            .any(|p| a.partitions.iter().any(|q| q.name == p.name))
    {
        return None;
    }
    let mut steps = Vec::new();
    let dropped: Vec<&MysqlPartition> = a
        .partitions
        .iter()
        .filter(|p| !kept.iter().any(|k| k.name == p.name))
        .collect();
    if !dropped.is_empty() {
        let names: Vec<String> = dropped.iter().map(|p| ident(&p.name)).collect();
        steps.push(Step {
            body: format!("DROP PARTITION {}", names.join(", ")),
            risks: vec![Risk {
                kind: RiskKind::Destructive,
                note: format!(
                    "drops partition{} {} of {table} and the rows in {}",
                    if names.len() > 1 { "s" } else { "" },
                    names.join(", "),
                    if names.len() > 1 { "them" } else { "it" }
                ),
            }],
        });
    }
    if !added.is_empty() {
        let counted = counted_subpartitions(b).is_some();
        let list: Vec<String> = added.iter().map(|p| definition(p, counted)).collect();
        steps.push(plain(format!("ADD PARTITION ({})", list.join(", "))));
    }
    Some(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::TableAttrs;

    fn partition(name: &str, values: Option<&str>) -> MysqlPartition {
        MysqlPartition {
            name: name.into(),
            values: values.map(String::from),
            comment: None,
            subpartitions: Vec::new(),
        }
    }

    fn hashed(n: usize) -> MysqlTable {
        MysqlTable {
            partitions: (0..n).map(|i| partition(&format!("p{i}"), None)).collect(),
            ..MysqlTable::default()
        }
    }

    fn ranged(bounds: &[(&str, u32)]) -> MysqlTable {
        MysqlTable {
            partitions: bounds
                .iter()
                .map(|(name, below)| partition(name, Some(&format!("VALUES LESS THAN ({below})"))))
                .collect(),
            ..MysqlTable::default()
        }
    }

    fn options(by: Option<&str>, attrs: MysqlTable) -> TableOptions {
        TableOptions {
            attrs: TableAttrs::of_mysql(attrs),
            partition_by: by.map(String::from),
            ..TableOptions::default()
        }
    }

    fn bodies(from: &TableOptions, to: &TableOptions) -> Vec<String> {
        changes(&QualifiedName::new("main", "t"), from, to)
            .into_iter()
            .map(|s| s.body)
            .collect()
    }

    #[test]
    fn the_servers_own_partitions_are_counted_as_it_prints_them() {
        assert_eq!(
            clause("HASH (`id`)", &hashed(1)),
            "PARTITION BY HASH (`id`)"
        );
        assert_eq!(
            clause("KEY (`a`,`b`)", &hashed(4)),
            "PARTITION BY KEY (`a`,`b`)\nPARTITIONS 4"
        );
        let mut named = hashed(2);
        named.partitions[1].name = "last".into();
        assert_eq!(
            clause("HASH (`id`)", &named),
            "PARTITION BY HASH (`id`)\n(PARTITION `p0`,\n PARTITION `last`)"
        );
    }

    #[test]
    fn subpartitions_named_by_the_server_are_counted() {
        let mut attrs = ranged(&[("p0", 10), ("p1", 20)]);
        attrs.subpartition_by = Some("HASH (`id`)".into());
        for p in &mut attrs.partitions {
            p.subpartitions = vec![format!("{}sp0", p.name), format!("{}sp1", p.name)];
        }
        assert_eq!(
            clause("RANGE (`y`)", &attrs),
            "PARTITION BY RANGE (`y`)\nSUBPARTITION BY HASH (`id`)\nSUBPARTITIONS 2\n\
             (PARTITION `p0` VALUES LESS THAN (10),\n PARTITION `p1` VALUES LESS THAN (20))"
        );
    }

    #[test]
    fn partitions_added_or_dropped_at_the_end_are_added_or_dropped() {
        let by = Some("RANGE (`y`)");
        let two = options(by, ranged(&[("a", 10), ("b", 20)]));
        let three = options(by, ranged(&[("a", 10), ("b", 20), ("c", 30)]));
        assert_eq!(
            bodies(&two, &three),
            ["ADD PARTITION (PARTITION `c` VALUES LESS THAN (30))"]
        );
        let dropped = changes(&QualifiedName::new("main", "t"), &three, &two);
        assert_eq!(dropped[0].body, "DROP PARTITION `c`");
        assert_eq!(dropped[0].risks[0].kind, RiskKind::Destructive);
        let first_gone = options(by, ranged(&[("b", 20), ("c", 30)]));
        assert_eq!(
            bodies(&two, &first_gone),
            [
                "DROP PARTITION `a`",
                "ADD PARTITION (PARTITION `c` VALUES LESS THAN (30))"
            ]
        );
    }

    #[test]
    fn a_moved_bound_repartitions_the_whole_table() {
        let by = Some("RANGE (`y`)");
        let from = options(by, ranged(&[("a", 10), ("b", 20)]));
        let to = options(by, ranged(&[("a", 15), ("b", 20)]));
        assert_eq!(
            bodies(&from, &to),
            [
                "PARTITION BY RANGE (`y`)\n(PARTITION `a` VALUES LESS THAN (15),\n \
              PARTITION `b` VALUES LESS THAN (20))"
            ]
        );
    }

    #[test]
    fn hash_partitions_change_by_count_and_partitioning_comes_and_goes() {
        let by = Some("HASH (`id`)");
        let (one, four) = (options(by, hashed(1)), options(by, hashed(4)));
        assert_eq!(bodies(&one, &four), ["ADD PARTITION PARTITIONS 3"]);
        assert_eq!(bodies(&four, &one), ["COALESCE PARTITION 3"]);
        let none = options(None, MysqlTable::default());
        assert_eq!(bodies(&four, &none), ["REMOVE PARTITIONING"]);
        assert_eq!(
            bodies(&none, &four),
            ["PARTITION BY HASH (`id`)\nPARTITIONS 4"]
        );
        let other_key = options(Some("HASH (`other`)"), hashed(4));
        assert_eq!(
            bodies(&four, &other_key),
            ["PARTITION BY HASH (`other`)\nPARTITIONS 4"]
        );
        assert!(bodies(&four, &four).is_empty());
    }
}
