//! Snapshot tests of whole plans: forward and reverse SQL with risks for representative changes.

use super::PostgresPlanner;
use crate::diff::{Change, CommentTarget, RowSecurity};
use crate::plan::{Plan, Planner};
use crate::schema::*;
use std::collections::BTreeSet;

fn name(n: &str) -> QualifiedName {
    QualifiedName::new("public", n)
}

fn col(n: &str, sql: &str, category: &str) -> Column {
    Column {
        name: n.into(),
        data_type: DataType::pg(sql, category.chars().next().unwrap()),
        not_null: false,
        default: None,
        identity: None,
        generated: None,
        collation: None,
        comment: None,
        attrs: Default::default(),
    }
}

fn identity(always: bool, data_type: &str, max: i64) -> Identity {
    Identity {
        always,
        sequence: SequenceOptions {
            data_type: data_type.into(),
            start: 1,
            increment: 1,
            min_value: 1,
            max_value: max,
            cache: 1,
            cycle: false,
        },
    }
}

fn constraint(n: &str, kind: ConstraintKind, definition: &str, columns: &[&str]) -> Constraint {
    Constraint {
        name: n.into(),
        kind,
        definition: definition.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        references: None,
        referenced_columns: Vec::new(),
        validated: !definition.ends_with("NOT VALID"),
        deferrable: false,
        initially_deferred: false,
        comment: None,
    }
}

fn index(n: &str, definition: &str, unique: bool) -> Index {
    Index {
        name: n.into(),
        definition: definition.into(),
        unique,
        method: "btree".into(),
        parts: Vec::new(),
        include: Vec::new(),
        predicate: None,
        nulls_not_distinct: false,
        comment: None,
        invisible: false,
    }
}

fn users_table() -> Table {
    let mut id = col("id", "bigint", "N");
    id.not_null = true;
    id.identity = Some(identity(true, "bigint", i64::MAX));
    let mut email = col("email", "character varying(255)", "S");
    email.not_null = true;
    let mut nick = col("nick", "text", "S");
    nick.collation = Some("\"C\"".into());
    nick.default = Some("'it''s me'::text".into());
    let mut created = col("created_at", "timestamp with time zone", "D");
    created.not_null = true;
    created.default = Some("now()".into());
    let mut upper = col("email_upper", "text", "S");
    upper.generated = Some("upper((email)::text)".into());
    Table {
        name: "users".into(),
        columns: vec![id, email, nick, created, upper],
        constraints: vec![
            constraint(
                "users_email_check",
                ConstraintKind::Check,
                "CHECK (((email)::text <> ''::text)) NOT VALID",
                &["email"],
            ),
            constraint(
                "users_pkey",
                ConstraintKind::PrimaryKey,
                "PRIMARY KEY (id)",
                &["id"],
            ),
        ],
        options: vec!["fillfactor=70".into()],
        ..Table::default()
    }
}

/// Each step's summary, forward statements and reverse statements, with risks and
/// non-transactional statements marked, as reviewers would read them.
fn render(plan: &Plan) -> String {
    let mut out = String::new();
    for step in &plan.steps {
        out.push_str(&format!("## {}\n", step.summary));
        for (label, statements) in [("up", &step.statements), ("down", &step.reverse)] {
            out.push_str(&format!("{label}:\n"));
            for s in statements {
                out.push_str(&format!("{};\n", s.sql));
                if !s.transactional {
                    out.push_str("  -- outside a transaction\n");
                }
                for risk in &s.risks {
                    out.push_str(&format!("  -- {:?}: {}\n", risk.kind, risk.note));
                }
            }
        }
        out.push('\n');
    }
    out
}

fn plan(changes: Vec<Change>) -> String {
    render(&PostgresPlanner.plan(&changes).unwrap())
}

#[test]
fn creates_a_table_with_every_column_feature_and_its_index() {
    let users = users_table();
    insta::assert_snapshot!(plan(vec![
        Change::CreateTable {
            name: name("users"),
            table: users,
        },
        Change::CreateIndex {
            on: name("users"),
            index: index(
                "users_email_idx",
                "CREATE UNIQUE INDEX users_email_idx ON public.users USING btree (email)",
                true,
            ),
        },
        Change::SetComment {
            target: CommentTarget::Column {
                table: name("users"),
                column: "email".into(),
            },
            from: None,
            to: Some(r"the user's address, e.g. C:\mail".into()),
        },
    ]));
}

#[test]
fn alters_an_existing_table() {
    let mut age_text = col("age", "text", "S");
    age_text.default = Some("'0'::text".into());
    let mut age_int = col("age", "integer", "N");
    age_int.default = Some("0".into());
    age_int.not_null = true;
    let mut fk = constraint(
        "orders_user_id_fkey",
        ConstraintKind::ForeignKey,
        "FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE NOT VALID",
        &["user_id"],
    );
    fk.references = Some(name("users"));
    let mut token = col("token", "uuid", "U");
    token.default = Some("gen_random_uuid()".into());
    insta::assert_snapshot!(plan(vec![
        Change::AlterColumn {
            table: name("orders"),
            from: age_text,
            to: age_int,
        },
        Change::AddConstraint {
            table: name("orders"),
            constraint: fk,
        },
        Change::AddConstraint {
            table: name("orders"),
            constraint: constraint(
                "orders_total_check",
                ConstraintKind::Check,
                "CHECK ((total > 0))",
                &["total"],
            ),
        },
        Change::AddColumn {
            table: name("orders"),
            column: token,
        },
        Change::CreateIndex {
            on: name("orders"),
            index: index(
                "orders_user_id_idx",
                "CREATE INDEX orders_user_id_idx ON public.orders USING btree (user_id)",
                false,
            ),
        },
        Change::DropColumn {
            table: name("orders"),
            column: col("legacy", "character varying(20)", "S"),
            only: false,
        },
        Change::SetRowSecurity {
            table: name("orders"),
            from: RowSecurity::default(),
            to: RowSecurity {
                enabled: true,
                forced: true,
            },
        },
        Change::CreatePolicy {
            table: name("orders"),
            policy: Policy {
                name: "owner's rows".into(),
                permissive: false,
                command: "SELECT".into(),
                roles: vec!["app".into(), "public".into()],
                using: Some("(user_id = 1)".into()),
                with_check: None,
                comment: None,
            },
        },
    ]));
}

#[test]
fn creates_and_alters_types_and_sequences() {
    let mood = |labels: &[&str]| TypeDef {
        name: "mood".into(),
        kind: TypeKind::Enum {
            labels: labels.iter().map(|l| l.to_string()).collect(),
        },
        comment: None,
        depends_on: BTreeSet::new(),
    };
    let positive = TypeDef {
        name: "positive".into(),
        kind: TypeKind::Domain {
            base: DataType::pg("integer", 'N'),
            not_null: true,
            default: Some("1".into()),
            collation: None,
            checks: vec![DomainCheck {
                name: "positive_check".into(),
                definition: "CHECK ((VALUE > 0))".into(),
            }],
        },
        comment: None,
        depends_on: BTreeSet::new(),
    };
    let mut positive_nullable = positive.clone();
    if let TypeKind::Domain {
        not_null, default, ..
    } = &mut positive_nullable.kind
    {
        *not_null = false;
        *default = None;
    }
    let pair = TypeDef {
        name: "pair".into(),
        kind: TypeKind::Composite {
            attributes: vec![
                CompositeAttribute {
                    name: "a".into(),
                    data_type: DataType::pg("integer", 'N'),
                    collation: None,
                },
                CompositeAttribute {
                    name: "b".into(),
                    data_type: DataType::pg("text", 'S'),
                    collation: Some("\"C\"".into()),
                },
            ],
        },
        comment: None,
        depends_on: BTreeSet::new(),
    };
    let sequence = Sequence {
        name: "ticket_seq".into(),
        options: SequenceOptions {
            data_type: "integer".into(),
            start: 100,
            increment: 10,
            min_value: 1,
            max_value: 100_000,
            cache: 5,
            cycle: true,
        },
        owned_by: None,
        comment: None,
    };
    let mut owned = sequence.clone();
    owned.owned_by = Some(SequenceOwner {
        table: name("tickets"),
        column: "no".into(),
    });
    insta::assert_snapshot!(plan(vec![
        Change::CreateType {
            name: name("mood"),
            def: mood(&["sad", "ok"]),
        },
        Change::AlterType {
            name: name("mood"),
            from: mood(&["sad", "ok"]),
            to: mood(&["very sad", "sad", "ok", "it's great"]),
        },
        Change::CreateType {
            name: name("positive"),
            def: positive.clone(),
        },
        Change::AlterType {
            name: name("positive"),
            from: positive,
            to: positive_nullable,
        },
        Change::CreateType {
            name: name("pair"),
            def: pair,
        },
        Change::CreateSequence {
            name: name("ticket_seq"),
            sequence: sequence.clone(),
        },
        Change::AlterSequence {
            name: name("ticket_seq"),
            from: sequence,
            to: owned,
        },
    ]));
}

#[test]
fn creates_views_routines_triggers_and_partitions() {
    let function = Function {
        name: "touch".into(),
        kind: RoutineKind::Function,
        identity_arguments: String::new(),
        returns: Some("trigger".into()),
        language: "plpgsql".into(),
        definition: "CREATE OR REPLACE FUNCTION public.touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$BEGIN NEW.updated_at = now(); RETURN NEW; END$function$\n".into(),
        comment: None,
        depends_on: BTreeSet::new(),
    };
    let view = View {
        name: "active_users".into(),
        definition: " SELECT users.id\n   FROM public.users\n  WHERE (users.id > 0);".into(),
        options: vec!["check_option=local".into()],
        ..View::default()
    };
    let mut parent = Table {
        name: "events".into(),
        columns: vec![col("at", "date", "D"), col("kind", "text", "S")],
        partition_by: Some("RANGE (at)".into()),
        ..Table::default()
    };
    parent.columns[1].default = Some("'x'::text".into());
    let mut partition = parent.clone();
    partition.name = "events_2024".into();
    partition.partition_by = None;
    partition.columns[1].default = None;
    partition.columns[0].not_null = true;
    partition.partition_of = Some(PartitionOf {
        parent: name("events"),
        bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')".into(),
    });
    insta::assert_snapshot!(plan(vec![
        Change::CreateFunction {
            name: name("touch"),
            function: function.clone(),
        },
        Change::CreateView {
            name: name("active_users"),
            view,
        },
        Change::CreateTrigger {
            on: name("users"),
            trigger: Trigger {
                name: "users_touch".into(),
                definition: "CREATE TRIGGER users_touch BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.touch()".into(),
                function: name("touch"),
                enabled: TriggerState::Disabled,
                comment: None,
            },
        },
        Change::CreateTable {
            name: name("events"),
            table: parent,
        },
        Change::CreateTable {
            name: name("events_2024"),
            table: partition,
        },
        Change::DropFunction {
            name: name("touch"),
            function,
        },
    ]));
}

#[test]
fn renames_tables_columns_and_their_members_with_reverses() {
    insta::assert_snapshot!(plan(vec![
        Change::RenameTable {
            from: name("users"),
            to: QualifiedName::new("billing", "accounts"),
        },
        Change::RenameTable {
            from: name("tags"),
            to: name("labels"),
        },
        Change::RenameColumn {
            table: QualifiedName::new("billing", "accounts"),
            from: "name".into(),
            to: "Full Name".into(),
        },
        Change::RenameConstraint {
            table: QualifiedName::new("billing", "accounts"),
            from: "users_pkey".into(),
            to: "accounts_pkey".into(),
        },
        Change::RenameIndex {
            on: QualifiedName::new("billing", "accounts"),
            from: "users_name_idx".into(),
            to: "accounts_name_idx".into(),
        },
        Change::RenameSequence {
            from: QualifiedName::new("billing", "users_id_seq"),
            to: QualifiedName::new("billing", "accounts_id_seq"),
        },
    ]));
}

// ---- readable plans: serial columns and keys inside CREATE TABLE, planned from a diff ------

/// A realm whose `public` schema holds `tables` and `sequences`.
fn realm(tables: Vec<Table>, sequences: Vec<Sequence>) -> Realm {
    let schema = Schema {
        name: "public".into(),
        tables: tables.into_iter().map(|t| (t.name.clone(), t)).collect(),
        sequences: sequences.into_iter().map(|s| (s.name.clone(), s)).collect(),
        ..Schema::default()
    };
    Realm {
        schemas: [("public".to_string(), schema)].into(),
        extensions: Default::default(),
    }
}

/// The migration file and its reverse for the diff between two realms.
fn plan_diff(from: &Realm, to: &Realm) -> String {
    let changes = crate::diff::diff(
        from,
        to,
        &crate::diff::DiffOptions::default(),
        &super::PostgresDiffPolicy,
    );
    let plan = PostgresPlanner.plan(&changes).unwrap();
    format!(
        "{}\n-- reverse:\n{}",
        plan.to_commented_sql(),
        plan.to_commented_reverse_sql()
    )
}

fn table(n: &str, columns: Vec<Column>, constraints: Vec<Constraint>) -> Table {
    Table {
        name: n.into(),
        columns,
        constraints,
        ..Table::default()
    }
}

fn not_null(mut column: Column) -> Column {
    column.not_null = true;
    column
}

fn pkey(table: &str, column: &str) -> Constraint {
    let definition = format!("PRIMARY KEY ({column})");
    constraint(
        &format!("{table}_pkey"),
        ConstraintKind::PrimaryKey,
        &definition,
        &[column],
    )
}

fn fkey(table: &str, column: &str, target: &str) -> Constraint {
    let definition = format!("FOREIGN KEY ({column}) REFERENCES public.{target}(id)");
    let mut key = constraint(
        &format!("{table}_{column}_fkey"),
        ConstraintKind::ForeignKey,
        &definition,
        &[column],
    );
    key.references = Some(name(target));
    key.referenced_columns = vec!["id".into()];
    key
}

/// A sequence with the options `serial` gives a column of `data_type`, owned by it.
fn owned_sequence(table: &str, column: &str, data_type: &str, max: i64) -> Sequence {
    Sequence {
        name: format!("{table}_{column}_seq"),
        options: identity(false, data_type, max).sequence,
        owned_by: Some(SequenceOwner {
            table: name(table),
            column: column.into(),
        }),
        comment: None,
    }
}

/// A NOT NULL column of `sql` defaulting to the next value of `sequence`.
fn counter(n: &str, sql: &str, sequence: &str) -> Column {
    let mut column = not_null(col(n, sql, "N"));
    column.default = Some(format!("nextval('public.{sequence}'::regclass)"));
    column
}

#[test]
fn writes_columns_owning_their_sequence_as_serial_and_identities_as_identity() {
    let mut renamed = owned_sequence("tickets", "no", "integer", i32::MAX as i64);
    renamed.name = "ticket_numbers".into();
    let mut cached = owned_sequence("tickets", "batch", "integer", i32::MAX as i64);
    cached.options.cache = 20;
    let mut ident = not_null(col("ident", "bigint", "N"));
    ident.identity = Some(identity(false, "bigint", i64::MAX));
    let tickets = table(
        "tickets",
        vec![
            counter("id", "integer", "tickets_id_seq"),
            counter("big", "bigint", "tickets_big_seq"),
            counter("small", "smallint", "tickets_small_seq"),
            counter("no", "integer", "ticket_numbers"),
            counter("batch", "integer", "tickets_batch_seq"),
            ident,
        ],
        vec![pkey("tickets", "id")],
    );
    let sequences = vec![
        owned_sequence("tickets", "id", "integer", i32::MAX as i64),
        owned_sequence("tickets", "big", "bigint", i64::MAX),
        owned_sequence("tickets", "small", "smallint", i16::MAX as i64),
        renamed,
        cached,
    ];
    insta::assert_snapshot!(plan_diff(
        &realm(vec![], vec![]),
        &realm(vec![tickets], sequences)
    ));
}

#[test]
fn writes_keys_inside_create_table_with_referenced_tables_first() {
    let users = table(
        "users",
        vec![not_null(col("id", "bigint", "N"))],
        vec![pkey("users", "id")],
    );
    let posts = table(
        "posts",
        vec![
            counter("id", "bigint", "posts_id_seq"),
            not_null(col("author_id", "bigint", "N")),
            col("slug", "text", "S"),
            col("parent_id", "bigint", "N"),
        ],
        vec![
            pkey("posts", "id"),
            constraint(
                "posts_slug_key",
                ConstraintKind::Unique,
                "UNIQUE (slug)",
                &["slug"],
            ),
            constraint(
                "posts_slug_check",
                ConstraintKind::Check,
                "CHECK ((slug <> ''::text))",
                &["slug"],
            ),
            fkey("posts", "author_id", "users"),
            fkey("posts", "parent_id", "posts"),
        ],
    );
    // Sorted by name, comments would come first: it references posts, so it waits for it.
    let comments = table(
        "comments",
        vec![
            not_null(col("id", "bigint", "N")),
            col("post_id", "bigint", "N"),
        ],
        vec![pkey("comments", "id"), fkey("comments", "post_id", "posts")],
    );
    let sequence = owned_sequence("posts", "id", "bigint", i64::MAX);
    insta::assert_snapshot!(plan_diff(
        &realm(vec![users.clone()], vec![]),
        &realm(vec![users, posts, comments], vec![sequence])
    ));
}

#[test]
fn keeps_the_key_that_closes_a_cycle_of_new_tables_for_after_them() {
    let node = |n: &str, other: &str| {
        table(
            n,
            vec![
                not_null(col("id", "integer", "N")),
                col(&format!("{other}_id"), "integer", "N"),
            ],
            vec![pkey(n, "id"), fkey(n, &format!("{other}_id"), other)],
        )
    };
    insta::assert_snapshot!(plan_diff(
        &realm(vec![], vec![]),
        &realm(
            vec![node("node_a", "node_b"), node("node_b", "node_a")],
            vec![]
        )
    ));
}

#[test]
fn a_key_into_a_unique_index_created_later_stays_after_it() {
    let mut codes = table("codes", vec![not_null(col("id", "integer", "N"))], vec![]);
    codes.indexes.push(index(
        "codes_id_idx",
        "CREATE UNIQUE INDEX codes_id_idx ON public.codes USING btree (id)",
        true,
    ));
    let uses = table(
        "uses",
        vec![col("code_id", "integer", "N")],
        vec![fkey("uses", "code_id", "codes")],
    );
    let plan = plan_diff(&realm(vec![], vec![]), &realm(vec![codes, uses], vec![]));
    assert!(
        plan.contains(r#"ALTER TABLE "public"."uses" ADD CONSTRAINT "uses_code_id_fkey""#),
        "{plan}"
    );
}

#[test]
fn a_sequence_another_table_uses_before_its_owner_is_created_stays_explicit() {
    let owner = table(
        "b_items",
        vec![counter("id", "integer", "b_items_id_seq")],
        vec![],
    );
    let user = table(
        "a_users",
        vec![counter("item_no", "integer", "b_items_id_seq")],
        vec![],
    );
    let sequence = owned_sequence("b_items", "id", "integer", i32::MAX as i64);
    let plan = plan_diff(
        &realm(vec![], vec![]),
        &realm(vec![user, owner], vec![sequence]),
    );
    assert!(
        plan.contains(r#"CREATE SEQUENCE "public"."b_items_id_seq" AS integer;"#),
        "{plan}"
    );
    assert!(!plan.contains("serial"), "{plan}");
}
