//! The schema model: plain data describing everything in scope of one database.
//!
//! Every other module speaks this vocabulary. It knows no dialect's SQL *syntax*; where the
//! server renders a definition canonically (index, constraint, view, function and trigger
//! definitions, expressions, type names), the model keeps that canonical text, because both
//! states are always loaded into the same kind of server, so equal text means equal objects.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

mod category;
mod column_attrs;
mod index;
mod table_attrs;

pub use category::{Affinity, MysqlType, PgCategory, TypeCategory};
pub use column_attrs::{ColumnAttrs, GeneratedStorage, MysqlColumn};
pub use index::{Index, IndexKey, IndexPart};
pub use table_attrs::{MysqlPartition, MysqlTable, SqliteTable, TableAttrs};

/// `schema.name` of a schema-scoped object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// Identifies any object that others can depend on; used to order changes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObjectRef {
    Extension {
        name: String,
    },
    Schema {
        name: String,
    },
    /// Enum, composite, domain or range type.
    Type {
        schema: String,
        name: String,
    },
    /// A user-defined collation.
    Collation {
        schema: String,
        name: String,
    },
    Sequence {
        schema: String,
        name: String,
    },
    Table {
        schema: String,
        name: String,
    },
    /// View or materialized view.
    View {
        schema: String,
        name: String,
    },
    /// Function or procedure; `signature` is `name(identity arguments)`, the key in [`Schema::functions`].
    Function {
        schema: String,
        signature: String,
    },
}

/// Everything in scope of one database: the schemas and the extensions installed in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Realm {
    pub schemas: BTreeMap<String, Schema>,
    pub extensions: BTreeMap<String, Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
    /// The schema its objects live in.
    pub schema: String,
    /// The installed version; a difference only where the desired state asked for it (see
    /// [`Extension::version_requested`]).
    pub version: String,
    /// The version a plain `CREATE EXTENSION` installs on the inspected server
    /// (`pg_available_extensions.default_version`); None where that is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_version: Option<String>,
}

impl Extension {
    /// Whether this version, in a desired state, is one the state asked for. A desired state is
    /// loaded on a dev server, where a plain `CREATE EXTENSION x` installs the server's default
    /// version: that says nothing about the version a target should run, so only a version
    /// other than the default counts as a request (`CREATE EXTENSION x VERSION '1.0'`, or an
    /// `ALTER EXTENSION ... UPDATE`). Asking for exactly the default version reads the same as
    /// not asking, which keeps two dev databases of one server equal.
    pub fn version_requested(&self) -> bool {
        self.default_version
            .as_ref()
            .is_some_and(|default| default != &self.version)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    pub comment: Option<String>,
    pub tables: BTreeMap<String, Table>,
    /// Views and materialized views.
    pub views: BTreeMap<String, View>,
    /// Enum, composite, domain and range types.
    pub types: BTreeMap<String, TypeDef>,
    /// Free-standing and `serial`-owned sequences; identity sequences belong to their column.
    pub sequences: BTreeMap<String, Sequence>,
    /// Functions and procedures keyed by `name(identity arguments)`, e.g. `add(integer, integer)`.
    pub functions: BTreeMap<String, Function>,
    /// User-defined collations (PostgreSQL's `CREATE COLLATION`; empty on other dialects,
    /// whose collations are the server's own).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub collations: BTreeMap<String, Collation>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    /// In ordinal order.
    pub columns: Vec<Column>,
    /// Primary key, unique, check, foreign key and exclusion constraints, sorted by name.
    pub constraints: Vec<Constraint>,
    /// Indexes that do not back a constraint, sorted by name.
    pub indexes: Vec<Index>,
    pub triggers: Vec<Trigger>,
    pub policies: Vec<Policy>,
    pub comment: Option<String>,
    pub unlogged: bool,
    /// `pg_get_partkeydef` text such as `RANGE (created_at)` for a partitioned table (MySQL:
    /// method and expression as the server reports them, ``RANGE (`y`)``; its partitions are
    /// in `attrs`).
    pub partition_by: Option<String>,
    /// Set when this table is a partition of another.
    pub partition_of: Option<PartitionOf>,
    /// Parents of a table created with INHERITS (not partitions).
    pub inherits: Vec<QualifiedName>,
    /// Columns this table has only from its INHERITS parents (`attislocal` false), in column
    /// order: they come and go with the parent's, and its `CREATE TABLE` leaves them out. A
    /// fact the planner needs, not part of the definition: `ALTER TABLE ... INHERIT` leaves the
    /// child's columns its own, so the comparison never counts this list as a difference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherited_columns: Vec<String>,
    pub row_security: bool,
    pub force_row_security: bool,
    /// PostgreSQL storage parameters (`fillfactor=70`, as `pg_class.reloptions` prints them),
    /// sorted.
    pub options: Vec<String>,
    /// Attributes only one dialect has.
    #[serde(default, skip_serializing_if = "TableAttrs::is_none")]
    pub attrs: TableAttrs,
    /// Objects this table needs before it can be created (types, sequences, functions used by
    /// columns, defaults, checks and generated expressions). Foreign keys are in `constraints`.
    pub depends_on: BTreeSet<ObjectRef>,
    /// The `CREATE TABLE` text on servers that keep it (SQLite), for rebuilds; never compared
    /// (the comparable parts are in the other fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_sql: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionOf {
    pub parent: QualifiedName,
    /// `pg_get_expr(relpartbound)` text, e.g. `FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`.
    pub bound: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub data_type: DataType,
    pub not_null: bool,
    /// Default expression as the server prints it (`pg_get_expr`; MySQL: the text that follows
    /// `DEFAULT`, e.g. `'abc'`, `5`, `current_timestamp()`). None for identity and generated
    /// columns and for `DEFAULT NULL`.
    pub default: Option<String>,
    pub identity: Option<Identity>,
    /// Generation expression of a `GENERATED ALWAYS AS (...) STORED` column (MySQL: stored or
    /// virtual, as `attrs` says).
    pub generated: Option<String>,
    /// Only when it differs from the type's default collation, e.g. `"C"` or `public.nocase`
    /// (MySQL: from the table's, or from the column's character set's when that differs).
    pub collation: Option<String>,
    pub comment: Option<String>,
    /// Attributes only one dialect has.
    #[serde(default, skip_serializing_if = "ColumnAttrs::is_none")]
    pub attrs: ColumnAttrs,
}

/// A column or attribute type as the server spells it (`format_type`), so that
/// `int4`, `integer` and `serial`'s type all read `integer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataType {
    /// Full SQL spelling, schema-qualified when the type is user-defined and not in
    /// `pg_catalog`: `character varying(40)`, `numeric(10,2)`, `integer[]`, `public.mood`.
    pub sql: String,
    /// The element type's name without modifiers or array brackets: `character varying`, `mood`.
    pub base: String,
    /// Schema of a user-defined type (None for built-in types).
    pub schema: Option<String>,
    /// Array dimensions as declared (0 for a scalar).
    pub array_dims: u32,
    /// How the server classifies the type; the planner chooses casts by it.
    pub category: TypeCategory,
}

impl Column {
    /// A nullable column of `data_type` with nothing else set; for tests and hand-built models.
    pub fn new(name: &str, data_type: DataType) -> Self {
        Column {
            name: name.into(),
            data_type,
            not_null: false,
            default: None,
            identity: None,
            generated: None,
            collation: None,
            comment: None,
            attrs: ColumnAttrs::None,
        }
    }
}

impl DataType {
    /// A built-in scalar type; for tests and hand-built models.
    pub fn builtin(sql: &str, category: TypeCategory) -> Self {
        let base = sql.split('(').next().unwrap_or(sql).trim().to_string();
        Self {
            sql: sql.to_string(),
            base,
            schema: None,
            array_dims: 0,
            category,
        }
    }

    /// A built-in PostgreSQL type of category `letter` (`pg_type.typcategory`).
    pub fn pg(sql: &str, letter: char) -> Self {
        Self::builtin(sql, TypeCategory::Postgres(PgCategory::from_letter(letter)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// GENERATED ALWAYS (true) or BY DEFAULT (false).
    pub always: bool,
    pub sequence: SequenceOptions,
}

/// Options shared by sequences and identity columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceOptions {
    /// `smallint`, `integer` or `bigint`.
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cache: i64,
    pub cycle: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    Check,
    ForeignKey,
    Exclusion,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraint {
    pub name: String,
    pub kind: ConstraintKind,
    /// `pg_get_constraintdef` text: `PRIMARY KEY (id)`, `CHECK ((age > 0)) NOT VALID`,
    /// `FOREIGN KEY (a) REFERENCES public.t(id) ON DELETE CASCADE DEFERRABLE`. MySQL: in the
    /// style of `SHOW CREATE TABLE`, a foreign key with its `CONSTRAINT` name.
    pub definition: String,
    /// Constrained columns in key order (empty for a check on an expression).
    pub columns: Vec<String>,
    /// The referenced table of a foreign key.
    pub references: Option<QualifiedName>,
    pub referenced_columns: Vec<String>,
    /// False for a constraint added NOT VALID and not validated since.
    pub validated: bool,
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub comment: Option<String>,
}

impl Constraint {
    /// A validated CHECK constraint on `columns`; for tests and hand-built models.
    pub fn check(name: &str, definition: &str, columns: &[&str]) -> Self {
        Constraint {
            name: name.into(),
            kind: ConstraintKind::Check,
            definition: definition.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            references: None,
            referenced_columns: Vec::new(),
            validated: true,
            deferrable: false,
            initially_deferred: false,
            comment: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    /// `pg_get_triggerdef` text, the full `CREATE [CONSTRAINT] TRIGGER` statement.
    pub definition: String,
    pub function: QualifiedName,
    pub enabled: TriggerState,
    pub comment: Option<String>,
}

/// When a trigger fires (PostgreSQL's `pg_trigger.tgenabled`, whose letters the JSON model
/// keeps); SQLite's triggers always fire in the session's default role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TriggerState {
    /// Fires in the `origin` and `local` replication roles: plainly enabled.
    #[default]
    #[serde(rename = "O")]
    Origin,
    #[serde(rename = "D")]
    Disabled,
    /// Fires only in the `replica` role.
    #[serde(rename = "R")]
    Replica,
    /// Fires in every role.
    #[serde(rename = "A")]
    Always,
}

impl TriggerState {
    /// The state from `pg_trigger.tgenabled`; an unknown letter reads as enabled.
    pub fn from_letter(letter: &str) -> Self {
        match letter {
            "D" => TriggerState::Disabled,
            "R" => TriggerState::Replica,
            "A" => TriggerState::Always,
            _ => TriggerState::Origin,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    pub permissive: bool,
    /// ALL, SELECT, INSERT, UPDATE or DELETE.
    pub command: String,
    /// Role names, sorted; `public` for PUBLIC.
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub with_check: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub name: String,
    pub materialized: bool,
    /// `pg_get_viewdef` text (the query, without `CREATE VIEW`).
    pub definition: String,
    pub columns: Vec<ViewColumn>,
    /// `security_barrier=true`, `check_option=local`, ..., sorted.
    pub options: Vec<String>,
    /// Indexes on a materialized view.
    pub indexes: Vec<Index>,
    /// INSTEAD OF triggers.
    pub triggers: Vec<Trigger>,
    pub comment: Option<String>,
    /// Relations, types and functions the query reads.
    pub depends_on: BTreeSet<ObjectRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewColumn {
    pub name: String,
    pub data_type: DataType,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeDef {
    pub name: String,
    pub kind: TypeKind,
    pub comment: Option<String>,
    /// Types and functions this type needs (domain base type, composite attribute types, ...).
    pub depends_on: BTreeSet<ObjectRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TypeKind {
    Enum {
        labels: Vec<String>,
    },
    Composite {
        attributes: Vec<CompositeAttribute>,
    },
    Domain {
        base: DataType,
        not_null: bool,
        default: Option<String>,
        collation: Option<String>,
        /// Named CHECK constraints, sorted by name.
        checks: Vec<DomainCheck>,
    },
    Range {
        subtype: DataType,
        /// Remaining options as the server reports them, e.g. `subtype_diff = float8mi`.
        options: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompositeAttribute {
    pub name: String,
    pub data_type: DataType,
    pub collation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainCheck {
    pub name: String,
    /// `CHECK ((VALUE > 0))`, possibly followed by `NOT VALID`.
    pub definition: String,
}

/// A collation as `CREATE COLLATION` defines it. Nothing of it can be altered in place (the
/// version refresh aside), so any difference re-creates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collation {
    pub name: String,
    pub provider: CollationProvider,
    /// The ICU (or builtin) locale, e.g. `und-u-ks-level2`; None for libc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// libc's `LC_COLLATE` and `LC_CTYPE`; None for other providers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_collate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_ctype: Option<String>,
    /// False for a collation that compares strings equal that are not byte-wise equal.
    pub deterministic: bool,
    /// ICU tailoring rules (PostgreSQL 16 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<String>,
}

impl Collation {
    /// An ICU collation; for tests and hand-built models.
    pub fn icu(name: &str, locale: &str, deterministic: bool) -> Self {
        Collation {
            name: name.into(),
            provider: CollationProvider::Icu,
            locale: Some(locale.into()),
            lc_collate: None,
            lc_ctype: None,
            deterministic,
            rules: None,
        }
    }
}

/// Which library a collation's rules come from (`pg_collation.collprovider`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollationProvider {
    Libc,
    Icu,
    /// PostgreSQL 17's built-in provider.
    Builtin,
}

impl CollationProvider {
    /// The provider of a `pg_collation.collprovider` letter; `d` (the database default) never
    /// names a user-defined collation.
    pub fn from_letter(letter: &str) -> Option<Self> {
        match letter {
            "c" => Some(Self::Libc),
            "i" => Some(Self::Icu),
            "b" => Some(Self::Builtin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub name: String,
    pub options: SequenceOptions,
    /// `table.column` that owns it (serial columns, `OWNED BY`).
    pub owned_by: Option<SequenceOwner>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceOwner {
    pub table: QualifiedName,
    pub column: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutineKind {
    Function,
    Procedure,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    pub kind: RoutineKind,
    /// `pg_get_function_identity_arguments`, e.g. `a integer, b integer`.
    pub identity_arguments: String,
    /// `pg_get_function_result`, None for procedures.
    pub returns: Option<String>,
    pub language: String,
    /// `pg_get_functiondef` text: the full `CREATE OR REPLACE FUNCTION` statement.
    pub definition: String,
    pub comment: Option<String>,
    pub depends_on: BTreeSet<ObjectRef>,
}

impl Realm {
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.schemas.get(&name.schema)?.tables.get(&name.name)
    }
    pub fn view(&self, name: &QualifiedName) -> Option<&View> {
        self.schemas.get(&name.schema)?.views.get(&name.name)
    }
    /// Number of tables, views, types, sequences, functions and collations, for messages.
    pub fn object_count(&self) -> usize {
        self.schemas
            .values()
            .map(|s| {
                s.tables.len()
                    + s.views.len()
                    + s.types.len()
                    + s.sequences.len()
                    + s.functions.len()
                    + s.collations.len()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::{Extension, TriggerState};

    #[test]
    fn only_a_version_other_than_the_servers_default_is_requested() {
        let extension = |version: &str, default: Option<&str>| Extension {
            name: "hstore".into(),
            schema: "public".into(),
            version: version.into(),
            default_version: default.map(str::to_string),
        };
        assert!(extension("1.4", Some("1.8")).version_requested());
        assert!(!extension("1.8", Some("1.8")).version_requested());
        assert!(!extension("1.4", None).version_requested());
    }

    #[test]
    fn trigger_states_keep_the_servers_letters_in_json() {
        for (state, letter) in [
            (TriggerState::Origin, "O"),
            (TriggerState::Disabled, "D"),
            (TriggerState::Replica, "R"),
            (TriggerState::Always, "A"),
        ] {
            assert_eq!(
                serde_json::to_string(&state).unwrap(),
                format!("\"{letter}\"")
            );
            assert_eq!(TriggerState::from_letter(letter), state);
        }
    }
}
