//! Tables: creation (a bare shell, then foreign keys, indexes, triggers, policies, row security
//! and comments as separate changes), drops, and in-place alteration of columns, constraints,
//! indexes, triggers, policies, options, partitioning and comments.

use super::emit::{Emitter, data_type_res, dep_res, qualified, table_res, union};
use super::graph::{MemberKind, Node, Rank, Res};
use super::{Change, CommentTarget, RowSecurity, TableOptions};
use crate::schema::{
    Column, Constraint, ConstraintKind, DataType, Index, ObjectRef, Policy, QualifiedName, Realm,
    Schema, Table, Trigger,
};

impl Emitter<'_> {
    /// Whether an existing table is dropped and created again (partitioning or inheritance
    /// cannot be changed in place).
    pub fn table_recreated(&self, name: &QualifiedName) -> bool {
        match (self.from.table(name), self.to.table(name)) {
            (Some(old), Some(new)) => {
                old.partition_by != new.partition_by
                    || old.inherits != new.inherits
                    || self.forced.tables.contains(name)
            }
            _ => false,
        }
    }

    /// Whether a current table stops existing at some point of the plan.
    pub fn table_gone(&self, name: &QualifiedName) -> bool {
        self.from.table(name).is_some()
            && (self.to.table(name).is_none() || self.table_recreated(name))
    }

    /// Whether a current column stops existing (dropped, its table dropped, or re-added).
    pub fn column_gone(&self, table: &QualifiedName, column: &str) -> bool {
        if self.table_gone(table) {
            return true;
        }
        let old = self.from.table(table).and_then(|t| find_column(t, column));
        let new = self.to.table(table).and_then(|t| find_column(t, column));
        match (old, new) {
            (Some(old), Some(new)) => old.generated != new.generated,
            (Some(_), None) => true,
            _ => false,
        }
    }

    pub(crate) fn tables(&mut self, schema: &str, old: &Schema, new: &Schema) {
        for name in union(&old.tables, &new.tables) {
            let qn = qualified(schema, name);
            let recreate = self.table_recreated(&qn);
            let (old_t, new_t) = (old.tables.get(name), new.tables.get(name));
            if let Some(t) = old_t.filter(|_| new_t.is_none() || recreate) {
                self.drop_table(&qn, t);
            }
            if let Some(t) = new_t.filter(|_| old_t.is_none() || recreate) {
                self.create_table(&qn, t);
            }
            if let (Some(a), Some(b)) = (old_t, new_t)
                && !recreate
            {
                self.alter_table(&qn, a, b);
            }
        }
    }

    fn create_table(&mut self, qn: &QualifiedName, table: &Table) {
        let to = self.to;
        let shell = table_shell(to, table);
        let mut node = Node::new(
            Change::CreateTable {
                name: qn.clone(),
                table: shell.clone(),
            },
            Rank::CreateTable,
            qn.to_string(),
        );
        node.makes
            .extend([table_res(qn), Res::RelationName(qn.clone())]);
        for column in &table.columns {
            node.makes
                .push(Res::Column(qn.clone(), column.name.clone()));
        }
        for constraint in &shell.constraints {
            node.makes.extend(constraint_makes(qn, constraint));
        }
        node.needs.extend(table.depends_on.iter().map(dep_res));
        node.needs.push(Res::Schema(qn.schema.clone()));
        node.needs
            .extend(parent_names(table).into_iter().map(|p| table_res(&p)));
        self.push(node);
        self.table_members(qn, None, table);
        if table.row_security || table.force_row_security {
            self.row_security(qn, RowSecurity::default(), row_security_of(table));
        }
        self.table_comments(qn, None, table);
    }

    fn drop_table(&mut self, qn: &QualifiedName, table: &Table) {
        let from = self.from;
        for constraint in &table.constraints {
            if constraint.kind == ConstraintKind::ForeignKey
                && !constraint_inherited(from, table, constraint)
            {
                self.push(drop_constraint(qn, constraint));
            }
        }
        let mut node = Node::new(
            Change::DropTable {
                name: qn.clone(),
                table: table_shell(from, table),
            },
            Rank::DropTable,
            qn.to_string(),
        );
        node.kills
            .extend([table_res(qn), Res::RelationName(qn.clone())]);
        for column in &table.columns {
            node.kills.extend(column_kills(from, qn, &column.name));
        }
        for constraint in &table.constraints {
            node.kills.extend(constraint_makes(qn, constraint));
        }
        let columns = column_names(table);
        for index in &table.indexes {
            node.kills.extend(index_makes(qn, index, &columns));
        }
        for trigger in &table.triggers {
            node.kills
                .push(member(qn, MemberKind::Trigger, &trigger.name));
        }
        for policy in &table.policies {
            node.kills
                .push(member(qn, MemberKind::Policy, &policy.name));
        }
        node.releases.extend(table.depends_on.iter().map(dep_res));
        node.releases.push(Res::Schema(qn.schema.clone()));
        node.releases
            .extend(parent_names(table).into_iter().map(|p| table_res(&p)));
        self.push(node);
    }

    fn alter_table(&mut self, qn: &QualifiedName, old: &Table, new: &Table) {
        self.columns(qn, old, new);
        self.table_members(qn, Some(old), new);
        if row_security_of(old) != row_security_of(new) {
            self.row_security(qn, row_security_of(old), row_security_of(new));
        }
        let (old_options, new_options) = (options_of(old), options_of(new));
        if old_options != new_options {
            let mut node = Node::new(
                Change::SetTableOptions {
                    table: qn.clone(),
                    from: old_options,
                    to: new_options,
                },
                Rank::TableOptions,
                qn.to_string(),
            );
            node.needs.push(table_res(qn));
            self.push(node);
        }
        if old.partition_of != new.partition_of {
            if let Some(partition_of) = &old.partition_of {
                let mut node = Node::new(
                    Change::DetachPartition {
                        table: qn.clone(),
                        partition_of: partition_of.clone(),
                    },
                    Rank::DetachPartition,
                    qn.to_string(),
                );
                node.releases.push(table_res(&partition_of.parent));
                self.push(node);
            }
            if let Some(partition_of) = &new.partition_of {
                let mut node = Node::new(
                    Change::AttachPartition {
                        table: qn.clone(),
                        partition_of: partition_of.clone(),
                    },
                    Rank::AttachPartition,
                    qn.to_string(),
                );
                node.needs.push(table_res(&partition_of.parent));
                for column in &new.columns {
                    node.needs.push(Res::Column(
                        partition_of.parent.clone(),
                        column.name.clone(),
                    ));
                }
                self.push(node);
            }
        }
        self.table_comments(qn, Some(old), new);
    }

    fn columns(&mut self, qn: &QualifiedName, old: &Table, new: &Table) {
        let same_parents = parent_names(old) == parent_names(new);
        let names: Vec<&String> = new
            .columns
            .iter()
            .map(|c| &c.name)
            .chain(
                old.columns
                    .iter()
                    .map(|c| &c.name)
                    .filter(|n| find_column(new, n).is_none()),
            )
            .collect();
        for name in names {
            let (a, b) = (find_column(old, name), find_column(new, name));
            let follows = same_parents
                && a.is_none_or(|c| column_follows_parent(self.from, old, c))
                && b.is_none_or(|c| column_follows_parent(self.to, new, c));
            if !follows {
                self.column(qn, a, b);
            }
        }
    }

    fn column(&mut self, qn: &QualifiedName, old: Option<&Column>, new: Option<&Column>) {
        match (old, new) {
            (None, Some(b)) => self.push(add_column(qn, b)),
            (Some(a), None) => self.push(drop_column(self.from, qn, a)),
            (Some(a), Some(b)) if a.generated != b.generated => {
                self.push(drop_column(self.from, qn, a));
                self.push(add_column(qn, b));
            }
            (Some(a), Some(b)) => {
                let parked = self.forced.parked.contains(&(qn.clone(), a.name.clone()));
                if parked {
                    let mid = self.parked_column(a);
                    self.column_in_two_legs(qn, a, &mid, b);
                } else if identity_swaps_with_serial(a, b) {
                    let mid = Column {
                        identity: None,
                        default: None,
                        ..a.clone()
                    };
                    self.column_in_two_legs(qn, a, &mid, b);
                } else if !same_column(a, b) {
                    self.push(alter_column(qn, a, b));
                }
            }
            (None, None) => {}
        }
        if let Some(b) = new {
            let before = old
                .filter(|a| a.generated == b.generated)
                .and_then(|a| a.comment.as_ref());
            self.comment(
                CommentTarget::Column {
                    table: qn.clone(),
                    column: b.name.clone(),
                },
                before,
                b.comment.as_ref(),
                Res::Column(qn.clone(), b.name.clone()),
                format!("{qn}.{}", b.name),
            );
        }
    }

    /// The column without its default, and typed `text` if its type is being re-created, so
    /// that the re-created objects it uses can be dropped while it waits.
    fn parked_column(&self, column: &Column) -> Column {
        let retype = column
            .data_type
            .schema
            .as_ref()
            .is_some_and(|s| self.type_recreated(&qualified(s, &column.data_type.base)));
        let mut parked = Column {
            default: None,
            ..column.clone()
        };
        if retype {
            parked.data_type = text_type(column.data_type.array_dims);
            parked.collation = None;
        }
        parked
    }

    fn column_in_two_legs(&mut self, qn: &QualifiedName, a: &Column, mid: &Column, b: &Column) {
        let parked = Res::Parked(qn.clone(), a.name.clone());
        let identity_sequence = Res::RelationName(qualified(
            &qn.schema,
            &format!("{}_{}_seq", qn.name, a.name),
        ));
        let mut first = alter_column(qn, a, mid);
        first.rank = Rank::ParkColumn;
        first.kills.push(parked.clone());
        if a.identity.is_some() && mid.identity.is_none() {
            first.kills.push(identity_sequence.clone());
        }
        self.push(first);
        if !same_column(mid, b) {
            let mut second = alter_column(qn, mid, b);
            second.makes.push(parked);
            if b.identity.is_some() && mid.identity.is_none() {
                second.makes.push(identity_sequence);
            }
            self.push(second);
        }
    }

    /// Constraints, indexes, triggers and policies of a table; `old` is None for a new table.
    fn table_members(&mut self, qn: &QualifiedName, old: Option<&Table>, new: &Table) {
        let (from, to) = (self.from, self.to);
        let old_constraints: Vec<&Constraint> = old
            .map(|t| {
                t.constraints
                    .iter()
                    .filter(|c| !constraint_inherited(from, t, c))
                    .collect()
            })
            .unwrap_or_default();
        for c in new
            .constraints
            .iter()
            .filter(|c| !constraint_inherited(to, new, c))
        {
            let before = old_constraints.iter().find(|o| o.name == c.name).copied();
            let in_shell = old.is_none() && c.kind != ConstraintKind::ForeignKey;
            let changed = match before {
                Some(o) => {
                    o.definition != c.definition
                        || self.is_forced(qn, MemberKind::Constraint, &c.name)
                }
                None => true,
            };
            if let Some(o) = before.filter(|_| changed) {
                self.push(drop_constraint(qn, o));
            }
            if changed && !in_shell {
                self.push(add_constraint(qn, c));
            }
            self.comment(
                CommentTarget::Constraint {
                    table: qn.clone(),
                    name: c.name.clone(),
                },
                before.filter(|_| !changed).and_then(|o| o.comment.as_ref()),
                c.comment.as_ref(),
                member(qn, MemberKind::Constraint, &c.name),
                format!("{qn}.{}", c.name),
            );
        }
        for o in old_constraints {
            let kept = new
                .constraints
                .iter()
                .any(|c| c.name == o.name && !constraint_inherited(to, new, c));
            if !kept {
                self.push(drop_constraint(qn, o));
            }
        }
        let old_indexes: Vec<&Index> = old
            .map(|t| {
                t.indexes
                    .iter()
                    .filter(|i| !index_inherited(from, t, i))
                    .collect()
            })
            .unwrap_or_default();
        let new_indexes: Vec<&Index> = new
            .indexes
            .iter()
            .filter(|i| !index_inherited(to, new, i))
            .collect();
        let old_columns = old.map(column_names).unwrap_or_default();
        self.indexes(
            qn,
            table_res(qn),
            &old_indexes,
            &new_indexes,
            &old_columns,
            &column_names(new),
        );
        let old_triggers: Vec<&Trigger> = old
            .map(|t| {
                t.triggers
                    .iter()
                    .filter(|g| !trigger_inherited(from, t, g))
                    .collect()
            })
            .unwrap_or_default();
        let new_triggers: Vec<&Trigger> = new
            .triggers
            .iter()
            .filter(|g| !trigger_inherited(to, new, g))
            .collect();
        self.triggers(qn, table_res(qn), &old_triggers, &new_triggers);
        self.policies(
            qn,
            old.map(|t| t.policies.as_slice()).unwrap_or(&[]),
            &new.policies,
        );
    }

    pub fn is_forced(&self, on: &QualifiedName, kind: MemberKind, name: &str) -> bool {
        self.forced
            .members
            .contains(&(on.clone(), kind, name.to_string()))
    }

    /// Index changes of a table or materialized view `on`.
    pub fn indexes(
        &mut self,
        on: &QualifiedName,
        on_res: Res,
        old: &[&Index],
        new: &[&Index],
        old_columns: &[String],
        new_columns: &[String],
    ) {
        for index in new {
            let before = old.iter().find(|o| o.name == index.name).copied();
            let changed = match before {
                Some(o) => {
                    o.definition != index.definition
                        || self.is_forced(on, MemberKind::Index, &index.name)
                }
                None => true,
            };
            if let Some(o) = before.filter(|_| changed) {
                self.push(drop_index(on, o, old_columns));
            }
            if changed {
                self.push(create_index(on, on_res.clone(), index, new_columns));
            }
            let name = qualified(&on.schema, &index.name);
            self.comment(
                CommentTarget::Index { name: name.clone() },
                before.filter(|_| !changed).and_then(|o| o.comment.as_ref()),
                index.comment.as_ref(),
                Res::RelationName(name.clone()),
                name.to_string(),
            );
        }
        for o in old {
            if !new.iter().any(|i| i.name == o.name) {
                self.push(drop_index(on, o, old_columns));
            }
        }
    }

    /// Trigger changes of a table or view `on`.
    pub fn triggers(
        &mut self,
        on: &QualifiedName,
        on_res: Res,
        old: &[&Trigger],
        new: &[&Trigger],
    ) {
        for trigger in new {
            let before = old.iter().find(|o| o.name == trigger.name).copied();
            let changed = match before {
                Some(o) => {
                    o.definition != trigger.definition
                        || o.enabled != trigger.enabled
                        || self.is_forced(on, MemberKind::Trigger, &trigger.name)
                }
                None => true,
            };
            if let Some(o) = before.filter(|_| changed) {
                let node = self.drop_trigger(on, o);
                self.push(node);
            }
            if changed {
                let node = self.create_trigger(on, on_res.clone(), trigger);
                self.push(node);
            }
            self.comment(
                CommentTarget::Trigger {
                    on: on.clone(),
                    name: trigger.name.clone(),
                },
                before.filter(|_| !changed).and_then(|o| o.comment.as_ref()),
                trigger.comment.as_ref(),
                member(on, MemberKind::Trigger, &trigger.name),
                format!("{on}.{}", trigger.name),
            );
        }
        for o in old {
            if !new.iter().any(|t| t.name == o.name) {
                let node = self.drop_trigger(on, o);
                self.push(node);
            }
        }
    }

    fn create_trigger(&self, on: &QualifiedName, on_res: Res, trigger: &Trigger) -> Node {
        let mut node = Node::new(
            Change::CreateTrigger {
                on: on.clone(),
                trigger: Trigger {
                    comment: None,
                    ..trigger.clone()
                },
            },
            Rank::CreateTrigger,
            format!("{on}.{}", trigger.name),
        );
        node.makes
            .push(member(on, MemberKind::Trigger, &trigger.name));
        node.needs.push(on_res);
        node.needs.extend(trigger_functions(self.to, trigger));
        node.new_texts.push(trigger.definition.clone());
        node.scope.push(on.clone());
        node
    }

    fn drop_trigger(&self, on: &QualifiedName, trigger: &Trigger) -> Node {
        let mut node = Node::new(
            Change::DropTrigger {
                on: on.clone(),
                trigger: Trigger {
                    comment: None,
                    ..trigger.clone()
                },
            },
            Rank::DropTrigger,
            format!("{on}.{}", trigger.name),
        );
        node.kills
            .push(member(on, MemberKind::Trigger, &trigger.name));
        node.releases.extend(trigger_functions(self.from, trigger));
        node.old_texts.push(trigger.definition.clone());
        node.scope.push(on.clone());
        node
    }

    fn policies(&mut self, table: &QualifiedName, old: &[Policy], new: &[Policy]) {
        for policy in new {
            let before = old.iter().find(|o| o.name == policy.name);
            let forced = self.is_forced(table, MemberKind::Policy, &policy.name);
            let same = |o: &Policy| {
                Policy {
                    comment: None,
                    ..o.clone()
                } == Policy {
                    comment: None,
                    ..policy.clone()
                }
            };
            match before {
                Some(o) if same(o) && !forced => {}
                Some(o)
                    if !forced
                        && o.permissive == policy.permissive
                        && o.command == policy.command =>
                {
                    let mut node = Node::new(
                        Change::AlterPolicy {
                            table: table.clone(),
                            from: policy_bare(o),
                            to: policy_bare(policy),
                        },
                        Rank::CreatePolicy,
                        format!("{table}.{}", policy.name),
                    );
                    node.needs
                        .push(member(table, MemberKind::Policy, &policy.name));
                    node.new_texts.extend(policy_texts(policy));
                    node.old_texts.extend(policy_texts(o));
                    node.scope.push(table.clone());
                    self.push(node);
                }
                Some(o) => {
                    self.push(drop_policy(table, o));
                    self.push(create_policy(table, policy));
                }
                None => self.push(create_policy(table, policy)),
            }
            let recreated = before.is_some_and(|o| {
                forced || o.permissive != policy.permissive || o.command != policy.command
            });
            self.comment(
                CommentTarget::Policy {
                    table: table.clone(),
                    name: policy.name.clone(),
                },
                before
                    .filter(|_| !recreated)
                    .and_then(|o| o.comment.as_ref()),
                policy.comment.as_ref(),
                member(table, MemberKind::Policy, &policy.name),
                format!("{table}.{}", policy.name),
            );
        }
        for o in old {
            if !new.iter().any(|p| p.name == o.name) {
                self.push(drop_policy(table, o));
            }
        }
    }

    fn row_security(&mut self, qn: &QualifiedName, from: RowSecurity, to: RowSecurity) {
        let mut node = Node::new(
            Change::SetRowSecurity {
                table: qn.clone(),
                from,
                to,
            },
            Rank::RowSecurity,
            qn.to_string(),
        );
        node.needs.push(table_res(qn));
        self.push(node);
    }

    fn table_comments(&mut self, qn: &QualifiedName, old: Option<&Table>, new: &Table) {
        self.comment(
            CommentTarget::Table { name: qn.clone() },
            old.and_then(|t| t.comment.as_ref()),
            new.comment.as_ref(),
            table_res(qn),
            qn.to_string(),
        );
        if old.is_none() {
            for column in &new.columns {
                self.comment(
                    CommentTarget::Column {
                        table: qn.clone(),
                        column: column.name.clone(),
                    },
                    None,
                    column.comment.as_ref(),
                    Res::Column(qn.clone(), column.name.clone()),
                    format!("{qn}.{}", column.name),
                );
            }
        }
    }
}

pub(crate) fn find_column<'t>(table: &'t Table, name: &str) -> Option<&'t Column> {
    table.columns.iter().find(|c| c.name == name)
}

fn column_names(table: &Table) -> Vec<String> {
    table.columns.iter().map(|c| c.name.clone()).collect()
}

pub(crate) fn member(on: &QualifiedName, kind: MemberKind, name: &str) -> Res {
    Res::Member(on.clone(), kind, name.to_string())
}

fn same_column(a: &Column, b: &Column) -> bool {
    Column {
        comment: None,
        ..a.clone()
    } == Column {
        comment: None,
        ..b.clone()
    }
}

fn bare_column(column: &Column) -> Column {
    Column {
        comment: None,
        ..column.clone()
    }
}

/// Serial to identity (or back): the sequence behind the default and the identity's implicit
/// sequence usually share a name, so the old one must go between two steps.
fn identity_swaps_with_serial(a: &Column, b: &Column) -> bool {
    let uses_nextval = |c: &Column| c.default.as_deref().is_some_and(|d| d.contains("nextval("));
    a.identity.is_some() != b.identity.is_some() && (uses_nextval(a) || uses_nextval(b))
}

fn text_type(array_dims: u32) -> DataType {
    let mut text = DataType::builtin("text", "S");
    if array_dims > 0 {
        text.sql = format!("text{}", "[]".repeat(array_dims as usize));
        text.array_dims = array_dims;
        text.category = "A".into();
    }
    text
}

fn column_texts(column: &Column) -> Vec<String> {
    column
        .default
        .iter()
        .chain(column.generated.iter())
        .cloned()
        .collect()
}

/// What a dropped column takes along: itself and the sequences it owns.
fn column_kills(realm: &Realm, table: &QualifiedName, column: &str) -> Vec<Res> {
    let mut kills = vec![Res::Column(table.clone(), column.to_string())];
    for (schema_name, schema) in &realm.schemas {
        for (name, sequence) in &schema.sequences {
            let owned = sequence
                .owned_by
                .as_ref()
                .is_some_and(|o| &o.table == table && o.column == column);
            if owned {
                kills.push(Res::Object(ObjectRef::Sequence {
                    schema: schema_name.clone(),
                    name: name.clone(),
                }));
                kills.push(Res::RelationName(qualified(schema_name, name)));
            }
        }
    }
    kills
}

fn add_column(qn: &QualifiedName, column: &Column) -> Node {
    let mut node = Node::new(
        Change::AddColumn {
            table: qn.clone(),
            column: bare_column(column),
        },
        Rank::AddColumn,
        format!("{qn}.{}", column.name),
    );
    node.makes
        .push(Res::Column(qn.clone(), column.name.clone()));
    node.needs.push(table_res(qn));
    node.needs.extend(data_type_res(&column.data_type));
    node.new_texts = column_texts(column);
    node.scope.push(qn.clone());
    node
}

fn drop_column(realm: &Realm, qn: &QualifiedName, column: &Column) -> Node {
    let mut node = Node::new(
        Change::DropColumn {
            table: qn.clone(),
            column: bare_column(column),
        },
        Rank::DropColumn,
        format!("{qn}.{}", column.name),
    );
    node.kills.extend(column_kills(realm, qn, &column.name));
    node.releases.extend(data_type_res(&column.data_type));
    node.old_texts = column_texts(column);
    node.scope.push(qn.clone());
    node
}

fn alter_column(qn: &QualifiedName, a: &Column, b: &Column) -> Node {
    let mut node = Node::new(
        Change::AlterColumn {
            table: qn.clone(),
            from: bare_column(a),
            to: bare_column(b),
        },
        Rank::AlterColumn,
        format!("{qn}.{}", a.name),
    );
    let column = Res::Column(qn.clone(), a.name.clone());
    if a.data_type != b.data_type || a.collation != b.collation {
        node.kills.push(column.clone());
    }
    node.makes.push(column);
    node.needs.extend(data_type_res(&b.data_type));
    node.releases.extend(data_type_res(&a.data_type));
    node.new_texts = column_texts(b);
    node.old_texts = column_texts(a);
    node.scope.push(qn.clone());
    node
}

/// What a constraint provides to others: its name, its index's name and its unique key.
fn constraint_makes(table: &QualifiedName, c: &Constraint) -> Vec<Res> {
    let mut out = vec![member(table, MemberKind::Constraint, &c.name)];
    if matches!(
        c.kind,
        ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclusion
    ) {
        out.push(Res::RelationName(qualified(&table.schema, &c.name)));
    }
    if matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
        out.push(Res::Key(table.clone(), sorted(&c.columns)));
    }
    out
}

/// What a constraint relies on: its columns and, for a foreign key, the referenced key.
pub(crate) fn constraint_uses(table: &QualifiedName, c: &Constraint) -> Vec<Res> {
    let mut out: Vec<Res> = c
        .columns
        .iter()
        .map(|col| Res::Column(table.clone(), col.clone()))
        .collect();
    out.push(table_res(table));
    if let Some(target) = &c.references {
        out.push(table_res(target));
        out.push(Res::Key(target.clone(), sorted(&c.referenced_columns)));
        out.extend(
            c.referenced_columns
                .iter()
                .map(|col| Res::Column(target.clone(), col.clone())),
        );
    }
    out
}

fn sorted(columns: &[String]) -> Vec<String> {
    let mut out = columns.to_vec();
    out.sort();
    out
}

fn add_constraint(table: &QualifiedName, c: &Constraint) -> Node {
    let rank = if c.kind == ConstraintKind::ForeignKey {
        Rank::AddForeignKey
    } else {
        Rank::AddConstraint
    };
    let mut node = Node::new(
        Change::AddConstraint {
            table: table.clone(),
            constraint: Constraint {
                comment: None,
                ..c.clone()
            },
        },
        rank,
        format!("{table}.{}", c.name),
    );
    node.makes.extend(constraint_makes(table, c));
    node.needs.extend(constraint_uses(table, c));
    node.new_texts.push(c.definition.clone());
    node.scope.push(table.clone());
    node
}

fn drop_constraint(table: &QualifiedName, c: &Constraint) -> Node {
    let rank = if c.kind == ConstraintKind::ForeignKey {
        Rank::DropForeignKey
    } else {
        Rank::DropConstraint
    };
    let mut node = Node::new(
        Change::DropConstraint {
            table: table.clone(),
            constraint: Constraint {
                comment: None,
                ..c.clone()
            },
        },
        rank,
        format!("{table}.{}", c.name),
    );
    node.kills.extend(constraint_makes(table, c));
    node.releases.extend(constraint_uses(table, c));
    node.old_texts.push(c.definition.clone());
    node.scope.push(table.clone());
    node
}

/// An index's name, and its unique key when it is a plain unique index over columns.
fn index_makes(on: &QualifiedName, index: &Index, columns: &[String]) -> Vec<Res> {
    let mut out = vec![Res::RelationName(qualified(&on.schema, &index.name))];
    let plain = index.keys.iter().all(|k| columns.contains(k));
    if index.unique && index.predicate.is_none() && plain && !index.keys.is_empty() {
        out.push(Res::Key(on.clone(), sorted(&index.keys)));
    }
    out
}

fn create_index(on: &QualifiedName, on_res: Res, index: &Index, columns: &[String]) -> Node {
    let mut node = Node::new(
        Change::CreateIndex {
            on: on.clone(),
            index: Index {
                comment: None,
                ..index.clone()
            },
        },
        Rank::CreateIndex,
        format!("{}.{}", on.schema, index.name),
    );
    node.makes.extend(index_makes(on, index, columns));
    node.needs.push(on_res);
    node.new_texts.push(index.definition.clone());
    node.scope.push(on.clone());
    node
}

fn drop_index(on: &QualifiedName, index: &Index, columns: &[String]) -> Node {
    let mut node = Node::new(
        Change::DropIndex {
            on: on.clone(),
            index: Index {
                comment: None,
                ..index.clone()
            },
        },
        Rank::DropIndex,
        format!("{}.{}", on.schema, index.name),
    );
    node.kills.extend(index_makes(on, index, columns));
    node.old_texts.push(index.definition.clone());
    node.scope.push(on.clone());
    node
}

/// Every routine a trigger could be calling: the overloads of its function's name.
pub(crate) fn trigger_functions(realm: &Realm, trigger: &Trigger) -> Vec<Res> {
    let prefix = format!("{}(", trigger.function.name);
    realm
        .schemas
        .get(&trigger.function.schema)
        .map(|s| {
            s.functions
                .keys()
                .filter(|k| k.starts_with(&prefix))
                .map(|k| {
                    Res::Object(ObjectRef::Function {
                        schema: trigger.function.schema.clone(),
                        signature: k.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn policy_bare(policy: &Policy) -> Policy {
    Policy {
        comment: None,
        ..policy.clone()
    }
}

pub(crate) fn policy_texts(policy: &Policy) -> Vec<String> {
    policy
        .using
        .iter()
        .chain(policy.with_check.iter())
        .cloned()
        .collect()
}

fn create_policy(table: &QualifiedName, policy: &Policy) -> Node {
    let mut node = Node::new(
        Change::CreatePolicy {
            table: table.clone(),
            policy: policy_bare(policy),
        },
        Rank::CreatePolicy,
        format!("{table}.{}", policy.name),
    );
    node.makes
        .push(member(table, MemberKind::Policy, &policy.name));
    node.needs.push(table_res(table));
    node.new_texts = policy_texts(policy);
    node.scope.push(table.clone());
    node
}

fn drop_policy(table: &QualifiedName, policy: &Policy) -> Node {
    let mut node = Node::new(
        Change::DropPolicy {
            table: table.clone(),
            policy: policy_bare(policy),
        },
        Rank::DropPolicy,
        format!("{table}.{}", policy.name),
    );
    node.kills
        .push(member(table, MemberKind::Policy, &policy.name));
    node.old_texts = policy_texts(policy);
    node.scope.push(table.clone());
    node
}

fn row_security_of(table: &Table) -> RowSecurity {
    RowSecurity {
        enabled: table.row_security,
        forced: table.force_row_security,
    }
}

fn options_of(table: &Table) -> TableOptions {
    TableOptions {
        unlogged: table.unlogged,
        options: table.options.clone(),
    }
}

/// The table as `CreateTable`/`DropTable` carry it: columns, constraints other than foreign
/// keys (and those not inherited from a parent), partitioning, inheritance and options.
fn table_shell(realm: &Realm, table: &Table) -> Table {
    Table {
        columns: table.columns.iter().map(bare_column).collect(),
        constraints: table
            .constraints
            .iter()
            .filter(|c| {
                c.kind != ConstraintKind::ForeignKey && !constraint_inherited(realm, table, c)
            })
            .map(|c| Constraint {
                comment: None,
                ..c.clone()
            })
            .collect(),
        indexes: Vec::new(),
        triggers: Vec::new(),
        policies: Vec::new(),
        comment: None,
        row_security: false,
        force_row_security: false,
        ..table.clone()
    }
}

/// The partition parent and inheritance parents of a table.
pub(crate) fn parent_names(table: &Table) -> Vec<QualifiedName> {
    table
        .partition_of
        .iter()
        .map(|p| p.parent.clone())
        .chain(table.inherits.iter().cloned())
        .collect()
}

fn parents<'r>(realm: &'r Realm, table: &Table) -> Vec<&'r Table> {
    parent_names(table)
        .iter()
        .filter_map(|p| realm.table(p))
        .collect()
}

/// A column the table has only because its parent has it, exactly as the parent has it.
fn column_follows_parent(realm: &Realm, table: &Table, column: &Column) -> bool {
    parents(realm, table)
        .iter()
        .any(|p| find_column(p, &column.name).is_some_and(|pc| same_column(pc, column)))
}

/// A constraint a partition or child received from its parent (dropping or adding it on the
/// child is both needless and refused).
pub(crate) fn constraint_inherited(realm: &Realm, table: &Table, c: &Constraint) -> bool {
    let applies = table.partition_of.is_some() || c.kind == ConstraintKind::Check;
    applies
        && parents(realm, table).iter().any(|p| {
            p.constraints
                .iter()
                .any(|pc| pc.kind == c.kind && pc.definition == c.definition)
        })
}

/// An index a partition received from an index on its partitioned parent.
pub(crate) fn index_inherited(realm: &Realm, table: &Table, index: &Index) -> bool {
    table.partition_of.is_some()
        && parents(realm, table).iter().any(|p| {
            p.indexes.iter().any(|pi| {
                pi.unique == index.unique
                    && pi.method == index.method
                    && pi.keys == index.keys
                    && pi.include == index.include
                    && pi.predicate == index.predicate
                    && pi.nulls_not_distinct == index.nulls_not_distinct
            })
        })
}

/// A row trigger a partition received from its partitioned parent.
pub(crate) fn trigger_inherited(realm: &Realm, table: &Table, trigger: &Trigger) -> bool {
    table.partition_of.is_some()
        && parents(realm, table)
            .iter()
            .any(|p| p.triggers.iter().any(|t| t.name == trigger.name))
}
