//! Changes as history events: one change of the diff between two states becomes one or more
//! events (an altered column can change type, NOT NULL and default at once), each with the
//! object it concerns, what it was and became, and the risk the planner gives the change.

use crate::diff::{Change, CommentTarget};
use crate::plan::{Risk as PlanRisk, RiskKind, describe};
use crate::schema::{Column, QualifiedName};
use serde::{Deserialize, Serialize};

/// How much an event can hurt: the planner's risk kinds, in three levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Additive: nothing existing changes.
    Low,
    /// Depends on the data, takes locks, or breaks code that uses the old name.
    Medium,
    /// Destroys data or objects.
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }

    fn of(kind: RiskKind) -> Risk {
        match kind {
            RiskKind::Destructive => Risk::High,
            RiskKind::DataDependent | RiskKind::Locking | RiskKind::BackwardIncompatible => {
                Risk::Medium
            }
        }
    }
}

/// One thing that happened to one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// `column_added`, `table_dropped`, `column_type_changed`, … (docs/history.md lists them).
    pub kind: String,
    /// The object: `public.users`, `public.users.email`, `index users_email_idx on public.users`.
    pub object: String,
    /// The table the object belongs to (or is), when it belongs to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub risk: Risk,
    /// One line: the planner's risk note, else what the change does.
    pub explanation: String,
    /// The line of the statement that caused it, in its file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Event {
    /// Whether the event concerns `name` (`users.email`, `public.users`, `users`): the object,
    /// its table, or an old name it had.
    pub fn concerns(&self, name: &str) -> bool {
        let matches =
            |candidate: &str| candidate == name || candidate.ends_with(&format!(".{name}"));
        matches(&self.object)
            || self.table.as_deref().is_some_and(matches)
            || (self.kind.ends_with("_renamed")
                && self.from.as_deref().is_some_and(|old| {
                    let old_object = match &self.table {
                        Some(table) if self.kind != "table_renamed" => format!("{table}.{old}"),
                        _ => old.to_string(),
                    };
                    matches(&old_object)
                }))
    }
}

/// The events of `change`, given the planner's risk notes for it.
pub fn events_of(change: &Change, risks: &[PlanRisk]) -> Vec<Event> {
    let risk = risks
        .iter()
        .map(|r| Risk::of(r.kind))
        .max()
        .unwrap_or(Risk::Low);
    let explanation = risks
        .iter()
        .max_by_key(|r| Risk::of(r.kind))
        .map(|r| r.note.clone())
        .unwrap_or_else(|| describe(change));
    shapes(change)
        .into_iter()
        .map(|shape| Event {
            kind: shape.kind,
            object: shape.object,
            table: shape.table,
            from: shape.from,
            to: shape.to,
            risk,
            explanation: explanation.clone(),
            line: None,
        })
        .collect()
}

/// An event without its risk.
struct Shape {
    kind: String,
    object: String,
    table: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn shape(kind: &str, object: impl Into<String>, table: Option<&QualifiedName>) -> Shape {
    Shape {
        kind: kind.to_string(),
        object: object.into(),
        table: table.map(|t| t.to_string()),
        from: None,
        to: None,
    }
}

fn from_to(mut s: Shape, from: Option<String>, to: Option<String>) -> Shape {
    s.from = from;
    s.to = to;
    s
}

fn column_object(table: &QualifiedName, column: &str) -> String {
    format!("{table}.{column}")
}

fn shapes(change: &Change) -> Vec<Shape> {
    use Change::*;
    let one = |s: Shape| vec![s];
    match change {
        CreateExtension { extension } => one(shape("extension_added", &extension.name, None)),
        DropExtension { extension } => one(shape("extension_dropped", &extension.name, None)),
        UpdateExtension { from, to } => one(from_to(
            shape("extension_updated", &to.name, None),
            Some(from.version.clone()),
            Some(to.version.clone()),
        )),
        CreateSchema { name } => one(shape("schema_added", name, None)),
        DropSchema { name } => one(shape("schema_dropped", name, None)),
        CreateType { name, .. } => one(shape("type_added", name.to_string(), None)),
        DropType { name, .. } => one(shape("type_dropped", name.to_string(), None)),
        AlterType { name, .. } => one(shape("type_changed", name.to_string(), None)),
        CreateCollation { name, .. } => one(shape("collation_added", name.to_string(), None)),
        DropCollation { name, .. } => one(shape("collation_dropped", name.to_string(), None)),
        CreateSequence { name, .. } => one(shape("sequence_added", name.to_string(), None)),
        DropSequence { name, .. } => one(shape("sequence_dropped", name.to_string(), None)),
        AlterSequence { name, .. } => one(shape("sequence_changed", name.to_string(), None)),
        RenameSequence { from, to } => one(from_to(
            shape("sequence_renamed", to.to_string(), None),
            Some(from.to_string()),
            Some(to.to_string()),
        )),
        CreateFunction { name, .. } => one(shape("function_added", name.to_string(), None)),
        DropFunction { name, .. } => one(shape("function_dropped", name.to_string(), None)),
        ReplaceFunction { name, .. } => one(shape("function_changed", name.to_string(), None)),
        CreateTable { name, .. } => one(shape("table_added", name.to_string(), Some(name))),
        DropTable { name, .. } => one(shape("table_dropped", name.to_string(), Some(name))),
        RenameTable { from, to } => one(from_to(
            shape("table_renamed", to.to_string(), Some(to)),
            Some(from.to_string()),
            Some(to.to_string()),
        )),
        AddColumn { table, column } => one(from_to(
            shape(
                "column_added",
                column_object(table, &column.name),
                Some(table),
            ),
            None,
            Some(column.data_type.sql.clone()),
        )),
        DropColumn { table, column, .. } => one(from_to(
            shape(
                "column_dropped",
                column_object(table, &column.name),
                Some(table),
            ),
            Some(column.data_type.sql.clone()),
            None,
        )),
        RenameColumn { table, from, to } => one(from_to(
            shape("column_renamed", column_object(table, to), Some(table)),
            Some(from.clone()),
            Some(to.clone()),
        )),
        AlterColumn { table, from, to } => column_changes(table, from, to),
        ReorderColumns { table, from, to } => one(from_to(
            shape("columns_reordered", table.to_string(), Some(table)),
            Some(from.join(", ")),
            Some(to.join(", ")),
        )),
        AddConstraint { table, constraint } => one(shape(
            "constraint_added",
            format!("constraint {} on {table}", constraint.name),
            Some(table),
        )),
        DropConstraint { table, constraint } => one(shape(
            "constraint_dropped",
            format!("constraint {} on {table}", constraint.name),
            Some(table),
        )),
        RenameConstraint { table, from, to } => one(from_to(
            shape(
                "constraint_renamed",
                format!("constraint {to} on {table}"),
                Some(table),
            ),
            Some(from.clone()),
            Some(to.clone()),
        )),
        CreateIndex { on, index } => one(shape(
            "index_added",
            format!("index {} on {on}", index.name),
            Some(on),
        )),
        DropIndex { on, index } => one(shape(
            "index_dropped",
            format!("index {} on {on}", index.name),
            Some(on),
        )),
        RenameIndex { on, from, to } => one(from_to(
            shape("index_renamed", format!("index {to} on {on}"), Some(on)),
            Some(from.clone()),
            Some(to.clone()),
        )),
        SetRowSecurity { table, .. } => one(shape(
            "row_security_changed",
            table.to_string(),
            Some(table),
        )),
        SetTableOptions { table, .. } => one(shape(
            "table_options_changed",
            table.to_string(),
            Some(table),
        )),
        AttachPartition {
            table,
            partition_of,
        } => one(shape(
            "partition_attached",
            table.to_string(),
            Some(&partition_of.parent),
        )),
        DetachPartition {
            table,
            partition_of,
        } => one(shape(
            "partition_detached",
            table.to_string(),
            Some(&partition_of.parent),
        )),
        Inherit { table, parent, .. } => {
            one(shape("parent_inherited", table.to_string(), Some(parent)))
        }
        NoInherit { table, parent } => one(shape(
            "parent_no_longer_inherited",
            table.to_string(),
            Some(parent),
        )),
        CreateView { name, .. } => one(shape("view_added", name.to_string(), None)),
        DropView { name, .. } => one(shape("view_dropped", name.to_string(), None)),
        ReplaceView { name, .. } => one(shape("view_changed", name.to_string(), None)),
        CreateTrigger { on, trigger } => one(shape(
            "trigger_added",
            format!("trigger {} on {on}", trigger.name),
            Some(on),
        )),
        DropTrigger { on, trigger } => one(shape(
            "trigger_dropped",
            format!("trigger {} on {on}", trigger.name),
            Some(on),
        )),
        CreatePolicy { table, policy } => one(shape(
            "policy_added",
            format!("policy {} on {table}", policy.name),
            Some(table),
        )),
        DropPolicy { table, policy } => one(shape(
            "policy_dropped",
            format!("policy {} on {table}", policy.name),
            Some(table),
        )),
        AlterPolicy { table, to, .. } => one(shape(
            "policy_changed",
            format!("policy {} on {table}", to.name),
            Some(table),
        )),
        SetComment { target, from, to } => {
            let (object, table) = comment_object(target);
            one(from_to(
                shape("comment_changed", object, table.as_ref()),
                from.clone(),
                to.clone(),
            ))
        }
    }
}

/// An altered column: one event per aspect that changed (type, NOT NULL, default), or one
/// `column_changed` for the rest (identity, generation, collation, …).
fn column_changes(table: &QualifiedName, from: &Column, to: &Column) -> Vec<Shape> {
    let object = column_object(table, &to.name);
    let event = |kind: &str, a: Option<String>, b: Option<String>| {
        from_to(shape(kind, object.clone(), Some(table)), a, b)
    };
    let mut out = Vec::new();
    if from.data_type != to.data_type {
        out.push(event(
            "column_type_changed",
            Some(from.data_type.sql.clone()),
            Some(to.data_type.sql.clone()),
        ));
    }
    match (from.not_null, to.not_null) {
        (false, true) => out.push(event("column_not_null_set", None, None)),
        (true, false) => out.push(event("column_not_null_dropped", None, None)),
        _ => {}
    }
    match (&from.default, &to.default) {
        (None, Some(b)) => out.push(event("column_default_set", None, Some(b.clone()))),
        (Some(a), None) => out.push(event("column_default_dropped", Some(a.clone()), None)),
        (Some(a), Some(b)) if a != b => out.push(event(
            "column_default_changed",
            Some(a.clone()),
            Some(b.clone()),
        )),
        _ => {}
    }
    if out.is_empty() {
        out.push(event("column_changed", None, None));
    }
    out
}

fn comment_object(target: &CommentTarget) -> (String, Option<QualifiedName>) {
    match target {
        CommentTarget::Table { name } => (name.to_string(), Some(name.clone())),
        CommentTarget::Column { table, column } => {
            (column_object(table, column), Some(table.clone()))
        }
        CommentTarget::Index { name } => (format!("index {name}"), None),
        CommentTarget::Constraint { table, name } => {
            (format!("constraint {name} on {table}"), Some(table.clone()))
        }
        CommentTarget::Trigger { on, name } => {
            (format!("trigger {name} on {on}"), Some(on.clone()))
        }
        CommentTarget::Policy { table, name } => {
            (format!("policy {name} on {table}"), Some(table.clone()))
        }
        other => (describe_target(other), None),
    }
}

/// `view public.v`, `schema app`, … for the comment targets that belong to no table.
fn describe_target(target: &CommentTarget) -> String {
    let change = Change::SetComment {
        target: target.clone(),
        from: None,
        to: None,
    };
    // "remove comment on view public.v" → "view public.v"
    let text = describe(&change);
    text.strip_prefix("remove comment on ")
        .unwrap_or(&text)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::DataType;

    fn users() -> QualifiedName {
        QualifiedName::new("public", "users")
    }

    fn column(name: &str, sql: &str, not_null: bool, default: Option<&str>) -> Column {
        let mut c = Column::new(name, DataType::pg(sql, 'S'));
        c.not_null = not_null;
        c.default = default.map(String::from);
        c
    }

    #[test]
    fn an_altered_column_is_one_event_per_aspect() {
        let change = Change::AlterColumn {
            table: users(),
            from: column("email", "text", false, None),
            to: column("email", "character varying(80)", true, Some("''::text")),
        };
        let kinds: Vec<String> = events_of(&change, &[])
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                "column_type_changed",
                "column_not_null_set",
                "column_default_set"
            ]
        );
        let first = &events_of(&change, &[])[0];
        assert_eq!(first.object, "public.users.email");
        assert_eq!(first.from.as_deref(), Some("text"));
        assert_eq!(first.to.as_deref(), Some("character varying(80)"));
    }

    #[test]
    fn the_planners_worst_risk_sets_the_level_and_the_explanation() {
        let change = Change::DropColumn {
            table: users(),
            column: column("email", "text", false, None),
            only: false,
        };
        assert_eq!(events_of(&change, &[])[0].risk, Risk::Low);
        let risks = [PlanRisk {
            kind: RiskKind::Destructive,
            note: "drops column \"email\" of public.users and its data".into(),
        }];
        let event = &events_of(&change, &risks)[0];
        assert_eq!(event.risk, Risk::High);
        assert!(event.explanation.contains("and its data"));
    }

    #[test]
    fn an_event_concerns_its_object_its_table_and_old_names() {
        let renamed = events_of(
            &Change::RenameColumn {
                table: users(),
                from: "mail".into(),
                to: "email".into(),
            },
            &[],
        )
        .remove(0);
        assert!(renamed.concerns("users.email"));
        assert!(renamed.concerns("public.users.mail"));
        assert!(renamed.concerns("users"));
        assert!(!renamed.concerns("users.name"));
        assert!(!renamed.concerns("sers"));
    }
}
