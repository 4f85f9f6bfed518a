//! One change into `ALTER TABLE` clauses or statements of its own, with its risks.

use super::quote::{ident, string};
use super::{column, partition, table};
use crate::diff::{Change, CommentTarget, created_tables};
use crate::plan::creates::KeyRef;
use crate::plan::{Risk, RiskKind, Statement, risk, unrenderable};
use crate::schema::{
    Column, Constraint, ConstraintKind, Index, QualifiedName, Realm, RoutineKind, Table, View,
};
use std::collections::BTreeSet;

/// What a change becomes.
pub enum Rendered {
    /// Clauses of an `ALTER TABLE` on `table`.
    Alter {
        table: QualifiedName,
        clauses: Vec<Clause>,
        risks: Vec<Risk>,
    },
    Statements(Vec<Statement>),
}

/// One clause of an `ALTER TABLE`, and the column whose whole definition it writes, if any:
/// MySQL refuses two clauses on one column in one statement, and each such clause writes the
/// whole desired definition, so one of them is enough (see [`Clause::outranks`]).
#[derive(Debug, Clone)]
pub struct Clause {
    pub text: String,
    pub column: Option<(String, Defines)>,
    /// For a clause that puts its column after another (`ADD COLUMN`, a move), the column's
    /// position in the table the statement leads to: such clauses run in that order, so each
    /// column's predecessor is in place when it goes after it.
    pub place: Option<usize>,
}

/// How a clause writes a column: the merge keeps the one that also places or creates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Defines {
    Modify,
    Place,
    Add,
}

impl Clause {
    pub fn plain(text: String) -> Self {
        Clause {
            text,
            column: None,
            place: None,
        }
    }

    fn defining(text: String, column: &str, how: Defines) -> Self {
        Clause {
            text,
            column: Some((column.to_string(), how)),
            place: None,
        }
    }

    fn placing(self, at: Option<usize>) -> Self {
        Clause { place: at, ..self }
    }
}

impl Rendered {
    pub fn alters(&self, other: &QualifiedName) -> bool {
        matches!(self, Rendered::Alter { table, .. } if table == other)
    }

    pub fn into_statements(self) -> Vec<Statement> {
        match self {
            Rendered::Statements(statements) => statements,
            Rendered::Alter {
                table,
                clauses,
                risks,
            } => {
                let clauses: Vec<String> = clauses.into_iter().map(|c| c.text).collect();
                vec![Statement {
                    sql: format!("ALTER TABLE {} {}", ident(&table.name), clauses.join(", ")),
                    risks,
                    transactional: true,
                }]
            }
        }
    }
}

/// The state a plan starts from and the one it leads to (swapped for reverses), and the
/// indexes written into the `CREATE TABLE` of tables this plan creates.
pub struct Sides<'a> {
    pub from: &'a Realm,
    pub to: &'a Realm,
    /// (table, index) pairs rendered inline; their own `CreateIndex` renders nothing.
    inline: BTreeSet<(QualifiedName, String)>,
    /// Foreign keys rendered inline the same way (see `plan::creates`).
    inline_keys: BTreeSet<KeyRef>,
}

fn plain(sql: impl Into<String>) -> Statement {
    Statement {
        sql: sql.into(),
        risks: Vec::new(),
        transactional: true,
    }
}

fn alter(table: &QualifiedName, clause: String) -> Rendered {
    Rendered::Alter {
        table: table.clone(),
        clauses: vec![Clause::plain(clause)],
        risks: Vec::new(),
    }
}

fn with_risks(mut rendered: Rendered, more: Vec<Risk>) -> Rendered {
    match &mut rendered {
        Rendered::Alter { risks, .. } => risks.extend(more),
        Rendered::Statements(statements) => {
            if let Some(first) = statements.first_mut() {
                first.risks.extend(more);
            }
        }
    }
    rendered
}

impl<'a> Sides<'a> {
    pub fn new(
        from: &'a Realm,
        to: &'a Realm,
        changes: &[Change],
        inline_keys: BTreeSet<KeyRef>,
    ) -> Self {
        let created = created_tables(changes);
        let inline = changes
            .iter()
            .filter_map(|c| match c {
                Change::CreateIndex { on, index } if created.contains(on) => {
                    Some((on.clone(), index.name.clone()))
                }
                _ => None,
            })
            .collect();
        Sides {
            from,
            to,
            inline,
            inline_keys,
        }
    }

    fn desired_table(&self, name: &QualifiedName) -> Option<&Table> {
        self.to.table(name)
    }

    /// The column as the state this statement leads to holds it (with its comment), else
    /// as the change carries it.
    fn desired_column(&self, table: &QualifiedName, column: &Column) -> Column {
        self.desired_table(table)
            .and_then(|t| t.columns.iter().find(|c| c.name == column.name))
            .cloned()
            .unwrap_or_else(|| column.clone())
    }

    /// The plain key on exactly a new foreign key's columns that both states keep under
    /// another name. The server may have made that key for an earlier foreign key (`KEY
    /// author_id` for an unnamed one); such a key is replaced by the new foreign key's own
    /// (named after the constraint), so the key is written again first, in the same statement:
    /// a key written by hand serves the new foreign key as it is.
    fn kept_key_of(&self, table: &QualifiedName, key: &Constraint) -> Option<&Index> {
        if key.kind != ConstraintKind::ForeignKey {
            return None;
        }
        let current = self.from.table(table)?;
        self.desired_table(table)?.indexes.iter().find(|index| {
            !index.unique
                && index.method == "BTREE"
                && index.name != key.name
                && index.plain_columns().is_some_and(|columns| {
                    columns
                        .iter()
                        .copied()
                        .eq(key.columns.iter().map(String::as_str))
                })
                && index
                    .parts
                    .iter()
                    .all(|p| p.prefix.is_none() && !p.descending)
                && current.indexes.iter().any(|i| *i == **index)
        })
    }

    pub fn render(&self, change: &Change) -> anyhow::Result<Rendered> {
        use Change::*;
        let statements = |s: Vec<Statement>| Ok(Rendered::Statements(s));
        match change {
            CreateTable { name, table } => {
                let indexes: Vec<&Index> = self
                    .desired_table(name)
                    .map(|t| {
                        t.indexes
                            .iter()
                            .filter(|i| self.inline.contains(&(name.clone(), i.name.clone())))
                            .collect()
                    })
                    .unwrap_or_default();
                let keys: Vec<&Constraint> = self
                    .desired_table(name)
                    .map(|t| {
                        t.constraints
                            .iter()
                            .filter(|k| self.inline_keys.contains(&(name.clone(), k.name.clone())))
                            .collect()
                    })
                    .unwrap_or_default();
                statements(vec![plain(table::create(name, table, &keys, &indexes))])
            }
            DropTable { name, .. } => statements(vec![
                plain(format!("DROP TABLE {}", ident(&name.name)))
                    .with_risk(risk::drops_table(name)),
            ]),
            RenameTable { from, to } => statements(vec![
                plain(format!(
                    "RENAME TABLE {} TO {}",
                    ident(&from.name),
                    ident(&to.name)
                ))
                .with_risk(risk::renames_table(from, to)),
            ]),
            AddColumn { table, column } => {
                let full = self.desired_column(table, column);
                let place = self
                    .desired_table(table)
                    .map(|t| column::position(t, &column.name))
                    .unwrap_or_default();
                let mut risks = Vec::new();
                if full.not_null && full.default.is_none() && !is_auto_increment(&full) {
                    risks.push(Risk {
                        kind: RiskKind::DataDependent,
                        note: format!(
                            "adds NOT NULL column {} to {table} without a default: rows it \
                             already has get the type's zero value",
                            ident(&column.name)
                        ),
                    });
                }
                let at = self
                    .desired_table(table)
                    .and_then(|t| t.columns.iter().position(|c| c.name == column.name));
                Ok(Rendered::Alter {
                    table: table.clone(),
                    clauses: vec![
                        Clause::defining(
                            format!("ADD COLUMN {}{place}", column::definition(&full)),
                            &column.name,
                            Defines::Add,
                        )
                        .placing(at),
                    ],
                    risks,
                })
            }
            DropColumn { table, column, .. } => Ok(with_risks(
                alter(table, format!("DROP COLUMN {}", ident(&column.name))),
                vec![risk::drops_columns(table, &[ident(&column.name)])],
            )),
            AlterColumn { table, from, to } => {
                let full = self.desired_column(table, to);
                let mut risks = Vec::new();
                if from.data_type != to.data_type {
                    risks.push(Risk {
                        kind: RiskKind::DataDependent,
                        note: format!(
                            "changes the type of {} of {table} from {} to {}: values that do \
                             not fit fail the statement in strict mode and are silently \
                             truncated without it; the table is copied",
                            ident(&to.name),
                            from.data_type.sql,
                            to.data_type.sql
                        ),
                    });
                }
                if !from.not_null && to.not_null {
                    risks.push(Risk {
                        kind: RiskKind::DataDependent,
                        note: format!(
                            "makes {} of {table} NOT NULL: NULLs in it fail the statement in \
                             strict mode and become the zero value without it",
                            ident(&to.name)
                        ),
                    });
                }
                Ok(Rendered::Alter {
                    table: table.clone(),
                    clauses: vec![Clause::defining(
                        format!("MODIFY COLUMN {}", column::definition(&full)),
                        &to.name,
                        Defines::Modify,
                    )],
                    risks,
                })
            }
            ReorderColumns { table, .. } => {
                let (Some(current), Some(desired)) =
                    (self.from.table(table), self.desired_table(table))
                else {
                    return Err(unrenderable("MySQL", change));
                };
                let at = |name: &str| desired.columns.iter().position(|c| c.name == name);
                let clauses = column::moves(current, desired)
                    .into_iter()
                    .map(|(c, place)| {
                        Clause::defining(
                            format!("MODIFY COLUMN {}{place}", column::definition(c)),
                            &c.name,
                            Defines::Place,
                        )
                        .placing(at(&c.name))
                    })
                    .collect();
                Ok(Rendered::Alter {
                    table: table.clone(),
                    clauses,
                    risks: Vec::new(),
                })
            }
            RenameColumn { table, from, to } => Ok(with_risks(
                alter(
                    table,
                    format!("RENAME COLUMN {} TO {}", ident(from), ident(to)),
                ),
                vec![risk::renames_column(table, from, to)],
            )),
            AddConstraint { table, constraint }
                if self
                    .inline_keys
                    .contains(&(table.clone(), constraint.name.clone())) =>
            {
                statements(Vec::new())
            }
            AddConstraint { table, constraint } => {
                let mut clauses: Vec<Clause> = self
                    .kept_key_of(table, constraint)
                    .map(|index| {
                        vec![
                            Clause::plain(format!("DROP INDEX {}", ident(&index.name))),
                            Clause::plain(format!("ADD {}", table::index(index))),
                        ]
                    })
                    .unwrap_or_default();
                clauses.push(Clause::plain(format!(
                    "ADD {}",
                    table::constraint(constraint)
                )));
                Ok(Rendered::Alter {
                    table: table.clone(),
                    clauses,
                    risks: Vec::new(),
                })
            }
            DropConstraint { table, constraint } => {
                Ok(alter(table, table::drop_constraint(constraint)))
            }
            CreateIndex { on, index } => {
                if self.inline.contains(&(on.clone(), index.name.clone())) {
                    return statements(Vec::new());
                }
                Ok(alter(on, format!("ADD {}", table::index(index))))
            }
            DropIndex { on, index } => Ok(alter(on, format!("DROP INDEX {}", ident(&index.name)))),
            RenameIndex { on, from, to } => Ok(alter(
                on,
                format!("RENAME INDEX {} TO {}", ident(from), ident(to)),
            )),
            SetTableOptions { table, from, to } => {
                let clauses: Vec<Clause> = table::set_options(from, to)
                    .into_iter()
                    .map(Clause::plain)
                    .collect();
                let partitioning = partition::changes(table, from, to);
                if partitioning.is_empty() {
                    return Ok(Rendered::Alter {
                        table: table.clone(),
                        clauses,
                        risks: Vec::new(),
                    });
                }
                // Partition operations take no other clause: the options (if any) go first,
                // then each operation in a statement of its own.
                let alter_table =
                    |body: String| format!("ALTER TABLE {} {body}", ident(&table.name));
                let mut out: Vec<Statement> = Vec::new();
                if !clauses.is_empty() {
                    let bodies: Vec<String> = clauses.into_iter().map(|c| c.text).collect();
                    out.push(plain(alter_table(bodies.join(", "))));
                }
                for step in partitioning {
                    let mut statement = plain(alter_table(step.body));
                    statement.risks = step.risks;
                    out.push(statement);
                }
                statements(out)
            }
            SetComment { target, to, .. } => self.comment(target, to.as_deref(), change),
            CreateView { name, view } => {
                statements(vec![plain(view_statement("CREATE", name, view))])
            }
            ReplaceView { name, to, .. } => {
                statements(vec![plain(view_statement("CREATE OR REPLACE", name, to))])
            }
            DropView { name, .. } => {
                statements(vec![plain(format!("DROP VIEW {}", ident(&name.name)))])
            }
            CreateTrigger { trigger, .. } => statements(vec![plain(trigger.definition.clone())]),
            DropTrigger { trigger, .. } => statements(vec![plain(format!(
                "DROP TRIGGER {}",
                ident(&trigger.name)
            ))]),
            CreateFunction { function, .. } => statements(vec![plain(function.definition.clone())]),
            DropFunction { function, .. } => statements(vec![plain(format!(
                "DROP {} {}",
                match function.kind {
                    RoutineKind::Function => "FUNCTION",
                    RoutineKind::Procedure => "PROCEDURE",
                },
                ident(&function.name)
            ))]),
            _ => Err(unrenderable("MySQL", change)),
        }
    }

    /// Table comments are a table option; a column's comment is part of its definition, so
    /// it takes a `MODIFY COLUMN` with the whole desired definition.
    fn comment(
        &self,
        target: &CommentTarget,
        to: Option<&str>,
        change: &Change,
    ) -> anyhow::Result<Rendered> {
        match target {
            CommentTarget::Table { name } => Ok(alter(
                name,
                format!("COMMENT = {}", string(to.unwrap_or(""))),
            )),
            CommentTarget::Column { table, column } => {
                let Some(desired) = self
                    .desired_table(table)
                    .and_then(|t| t.columns.iter().find(|c| &c.name == column))
                else {
                    // Only the reverse of a comment on a column that the plan creates lands
                    // here: the column's own reverse drops it, comment and all.
                    return Ok(Rendered::Statements(Vec::new()));
                };
                let with_comment = Column {
                    comment: to.map(String::from),
                    ..desired.clone()
                };
                Ok(Rendered::Alter {
                    table: table.clone(),
                    clauses: vec![Clause::defining(
                        format!("MODIFY COLUMN {}", column::definition(&with_comment)),
                        column,
                        Defines::Modify,
                    )],
                    risks: Vec::new(),
                })
            }
            _ => Err(unrenderable("MySQL", change)),
        }
    }
}

/// `CREATE [OR REPLACE] [ALGORITHM = …] [SQL SECURITY …] VIEW name AS query [WITH … CHECK
/// OPTION]`: the view's options (as inspection names them, `security=invoker`) in the places
/// MySQL's grammar gives them, so that replacing a view also sets or resets each of them.
fn view_statement(verb: &str, name: &QualifiedName, view: &View) -> String {
    let option = |key: &str| {
        view.options
            .iter()
            .find_map(|o| o.strip_prefix(key)?.strip_prefix('='))
            .map(str::to_ascii_uppercase)
    };
    let mut sql = verb.to_string();
    if let Some(algorithm) = option("algorithm") {
        sql.push_str(&format!(" ALGORITHM = {algorithm}"));
    }
    if let Some(security) = option("security") {
        sql.push_str(&format!(" SQL SECURITY {security}"));
    }
    sql.push_str(&format!(
        " VIEW {} AS {}",
        ident(&name.name),
        view.definition
    ));
    if let Some(check) = option("check_option") {
        sql.push_str(&format!(" WITH {check} CHECK OPTION"));
    }
    sql
}

fn is_auto_increment(column: &Column) -> bool {
    column.attrs.mysql().is_some_and(|m| m.auto_increment)
}
