//! PostgreSQL's diff policy: what PostgreSQL can alter in place and what it must drop and
//! create again, and how it spells identifiers in the texts it renders.

use crate::diff::DiffPolicy;
use crate::schema::{
    Column, DataType, Function, PgCategory, Policy, QualifiedName, Table, TypeCategory, TypeDef,
    TypeKind, View,
};
use crate::sql::Flavor;

pub struct PostgresDiffPolicy;

impl DiffPolicy for PostgresDiffPolicy {
    /// Partitioning cannot be changed in place (INHERITS parents can: `INHERIT`, `NO INHERIT`).
    fn table_needs_recreate(&self, old: &Table, new: &Table) -> bool {
        old.partition_by != new.partition_by
    }

    /// A generation expression cannot be changed in place (a stored generated column has no
    /// `ALTER ... SET EXPRESSION` before PostgreSQL 17), nor can a column become or stop being
    /// generated.
    fn column_needs_readd(&self, old: &Column, new: &Column) -> bool {
        old.generated != new.generated
    }

    /// The sequence behind a `nextval(...)` default and an identity's implicit sequence
    /// usually share a name.
    fn swaps_serial_and_identity(&self, old: &Column, new: &Column) -> bool {
        let uses_nextval =
            |c: &Column| c.default.as_deref().is_some_and(|d| d.contains("nextval("));
        old.identity.is_some() != new.identity.is_some() && (uses_nextval(old) || uses_nextval(new))
    }

    fn identity_sequence(&self, table: &QualifiedName, column: &str) -> Option<QualifiedName> {
        Some(QualifiedName::new(
            &table.schema,
            format!("{}_{}_seq", table.name, column),
        ))
    }

    /// `text` (or a `text` array of the same dimensions): every value casts to it and back.
    fn parked_type(&self, data_type: &DataType) -> DataType {
        let mut text = DataType::pg("text", 'S');
        let dims = data_type.array_dims;
        if dims > 0 {
            text.sql = format!("text{}", "[]".repeat(dims as usize));
            text.array_dims = dims;
            text.category = TypeCategory::Postgres(PgCategory::Array);
        }
        text
    }

    /// Enums can only gain labels, domains keep their base type and collation, and range
    /// types cannot be altered at all; composites take `ALTER TYPE ... ATTRIBUTE`.
    fn type_needs_recreate(&self, old: &TypeDef, new: &TypeDef) -> bool {
        match (&old.kind, &new.kind) {
            (TypeKind::Enum { labels: a }, TypeKind::Enum { labels: b }) => {
                !labels_only_added(a, b)
            }
            (
                TypeKind::Domain {
                    base: a,
                    collation: ca,
                    ..
                },
                TypeKind::Domain {
                    base: b,
                    collation: cb,
                    ..
                },
            ) => a != b || ca != cb,
            (TypeKind::Composite { .. }, TypeKind::Composite { .. }) => false,
            (TypeKind::Range { .. }, TypeKind::Range { .. }) => old.kind != new.kind,
            _ => true,
        }
    }

    /// `CREATE OR REPLACE` can change neither a function into a procedure nor the return type.
    fn routine_needs_recreate(&self, old: &Function, new: &Function) -> bool {
        old.kind != new.kind || old.returns != new.returns
    }

    /// `CREATE OR REPLACE VIEW` keeps the old columns (names and types) and may only add
    /// columns at the end; materialized views have no such statement.
    fn view_replaceable(&self, old: &View, new: &View) -> bool {
        !old.materialized
            && !new.materialized
            && old.columns.len() <= new.columns.len()
            && old
                .columns
                .iter()
                .zip(&new.columns)
                .all(|(a, b)| a.name == b.name && a.data_type == b.data_type)
    }

    /// `ALTER POLICY` changes roles and expressions but not `PERMISSIVE` nor the command.
    fn policy_alterable(&self, old: &Policy, new: &Policy) -> bool {
        old.permissive == new.permissive && old.command == new.command
    }

    fn flavor(&self) -> &'static Flavor {
        static POSTGRES: Flavor = Flavor::postgres();
        &POSTGRES
    }

    /// Like the server's `quote_ident`: lower-case words that are not keywords stay bare.
    fn spell_identifier(&self, name: &str) -> String {
        let plain = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
            && !KEYWORDS.contains(&name);
        if plain {
            name.to_string()
        } else {
            format!("\"{}\"", name.replace('"', "\"\""))
        }
    }
}

/// Whether `old` lists every label of `new`'s prefix order, i.e. only values were added.
fn labels_only_added(old: &[String], new: &[String]) -> bool {
    let mut remaining = new.iter();
    old.iter().all(|label| remaining.any(|n| n == label))
}

/// Keywords the server quotes when they are used as identifiers (reserved, type/function and
/// column-name keywords). A missing one only costs a needless replace after a rename.
const KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Identity, RoutineKind, SequenceOptions, ViewColumn};

    const PG: PostgresDiffPolicy = PostgresDiffPolicy;

    fn labels(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn column(default: Option<&str>, generated: Option<&str>) -> Column {
        Column {
            name: "id".into(),
            data_type: DataType::pg("integer", 'N'),
            not_null: true,
            default: default.map(Into::into),
            identity: None,
            generated: generated.map(Into::into),
            collation: None,
            comment: None,
            attrs: Default::default(),
        }
    }

    fn view_of(columns: &[(&str, &str)], materialized: bool) -> View {
        View {
            materialized,
            columns: columns
                .iter()
                .map(|(name, sql)| ViewColumn {
                    name: name.to_string(),
                    data_type: DataType::pg(sql, 'S'),
                    comment: None,
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn enum_labels_inserted_anywhere_count_as_added() {
        assert!(labels_only_added(
            &labels(&["a", "c"]),
            &labels(&["a", "b", "c", "d"])
        ));
    }

    #[test]
    fn enum_labels_removed_or_reordered_are_not_additions() {
        assert!(!labels_only_added(&labels(&["a", "b"]), &labels(&["a"])));
        assert!(!labels_only_added(
            &labels(&["a", "b"]),
            &labels(&["b", "a"])
        ));
    }

    #[test]
    fn enums_recreate_unless_labels_were_only_added() {
        let enum_of = |list: &[&str]| TypeDef {
            name: "mood".into(),
            kind: TypeKind::Enum {
                labels: labels(list),
            },
            comment: None,
            depends_on: Default::default(),
        };
        assert!(!PG.type_needs_recreate(&enum_of(&["a"]), &enum_of(&["a", "b"])));
        assert!(PG.type_needs_recreate(&enum_of(&["a", "b"]), &enum_of(&["b", "a"])));
    }

    #[test]
    fn tables_recreate_when_partitioning_changes_but_not_for_new_parents() {
        let plain = Table::default();
        let partitioned = Table {
            partition_by: Some("RANGE (id)".into()),
            ..Table::default()
        };
        let child = Table {
            inherits: vec![QualifiedName::new("public", "parent")],
            ..Table::default()
        };
        assert!(!PG.table_needs_recreate(&plain, &plain.clone()));
        assert!(PG.table_needs_recreate(&plain, &partitioned));
        assert!(!PG.table_needs_recreate(&plain, &child));
    }

    #[test]
    fn columns_readd_when_their_generation_changes() {
        let stored = column(None, Some("(a + 1)"));
        assert!(PG.column_needs_readd(&stored, &column(None, Some("(a + 2)"))));
        assert!(PG.column_needs_readd(&stored, &column(None, None)));
        assert!(!PG.column_needs_readd(&column(None, None), &column(Some("0"), None)));
    }

    #[test]
    fn serial_to_identity_is_a_swap_but_a_plain_default_is_not() {
        let serial = column(Some("nextval('public.t_id_seq'::regclass)"), None);
        let identity = Column {
            identity: Some(Identity {
                always: true,
                sequence: SequenceOptions {
                    data_type: "integer".into(),
                    start: 1,
                    increment: 1,
                    min_value: 1,
                    max_value: i64::from(i32::MAX),
                    cache: 1,
                    cycle: false,
                },
            }),
            ..column(None, None)
        };
        assert!(PG.swaps_serial_and_identity(&serial, &identity));
        assert!(PG.swaps_serial_and_identity(&identity, &serial));
        assert!(!PG.swaps_serial_and_identity(&column(Some("0"), None), &identity));
        assert_eq!(
            PG.identity_sequence(&QualifiedName::new("s", "t"), "id"),
            Some(QualifiedName::new("s", "t_id_seq"))
        );
    }

    #[test]
    fn parked_columns_are_text_of_the_same_array_dimensions() {
        let mut mood = DataType::pg("public.mood", 'E');
        assert_eq!(PG.parked_type(&mood), DataType::pg("text", 'S'));
        mood.array_dims = 2;
        let parked = PG.parked_type(&mood);
        assert_eq!(
            (parked.sql.as_str(), parked.array_dims, parked.category),
            ("text[][]", 2, TypeCategory::Postgres(PgCategory::Array))
        );
    }

    #[test]
    fn routines_recreate_for_a_new_kind_or_return_type() {
        let function = Function {
            name: "f".into(),
            kind: RoutineKind::Function,
            identity_arguments: String::new(),
            returns: Some("integer".into()),
            language: "sql".into(),
            definition: "CREATE FUNCTION ...".into(),
            comment: None,
            depends_on: Default::default(),
        };
        let returns_text = Function {
            returns: Some("text".into()),
            ..function.clone()
        };
        let procedure = Function {
            kind: RoutineKind::Procedure,
            ..function.clone()
        };
        let new_body = Function {
            definition: "other".into(),
            ..function.clone()
        };
        assert!(PG.routine_needs_recreate(&function, &returns_text));
        assert!(PG.routine_needs_recreate(&function, &procedure));
        assert!(!PG.routine_needs_recreate(&function, &new_body));
    }

    #[test]
    fn views_replace_in_place_only_by_appending_columns() {
        let old = view_of(&[("a", "integer")], false);
        assert!(PG.view_replaceable(&old, &view_of(&[("a", "integer"), ("b", "text")], false)));
        assert!(!PG.view_replaceable(&old, &view_of(&[("b", "integer")], false)));
        assert!(!PG.view_replaceable(&old, &view_of(&[("a", "text")], false)));
        let materialized = view_of(&[("a", "integer")], true);
        assert!(!PG.view_replaceable(&materialized, &materialized.clone()));
    }

    #[test]
    fn policies_alter_in_place_unless_permissive_or_command_changes() {
        let policy = Policy {
            name: "p".into(),
            permissive: true,
            command: "ALL".into(),
            roles: Vec::new(),
            using: Some("true".into()),
            with_check: None,
            comment: None,
        };
        let other_using = Policy {
            using: Some("false".into()),
            ..policy.clone()
        };
        let restrictive = Policy {
            permissive: false,
            ..policy.clone()
        };
        let select = Policy {
            command: "SELECT".into(),
            ..policy.clone()
        };
        assert!(PG.policy_alterable(&policy, &other_using));
        assert!(!PG.policy_alterable(&policy, &restrictive));
        assert!(!PG.policy_alterable(&policy, &select));
    }

    #[test]
    fn quotes_keywords_and_upper_case_names() {
        assert_eq!(PG.spell_identifier("user"), "\"user\"");
        assert_eq!(PG.spell_identifier("Order"), "\"Order\"");
        assert_eq!(PG.spell_identifier("a\"b"), "\"a\"\"b\"");
        assert_eq!(PG.spell_identifier("full_name"), "full_name");
    }
}
