//! New tables as Atlas writes them on PostgreSQL: a column with a sequence of its own is
//! `serial`, and foreign keys sit inside the table's `CREATE TABLE` when the tables they
//! reference exist by then (see `plan::creates` for the order of the new tables). The changes
//! carried that way keep their steps, with no statements, so lint and history still see them.

use crate::diff::Change;
use crate::plan::creates::{self, KeyRef};
use crate::schema::{
    Column, Constraint, ConstraintKind, QualifiedName, Sequence, SequenceOwner, Table,
};
use std::collections::{BTreeMap, BTreeSet};

/// What the `CREATE TABLE`s of a plan carry beyond their table.
#[derive(Default)]
pub struct Inline {
    /// Foreign keys inside their table's `CREATE TABLE`, by table.
    keys: BTreeMap<QualifiedName, Vec<Constraint>>,
    /// Columns written as `serial` (table, column) and the keyword.
    serials: BTreeMap<(QualifiedName, String), &'static str>,
    /// The sequences of those columns: `serial` creates and owns them.
    sequences: BTreeSet<QualifiedName>,
}

impl Inline {
    /// The foreign keys that go inside the `CREATE TABLE` of `table`.
    pub fn keys_of(&self, table: &QualifiedName) -> &[Constraint] {
        self.keys.get(table).map_or(&[][..], Vec::as_slice)
    }

    /// The `serial` keyword a column of a new table is written with, if any.
    pub fn serial(&self, table: &QualifiedName, column: &str) -> Option<&'static str> {
        self.serials
            .get(&(table.clone(), column.to_string()))
            .copied()
    }

    /// Whether a `CREATE TABLE` carries the change, which then renders nothing either way.
    pub fn carries(&self, change: &Change) -> bool {
        match change {
            Change::AddConstraint { table, constraint } => self
                .keys_of(table)
                .iter()
                .any(|k| k.name == constraint.name),
            Change::CreateSequence { name, .. } | Change::AlterSequence { name, .. } => {
                self.sequences.contains(name)
            }
            _ => false,
        }
    }
}

/// The changes in the order to plan them, and what their `CREATE TABLE`s carry.
pub fn arrange(changes: &[Change]) -> (Vec<&Change>, Inline) {
    let (changes, between_new) = creates::arrange(changes);
    let view = Arranged {
        changes: &changes,
        creations: creations(&changes),
        between_new,
        mentions: sequence_mentions(&changes),
    };
    let mut inline = Inline::default();
    for (at, change) in changes.iter().enumerate() {
        if let (Some((table, _)), Change::AddConstraint { constraint, .. }) =
            (view.inline_key(at), change)
        {
            inline
                .keys
                .entry(table)
                .or_default()
                .push(constraint.clone());
        }
        if let Change::CreateSequence { name, sequence } = change
            && let Some((owner, keyword)) = view.serial_of(at, name, sequence)
        {
            inline.serials.insert((owner.table, owner.column), keyword);
            inline.sequences.insert(name.clone());
        }
    }
    (changes, inline)
}

/// The arranged changes and what is looked up in them.
struct Arranged<'a> {
    changes: &'a [&'a Change],
    /// The position and table of each `CreateTable`.
    creations: BTreeMap<&'a QualifiedName, (usize, &'a Table)>,
    /// Keys between new tables whose referenced table is created first (or is their own).
    between_new: BTreeSet<KeyRef>,
    /// The positions of the changes whose texts name each new sequence.
    mentions: BTreeMap<&'a str, Vec<usize>>,
}

fn creations<'a>(changes: &[&'a Change]) -> BTreeMap<&'a QualifiedName, (usize, &'a Table)> {
    changes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Change::CreateTable { name, table } => Some((name, (i, table))),
            _ => None,
        })
        .collect()
}

impl Arranged<'_> {
    fn creation(&self, name: &QualifiedName) -> Option<(usize, &Table)> {
        self.creations.get(name).copied()
    }

    /// The foreign key `changes[at]` adds, when it can go inside its new table's `CREATE
    /// TABLE`: the referenced table is itself, one created before it, or one the plan does not
    /// create; and nothing the key needs happens in between.
    fn inline_key(&self, at: usize) -> Option<KeyRef> {
        let Change::AddConstraint { table, constraint } = &self.changes[at] else {
            return None;
        };
        let target = constraint.references.as_ref()?;
        let (created_at, new) = self.creation(table)?;
        let key = (table.clone(), constraint.name.clone());
        let target_exists = self.between_new.contains(&key) || !self.creations.contains_key(target);
        // A partition's `CREATE TABLE … PARTITION OF` is kept to what it needs.
        let usable = constraint.kind == ConstraintKind::ForeignKey
            && new.partition_of.is_none()
            && target_exists
            && !self.changes[created_at + 1..at]
                .iter()
                .any(|c| prepares_key_target(c, target));
        usable.then_some(key)
    }

    /// The owner of a sequence that `serial` would create, and the keyword: the plan creates
    /// the sequence bare, then the owning column's table, then sets the owner; the sequence
    /// has the name, options and default that `serial` gives, and nothing uses it before its
    /// table exists (`serial` creates it with the table).
    fn serial_of(
        &self,
        at: usize,
        name: &QualifiedName,
        sequence: &Sequence,
    ) -> Option<(SequenceOwner, &'static str)> {
        let owner = self.changes[at..].iter().find_map(|c| match c {
            Change::AlterSequence { name: n, from, to }
                if n == name && from == sequence && from.options == to.options =>
            {
                to.owned_by.clone()
            }
            _ => None,
        })?;
        let (created_at, table) = self.creation(&owner.table)?;
        let column = table.columns.iter().find(|c| c.name == owner.column)?;
        let keyword = serial_keyword(column, sequence)?;
        let implicit = format!("{}_{}_seq", owner.table.name, owner.column);
        let used_before = self
            .mentions
            .get(name.name.as_str())
            .is_some_and(|uses| uses.iter().any(|&i| i > at && i < created_at));
        let usable = name.schema == owner.table.schema
            && name.name == implicit
            && implicit.len() <= MAX_IDENTIFIER_BYTES
            && table.partition_of.is_none()
            && column.default.as_deref() == Some(nextval(name)?.as_str())
            && !used_before;
        usable.then_some((owner, keyword))
    }
}

/// Whether a change may give a foreign key into `target` what it needs (the referenced
/// columns, their type, the unique key), so the key must wait for it.
fn prepares_key_target(change: &Change, target: &QualifiedName) -> bool {
    use Change::*;
    match change {
        AddColumn { table, .. }
        | AlterColumn { table, .. }
        | RenameColumn { table, .. }
        | RenameConstraint { table, .. }
        | AttachPartition { table, .. } => table == target,
        AddConstraint { table, constraint } => {
            table == target && constraint.kind != ConstraintKind::ForeignKey
        }
        CreateIndex { on, index } => on == target && index.unique,
        RenameIndex { on, .. } => on == target,
        RenameTable { to, .. } => to == target,
        _ => false,
    }
}

/// For each sequence the changes create, the positions of the changes whose texts hold its
/// name as a word (conservative: any mention counts as a use).
fn sequence_mentions<'a>(changes: &[&'a Change]) -> BTreeMap<&'a str, Vec<usize>> {
    let mut mentions: BTreeMap<&str, Vec<usize>> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateSequence { name, .. } => Some((name.name.as_str(), Vec::new())),
            _ => None,
        })
        .collect();
    if mentions.is_empty() {
        return mentions;
    }
    for (at, change) in changes.iter().enumerate() {
        let text = serde_json::to_string(change).unwrap_or_default();
        let words = text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
        for word in words.collect::<BTreeSet<_>>() {
            if let Some(positions) = mentions.get_mut(word) {
                positions.push(at);
            }
        }
    }
    mentions
}

/// Longer names PostgreSQL truncates, and `serial` then names its sequence differently.
const MAX_IDENTIFIER_BYTES: usize = 63;

/// `serial`, `bigserial` or `smallserial` for a column whose type and sequence options are the
/// ones that keyword makes: NOT NULL, start 1, increment 1, up to the type's maximum, cache 1.
fn serial_keyword(column: &Column, sequence: &Sequence) -> Option<&'static str> {
    let (keyword, max) = match column.data_type.sql.as_str() {
        "integer" => ("serial", i32::MAX as i64),
        "bigint" => ("bigserial", i64::MAX),
        "smallint" => ("smallserial", i16::MAX as i64),
        _ => return None,
    };
    let o = &sequence.options;
    let plain = o.data_type == column.data_type.sql
        && (o.start, o.increment, o.min_value, o.max_value, o.cache) == (1, 1, 1, max, 1)
        && !o.cycle;
    let column_plain = column.not_null
        && column.identity.is_none()
        && column.generated.is_none()
        && column.collation.is_none();
    (plain && column_plain).then_some(keyword)
}

/// The default `serial` gives, as the server prints it with an empty search_path; None for
/// names it would quote (the default then stays explicit).
fn nextval(sequence: &QualifiedName) -> Option<String> {
    let plain = |n: &str| {
        n.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    (plain(&sequence.schema) && plain(&sequence.name))
        .then(|| format!("nextval('{sequence}'::regclass)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_the_server_prints_bare_give_a_serial_default() {
        assert_eq!(
            nextval(&QualifiedName::new("public", "t_id_seq")).as_deref(),
            Some("nextval('public.t_id_seq'::regclass)")
        );
        assert_eq!(nextval(&QualifiedName::new("public", "T_id_seq")), None);
        assert_eq!(nextval(&QualifiedName::new("public", "1_id_seq")), None);
    }
}
