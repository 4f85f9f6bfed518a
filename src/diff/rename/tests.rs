//! Renames on hand-built models: which hints apply, the changes they yield and their order.

use super::*;
use crate::diff::{DiffOptions, diff};
use crate::plan::postgres::PostgresDiffPolicy;
use crate::schema::*;

/// Renames as PostgreSQL spells them.
const PG: &PostgresDiffPolicy = &PostgresDiffPolicy;

fn int() -> DataType {
    DataType::pg("integer", 'N')
}

fn col(name: &str, data_type: DataType) -> Column {
    Column {
        name: name.into(),
        data_type,
        not_null: false,
        default: None,
        identity: None,
        generated: None,
        collation: None,
        comment: None,
        attrs: Default::default(),
    }
}

fn qn(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(schema, name)
}

fn pk(table: &str) -> Constraint {
    Constraint {
        name: format!("{table}_pkey"),
        kind: ConstraintKind::PrimaryKey,
        definition: "PRIMARY KEY (id)".into(),
        columns: vec!["id".into()],
        references: None,
        referenced_columns: Vec::new(),
        validated: true,
        deferrable: false,
        initially_deferred: false,
        comment: None,
    }
}

fn fk_to(table: &str, target: &QualifiedName) -> Constraint {
    Constraint {
        name: format!("{table}_owner_fkey"),
        kind: ConstraintKind::ForeignKey,
        definition: format!("FOREIGN KEY (owner) REFERENCES {target}(id)"),
        columns: vec!["owner".into()],
        references: Some(target.clone()),
        referenced_columns: vec!["id".into()],
        ..pk(table)
    }
}

fn table(name: &str, columns: Vec<Column>, constraints: Vec<Constraint>) -> Table {
    Table {
        name: name.into(),
        columns,
        constraints,
        ..Default::default()
    }
}

fn realm(tables: Vec<(&str, Table)>) -> Realm {
    let mut realm = Realm::default();
    for (schema, t) in tables {
        let entry = realm
            .schemas
            .entry(schema.to_string())
            .or_insert_with(|| Schema {
                name: schema.into(),
                ..Default::default()
            });
        entry.tables.insert(t.name.clone(), t);
    }
    realm
}

fn with_hints(renames: Vec<RenameHint>) -> DiffOptions {
    DiffOptions {
        renames,
        ..DiffOptions::default()
    }
}

fn users(name: &str, column: &str, data_type: DataType) -> Table {
    table(
        name,
        vec![col("id", int()), col(column, data_type)],
        vec![pk(name)],
    )
}

#[test]
fn column_hint_renames_instead_of_dropping_and_adding() {
    let from = realm(vec![("public", users("users", "name", int()))]);
    let to = realm(vec![("public", users("users", "label", int()))]);
    let hint = RenameHint::Column {
        table: qn("public", "users"),
        from: "name".into(),
        to: "label".into(),
    };
    assert_eq!(
        diff(&from, &to, &with_hints(vec![hint]), PG),
        vec![Change::RenameColumn {
            table: qn("public", "users"),
            from: "name".into(),
            to: "label".into(),
        }]
    );
}

#[test]
fn renamed_column_with_another_type_is_renamed_then_altered() {
    let from = realm(vec![("public", users("users", "name", int()))]);
    let to = realm(vec![(
        "public",
        users("users", "label", DataType::pg("bigint", 'N')),
    )]);
    let hint = RenameHint::Column {
        table: qn("public", "users"),
        from: "name".into(),
        to: "label".into(),
    };
    let changes = diff(&from, &to, &with_hints(vec![hint]), PG);
    assert!(matches!(&changes[0], Change::RenameColumn { to, .. } if to == "label"));
    assert!(
        matches!(&changes[1], Change::AlterColumn { from, to, .. } if from.name == "label" && to.data_type.sql == "bigint")
    );
    assert_eq!(changes.len(), 2);
}

#[test]
fn table_hint_renames_the_table_and_its_primary_key_and_keeps_foreign_keys() {
    let old = qn("public", "users");
    let new = qn("public", "accounts");
    let posts = |target: &QualifiedName| {
        table(
            "posts",
            vec![col("id", int()), col("owner", int())],
            vec![fk_to("posts", target), pk("posts")],
        )
    };
    let from = realm(vec![
        ("public", users("users", "name", int())),
        ("public", posts(&old)),
    ]);
    let to = realm(vec![
        ("public", users("accounts", "name", int())),
        ("public", posts(&new)),
    ]);
    let hint = RenameHint::Table {
        from: old.clone(),
        to: new.clone(),
    };
    assert_eq!(
        diff(&from, &to, &with_hints(vec![hint]), PG),
        vec![
            Change::RenameTable {
                from: old,
                to: new.clone(),
            },
            Change::RenameConstraint {
                table: new,
                from: "users_pkey".into(),
                to: "accounts_pkey".into(),
            },
        ]
    );
}

#[test]
fn table_moved_into_a_new_schema_creates_the_schema_first() {
    let from = realm(vec![("public", users("users", "name", int()))]);
    let mut to = realm(vec![("billing", users("users", "name", int()))]);
    to.schemas.insert(
        "public".into(),
        Schema {
            name: "public".into(),
            ..Default::default()
        },
    );
    let hint = RenameHint::Table {
        from: qn("public", "users"),
        to: qn("billing", "users"),
    };
    assert_eq!(
        diff(&from, &to, &with_hints(vec![hint]), PG),
        vec![
            Change::CreateSchema {
                name: "billing".into()
            },
            Change::RenameTable {
                from: qn("public", "users"),
                to: qn("billing", "users"),
            },
        ]
    );
}

#[test]
fn rename_waits_for_the_drop_of_a_view_holding_the_new_name() {
    let mut from = realm(vec![("public", users("users", "name", int()))]);
    from.schemas.get_mut("public").unwrap().views.insert(
        "accounts".into(),
        View {
            name: "accounts".into(),
            definition: " SELECT 1;".into(),
            ..Default::default()
        },
    );
    let to = realm(vec![("public", users("accounts", "name", int()))]);
    let hint = RenameHint::Table {
        from: qn("public", "users"),
        to: qn("public", "accounts"),
    };
    let changes = diff(&from, &to, &with_hints(vec![hint]), PG);
    let position = |f: &dyn Fn(&Change) -> bool| changes.iter().position(f).unwrap();
    let drop_view = position(&|c| matches!(c, Change::DropView { .. }));
    let rename = position(&|c| matches!(c, Change::RenameTable { .. }));
    let rename_pk = position(&|c| matches!(c, Change::RenameConstraint { .. }));
    assert!(drop_view < rename && rename < rename_pk, "{changes:#?}");
}

#[test]
fn hints_that_do_not_apply_are_reported_with_a_reason() {
    let from = realm(vec![("public", users("users", "name", int()))]);
    let to = realm(vec![("public", users("users", "label", int()))]);
    let hints = vec![
        RenameHint::Table {
            from: qn("public", "nope"),
            to: qn("public", "users"),
        },
        RenameHint::Column {
            table: qn("public", "users"),
            from: "name".into(),
            to: "other".into(),
        },
        RenameHint::Column {
            table: qn("public", "users"),
            from: "name".into(),
            to: "label".into(),
        },
    ];
    let unused = unused_hints(&from, &to, &hints);
    let reasons: Vec<&str> = unused.iter().map(|u| u.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "table public.nope does not exist in the current state",
            "column public.users.other does not exist in the desired state",
        ]
    );
    assert_eq!(
        diff(&from, &to, &with_hints(hints), PG).len(),
        1,
        "the applicable hint still applies"
    );
}

#[test]
fn candidates_pair_drops_and_adds_of_the_same_type() {
    let from = realm(vec![("public", users("users", "name", int()))]);
    let to = realm(vec![(
        "public",
        table(
            "users",
            vec![
                col("id", int()),
                col("label", int()),
                col("note", DataType::pg("text", 'S')),
            ],
            vec![pk("users")],
        ),
    )]);
    let candidates = rename_candidates(&diff(&from, &to, &DiffOptions::default(), PG));
    assert_eq!(candidates.len(), 1);
    assert_eq!(
        candidates[0].hint,
        RenameHint::Column {
            table: qn("public", "users"),
            from: "name".into(),
            to: "label".into(),
        }
    );
}

#[test]
fn candidates_pair_dropped_and_created_tables_with_the_same_columns() {
    let from = realm(vec![("public", users("users", "name", int()))]);
    let to = realm(vec![
        ("public", users("accounts", "name", int())),
        ("public", users("other", "x", int())),
    ]);
    let candidates = rename_candidates(&diff(&from, &to, &DiffOptions::default(), PG));
    let hints: Vec<String> = candidates.iter().map(|c| c.hint.to_string()).collect();
    assert_eq!(hints, ["table public.users to public.accounts"]);
}

#[test]
fn rename_changes_invert_by_swapping_names() {
    let change = Change::RenameTable {
        from: qn("a", "t"),
        to: qn("b", "u"),
    };
    assert_eq!(
        change.inverse(),
        Change::RenameTable {
            from: qn("b", "u"),
            to: qn("a", "t"),
        }
    );
    assert_eq!(change.inverse().inverse(), change);
}

#[test]
fn a_renamed_index_listed_as_a_key_takes_its_new_name() {
    // Spelled as the policy spells names (PostgreSQL's: bare); MySQL's are backticked.
    use super::apply::rename_index_in_definition;
    assert_eq!(
        rename_index_in_definition(r#"UNIQUE KEY old ("a")"#, "old", "new", PG),
        r#"UNIQUE KEY new ("a")"#
    );
    assert_eq!(
        rename_index_in_definition(r#"KEY old ("a") USING HASH"#, "old", "new", PG),
        r#"KEY new ("a") USING HASH"#
    );
    assert_eq!(
        rename_index_in_definition("CREATE INDEX old ON t (a)", "old", "new", PG),
        "CREATE INDEX new ON t (a)"
    );
}
