//! Inspection of real PostgreSQL databases into the schema model, one object kind at a time.

use schemactl::driver::Scope;
use schemactl::driver::postgres::{
    PgConnectOptions, PgConnection, connect, execute_each, inspect_realm, server_version,
};
use schemactl::schema::{
    CollationProvider, ConstraintKind, IndexKey, IndexPart, ObjectRef, PgCategory, QualifiedName,
    Realm, RoutineKind, Table, TypeCategory, TypeKind, View,
};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

fn pg(category: PgCategory) -> TypeCategory {
    TypeCategory::Postgres(category)
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn admin_options() -> PgConnectOptions {
    let url = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".to_string());
    PgConnectOptions::from_str(&url).expect("test server URL")
}

/// A scratch database, dropped by [`TestDb::drop`].
struct TestDb {
    name: String,
    conn: PgConnection,
}

impl TestDb {
    async fn new() -> Self {
        let name = format!(
            "schemactl_inspect_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = connect(&admin_options()).await.expect("admin connection");
        execute_each(
            &mut admin,
            &[
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                format!("CREATE DATABASE {name}"),
            ],
        )
        .await
        .expect("create scratch database");
        let conn = connect(&admin_options().database(&name))
            .await
            .expect("scratch connection");
        Self { name, conn }
    }

    async fn with(ddl: &str) -> Self {
        let mut db = Self::new().await;
        db.load(ddl).await;
        db
    }

    async fn load(&mut self, ddl: &str) {
        if let Err(error) = execute_each(&mut self.conn, &[ddl.to_string()]).await {
            panic!("loading DDL failed: {error}");
        }
    }

    async fn inspect(&mut self) -> Realm {
        self.try_inspect().await.expect("inspection")
    }

    async fn try_inspect(&mut self) -> anyhow::Result<Realm> {
        inspect_realm(&mut self.conn, &Scope::AllSchemas).await
    }

    async fn drop(self) {
        let Self { name, conn } = self;
        drop(conn);
        let mut admin = connect(&admin_options()).await.expect("admin connection");
        execute_each(
            &mut admin,
            &[format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")],
        )
        .await
        .expect("drop scratch database");
    }
}

async fn inspect_ddl(ddl: &str) -> Realm {
    let mut db = TestDb::with(ddl).await;
    let realm = db.inspect().await;
    db.drop().await;
    realm
}

fn table<'a>(realm: &'a Realm, name: &str) -> &'a Table {
    realm
        .table(&QualifiedName::new("public", name))
        .unwrap_or_else(|| panic!("table public.{name} missing"))
}

fn view<'a>(realm: &'a Realm, name: &str) -> &'a View {
    realm
        .view(&QualifiedName::new("public", name))
        .unwrap_or_else(|| panic!("view public.{name} missing"))
}

fn table_ref(name: &str) -> ObjectRef {
    ObjectRef::Table {
        schema: "public".into(),
        name: name.into(),
    }
}

#[tokio::test]
async fn serial_column_reads_as_integer_with_nextval_default_and_owned_sequence() {
    let realm = inspect_ddl("CREATE TABLE t (id serial PRIMARY KEY, note text)").await;
    let t = table(&realm, "t");
    let id = &t.columns[0];
    assert_eq!(id.name, "id");
    assert_eq!(id.data_type.sql, "integer");
    assert_eq!(id.data_type.category, pg(PgCategory::Numeric));
    assert!(id.not_null);
    assert_eq!(
        id.default.as_deref(),
        Some("nextval('public.t_id_seq'::regclass)")
    );
    assert!(id.identity.is_none());
    let sequence = &realm.schemas["public"].sequences["t_id_seq"];
    assert_eq!(sequence.options.data_type, "integer");
    assert_eq!(sequence.options.max_value, i64::from(i32::MAX));
    let owner = sequence.owned_by.as_ref().expect("owned sequence");
    assert_eq!(owner.table, QualifiedName::new("public", "t"));
    assert_eq!(owner.column, "id");
    assert!(t.depends_on.contains(&ObjectRef::Sequence {
        schema: "public".into(),
        name: "t_id_seq".into()
    }));
    let pk = &t.constraints[0];
    assert_eq!(pk.kind, ConstraintKind::PrimaryKey);
    assert_eq!(pk.definition, "PRIMARY KEY (id)");
    assert!(t.indexes.is_empty(), "the pk index is not a separate index");
}

#[tokio::test]
async fn type_spellings_inspect_equal() {
    let a =
        inspect_ddl("CREATE TABLE t (a int4, b varchar(10), c float8, d bool, e int[][])").await;
    let b = inspect_ddl(
        "CREATE TABLE t (a integer, b character varying(10), c double precision, d boolean, e integer[])",
    )
    .await;
    assert_eq!(a, b);
    let columns = &table(&a, "t").columns;
    assert_eq!(columns[1].data_type.sql, "character varying(10)");
    assert_eq!(columns[1].data_type.base, "character varying");
    assert_eq!(columns[4].data_type.sql, "integer[]");
    assert_eq!(columns[4].data_type.base, "integer");
    assert_eq!(columns[4].data_type.array_dims, 1);
    assert_eq!(columns[4].data_type.category, pg(PgCategory::Array));
}

#[tokio::test]
async fn identity_column_carries_its_sequence_options_and_hides_its_sequence() {
    let realm = inspect_ddl(
        "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5 CACHE 3),
                         n int GENERATED BY DEFAULT AS IDENTITY)",
    )
    .await;
    let t = table(&realm, "t");
    let id = t.columns[0].identity.as_ref().expect("identity");
    assert!(id.always);
    assert_eq!(id.sequence.data_type, "bigint");
    assert_eq!(id.sequence.start, 10);
    assert_eq!(id.sequence.increment, 5);
    assert_eq!(id.sequence.cache, 3);
    assert_eq!(id.sequence.max_value, i64::MAX);
    assert!(t.columns[0].default.is_none());
    let n = t.columns[1].identity.as_ref().expect("identity");
    assert!(!n.always);
    assert_eq!(n.sequence.data_type, "integer");
    assert!(realm.schemas["public"].sequences.is_empty());
    assert!(t.depends_on.is_empty(), "{:?}", t.depends_on);
}

#[tokio::test]
async fn generated_and_collated_columns() {
    let realm = inspect_ddl(
        r#"CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED,
                           c text COLLATE "C", d text, e text DEFAULT 'x')"#,
    )
    .await;
    let columns = &table(&realm, "t").columns;
    assert_eq!(columns[1].generated.as_deref(), Some("(a * 2)"));
    assert!(columns[1].default.is_none());
    assert_eq!(columns[2].collation.as_deref(), Some("\"C\""));
    assert!(columns[3].collation.is_none());
    assert_eq!(columns[4].default.as_deref(), Some("'x'::text"));
}

#[tokio::test]
async fn index_texts_cover_partial_expression_include_opclass_and_order() {
    let realm = inspect_ddl(
        "CREATE TABLE t (id int PRIMARY KEY, email text, name text, n int);
         CREATE UNIQUE INDEX t_email_lower ON t (lower(email));
         CREATE INDEX t_partial ON t (n DESC NULLS LAST) WHERE n > 0;
         CREATE INDEX t_include ON t (name) INCLUDE (email, n);
         CREATE INDEX t_opclass ON t (name text_pattern_ops);
         CREATE INDEX t_hash ON t USING hash (email);
         CREATE UNIQUE INDEX t_nnd ON t (n) NULLS NOT DISTINCT;
         CREATE INDEX t_zcollate ON t (name COLLATE \"C\" DESC NULLS LAST, lower(name) COLLATE \"C\");
         COMMENT ON INDEX t_hash IS 'by hash';",
    )
    .await;
    let indexes = &table(&realm, "t").indexes;
    let names: Vec<_> = indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "t_email_lower",
            "t_hash",
            "t_include",
            "t_nnd",
            "t_opclass",
            "t_partial",
            "t_zcollate"
        ]
    );
    let lower = &indexes[0];
    assert!(lower.unique);
    assert_eq!(
        lower.definition,
        "CREATE UNIQUE INDEX t_email_lower ON public.t USING btree (lower(email))"
    );
    assert_eq!(
        lower.parts,
        [IndexPart::new(IndexKey::Expression("lower(email)".into()))]
    );
    let hash = &indexes[1];
    assert_eq!(hash.method, "hash");
    assert_eq!(hash.comment.as_deref(), Some("by hash"));
    let include = &indexes[2];
    assert_eq!(
        include.parts,
        [IndexPart::new(IndexKey::Column("name".into()))]
    );
    assert_eq!(include.include, ["email", "n"]);
    assert!(indexes[3].nulls_not_distinct);
    assert!(indexes[4].definition.ends_with("(name text_pattern_ops)"));
    assert_eq!(
        indexes[4].parts[0].opclass.as_deref(),
        Some("text_pattern_ops")
    );
    let partial = &indexes[5];
    assert_eq!(partial.predicate.as_deref(), Some("(n > 0)"));
    let n = &partial.parts[0];
    assert_eq!(
        (n.descending, n.nulls_first, n.opclass.as_deref()),
        (true, Some(false), None)
    );
    let collated = &indexes[6].parts;
    assert_eq!(
        (collated[0].collation.as_deref(), collated[0].nulls_first),
        (Some("C"), Some(false))
    );
    assert_eq!(collated[1].key, IndexKey::Expression("lower(name)".into()));
    assert_eq!(collated[1].collation.as_deref(), Some("C"));
    assert_eq!(
        partial.definition,
        "CREATE INDEX t_partial ON public.t USING btree (n DESC NULLS LAST) WHERE (n > 0)"
    );
}

#[tokio::test]
async fn constraints_report_kind_columns_validation_and_deferral() {
    let realm = inspect_ddl(
        "CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE);
         CREATE TABLE c (id int, p_id int, age int,
             CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (id)
                 ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED);
         ALTER TABLE c ADD CONSTRAINT c_age CHECK (age > 0) NOT VALID;
         COMMENT ON CONSTRAINT c_age ON c IS 'positive';",
    )
    .await;
    let c = table(&realm, "c");
    let [age, fk] = c.constraints.as_slice() else {
        panic!("{:?}", c.constraints)
    };
    assert_eq!(age.kind, ConstraintKind::Check);
    assert_eq!(age.definition, "CHECK ((age > 0)) NOT VALID");
    assert!(!age.validated);
    assert_eq!(age.comment.as_deref(), Some("positive"));
    assert_eq!(fk.kind, ConstraintKind::ForeignKey);
    assert_eq!(
        fk.definition,
        "FOREIGN KEY (p_id) REFERENCES public.p(id) ON UPDATE SET NULL ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
    );
    assert_eq!(fk.columns, ["p_id"]);
    assert_eq!(fk.references, Some(QualifiedName::new("public", "p")));
    assert_eq!(fk.referenced_columns, ["id"]);
    assert!(fk.validated && fk.deferrable && fk.initially_deferred);
    assert!(c.depends_on.is_empty(), "foreign keys are not dependencies");
    let unique = &table(&realm, "p").constraints[0];
    assert_eq!(unique.kind, ConstraintKind::Unique);
    assert_eq!(unique.name, "p_code_key");
}

#[tokio::test]
async fn enum_labels_keep_declared_order_and_columns_use_the_qualified_type() {
    let realm = inspect_ddl(
        "CREATE TYPE mood AS ENUM ('sad', 'happy');
         ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';
         CREATE TABLE t (m mood, ms mood[]);
         COMMENT ON TYPE mood IS 'feelings';",
    )
    .await;
    let mood = &realm.schemas["public"].types["mood"];
    assert_eq!(
        mood.kind,
        TypeKind::Enum {
            labels: vec!["sad".into(), "ok".into(), "happy".into()]
        }
    );
    assert_eq!(mood.comment.as_deref(), Some("feelings"));
    let t = table(&realm, "t");
    assert_eq!(t.columns[0].data_type.sql, "public.mood");
    assert_eq!(t.columns[0].data_type.base, "mood");
    assert_eq!(t.columns[0].data_type.schema.as_deref(), Some("public"));
    assert_eq!(t.columns[0].data_type.category, pg(PgCategory::Enum));
    assert_eq!(t.columns[1].data_type.sql, "public.mood[]");
    assert_eq!(t.columns[1].data_type.array_dims, 1);
    let mood_ref = ObjectRef::Type {
        schema: "public".into(),
        name: "mood".into(),
    };
    assert_eq!(t.depends_on.iter().collect::<Vec<_>>(), [&mood_ref]);
}

#[tokio::test]
async fn domains_report_base_default_not_null_and_sorted_checks() {
    let realm = inspect_ddl(
        "CREATE DOMAIN posint AS integer NOT NULL DEFAULT 1
             CONSTRAINT posint_b CHECK (VALUE < 1000) CONSTRAINT posint_a CHECK (VALUE > 0);
         CREATE DOMAIN code AS text COLLATE \"C\";
         CREATE TABLE t (n posint);",
    )
    .await;
    let types = &realm.schemas["public"].types;
    let TypeKind::Domain {
        base,
        not_null,
        default,
        collation,
        checks,
    } = &types["posint"].kind
    else {
        panic!("not a domain")
    };
    assert_eq!(base.sql, "integer");
    assert!(*not_null);
    assert_eq!(default.as_deref(), Some("1"));
    assert!(collation.is_none());
    let checks: Vec<_> = checks
        .iter()
        .map(|c| (c.name.as_str(), c.definition.as_str()))
        .collect();
    assert_eq!(
        checks,
        [
            ("posint_a", "CHECK ((VALUE > 0))"),
            ("posint_b", "CHECK ((VALUE < 1000))")
        ]
    );
    let TypeKind::Domain { collation, .. } = &types["code"].kind else {
        panic!("not a domain")
    };
    assert_eq!(collation.as_deref(), Some("\"C\""));
    let column = &table(&realm, "t").columns[0];
    assert_eq!(column.data_type.sql, "public.posint");
    assert_eq!(column.data_type.category, pg(PgCategory::Numeric));
}

#[tokio::test]
async fn composite_and_range_types() {
    let realm = inspect_ddl(
        "CREATE TYPE pair AS (a integer, b text COLLATE \"C\");
         CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
         CREATE TABLE t (p pair, r floatrange);",
    )
    .await;
    let types = &realm.schemas["public"].types;
    let TypeKind::Composite { attributes } = &types["pair"].kind else {
        panic!("not composite")
    };
    assert_eq!(attributes.len(), 2);
    assert_eq!(attributes[1].data_type.sql, "text");
    assert_eq!(attributes[1].collation.as_deref(), Some("\"C\""));
    let TypeKind::Range { subtype, options } = &types["floatrange"].kind else {
        panic!("not range")
    };
    assert_eq!(subtype.sql, "double precision");
    assert_eq!(options, &["subtype_diff = float8mi".to_string()]);
    assert!(!realm.schemas["public"].tables.contains_key("pair"));
    assert_eq!(types.len(), 2, "no multirange or array types: {types:?}");
}

#[tokio::test]
async fn views_depend_on_what_their_query_reads() {
    let realm = inspect_ddl(
        "CREATE TABLE a (id int PRIMARY KEY, n int);
         CREATE TABLE b (id int);
         CREATE FUNCTION twice(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';
         CREATE VIEW v AS SELECT a.id, twice(a.n) AS n2 FROM a JOIN b USING (id);
         CREATE VIEW vv WITH (security_barrier) AS SELECT id FROM v WHERE id > 0 WITH LOCAL CHECK OPTION;
         CREATE MATERIALIZED VIEW mv AS SELECT id FROM a;
         CREATE UNIQUE INDEX mv_id ON mv (id);
         COMMENT ON VIEW v IS 'joined';
         COMMENT ON COLUMN v.n2 IS 'doubled';",
    )
    .await;
    let v = view(&realm, "v");
    assert!(!v.materialized);
    assert_eq!(v.comment.as_deref(), Some("joined"));
    assert_eq!(v.columns[1].name, "n2");
    assert_eq!(v.columns[1].data_type.sql, "integer");
    assert_eq!(v.columns[1].comment.as_deref(), Some("doubled"));
    assert!(
        v.definition.contains("public.twice(a.n)"),
        "{}",
        v.definition
    );
    let expected: Vec<ObjectRef> = vec![
        table_ref("a"),
        table_ref("b"),
        ObjectRef::Function {
            schema: "public".into(),
            signature: "twice(integer)".into(),
        },
    ];
    assert_eq!(v.depends_on.iter().cloned().collect::<Vec<_>>(), expected);
    let vv = view(&realm, "vv");
    assert_eq!(vv.options, ["check_option=local", "security_barrier=true"]);
    assert_eq!(
        vv.depends_on.iter().collect::<Vec<_>>(),
        [&ObjectRef::View {
            schema: "public".into(),
            name: "v".into()
        }]
    );
    let mv = view(&realm, "mv");
    assert!(mv.materialized);
    assert_eq!(mv.indexes.len(), 1);
    assert_eq!(mv.indexes[0].name, "mv_id");
}

#[tokio::test]
async fn functions_and_procedures_are_keyed_by_argument_types() {
    let realm = inspect_ddl(
        "CREATE TYPE mood AS ENUM ('a');
         CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql AS 'SELECT a + b';
         CREATE FUNCTION add(a text, b text) RETURNS text LANGUAGE sql AS 'SELECT a || b';
         CREATE FUNCTION pick(m mood) RETURNS SETOF mood LANGUAGE sql AS 'SELECT m';
         CREATE PROCEDURE touch(n int) LANGUAGE plpgsql AS $$ BEGIN PERFORM n; END $$;
         CREATE AGGREGATE total(int) (sfunc = int4pl, stype = int);
         COMMENT ON FUNCTION add(integer, integer) IS 'sum';",
    )
    .await;
    let functions = &realm.schemas["public"].functions;
    let keys: Vec<_> = functions.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "add(integer, integer)",
            "add(text, text)",
            "pick(public.mood)",
            "touch(integer)"
        ]
    );
    let add = &functions["add(integer, integer)"];
    assert_eq!(add.kind, RoutineKind::Function);
    assert_eq!(add.identity_arguments, "a integer, b integer");
    assert_eq!(add.returns.as_deref(), Some("integer"));
    assert_eq!(add.language, "sql");
    assert_eq!(add.comment.as_deref(), Some("sum"));
    assert!(
        add.definition
            .starts_with("CREATE OR REPLACE FUNCTION public.add(a integer, b integer)"),
        "{}",
        add.definition
    );
    let touch = &functions["touch(integer)"];
    assert_eq!(touch.kind, RoutineKind::Procedure);
    assert!(touch.returns.is_none());
    let pick = &functions["pick(public.mood)"];
    assert_eq!(pick.returns.as_deref(), Some("SETOF public.mood"));
    assert!(pick.depends_on.contains(&ObjectRef::Type {
        schema: "public".into(),
        name: "mood".into()
    }));
}

#[tokio::test]
async fn triggers_and_policies() {
    let realm = inspect_ddl(
        "CREATE TABLE t (id int, owner text);
         CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER t_stamp BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION stamp();
         ALTER TABLE t DISABLE TRIGGER t_stamp;
         CREATE VIEW v AS SELECT * FROM t;
         CREATE TRIGGER v_insert INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION stamp();
         ALTER TABLE t ENABLE ROW LEVEL SECURITY;
         ALTER TABLE t FORCE ROW LEVEL SECURITY;
         CREATE POLICY own ON t FOR UPDATE TO postgres USING (owner = current_user) WITH CHECK (id > 0);
         CREATE POLICY everyone ON t AS RESTRICTIVE USING (true);",
    )
    .await;
    let t = table(&realm, "t");
    let trigger = &t.triggers[0];
    assert_eq!(trigger.name, "t_stamp");
    assert_eq!(trigger.function, QualifiedName::new("public", "stamp"));
    assert_eq!(trigger.enabled, schemactl::schema::TriggerState::Disabled);
    assert_eq!(
        trigger.definition,
        "CREATE TRIGGER t_stamp BEFORE INSERT OR UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.stamp()"
    );
    assert_eq!(view(&realm, "v").triggers[0].name, "v_insert");
    assert!(t.row_security && t.force_row_security);
    let [everyone, own] = t.policies.as_slice() else {
        panic!("{:?}", t.policies)
    };
    assert!(!everyone.permissive);
    assert_eq!(everyone.command, "ALL");
    assert_eq!(everyone.roles, ["public"]);
    assert_eq!(own.command, "UPDATE");
    assert_eq!(own.roles, ["postgres"]);
    assert_eq!(own.using.as_deref(), Some("(owner = CURRENT_USER)"));
    assert_eq!(own.with_check.as_deref(), Some("(id > 0)"));
}

#[tokio::test]
async fn partitions_do_not_repeat_what_they_get_from_their_parent() {
    let realm = inspect_ddl(
        "CREATE TABLE m (id int, at date, n int CHECK (n > 0), PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
         CREATE INDEX m_n ON m (n);
         CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER m_stamp BEFORE INSERT ON m FOR EACH ROW EXECUTE FUNCTION stamp();
         CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
         CREATE TABLE base (id int, CHECK (id > 0));
         CREATE TABLE child (extra text) INHERITS (base);
         CREATE UNLOGGED TABLE scratch (x int) WITH (fillfactor = 70, autovacuum_enabled = false);",
    )
    .await;
    let m = table(&realm, "m");
    assert_eq!(m.partition_by.as_deref(), Some("RANGE (at)"));
    assert_eq!(m.constraints.len(), 2);
    assert_eq!(m.indexes.len(), 1);
    assert_eq!(m.triggers.len(), 1);
    let part = table(&realm, "m_2024");
    let of = part.partition_of.as_ref().expect("partition");
    assert_eq!(of.parent, QualifiedName::new("public", "m"));
    assert_eq!(of.bound, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
    assert!(part.inherits.is_empty());
    assert!(part.constraints.is_empty(), "{:?}", part.constraints);
    assert!(part.indexes.is_empty(), "{:?}", part.indexes);
    assert!(part.triggers.is_empty(), "{:?}", part.triggers);
    let child = table(&realm, "child");
    assert_eq!(child.inherits, [QualifiedName::new("public", "base")]);
    assert!(child.constraints.is_empty());
    assert!(child.depends_on.contains(&table_ref("base")));
    let scratch = table(&realm, "scratch");
    assert!(scratch.unlogged);
    assert_eq!(
        scratch.options,
        ["autovacuum_enabled=false", "fillfactor=70"]
    );
}

#[tokio::test]
async fn comments_schemas_and_scope() {
    let ddl = "CREATE SCHEMA app;
         COMMENT ON SCHEMA app IS 'the app';
         CREATE TABLE app.t (id int);
         COMMENT ON TABLE app.t IS 'a table';
         COMMENT ON COLUMN app.t.id IS 'the id';
         CREATE SEQUENCE app.s INCREMENT 2 MINVALUE 0 START 0 CYCLE;
         COMMENT ON SEQUENCE app.s IS 'counter';
         CREATE TABLE public.other (id int);";
    let mut db = TestDb::with(ddl).await;
    let all = db.inspect().await;
    let only_app = inspect_realm(&mut db.conn, &Scope::Schemas(vec!["app".into()]))
        .await
        .unwrap();
    assert!(server_version(&mut db.conn).await.unwrap() >= 15);
    let search_path: String = sqlx::query_scalar("SHOW search_path")
        .fetch_one(&mut db.conn)
        .await
        .unwrap();
    db.drop().await;

    assert_eq!(
        search_path, "\"$user\", public",
        "inspection restores search_path"
    );

    assert_eq!(all.schemas.keys().collect::<Vec<_>>(), ["app", "public"]);
    assert_eq!(only_app.schemas.keys().collect::<Vec<_>>(), ["app"]);
    let app = &all.schemas["app"];
    assert_eq!(app.comment.as_deref(), Some("the app"));
    let t = &app.tables["t"];
    assert_eq!(t.comment.as_deref(), Some("a table"));
    assert_eq!(t.columns[0].comment.as_deref(), Some("the id"));
    let s = &app.sequences["s"];
    assert_eq!(s.comment.as_deref(), Some("counter"));
    assert_eq!((s.options.start, s.options.increment), (0, 2));
    assert_eq!((s.options.min_value, s.options.cycle), (0, true));
    assert_eq!(s.options.data_type, "bigint");
    assert!(s.owned_by.is_none());
    assert_eq!(only_app.schemas["app"], all.schemas["app"]);
}

#[tokio::test]
async fn extension_objects_are_not_user_objects() {
    let realm = inspect_ddl(
        "CREATE EXTENSION citext;
         CREATE EXTENSION pgcrypto;
         CREATE TABLE t (email citext, h bytea DEFAULT digest('x', 'sha256'));",
    )
    .await;
    let public = &realm.schemas["public"];
    assert!(public.functions.is_empty(), "{:?}", public.functions.keys());
    assert!(public.types.is_empty(), "{:?}", public.types.keys());
    assert_eq!(public.tables.keys().collect::<Vec<_>>(), ["t"]);
    assert_eq!(
        realm.extensions.keys().collect::<Vec<_>>(),
        ["citext", "pgcrypto"]
    );
    assert_eq!(realm.extensions["citext"].schema, "public");
    let t = table(&realm, "t");
    assert_eq!(t.columns[0].data_type.sql, "public.citext");
    assert_eq!(t.columns[0].data_type.schema.as_deref(), Some("public"));
    assert!(t.depends_on.is_empty(), "{:?}", t.depends_on);
}

#[tokio::test]
async fn realm_json_round_trips() {
    let realm = inspect_ddl(
        "CREATE TYPE mood AS ENUM ('a', 'b');
         CREATE DOMAIN d AS int CHECK (VALUE > 0);
         CREATE TABLE t (id serial PRIMARY KEY, m mood, x d, y int GENERATED ALWAYS AS IDENTITY);
         CREATE VIEW v AS SELECT * FROM t;
         CREATE EXTENSION citext;",
    )
    .await;
    let json = serde_json::to_string_pretty(&realm).unwrap();
    let back: Realm = serde_json::from_str(&json).unwrap();
    assert_eq!(back, realm);
}

const SHOP: &str = "CREATE TYPE status AS ENUM ('new', 'paid');
    CREATE TABLE customer (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
    CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint REFERENCES customer (id), status status DEFAULT 'new',
        total numeric(10,2) CHECK (total >= 0));
    CREATE INDEX orders_customer ON orders (customer_id);
    CREATE VIEW paid AS SELECT * FROM orders WHERE status = 'paid';
    COMMENT ON TABLE orders IS 'orders';";

#[tokio::test]
async fn the_same_ddl_in_two_databases_inspects_equal_and_a_change_shows() {
    let a = inspect_ddl(SHOP).await;
    let b = inspect_ddl(SHOP).await;
    assert_eq!(a, b);
    let changed = inspect_ddl(&format!(
        "{SHOP} CREATE INDEX orders_status ON orders (status);"
    ))
    .await;
    assert_ne!(a, changed);
    let commented = inspect_ddl(&SHOP.replace("IS 'orders'", "IS 'all orders'")).await;
    assert_ne!(a, commented);
}

#[tokio::test]
async fn execute_each_stops_at_the_first_failure_and_reports_it() {
    let mut db = TestDb::new().await;
    let statements = vec![
        "CREATE TABLE a (id int)".to_string(),
        "CREATE TABLE b (id nosuchtype)".to_string(),
        "CREATE TABLE c (id int)".to_string(),
    ];
    let error = execute_each(&mut db.conn, &statements).await.unwrap_err();
    let realm = db.inspect().await;
    db.drop().await;
    assert_eq!(error.index, 1);
    assert_eq!(error.message, "type \"nosuchtype\" does not exist");
    assert_eq!(error.position, Some(20));
    assert!(error.to_string().contains("CREATE TABLE b (id nosuchtype)"));
    assert_eq!(
        realm.schemas["public"].tables.keys().collect::<Vec<_>>(),
        ["a"]
    );
}

#[tokio::test]
async fn connecting_to_a_closed_port_is_a_failure_naming_the_target() {
    let options =
        PgConnectOptions::from_str("postgres://someone:hunter2@127.0.0.1:1/shop").unwrap();
    let error = connect(&options).await.unwrap_err();
    let text = format!("{error:#}");
    assert!(text.contains("127.0.0.1:1"), "{text}");
    assert!(text.contains("shop"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    assert_eq!(schemactl::error::exit_code(&error), 1);
}

/// User objects the model has no place for, by kind, so a smoke run can report them.
const UNMAPPED_CENSUS: &str = "
    SELECT kind, count(*)::int8 FROM (
        SELECT 'foreign table' AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        UNION ALL SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END
            FROM pg_proc p WHERE p.prokind IN ('a', 'w') AND p.oid >= 16384
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
        UNION ALL SELECT 'base type' FROM pg_type t WHERE t.typtype = 'b' AND t.oid >= 16384
            AND t.typcategory <> 'A'
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
        UNION ALL SELECT 'collation' FROM pg_collation c WHERE c.oid >= 16384
        UNION ALL SELECT 'operator' FROM pg_operator o WHERE o.oid >= 16384
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = o.oid AND d.deptype = 'e')
        UNION ALL SELECT 'rule' FROM pg_rewrite r WHERE r.rulename <> '_RETURN' AND r.oid >= 16384
        UNION ALL SELECT 'statistics object' FROM pg_statistic_ext
        UNION ALL SELECT 'event trigger' FROM pg_event_trigger
        UNION ALL SELECT 'publication' FROM pg_publication
        UNION ALL SELECT 'text search config' FROM pg_ts_config WHERE oid >= 16384
        UNION ALL SELECT 'grant on relation' FROM pg_class c WHERE c.oid >= 16384 AND c.relacl IS NOT NULL
        UNION ALL SELECT 'grant on function' FROM pg_proc p WHERE p.oid >= 16384 AND p.proacl IS NOT NULL
        UNION ALL SELECT 'non-default column storage/compression' FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid JOIN pg_class c ON c.oid = a.attrelid
            WHERE a.attrelid >= 16384 AND a.attnum > 0 AND c.relkind IN ('r', 'p')
            AND (a.attstorage <> t.typstorage OR a.attcompression <> '')
        UNION ALL SELECT 'column statistics target' FROM pg_attribute a
            WHERE a.attrelid >= 16384 AND a.attnum > 0 AND a.attstattarget >= 0
        UNION ALL SELECT 'constraint trigger' FROM pg_trigger WHERE tgconstraint <> 0 AND NOT tgisinternal
        UNION ALL SELECT 'table in a tablespace' FROM pg_class WHERE reltablespace <> 0 AND oid >= 16384
        UNION ALL SELECT 'table access method' FROM pg_class c JOIN pg_am am ON am.oid = c.relam
            WHERE c.relkind IN ('r', 'm') AND am.amname <> 'heap'
        UNION ALL SELECT 'replica identity' FROM pg_class
            WHERE relkind IN ('r', 'p') AND oid >= 16384 AND relreplident <> 'd'
    ) objects GROUP BY kind ORDER BY kind";

/// Smoke run over the sqldef corpus: every `current` and `desired` state that loads must
/// inspect without error, identically twice, and survive a JSON round trip.
/// Run with `cargo test --test inspect_postgres -- --ignored corpus --nocapture`.
#[tokio::test]
#[ignore = "slow: loads every state of the conformance corpus"]
async fn corpus_states_inspect_without_error() {
    let dir = std::env::var("SCHEMACTL_CONFORMANCE_DIR")
        .unwrap_or_else(|_| "/work/shared/conformance/sqldef/psqldef".to_string());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("conformance dir")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    let (mut loaded, mut invalid, mut failures) = (0, 0, Vec::new());
    let mut unmapped: std::collections::BTreeMap<String, i64> = Default::default();
    let mut db = TestDb::new().await;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let cases: serde_yaml::Mapping = serde_yaml::from_str(&text).unwrap();
        for (name, case) in cases {
            for state in ["current", "desired"] {
                let Some(sql) = case.get(state).and_then(|v| v.as_str()) else {
                    continue;
                };
                let label = format!(
                    "{}:{}:{state}",
                    file.file_name().unwrap().to_string_lossy(),
                    name.as_str().unwrap_or("?")
                );
                let old = std::mem::replace(&mut db, TestDb::new().await);
                old.drop().await;
                if execute_each(&mut db.conn, &[sql.to_string()])
                    .await
                    .is_err()
                {
                    invalid += 1;
                    continue;
                }
                loaded += 1;
                match db.try_inspect().await {
                    Ok(realm) => {
                        let again = db.inspect().await;
                        let json = serde_json::to_string(&realm).unwrap();
                        let back: Realm = serde_json::from_str(&json).unwrap();
                        if again != realm || back != realm {
                            failures.push(format!("{label}: not stable"));
                        }
                    }
                    Err(error) => failures.push(format!("{label}: {error:#}")),
                }
                let census: Vec<(String, i64)> = sqlx::query_as(UNMAPPED_CENSUS)
                    .fetch_all(&mut db.conn)
                    .await
                    .unwrap();
                for (kind, count) in census {
                    *unmapped.entry(kind).or_default() += count;
                }
            }
        }
    }
    db.drop().await;
    println!(
        "loaded {loaded}, did not load {invalid}, inspection failures {}",
        failures.len()
    );
    for failure in &failures {
        println!("  {failure}");
    }
    println!("objects the model does not cover: {unmapped:?}");
    assert!(failures.is_empty());
}

/// Measures inspection of 2,000 tables (pk, fk to the previous table, an index, a comment)
/// against `pg_dump --schema-only` of the same database.
/// Run with `cargo test --release --test inspect_postgres -- --ignored thousands --nocapture`.
#[tokio::test]
#[ignore = "slow: creates 2,000 tables"]
async fn inspects_thousands_of_tables_in_about_the_time_of_pg_dump() {
    const TABLES: usize = 2000;
    let mut db = TestDb::new().await;
    let statements: Vec<String> = (0..TABLES)
        .collect::<Vec<_>>()
        .chunks(200)
        .map(|chunk| {
            chunk
                .iter()
                .map(|i| {
                    let fk = if *i == 0 {
                        String::new()
                    } else {
                        format!(", prev_id bigint REFERENCES t{} (id)", i - 1)
                    };
                    format!(
                        "CREATE TABLE t{i} (id bigserial PRIMARY KEY, name text NOT NULL{fk});
                         CREATE INDEX t{i}_name ON t{i} (name);
                         COMMENT ON TABLE t{i} IS 'table {i}';"
                    )
                })
                .collect::<String>()
        })
        .collect();
    execute_each(&mut db.conn, &statements).await.unwrap();

    let mut inspect_times = Vec::new();
    let mut realm = Realm::default();
    for _ in 0..3 {
        let started = std::time::Instant::now();
        realm = db.inspect().await;
        inspect_times.push(started.elapsed());
    }
    let mut dump_times = Vec::new();
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let admin = admin_options();
        let status = std::process::Command::new("pg_dump")
            .args([
                "--schema-only",
                "-h",
                admin.get_host(),
                "-U",
                admin.get_username(),
            ])
            .args([
                "-p",
                &admin.get_port().to_string(),
                "-f",
                "/dev/null",
                &db.name,
            ])
            .status()
            .expect("pg_dump");
        assert!(status.success());
        dump_times.push(started.elapsed());
    }
    db.drop().await;

    let public = &realm.schemas["public"];
    assert_eq!(public.tables.len(), TABLES);
    assert_eq!(public.sequences.len(), TABLES);
    let last = &public.tables[&format!("t{}", TABLES - 1)];
    assert_eq!(last.constraints.len(), 2);
    assert_eq!(last.indexes.len(), 1);
    assert!(last.comment.is_some());
    println!(
        "inspect_realm of {TABLES} tables: {inspect_times:?}; pg_dump --schema-only: {dump_times:?}"
    );
}

#[tokio::test]
async fn collations_extension_versions_and_inherited_columns_inspect() {
    let realm = inspect_ddl(
        "CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
         CREATE COLLATION posix_c (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX');
         CREATE EXTENSION hstore VERSION '1.4';
         CREATE TABLE parent (id integer, name text COLLATE nocase);
         CREATE TABLE child (name text COLLATE nocase, extra text) INHERITS (parent);",
    )
    .await;
    let public = &realm.schemas["public"];
    let nocase = &public.collations["nocase"];
    assert_eq!(nocase.provider, CollationProvider::Icu);
    assert_eq!(nocase.locale.as_deref(), Some("und-u-ks-level2"));
    assert!(!nocase.deterministic && nocase.lc_collate.is_none());
    let posix = &public.collations["posix_c"];
    assert_eq!(posix.provider, CollationProvider::Libc);
    assert_eq!(
        (
            posix.lc_collate.as_deref(),
            posix.lc_ctype.as_deref(),
            posix.locale.as_deref()
        ),
        (Some("C"), Some("POSIX"), None)
    );
    let hstore = &realm.extensions["hstore"];
    assert_eq!(hstore.version, "1.4");
    assert!(hstore.version_requested(), "{hstore:?}");
    let parent = &public.tables["parent"];
    assert!(parent.depends_on.contains(&ObjectRef::Collation {
        schema: "public".into(),
        name: "nocase".into(),
    }));
    // `name` is declared by the child too (merged): only `id` is the parent's alone.
    assert_eq!(public.tables["child"].inherited_columns, ["id"]);
    assert!(parent.inherited_columns.is_empty());
}
