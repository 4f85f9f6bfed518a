//! Behaviour of `diff` on hand-built models: matching, in-place changes and execution order.

use super::*;
use crate::plan::postgres::PostgresDiffPolicy;
use crate::schema::*;
use std::collections::BTreeSet;

/// The comparison as PostgreSQL plans it.
const PG: &PostgresDiffPolicy = &PostgresDiffPolicy;

fn int() -> DataType {
    DataType::pg("integer", 'N')
}

fn text() -> DataType {
    DataType::pg("text", 'S')
}

fn user_type(name: &str) -> DataType {
    DataType {
        sql: format!("public.{name}"),
        base: name.into(),
        schema: Some("public".into()),
        array_dims: 0,
        category: TypeCategory::Postgres(PgCategory::Enum),
    }
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

fn qn(name: &str) -> QualifiedName {
    QualifiedName::new("public", name)
}

fn table(name: &str, columns: Vec<Column>) -> Table {
    Table {
        name: name.into(),
        columns,
        ..Default::default()
    }
}

fn constraint(name: &str, kind: ConstraintKind, definition: &str, columns: &[&str]) -> Constraint {
    Constraint {
        name: name.into(),
        kind,
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

fn pk(table: &str, column: &str) -> Constraint {
    constraint(
        &format!("{table}_pkey"),
        ConstraintKind::PrimaryKey,
        &format!("PRIMARY KEY ({column})"),
        &[column],
    )
}

fn fk(name: &str, column: &str, target: &str, target_column: &str) -> Constraint {
    Constraint {
        references: Some(qn(target)),
        referenced_columns: vec![target_column.into()],
        ..constraint(
            name,
            ConstraintKind::ForeignKey,
            &format!("FOREIGN KEY ({column}) REFERENCES public.{target}({target_column})"),
            &[column],
        )
    }
}

fn view(name: &str, definition: &str, reads: &[ObjectRef], columns: &[(&str, DataType)]) -> View {
    View {
        name: name.into(),
        definition: definition.into(),
        columns: columns
            .iter()
            .map(|(n, t)| ViewColumn {
                name: n.to_string(),
                data_type: t.clone(),
                comment: None,
            })
            .collect(),
        depends_on: reads.iter().cloned().collect(),
        ..Default::default()
    }
}

fn table_ref(name: &str) -> ObjectRef {
    ObjectRef::Table {
        schema: "public".into(),
        name: name.into(),
    }
}

fn view_ref(name: &str) -> ObjectRef {
    ObjectRef::View {
        schema: "public".into(),
        name: name.into(),
    }
}

fn function(name: &str, returns: &str, body: &str) -> Function {
    Function {
        name: name.into(),
        kind: RoutineKind::Function,
        identity_arguments: String::new(),
        returns: Some(returns.into()),
        language: "plpgsql".into(),
        definition: format!(
            "CREATE OR REPLACE FUNCTION public.{name}() RETURNS {returns} AS $$ {body} $$"
        ),
        comment: None,
        depends_on: BTreeSet::new(),
    }
}

fn enum_type(name: &str, labels: &[&str]) -> TypeDef {
    TypeDef {
        name: name.into(),
        kind: TypeKind::Enum {
            labels: labels.iter().map(|l| l.to_string()).collect(),
        },
        comment: None,
        depends_on: BTreeSet::new(),
    }
}

fn sequence(name: &str, owner: Option<(&str, &str)>) -> Sequence {
    Sequence {
        name: name.into(),
        options: SequenceOptions {
            data_type: "integer".into(),
            start: 1,
            increment: 1,
            min_value: 1,
            max_value: 2147483647,
            cache: 1,
            cycle: false,
        },
        owned_by: owner.map(|(t, c)| SequenceOwner {
            table: qn(t),
            column: c.into(),
        }),
        comment: None,
    }
}

/// A realm with one `public` schema filled by `fill`.
fn realm(fill: impl FnOnce(&mut Schema)) -> Realm {
    let mut schema = Schema {
        name: "public".into(),
        ..Default::default()
    };
    fill(&mut schema);
    let mut realm = Realm::default();
    realm.schemas.insert("public".into(), schema);
    realm
}

fn add_table(schema: &mut Schema, table: Table) {
    schema.tables.insert(table.name.clone(), table);
}

fn add_view(schema: &mut Schema, view: View) {
    schema.views.insert(view.name.clone(), view);
}

fn run(from: &Realm, to: &Realm) -> Vec<String> {
    diff(from, to, &DiffOptions::default(), PG)
        .iter()
        .map(describe)
        .collect()
}

fn describe(change: &Change) -> String {
    use Change::*;
    match change {
        CreateTable { name, .. } => format!("create table {name}"),
        DropTable { name, .. } => format!("drop table {name}"),
        AddColumn { table, column } => format!("add column {table}.{}", column.name),
        DropColumn { table, column, .. } => format!("drop column {table}.{}", column.name),
        AlterColumn { table, from, to } => {
            format!(
                "alter column {table}.{} {} -> {}",
                from.name, from.data_type.sql, to.data_type.sql
            )
        }
        AddConstraint { table, constraint } => {
            format!("add constraint {table}.{}", constraint.name)
        }
        DropConstraint { table, constraint } => {
            format!("drop constraint {table}.{}", constraint.name)
        }
        CreateIndex { index, .. } => format!("create index {}", index.name),
        DropIndex { index, .. } => format!("drop index {}", index.name),
        CreateView { name, .. } => format!("create view {name}"),
        DropView { name, .. } => format!("drop view {name}"),
        ReplaceView { name, .. } => format!("replace view {name}"),
        CreateFunction { name, .. } => format!("create function {name}"),
        DropFunction { name, .. } => format!("drop function {name}"),
        ReplaceFunction { name, .. } => format!("replace function {name}"),
        CreateType { name, .. } => format!("create type {name}"),
        DropType { name, .. } => format!("drop type {name}"),
        AlterType { name, .. } => format!("alter type {name}"),
        CreateSequence { name, .. } => format!("create sequence {name}"),
        DropSequence { name, .. } => format!("drop sequence {name}"),
        AlterSequence { name, .. } => format!("alter sequence {name}"),
        CreateTrigger { on, trigger } => format!("create trigger {on}.{}", trigger.name),
        DropTrigger { on, trigger } => format!("drop trigger {on}.{}", trigger.name),
        SetComment { target, to, .. } => format!("comment {target:?} = {to:?}"),
        other => format!("{other:?}"),
    }
}

fn position(changes: &[String], wanted: &str) -> usize {
    changes
        .iter()
        .position(|c| c == wanted)
        .unwrap_or_else(|| panic!("{wanted:?} missing from {changes:#?}"))
}

fn users_and_orders() -> Realm {
    realm(|s| {
        add_table(
            s,
            Table {
                constraints: vec![pk("users", "id")],
                ..table("users", vec![col("id", int()), col("name", text())])
            },
        );
        add_table(
            s,
            Table {
                constraints: vec![fk("orders_user_fk", "user_id", "users", "id")],
                ..table("orders", vec![col("id", int()), col("user_id", int())])
            },
        );
        add_view(
            s,
            view(
                "user_names",
                " SELECT users.name FROM public.users;",
                &[table_ref("users")],
                &[("name", text())],
            ),
        );
        s.functions.insert(
            "f()".into(),
            function("f", "integer", "BEGIN RETURN 1; END"),
        );
        s.types
            .insert("mood".into(), enum_type("mood", &["sad", "happy"]));
    })
}

#[test]
fn realms_in_sync_give_no_changes() {
    let realm = users_and_orders();
    assert!(run(&realm, &realm).is_empty());
}

#[test]
fn adds_and_drops_columns_in_place() {
    let from = realm(|s| add_table(s, table("t", vec![col("a", int()), col("b", int())])));
    let to = realm(|s| add_table(s, table("t", vec![col("a", int()), col("c", text())])));
    assert_eq!(
        run(&from, &to),
        ["drop column public.t.b", "add column public.t.c"]
    );
}

#[test]
fn type_change_is_one_alter_column() {
    let from = realm(|s| add_table(s, table("t", vec![col("a", int())])));
    let to = realm(|s| {
        let mut a = col("a", DataType::pg("bigint", 'N'));
        a.not_null = true;
        a.default = Some("0".into());
        add_table(s, table("t", vec![a]));
    });
    assert_eq!(
        run(&from, &to),
        ["alter column public.t.a integer -> bigint"]
    );
}

#[test]
fn new_tables_exist_before_the_foreign_key_between_them() {
    let to = realm(|s| {
        add_table(
            s,
            Table {
                constraints: vec![fk("a_b_fk", "b_id", "b", "id")],
                ..table("a", vec![col("b_id", int())])
            },
        );
        add_table(
            s,
            Table {
                constraints: vec![pk("b", "id")],
                ..table("b", vec![col("id", int())])
            },
        );
    });
    let changes = diff(&Realm::default(), &to, &DiffOptions::default(), PG);
    let names: Vec<String> = changes.iter().map(describe).collect();
    assert!(names[0].contains("CreateSchema"), "{names:?}");
    let fk_at = position(&names, "add constraint public.a.a_b_fk");
    assert!(position(&names, "create table public.a") < fk_at);
    assert!(position(&names, "create table public.b") < fk_at);
    let carries_fk = changes.iter().any(|c| {
        matches!(c, Change::CreateTable { table, .. }
            if table.constraints.iter().any(|k| k.kind == ConstraintKind::ForeignKey))
    });
    assert!(!carries_fk, "CreateTable must not carry foreign keys");
}

#[test]
fn circular_foreign_keys_between_new_tables_still_order() {
    let to = realm(|s| {
        add_table(
            s,
            Table {
                constraints: vec![pk("a", "id"), fk("a_b_fk", "b_id", "b", "id")],
                ..table("a", vec![col("id", int()), col("b_id", int())])
            },
        );
        add_table(
            s,
            Table {
                constraints: vec![pk("b", "id"), fk("b_a_fk", "a_id", "a", "id")],
                ..table("b", vec![col("id", int()), col("a_id", int())])
            },
        );
    });
    let names = run(&Realm::default(), &to);
    let last_table = position(&names, "create table public.b");
    assert!(position(&names, "add constraint public.a.a_b_fk") > last_table);
    assert!(position(&names, "add constraint public.b.b_a_fk") > last_table);
}

#[test]
fn dropping_tables_drops_foreign_keys_first() {
    let from = realm(|s| {
        add_table(
            s,
            Table {
                constraints: vec![pk("items", "id")],
                ..table("items", vec![col("id", int())])
            },
        );
        add_table(
            s,
            Table {
                constraints: vec![fk("sales_item_fk", "item_id", "items", "id")],
                ..table("sales", vec![col("item_id", int())])
            },
        );
    });
    let to = realm(|_| {});
    let names = run(&from, &to);
    let fk_at = position(&names, "drop constraint public.sales.sales_item_fk");
    assert!(fk_at < position(&names, "drop table public.items"));
    assert!(fk_at < position(&names, "drop table public.sales"));
    assert_eq!(names.len(), 3);
}

#[test]
fn foreign_key_into_a_changed_primary_key_is_dropped_first_and_re_added_after() {
    let from = users_and_orders();
    let mut to = users_and_orders();
    let users = to
        .schemas
        .get_mut("public")
        .unwrap()
        .tables
        .get_mut("users")
        .unwrap();
    users.constraints[0].definition = "PRIMARY KEY (id) DEFERRABLE".into();
    let names = run(&from, &to);
    let drop_pk = position(&names, "drop constraint public.users.users_pkey");
    let add_pk = position(&names, "add constraint public.users.users_pkey");
    assert!(position(&names, "drop constraint public.orders.orders_user_fk") < drop_pk);
    assert!(drop_pk < add_pk);
    assert!(add_pk < position(&names, "add constraint public.orders.orders_user_fk"));
}

#[test]
fn view_over_a_retyped_column_is_dropped_before_and_created_after() {
    let from = users_and_orders();
    let mut to = users_and_orders();
    let public = to.schemas.get_mut("public").unwrap();
    public.tables.get_mut("users").unwrap().columns[1].data_type =
        DataType::pg("character varying(50)", 'S');
    public.views.get_mut("user_names").unwrap().columns[0].data_type =
        DataType::pg("character varying(50)", 'S');
    let names = run(&from, &to);
    let alter = position(
        &names,
        "alter column public.users.name text -> character varying(50)",
    );
    assert!(position(&names, "drop view public.user_names") < alter);
    assert!(alter < position(&names, "create view public.user_names"));
}

#[test]
fn view_untouched_by_a_column_change_stays() {
    let from = users_and_orders();
    let mut to = users_and_orders();
    let public = to.schemas.get_mut("public").unwrap();
    public.tables.get_mut("users").unwrap().columns[0].data_type = DataType::pg("bigint", 'N');
    let names = run(&from, &to);
    assert!(!names.iter().any(|n| n.contains("view")), "{names:?}");
}

#[test]
fn views_on_views_create_readers_last_and_drop_them_first() {
    let chain = realm(|s| {
        add_table(s, table("t", vec![col("a", int())]));
        add_view(
            s,
            view(
                "a_top",
                " SELECT v_base.a FROM public.v_base;",
                &[view_ref("v_base")],
                &[("a", int())],
            ),
        );
        add_view(
            s,
            view(
                "v_base",
                " SELECT t.a FROM public.t;",
                &[table_ref("t")],
                &[("a", int())],
            ),
        );
    });
    let base = realm(|s| add_table(s, table("t", vec![col("a", int())])));
    let created = run(&base, &chain);
    assert!(
        position(&created, "create view public.v_base")
            < position(&created, "create view public.a_top")
    );
    let dropped = run(&chain, &base);
    assert!(
        position(&dropped, "drop view public.a_top")
            < position(&dropped, "drop view public.v_base")
    );
}

#[test]
fn re_created_base_view_takes_its_readers_along() {
    let make = |kind: DataType| {
        realm(|s| {
            add_table(s, table("t", vec![col("a", int())]));
            add_view(
                s,
                view(
                    "top",
                    " SELECT base.a FROM public.base;",
                    &[view_ref("base")],
                    &[("a", kind.clone())],
                ),
            );
            add_view(
                s,
                view(
                    "base",
                    " SELECT (t.a)::bigint AS a FROM public.t;",
                    &[table_ref("t")],
                    &[("a", kind)],
                ),
            );
        })
    };
    let names = run(&make(int()), &make(DataType::pg("bigint", 'N')));
    assert_eq!(
        names,
        [
            "drop view public.top",
            "drop view public.base",
            "create view public.base",
            "create view public.top"
        ]
    );
}

#[test]
fn appended_view_column_replaces_in_place() {
    let from = users_and_orders();
    let mut to = users_and_orders();
    let v = to
        .schemas
        .get_mut("public")
        .unwrap()
        .views
        .get_mut("user_names")
        .unwrap();
    v.definition = " SELECT users.name, users.id FROM public.users;".into();
    v.columns.push(ViewColumn {
        name: "id".into(),
        data_type: int(),
        comment: None,
    });
    assert_eq!(run(&from, &to), ["replace view public.user_names"]);
}

#[test]
fn function_used_by_a_default_is_created_before_the_table() {
    let to = realm(|s| {
        s.functions.insert(
            "zz_new_id()".into(),
            function("zz_new_id", "text", "BEGIN RETURN 'x'; END"),
        );
        let mut id = col("id", text());
        id.default = Some("public.zz_new_id()".into());
        add_table(
            s,
            Table {
                depends_on: [ObjectRef::Function {
                    schema: "public".into(),
                    signature: "zz_new_id()".into(),
                }]
                .into(),
                ..table("a_items", vec![id])
            },
        );
    });
    let names = run(&realm(|_| {}), &to);
    assert!(
        position(&names, "create function public.zz_new_id")
            < position(&names, "create table public.a_items")
    );
}

#[test]
fn new_default_on_an_existing_table_waits_for_its_function() {
    let from = realm(|s| add_table(s, table("items", vec![col("id", int())])));
    let to = realm(|s| {
        s.functions.insert(
            "zz()".into(),
            function("zz", "text", "BEGIN RETURN 'x'; END"),
        );
        let mut ext = col("ext", text());
        ext.default = Some("('acc_'::text || public.zz())".into());
        add_table(s, table("items", vec![col("id", int()), ext]));
    });
    let names = run(&from, &to);
    assert!(
        position(&names, "create function public.zz")
            < position(&names, "add column public.items.ext")
    );
}

#[test]
fn trigger_comes_after_its_function() {
    let to = realm(|s| {
        s.functions.insert(
            "touch()".into(),
            function("touch", "trigger", "BEGIN RETURN NEW; END"),
        );
        add_table(
            s,
            Table {
                triggers: vec![Trigger {
                    name: "a_touch".into(),
                    definition: "CREATE TRIGGER a_touch BEFORE UPDATE ON public.a FOR EACH ROW EXECUTE FUNCTION public.touch()".into(),
                    function: qn("touch"),
                    enabled: TriggerState::Origin,
                    comment: None,
                }],
                ..table("a", vec![col("id", int())])
            },
        );
    });
    let names = run(&realm(|_| {}), &to);
    let trigger = position(&names, "create trigger public.a.a_touch");
    assert!(position(&names, "create function public.touch") < trigger);
    assert!(position(&names, "create table public.a") < trigger);
}

#[test]
fn function_with_new_result_type_is_re_created_with_its_readers() {
    let make = |returns: &str| {
        realm(|s| {
            s.functions
                .insert("f()".into(), function("f", returns, "BEGIN RETURN 1; END"));
            add_view(
                s,
                view(
                    "v",
                    " SELECT public.f() AS f;",
                    &[ObjectRef::Function {
                        schema: "public".into(),
                        signature: "f()".into(),
                    }],
                    &[("f", int())],
                ),
            );
        })
    };
    assert_eq!(
        run(&make("integer"), &make("bigint")),
        [
            "drop view public.v",
            "drop function public.f",
            "create function public.f",
            "create view public.v"
        ]
    );
}

#[test]
fn enum_value_added_is_alter_type() {
    let from = users_and_orders();
    let mut to = users_and_orders();
    to.schemas
        .get_mut("public")
        .unwrap()
        .types
        .insert("mood".into(), enum_type("mood", &["sad", "ok", "happy"]));
    assert_eq!(run(&from, &to), ["alter type public.mood"]);
}

#[test]
fn enum_value_removed_parks_its_columns_as_text_around_the_re_creation() {
    let make = |labels: &[&str]| {
        realm(|s| {
            s.types.insert("mood".into(), enum_type("mood", labels));
            let mut m = col("m", user_type("mood"));
            m.default = Some("'sad'::public.mood".into());
            add_table(s, table("t", vec![m]));
        })
    };
    let changes = diff(
        &make(&["sad", "meh", "happy"]),
        &make(&["sad", "happy"]),
        &DiffOptions::default(),
        PG,
    );
    let names: Vec<String> = changes.iter().map(describe).collect();
    assert_eq!(
        names,
        [
            "alter column public.t.m public.mood -> text",
            "drop type public.mood",
            "create type public.mood",
            "alter column public.t.m text -> public.mood"
        ]
    );
    let Change::AlterColumn { to: parked, .. } = &changes[0] else {
        unreachable!()
    };
    assert_eq!(parked.default, None);
    let Change::AlterColumn { to: back, .. } = &changes[3] else {
        unreachable!()
    };
    assert_eq!(back.default.as_deref(), Some("'sad'::public.mood"));
}

#[test]
fn new_owned_sequence_is_created_before_and_owned_after_its_table() {
    let to = realm(|s| {
        s.sequences
            .insert("t_id_seq".into(), sequence("t_id_seq", Some(("t", "id"))));
        let mut id = col("id", int());
        id.default = Some("nextval('public.t_id_seq'::regclass)".into());
        add_table(
            s,
            Table {
                depends_on: [ObjectRef::Sequence {
                    schema: "public".into(),
                    name: "t_id_seq".into(),
                }]
                .into(),
                ..table("t", vec![id])
            },
        );
    });
    let changes = diff(&realm(|_| {}), &to, &DiffOptions::default(), PG);
    let names: Vec<String> = changes.iter().map(describe).collect();
    assert_eq!(
        names,
        [
            "create sequence public.t_id_seq",
            "create table public.t",
            "alter sequence public.t_id_seq"
        ]
    );
    assert!(
        matches!(&changes[0], Change::CreateSequence { sequence, .. } if sequence.owned_by.is_none())
    );
    assert_eq!(run(&to, &realm(|_| {})), ["drop table public.t"]);
}

#[test]
fn serial_to_identity_drops_the_old_sequence_between_two_steps() {
    let from = realm(|s| {
        s.sequences
            .insert("t_id_seq".into(), sequence("t_id_seq", Some(("t", "id"))));
        let mut id = col("id", int());
        id.not_null = true;
        id.default = Some("nextval('public.t_id_seq'::regclass)".into());
        add_table(s, table("t", vec![id]));
    });
    let to = realm(|s| {
        let mut id = col("id", int());
        id.not_null = true;
        id.identity = Some(Identity {
            always: true,
            sequence: sequence("x", None).options,
        });
        add_table(s, table("t", vec![id]));
    });
    let names = run(&from, &to);
    assert_eq!(
        names,
        [
            "alter column public.t.id integer -> integer",
            "drop sequence public.t_id_seq",
            "alter column public.t.id integer -> integer"
        ]
    );
}

#[test]
fn partition_columns_follow_their_parent() {
    let make = |extra: bool| {
        realm(|s| {
            let mut columns = vec![col("id", int())];
            if extra {
                columns.push(col("note", text()));
            }
            add_table(
                s,
                Table {
                    partition_by: Some("RANGE (id)".into()),
                    ..table("logs", columns.clone())
                },
            );
            add_table(
                s,
                Table {
                    partition_of: Some(PartitionOf {
                        parent: qn("logs"),
                        bound: "DEFAULT".into(),
                    }),
                    ..table("logs_default", columns)
                },
            );
        })
    };
    assert_eq!(
        run(&make(false), &make(true)),
        ["add column public.logs.note"]
    );
}

#[test]
fn comments_of_new_objects_come_as_separate_changes() {
    let to = realm(|s| {
        let mut a = col("a", int());
        a.comment = Some("the a".into());
        add_table(
            s,
            Table {
                comment: Some("the table".into()),
                ..table("t", vec![a])
            },
        );
    });
    let changes = diff(&realm(|_| {}), &to, &DiffOptions::default(), PG);
    assert!(matches!(&changes[0], Change::CreateTable { table, .. }
        if table.comment.is_none() && table.columns[0].comment.is_none()));
    assert_eq!(changes.len(), 3);
    assert!(
        changes[1..]
            .iter()
            .all(|c| matches!(c, Change::SetComment { .. }))
    );
}

#[test]
fn diff_is_deterministic_and_independent_of_insertion_order() {
    let a = users_and_orders();
    let b = realm(|_| {});
    let first = diff(&a, &b, &DiffOptions::default(), PG);
    assert_eq!(first, diff(&a, &b, &DiffOptions::default(), PG));
    let mut reordered = Realm::default();
    let mut public = Schema {
        name: "public".into(),
        ..Default::default()
    };
    let source = &a.schemas["public"];
    for (name, t) in source.tables.iter().rev() {
        public.tables.insert(name.clone(), t.clone());
    }
    for (name, v) in source.views.iter().rev() {
        public.views.insert(name.clone(), v.clone());
    }
    public.functions = source.functions.clone();
    public.types = source.types.clone();
    reordered.schemas.insert("public".into(), public);
    assert_eq!(first, diff(&reordered, &b, &DiffOptions::default(), PG));
}

#[test]
fn inverse_of_an_in_place_diff_is_the_diff_back() {
    let from = users_and_orders();
    let mut to = users_and_orders();
    let public = to.schemas.get_mut("public").unwrap();
    let users = public.tables.get_mut("users").unwrap();
    users.columns.push(col("email", text()));
    users.columns[0].not_null = true;
    users.comment = Some("people".into());
    let forward = diff(&from, &to, &DiffOptions::default(), PG);
    let backward = diff(&to, &from, &DiffOptions::default(), PG);
    let undone: Vec<Change> = forward.iter().rev().map(Change::inverse).collect();
    let as_set = |changes: &[Change]| {
        changes
            .iter()
            .map(|c| serde_json::to_string(c).unwrap())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(as_set(&undone), as_set(&backward));
    assert_eq!(forward.len(), 3);
}

#[test]
fn primary_key_moves_while_a_dropped_table_still_references_it() {
    let from = realm(|s| {
        add_table(
            s,
            Table {
                constraints: vec![pk("users", "id")],
                ..table("users", vec![col("id", int())])
            },
        );
        add_table(
            s,
            Table {
                constraints: vec![fk("taggings_user_fk", "user_id", "users", "id")],
                ..table("taggings", vec![col("user_id", int())])
            },
        );
    });
    let to = realm(|s| {
        add_table(
            s,
            Table {
                constraints: vec![pk("users", "user_id")],
                ..table("users", vec![col("user_id", int())])
            },
        );
    });
    let names = run(&from, &to);
    let drop_fk = position(&names, "drop constraint public.taggings.taggings_user_fk");
    let drop_pk = position(&names, "drop constraint public.users.users_pkey");
    let add_pk = position(&names, "add constraint public.users.users_pkey");
    assert!(drop_fk < drop_pk);
    assert!(drop_pk < position(&names, "drop column public.users.id"));
    assert!(drop_pk < add_pk);
    assert!(position(&names, "add column public.users.user_id") < add_pk);
}
