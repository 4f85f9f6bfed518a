//! Runs the PostgreSQL planner's SQL on a real server: for each scenario, the forward plan
//! applied to a database holding `current` must leave it dumping exactly like a database loaded
//! with `desired`, and the reverse plan must bring it back to `current` (where PostgreSQL can).
//!
//! The changes are written by hand with the server's canonical texts, so these tests prove the
//! rendering alone, independently of the inspector and the diff.

use schemactl::diff::{Change, CommentTarget, RowSecurity};
use schemactl::plan::postgres::PostgresPlanner;
use schemactl::plan::{Plan, Planner};
use schemactl::schema::*;
use std::collections::BTreeSet;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

fn server_url() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".to_string())
}

/// A scratch database on the test server, dropped when the value goes out of scope.
struct ScratchDb {
    name: String,
    url: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl ScratchDb {
    fn create() -> Self {
        let name = format!(
            "schemactl_plan_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        psql(&server_url(), &format!("CREATE DATABASE \"{name}\"")).unwrap();
        let mut url = url::Url::parse(&server_url()).unwrap();
        url.set_path(&name);
        Self {
            name,
            url: url.to_string(),
        }
    }

    fn run(&self, sql: &str) -> Result<(), String> {
        psql(&self.url, sql)
    }

    /// The schema as pg_dump prints it, without comments and session noise.
    fn dump(&self) -> String {
        let output = Command::new("pg_dump")
            .args([
                "--schema-only",
                "--no-owner",
                "--no-privileges",
                "-d",
                &self.url,
            ])
            .output()
            .expect("pg_dump runs");
        assert!(
            output.status.success(),
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .filter(|l| {
                !l.is_empty()
                    && !l.starts_with("--")
                    && !l.starts_with("\\restrict")
                    && !l.starts_with("\\unrestrict")
                    && !l.starts_with("SET ")
                    && !l.starts_with("SELECT pg_catalog.set_config")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        let _ = psql(
            &server_url(),
            &format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
        );
    }
}

/// Runs a script with psql, one statement at a time in autocommit mode, stopping at the first error.
fn psql(url: &str, sql: &str) -> Result<(), String> {
    let output = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .expect("psql runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Whether the reverse plan can restore `current` exactly.
#[derive(PartialEq)]
enum Reverse {
    Restores,
    /// PostgreSQL cannot undo it (enum values); the reverse must still run.
    RunsOnly,
}

/// Applies the plan of `changes` to `current` and checks convergence to `desired`, then
/// applies the reverse plan.
fn check(current: &str, desired: &str, changes: Vec<Change>, reverse: Reverse) -> Plan {
    let plan = PostgresPlanner.plan(&changes).unwrap();
    let (a, b) = (ScratchDb::create(), ScratchDb::create());
    a.run(current).expect("current loads");
    b.run(desired).expect("desired loads");
    let before = a.dump();
    assert!(
        desired.trim().is_empty() || b.dump().contains("CREATE"),
        "the dump of desired is empty"
    );

    let forward = plan.to_sql();
    if let Err(e) = a.run(&forward) {
        panic!("forward plan fails: {e}\n{forward}");
    }
    assert_eq!(
        a.dump(),
        b.dump(),
        "forward plan does not converge:\n{forward}"
    );

    let backward = plan.to_reverse_sql();
    if let Err(e) = a.run(&backward) {
        panic!("reverse plan fails: {e}\n{backward}");
    }
    if reverse == Reverse::Restores {
        assert_eq!(
            a.dump(),
            before,
            "reverse plan does not restore:\n{backward}"
        );
    }
    plan
}

// ---- model builders -------------------------------------------------------------------------

fn public(name: &str) -> QualifiedName {
    QualifiedName::new("public", name)
}

fn col(name: &str, sql: &str, category: char) -> Column {
    Column {
        name: name.into(),
        data_type: DataType::pg(sql, category),
        not_null: false,
        default: None,
        identity: None,
        generated: None,
        collation: None,
        comment: None,
        attrs: Default::default(),
    }
}

fn user_type(schema: &str, name: &str, category: char) -> DataType {
    DataType {
        sql: format!("{schema}.{name}"),
        base: name.into(),
        schema: Some(schema.into()),
        array_dims: 0,
        category: TypeCategory::Postgres(PgCategory::from_letter(category)),
    }
}

fn seq_options(data_type: &str, start: i64, increment: i64, min: i64, max: i64) -> SequenceOptions {
    SequenceOptions {
        data_type: data_type.into(),
        start,
        increment,
        min_value: min,
        max_value: max,
        cache: 1,
        cycle: false,
    }
}

fn constraint(name: &str, kind: ConstraintKind, definition: &str) -> Constraint {
    Constraint {
        name: name.into(),
        kind,
        definition: definition.into(),
        columns: Vec::new(),
        references: None,
        referenced_columns: Vec::new(),
        validated: !definition.ends_with("NOT VALID"),
        deferrable: false,
        initially_deferred: false,
        comment: None,
    }
}

fn index(name: &str, definition: &str) -> Index {
    Index {
        name: name.into(),
        definition: definition.into(),
        unique: definition.starts_with("CREATE UNIQUE"),
        method: "btree".into(),
        parts: Vec::new(),
        include: Vec::new(),
        predicate: None,
        nulls_not_distinct: false,
        comment: None,
        invisible: false,
    }
}

fn type_def(name: &str, kind: TypeKind) -> TypeDef {
    TypeDef {
        name: name.into(),
        kind,
        comment: None,
        depends_on: BTreeSet::new(),
    }
}

fn enum_def(name: &str, labels: &[&str]) -> TypeDef {
    type_def(
        name,
        TypeKind::Enum {
            labels: labels.iter().map(|l| l.to_string()).collect(),
        },
    )
}

// ---- scenarios ------------------------------------------------------------------------------

#[test]
fn creates_a_table_with_identity_generated_defaults_and_constraints() {
    let mut id = col("id", "bigint", 'N');
    id.not_null = true;
    id.identity = Some(Identity {
        always: true,
        sequence: seq_options("bigint", 10, 5, 1, i64::MAX),
    });
    let mut email = col("email", "character varying(255)", 'S');
    email.not_null = true;
    let mut nick = col("nick", "text", 'S');
    nick.collation = Some("\"C\"".into());
    nick.default = Some("'it''s me'::text".into());
    let mut created_at = col("created_at", "timestamp with time zone", 'D');
    created_at.not_null = true;
    created_at.default = Some("now()".into());
    let mut upper = col("email_upper", "text", 'S');
    upper.generated = Some("upper((email)::text)".into());
    let table = Table {
        name: "users".into(),
        columns: vec![id, email, nick, created_at, upper],
        constraints: vec![
            constraint(
                "users_email_check",
                ConstraintKind::Check,
                "CHECK (((email)::text <> ''::text)) NOT VALID",
            ),
            constraint("users_email_key", ConstraintKind::Unique, "UNIQUE (email)"),
            constraint("users_pkey", ConstraintKind::PrimaryKey, "PRIMARY KEY (id)"),
        ],
        options: vec!["fillfactor=70".into()],
        ..Table::default()
    };
    let desired = r#"
        CREATE TABLE users (
          id bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5),
          email varchar(255) NOT NULL,
          nick text COLLATE "C" DEFAULT 'it''s me',
          created_at timestamptz NOT NULL DEFAULT now(),
          email_upper text GENERATED ALWAYS AS (upper(email)) STORED,
          CONSTRAINT users_pkey PRIMARY KEY (id),
          CONSTRAINT users_email_key UNIQUE (email)
        ) WITH (fillfactor=70);
        ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '') NOT VALID;
        CREATE INDEX users_created_at_idx ON users (created_at DESC);
    "#;
    let plan = check(
        "",
        desired,
        vec![
            Change::CreateTable {
                name: public("users"),
                table,
            },
            Change::CreateIndex {
                on: public("users"),
                index: index(
                    "users_created_at_idx",
                    "CREATE INDEX users_created_at_idx ON public.users USING btree (created_at DESC)",
                ),
            },
        ],
        Reverse::Restores,
    );
    // The index is built on a table created by the same plan: nothing to lock.
    assert!(plan.steps[1].statements[0].risks.is_empty());
}

#[test]
fn changes_a_text_column_to_integer_with_using_and_keeps_the_data() {
    let mut from = col("age", "text", 'S');
    from.default = Some("'0'::text".into());
    let mut to = col("age", "integer", 'N');
    to.default = Some("0".into());
    to.not_null = true;
    let current =
        "CREATE TABLE people (id int, age text DEFAULT '0'); INSERT INTO people VALUES (1, '42');";
    let desired = "CREATE TABLE people (id int, age integer NOT NULL DEFAULT 0);";
    let change = Change::AlterColumn {
        table: public("people"),
        from,
        to,
    };
    let plan = PostgresPlanner.plan(std::slice::from_ref(&change)).unwrap();
    assert!(plan.to_sql().contains(r#"USING "age"::integer"#));
    check(current, desired, vec![change], Reverse::Restores);
}

#[test]
fn widens_and_narrows_types_without_using() {
    let current =
        "CREATE TABLE t (name varchar(10), amount numeric(10,3), n integer, at timestamp);";
    let desired = "CREATE TABLE t (name text, amount numeric(12,2), n bigint, at timestamptz);";
    let pairs = [
        ("name", ("character varying(10)", 'S'), ("text", 'S')),
        ("amount", ("numeric(10,3)", 'N'), ("numeric(12,2)", 'N')),
        ("n", ("integer", 'N'), ("bigint", 'N')),
        (
            "at",
            ("timestamp without time zone", 'D'),
            ("timestamp with time zone", 'D'),
        ),
    ];
    let changes: Vec<Change> = pairs
        .iter()
        .map(|(name, (f, fc), (t, tc))| Change::AlterColumn {
            table: public("t"),
            from: col(name, f, *fc),
            to: col(name, t, *tc),
        })
        .collect();
    let plan = check(current, desired, changes, Reverse::Restores);
    assert!(!plan.to_sql().contains("USING"));
}

#[test]
fn adds_a_foreign_key_not_valid_without_scanning() {
    let current =
        "CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE orders (id int, user_id bigint);";
    let desired = format!(
        "{current} ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE NOT VALID;"
    );
    let mut fk = constraint(
        "orders_user_id_fkey",
        ConstraintKind::ForeignKey,
        "FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE NOT VALID",
    );
    fk.references = Some(public("users"));
    let plan = check(
        current,
        &desired,
        vec![Change::AddConstraint {
            table: public("orders"),
            constraint: fk,
        }],
        Reverse::Restores,
    );
    assert!(plan.steps[0].statements[0].risks.is_empty());
}

#[test]
fn adds_enum_values_in_place_and_cannot_take_them_back() {
    let current = "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t (m mood);";
    let desired = "CREATE TYPE mood AS ENUM ('very sad', 'sad', 'meh', 'ok', 'it''s great'); CREATE TABLE t (m mood);";
    let plan = check(
        current,
        desired,
        vec![Change::AlterType {
            name: public("mood"),
            from: enum_def("mood", &["sad", "ok"]),
            to: enum_def("mood", &["very sad", "sad", "meh", "ok", "it's great"]),
        }],
        Reverse::RunsOnly,
    );
    assert!(plan.statements().all(|s| !s.transactional));
    assert!(plan.to_reverse_sql().starts_with("-- "));
}

#[test]
fn converts_a_column_between_enum_types_through_text() {
    let current = "CREATE TYPE old_status AS ENUM ('a', 'b'); CREATE TYPE new_status AS ENUM ('a', 'b', 'c');
                   CREATE TABLE items (status old_status DEFAULT 'a'); INSERT INTO items VALUES ('b');";
    let desired =
        "CREATE TYPE old_status AS ENUM ('a', 'b'); CREATE TYPE new_status AS ENUM ('a', 'b', 'c');
                   CREATE TABLE items (status new_status DEFAULT 'c');";
    let mut from = col("status", "", 'X');
    from.data_type = user_type("public", "old_status", 'E');
    from.default = Some("'a'::public.old_status".into());
    let mut to = col("status", "", 'X');
    to.data_type = user_type("public", "new_status", 'E');
    to.default = Some("'c'::public.new_status".into());
    check(
        current,
        desired,
        vec![Change::AlterColumn {
            table: public("items"),
            from,
            to,
        }],
        Reverse::Restores,
    );
}

#[test]
fn creates_a_domain_with_default_not_null_and_checks() {
    let desired = "CREATE DOMAIN positive AS integer DEFAULT 1 NOT NULL CONSTRAINT positive_check CHECK (VALUE > 0);
                   ALTER DOMAIN positive ADD CONSTRAINT positive_small CHECK (VALUE < 1000) NOT VALID;";
    let def = type_def(
        "positive",
        TypeKind::Domain {
            base: DataType::pg("integer", 'N'),
            not_null: true,
            default: Some("1".into()),
            collation: None,
            checks: vec![
                DomainCheck {
                    name: "positive_check".into(),
                    definition: "CHECK ((VALUE > 0))".into(),
                },
                DomainCheck {
                    name: "positive_small".into(),
                    definition: "CHECK ((VALUE < 1000)) NOT VALID".into(),
                },
            ],
        },
    );
    check(
        "",
        desired,
        vec![Change::CreateType {
            name: public("positive"),
            def,
        }],
        Reverse::Restores,
    );
}

#[test]
fn alters_a_domain_in_place() {
    let current = "CREATE DOMAIN code AS text DEFAULT 'x' NOT NULL CONSTRAINT code_len CHECK (length(VALUE) < 5);";
    let desired = "CREATE DOMAIN code AS text CONSTRAINT code_len CHECK (length(VALUE) < 9);";
    let domain = |default: Option<&str>, not_null: bool, check: &str| {
        type_def(
            "code",
            TypeKind::Domain {
                base: DataType::pg("text", 'S'),
                not_null,
                default: default.map(String::from),
                collation: None,
                checks: vec![DomainCheck {
                    name: "code_len".into(),
                    definition: check.into(),
                }],
            },
        )
    };
    check(
        current,
        desired,
        vec![Change::AlterType {
            name: public("code"),
            from: domain(Some("'x'::text"), true, "CHECK ((length(VALUE) < 5))"),
            to: domain(None, false, "CHECK ((length(VALUE) < 9))"),
        }],
        Reverse::Restores,
    );
}

#[test]
fn enables_row_security_and_creates_policies() {
    let current = "CREATE TABLE docs (owner text);";
    let desired = "CREATE TABLE docs (owner text); ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
        CREATE POLICY \"owner's docs\" ON docs AS RESTRICTIVE FOR SELECT TO schemactl_plan_reader, PUBLIC USING (owner = CURRENT_USER);
        CREATE POLICY docs_insert ON docs FOR INSERT WITH CHECK (owner <> '');";
    // Roles are cluster-wide: make sure it exists before either database loads.
    let _ = psql(&server_url(), "CREATE ROLE schemactl_plan_reader");
    check(
        current,
        desired,
        vec![
            Change::SetRowSecurity {
                table: public("docs"),
                from: RowSecurity::default(),
                to: RowSecurity {
                    enabled: true,
                    forced: false,
                },
            },
            Change::CreatePolicy {
                table: public("docs"),
                policy: Policy {
                    name: "owner's docs".into(),
                    permissive: false,
                    command: "SELECT".into(),
                    roles: vec!["public".into(), "schemactl_plan_reader".into()],
                    using: Some("(owner = CURRENT_USER)".into()),
                    with_check: None,
                    comment: None,
                },
            },
            Change::CreatePolicy {
                table: public("docs"),
                policy: Policy {
                    name: "docs_insert".into(),
                    permissive: true,
                    command: "INSERT".into(),
                    roles: vec!["public".into()],
                    using: None,
                    with_check: Some("(owner <> ''::text)".into()),
                    comment: None,
                },
            },
        ],
        Reverse::Restores,
    );
}

#[test]
fn comments_keep_quotes_and_backslashes_exactly() {
    let current = "CREATE TABLE notes (body text);";
    let desired = r"CREATE TABLE notes (body text);
        COMMENT ON TABLE notes IS 'it''s a table';
        COMMENT ON COLUMN notes.body IS 'C:\temp\new ''quoted''';";
    check(
        current,
        desired,
        vec![
            Change::SetComment {
                target: CommentTarget::Table {
                    name: public("notes"),
                },
                from: None,
                to: Some("it's a table".into()),
            },
            Change::SetComment {
                target: CommentTarget::Column {
                    table: public("notes"),
                    column: "body".into(),
                },
                from: None,
                to: Some(r"C:\temp\new 'quoted'".into()),
            },
        ],
        Reverse::Restores,
    );
}

#[test]
fn creates_a_sequence_then_owns_it_by_the_column_using_it() {
    let desired = "CREATE SEQUENCE tickets_no_seq AS integer INCREMENT BY 10 MAXVALUE 100000 START WITH 100 CACHE 5 CYCLE;
        CREATE TABLE tickets (no integer NOT NULL DEFAULT nextval('tickets_no_seq'));
        ALTER SEQUENCE tickets_no_seq OWNED BY tickets.no;";
    let sequence = Sequence {
        name: "tickets_no_seq".into(),
        options: SequenceOptions {
            cache: 5,
            cycle: true,
            ..seq_options("integer", 100, 10, 1, 100_000)
        },
        owned_by: None,
        comment: None,
    };
    let mut owned = sequence.clone();
    owned.owned_by = Some(SequenceOwner {
        table: public("tickets"),
        column: "no".into(),
    });
    let mut no = col("no", "integer", 'N');
    no.not_null = true;
    no.default = Some("nextval('public.tickets_no_seq'::regclass)".into());
    check(
        "",
        desired,
        vec![
            Change::CreateSequence {
                name: public("tickets_no_seq"),
                sequence: sequence.clone(),
            },
            Change::CreateTable {
                name: public("tickets"),
                table: Table {
                    name: "tickets".into(),
                    columns: vec![no],
                    ..Table::default()
                },
            },
            Change::AlterSequence {
                name: public("tickets_no_seq"),
                from: sequence,
                to: owned,
            },
        ],
        Reverse::Restores,
    );
}

#[test]
fn turns_a_serial_column_into_an_identity_and_adjusts_it() {
    let current = "CREATE TABLE color (id integer, name text);";
    let desired = "CREATE TABLE color (id integer GENERATED ALWAYS AS IDENTITY (START WITH -100 INCREMENT BY 5 MINVALUE -100 MAXVALUE 100), name text);";
    let from = col("id", "integer", 'N');
    let mut to = from.clone();
    to.not_null = true;
    to.identity = Some(Identity {
        always: true,
        sequence: seq_options("integer", -100, 5, -100, 100),
    });
    let mut by_default = to.clone();
    by_default.identity = Some(Identity {
        always: false,
        sequence: seq_options("integer", 1, 1, 1, i32::MAX as i64),
    });
    // In two steps, so that both ADD GENERATED and SET GENERATED / SET options run.
    check(
        current,
        desired,
        vec![
            Change::AlterColumn {
                table: public("color"),
                from,
                to: by_default.clone(),
            },
            Change::AlterColumn {
                table: public("color"),
                from: by_default,
                to,
            },
        ],
        Reverse::Restores,
    );
}

#[test]
fn creates_partitions_views_functions_and_disabled_triggers() {
    let desired = r#"
        CREATE TABLE events (at date NOT NULL, kind text DEFAULT 'x') PARTITION BY RANGE (at);
        CREATE TABLE events_2024 PARTITION OF events (kind WITH OPTIONS DEFAULT 'y') FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE events_rest PARTITION OF events DEFAULT;
        ALTER TABLE events_rest ALTER COLUMN kind DROP DEFAULT;
        CREATE VIEW recent WITH (check_option=local) AS SELECT at, kind FROM events WHERE at > '2024-06-01';
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$begin return new; end$$;
        CREATE TRIGGER events_touch BEFORE INSERT ON events_2024 FOR EACH ROW EXECUTE FUNCTION touch();
        ALTER TABLE events_2024 DISABLE TRIGGER events_touch;
    "#;
    let mut at = col("at", "date", 'D');
    at.not_null = true;
    let mut kind = col("kind", "text", 'S');
    kind.default = Some("'x'::text".into());
    let parent = Table {
        name: "events".into(),
        columns: vec![at.clone(), kind.clone()],
        partition_by: Some("RANGE (at)".into()),
        ..Table::default()
    };
    let partition = |name: &str, default: Option<&str>, bound: &str| {
        let mut kind = kind.clone();
        kind.default = default.map(String::from);
        Table {
            name: name.into(),
            columns: vec![at.clone(), kind],
            partition_of: Some(PartitionOf {
                parent: public("events"),
                bound: bound.into(),
            }),
            ..Table::default()
        }
    };
    let view = View {
        name: "recent".into(),
        definition: " SELECT events.at,\n    events.kind\n   FROM public.events\n  WHERE (events.at > '2024-06-01'::date);".into(),
        options: vec!["check_option=local".into()],
        ..View::default()
    };
    let function = Function {
        name: "touch".into(),
        kind: RoutineKind::Function,
        identity_arguments: String::new(),
        returns: Some("trigger".into()),
        language: "plpgsql".into(),
        definition: "CREATE OR REPLACE FUNCTION public.touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$begin return new; end$function$\n".into(),
        comment: None,
        depends_on: BTreeSet::new(),
    };
    check(
        "",
        desired,
        vec![
            Change::CreateTable { name: public("events"), table: parent },
            Change::CreateTable {
                name: public("events_2024"),
                table: partition("events_2024", Some("'y'::text"), "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"),
            },
            Change::CreateTable { name: public("events_rest"), table: partition("events_rest", None, "DEFAULT") },
            Change::CreateView { name: public("recent"), view },
            Change::CreateFunction { name: public("touch"), function },
            Change::CreateTrigger {
                on: public("events_2024"),
                trigger: Trigger {
                    name: "events_touch".into(),
                    definition: "CREATE TRIGGER events_touch BEFORE INSERT ON public.events_2024 FOR EACH ROW EXECUTE FUNCTION public.touch()".into(),
                    function: public("touch"),
                    enabled: schemactl::schema::TriggerState::Disabled,
                    comment: None,
                },
            },
        ],
        Reverse::Restores,
    );
}

#[test]
fn detaches_and_reattaches_a_partition() {
    let current = "CREATE TABLE m (k int) PARTITION BY LIST (k); CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1, 2);";
    let desired = "CREATE TABLE m (k int) PARTITION BY LIST (k); CREATE TABLE m1 (k int);";
    check(
        current,
        desired,
        vec![Change::DetachPartition {
            table: public("m1"),
            partition_of: PartitionOf {
                parent: public("m"),
                bound: "FOR VALUES IN (1, 2)".into(),
            },
        }],
        Reverse::Restores,
    );
}

#[test]
fn alters_composite_types_and_storage_options() {
    // reloptions keep the order they were set in; pg_dump shows that order, so the current
    // state lists them in the order the reverse plan will produce.
    let current = "CREATE TYPE pair AS (a integer, b text); CREATE TABLE s (x int) WITH (autovacuum_enabled=false, fillfactor=70);";
    let desired = "CREATE TYPE pair AS (a bigint, c text COLLATE \"C\"); CREATE UNLOGGED TABLE s (x int) WITH (fillfactor=80);";
    let attr = |name: &str, sql: &str, collation: Option<&str>| CompositeAttribute {
        name: name.into(),
        data_type: DataType::pg(sql, 'N'),
        collation: collation.map(String::from),
    };
    check(
        current,
        desired,
        vec![
            Change::AlterType {
                name: public("pair"),
                from: type_def(
                    "pair",
                    TypeKind::Composite {
                        attributes: vec![attr("a", "integer", None), attr("b", "text", None)],
                    },
                ),
                to: type_def(
                    "pair",
                    TypeKind::Composite {
                        attributes: vec![
                            attr("a", "bigint", None),
                            attr("c", "text", Some("\"C\"")),
                        ],
                    },
                ),
            },
            Change::SetTableOptions {
                table: public("s"),
                from: schemactl::diff::TableOptions {
                    unlogged: false,
                    options: vec!["autovacuum_enabled=false".into(), "fillfactor=70".into()],
                    ..Default::default()
                },
                to: schemactl::diff::TableOptions {
                    unlogged: true,
                    options: vec!["fillfactor=80".into()],
                    ..Default::default()
                },
            },
        ],
        Reverse::Restores,
    );
}

#[test]
fn comments_on_every_kind_of_object() {
    let current = r#"
        CREATE EXTENSION IF NOT EXISTS pgcrypto;
        CREATE SCHEMA app;
        CREATE TYPE app.mood AS ENUM ('a');
        CREATE DOMAIN app.pos AS integer;
        CREATE SEQUENCE app.seq;
        CREATE TABLE app.t (id int CONSTRAINT t_pkey PRIMARY KEY, v int);
        CREATE INDEX t_v_idx ON app.t (v);
        CREATE VIEW app.v AS SELECT id FROM app.t;
        CREATE MATERIALIZED VIEW app.mv AS SELECT id FROM app.t;
        CREATE FUNCTION app.f(a integer, b text) RETURNS integer LANGUAGE sql AS 'SELECT a';
        CREATE PROCEDURE app.p(a integer) LANGUAGE sql AS 'SELECT 1';
        CREATE FUNCTION app.tf() RETURNS trigger LANGUAGE plpgsql AS $$begin return new; end$$;
        CREATE TRIGGER t_trg BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.tf();
        CREATE POLICY t_pol ON app.t USING (true);
    "#;
    let targets = [
        (
            "EXTENSION pgcrypto",
            CommentTarget::Extension {
                name: "pgcrypto".into(),
            },
        ),
        ("SCHEMA app", CommentTarget::Schema { name: "app".into() }),
        ("TYPE app.mood", CommentTarget::Type { name: app("mood") }),
        ("DOMAIN app.pos", CommentTarget::Domain { name: app("pos") }),
        (
            "SEQUENCE app.seq",
            CommentTarget::Sequence { name: app("seq") },
        ),
        ("TABLE app.t", CommentTarget::Table { name: app("t") }),
        (
            "COLUMN app.t.v",
            CommentTarget::Column {
                table: app("t"),
                column: "v".into(),
            },
        ),
        (
            "INDEX app.t_v_idx",
            CommentTarget::Index {
                name: app("t_v_idx"),
            },
        ),
        (
            "CONSTRAINT t_pkey ON app.t",
            CommentTarget::Constraint {
                table: app("t"),
                name: "t_pkey".into(),
            },
        ),
        (
            "TRIGGER t_trg ON app.t",
            CommentTarget::Trigger {
                on: app("t"),
                name: "t_trg".into(),
            },
        ),
        (
            "POLICY t_pol ON app.t",
            CommentTarget::Policy {
                table: app("t"),
                name: "t_pol".into(),
            },
        ),
        ("VIEW app.v", CommentTarget::View { name: app("v") }),
        (
            "COLUMN app.v.id",
            CommentTarget::ViewColumn {
                view: app("v"),
                column: "id".into(),
            },
        ),
        (
            "MATERIALIZED VIEW app.mv",
            CommentTarget::MaterializedView { name: app("mv") },
        ),
        (
            "FUNCTION app.f(integer, text)",
            CommentTarget::Function {
                name: app("f"),
                arguments: "a integer, b text".into(),
                procedure: false,
            },
        ),
        (
            "PROCEDURE app.p(integer)",
            CommentTarget::Function {
                name: app("p"),
                arguments: "IN a integer".into(),
                procedure: true,
            },
        ),
    ];
    let mut desired = current.to_string();
    let mut changes = Vec::new();
    for (object, target) in targets {
        let text = format!("on {object}: it's");
        desired.push_str(&format!(
            "COMMENT ON {object} IS '{}';\n",
            text.replace('\'', "''")
        ));
        // The extension comes with a comment of its own.
        let from = matches!(target, CommentTarget::Extension { .. })
            .then(|| "cryptographic functions".to_string());
        changes.push(Change::SetComment {
            target,
            from,
            to: Some(text),
        });
    }
    check(current, &desired, changes, Reverse::Restores);
}

fn app(name: &str) -> QualifiedName {
    QualifiedName::new("app", name)
}

#[test]
fn replaces_views_and_alters_policies() {
    let current = r#"
        CREATE TABLE t (id int, owner text);
        CREATE VIEW v WITH (security_barrier=true) AS SELECT id FROM t;
        CREATE POLICY p ON t FOR SELECT USING (owner = 'a');
        CREATE POLICY q ON t FOR UPDATE USING (true) WITH CHECK (true);
    "#;
    let desired = r#"
        CREATE TABLE t (id int, owner text);
        CREATE VIEW v AS SELECT id, owner FROM t;
        CREATE POLICY p ON t FOR SELECT USING (owner = 'b');
        CREATE POLICY q ON t FOR UPDATE USING (true);
    "#;
    let view = |definition: &str, columns: &[&str], options: Vec<String>| View {
        name: "v".into(),
        definition: definition.into(),
        columns: columns
            .iter()
            .map(|c| ViewColumn {
                name: c.to_string(),
                data_type: DataType::pg(if *c == "id" { "integer" } else { "text" }, 'N'),
                comment: None,
            })
            .collect(),
        options,
        ..View::default()
    };
    let policy = |name: &str, command: &str, using: &str, check: Option<&str>| Policy {
        name: name.into(),
        permissive: true,
        command: command.into(),
        roles: vec!["public".into()],
        using: Some(using.into()),
        with_check: check.map(String::from),
        comment: None,
    };
    check(
        current,
        desired,
        vec![
            Change::ReplaceView {
                name: public("v"),
                from: view(
                    " SELECT t.id\n   FROM public.t;",
                    &["id"],
                    vec!["security_barrier=true".into()],
                ),
                to: view(
                    " SELECT t.id,\n    t.owner\n   FROM public.t;",
                    &["id", "owner"],
                    vec![],
                ),
            },
            Change::AlterPolicy {
                table: public("t"),
                from: policy("p", "SELECT", "(owner = 'a'::text)", None),
                to: policy("p", "SELECT", "(owner = 'b'::text)", None),
            },
            Change::AlterPolicy {
                table: public("t"),
                from: policy("q", "UPDATE", "true", Some("true")),
                to: policy("q", "UPDATE", "true", None),
            },
        ],
        Reverse::Restores,
    );
}

#[test]
fn creates_an_index_on_a_partitioned_table_for_every_partition() {
    let current = "CREATE TABLE ev (at date, kind text) PARTITION BY RANGE (at);
        CREATE TABLE ev_2024 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
    let desired = format!("{current} CREATE INDEX ev_kind_idx ON ev (kind);");
    check(
        current,
        &desired,
        vec![Change::CreateIndex {
            on: public("ev"),
            index: index(
                "ev_kind_idx",
                "CREATE INDEX ev_kind_idx ON ONLY public.ev USING btree (kind)",
            ),
        }],
        Reverse::Restores,
    );
}
