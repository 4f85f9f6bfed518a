//! Inspection of real MariaDB (or MySQL) databases into the schema model. Runs against
//! SCHEMACTL_TEST_MYSQL_URL (a server account that may create and drop databases); each test
//! uses a database of its own, dropped at the end whether the test passes or not.

use schemactl::driver::mysql::{SCOPE, inspect_realm};
use schemactl::schema::{
    ColumnAttrs, ConstraintKind, GeneratedStorage, IndexKey, MysqlColumn, MysqlTable, MysqlType,
    ObjectRef, QualifiedName, Realm, Schema, Table, TableAttrs, TypeCategory,
};
use schemactl::sql::{Flavor, split_statements_for};
use sqlx::Connection;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn server_options() -> MySqlConnectOptions {
    let url = std::env::var("SCHEMACTL_TEST_MYSQL_URL").unwrap_or_else(|_| {
        panic!(
            "SCHEMACTL_TEST_MYSQL_URL is not set: these tests need a MySQL or MariaDB server, \
             e.g. SCHEMACTL_TEST_MYSQL_URL=mysql://root@127.0.0.1:33069/"
        )
    });
    MySqlConnectOptions::from_str(&url).expect("SCHEMACTL_TEST_MYSQL_URL is not a MySQL URL")
}

async fn connect(options: &MySqlConnectOptions) -> MySqlConnection {
    MySqlConnection::connect_with(options)
        .await
        .expect("connecting to the MySQL test server")
}

async fn run(conn: &mut MySqlConnection, sql: &str) {
    for statement in split_statements_for(&Flavor::mysql(), sql) {
        if let Err(error) = sqlx::raw_sql(&statement.text).execute(&mut *conn).await {
            panic!("{} failed: {error}", statement.text);
        }
    }
}

/// Drops its database when dropped, on a thread of its own so that it works while a test
/// panics inside the runtime.
struct DropGuard(String);

impl Drop for DropGuard {
    fn drop(&mut self) {
        let name = self.0.clone();
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test database")
                .block_on(async {
                    let mut admin = connect(&server_options()).await;
                    run(&mut admin, &format!("DROP DATABASE IF EXISTS `{name}`")).await;
                })
        })
        .join();
        if dropped.is_err() && !std::thread::panicking() {
            panic!("dropping test database {} failed", self.0);
        }
    }
}

/// A database of its own, connected, dropped with the value.
struct TestDb {
    conn: MySqlConnection,
    name: String,
    _guard: DropGuard,
}

impl TestDb {
    async fn new() -> Self {
        let name = format!(
            "schemactl_inspect_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = connect(&server_options()).await;
        run(
            &mut admin,
            &format!(
                "DROP DATABASE IF EXISTS `{name}`;
                 CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
            ),
        )
        .await;
        let guard = DropGuard(name.clone());
        let conn = connect(&server_options().database(&name)).await;
        Self {
            conn,
            name,
            _guard: guard,
        }
    }

    async fn with(ddl: &str) -> Self {
        let mut db = Self::new().await;
        run(&mut db.conn, ddl).await;
        db
    }

    async fn inspect(&mut self) -> Realm {
        inspect_realm(&mut self.conn, &self.name)
            .await
            .expect("inspection")
    }
}

fn schema(realm: &Realm) -> &Schema {
    assert_eq!(realm.schemas.len(), 1, "one schema: {realm:#?}");
    &realm.schemas[SCOPE]
}

fn table<'a>(realm: &'a Realm, name: &str) -> &'a Table {
    schema(realm)
        .tables
        .get(name)
        .unwrap_or_else(|| panic!("no table {name}: {realm:#?}"))
}

fn mysql_table(table: &Table) -> MysqlTable {
    table.attrs.mysql().cloned().unwrap_or_default()
}

fn mysql_column(table: &Table, column: &str) -> MysqlColumn {
    column_of(table, column)
        .attrs
        .mysql()
        .cloned()
        .unwrap_or_default()
}

fn column_of<'a>(table: &'a Table, name: &str) -> &'a schemactl::schema::Column {
    table
        .columns
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name} in {table:#?}"))
}

#[tokio::test]
async fn table_options_are_kept_only_where_they_differ_from_the_defaults() {
    let mut db = TestDb::with(
        "CREATE TABLE plain (id int);
         CREATE TABLE spelled_defaults (id int)
             ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
         CREATE TABLE other_collation (id int) COLLATE=utf8mb4_unicode_ci;
         CREATE TABLE other_charset (id int) DEFAULT CHARSET=latin1;
         CREATE TABLE other_charset_and_collation (id int) CHARSET=latin1 COLLATE=latin1_bin;
         CREATE TABLE counted (id int NOT NULL AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT=50;
         CREATE TABLE fresh_counter (id int NOT NULL AUTO_INCREMENT PRIMARY KEY);
         CREATE TABLE tuned (id int) ENGINE=MyISAM ROW_FORMAT=FIXED CHECKSUM=1
             COMMENT='kept as is';
         CREATE TABLE compressed (id int) ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8
             STATS_PERSISTENT=0;",
    )
    .await;
    let realm = db.inspect().await;
    for name in ["plain", "spelled_defaults", "fresh_counter"] {
        assert_eq!(table(&realm, name).attrs, TableAttrs::None, "{name}");
    }
    assert_eq!(
        mysql_table(table(&realm, "other_collation")),
        MysqlTable {
            collation: Some("utf8mb4_unicode_ci".into()),
            ..MysqlTable::default()
        }
    );
    assert_eq!(
        mysql_table(table(&realm, "other_charset")),
        MysqlTable {
            charset: Some("latin1".into()),
            ..MysqlTable::default()
        }
    );
    assert_eq!(
        mysql_table(table(&realm, "other_charset_and_collation")),
        MysqlTable {
            charset: Some("latin1".into()),
            collation: Some("latin1_bin".into()),
            ..MysqlTable::default()
        }
    );
    assert_eq!(
        mysql_table(table(&realm, "counted")).auto_increment,
        Some(50)
    );
    let tuned = table(&realm, "tuned");
    assert_eq!(
        mysql_table(tuned),
        MysqlTable {
            engine: Some("MyISAM".into()),
            row_format: Some("FIXED".into()),
            options: vec!["checksum=1".into()],
            ..MysqlTable::default()
        }
    );
    assert_eq!(tuned.comment.as_deref(), Some("kept as is"));
    assert_eq!(
        mysql_table(table(&realm, "compressed")),
        MysqlTable {
            row_format: Some("COMPRESSED".into()),
            options: vec!["key_block_size=8".into(), "stats_persistent=0".into()],
            ..MysqlTable::default()
        }
    );
}

#[tokio::test]
async fn columns_keep_types_counters_charsets_and_comments() {
    let mut db = TestDb::with(
        "CREATE TABLE t (
             id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
             small tinyint(3) unsigned zerofill,
             flag bool NOT NULL DEFAULT 0,
             mood enum('happy', 'it''s', 'sad') NOT NULL DEFAULT 'happy',
             tags set('a', 'b', 'c') DEFAULT 'a,b',
             price decimal(10, 2) DEFAULT 9.5,
             title varchar(40) COMMENT 'shown on the page',
             legacy varchar(10) CHARACTER SET latin1,
             exact varchar(10) COLLATE utf8mb4_bin,
             raw varbinary(16),
             body longtext,
             at datetime(3),
             place point
         ) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
    )
    .await;
    let realm = db.inspect().await;
    let t = table(&realm, "t");
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "id", "small", "flag", "mood", "tags", "price", "title", "legacy", "exact", "raw",
            "body", "at", "place"
        ],
        "columns keep their order"
    );
    let id = column_of(t, "id");
    assert_eq!(id.data_type.sql, "bigint unsigned");
    assert_eq!(
        id.data_type.category,
        TypeCategory::Mysql(MysqlType::Integer)
    );
    assert!(id.not_null);
    assert_eq!(id.default, None);
    assert!(mysql_column(t, "id").auto_increment);
    assert_eq!(
        column_of(t, "small").data_type.sql,
        "tinyint(3) unsigned zerofill"
    );
    assert_eq!(column_of(t, "flag").data_type.sql, "tinyint(1)");
    assert_eq!(column_of(t, "flag").default.as_deref(), Some("0"));
    let mood = column_of(t, "mood");
    assert_eq!(mood.data_type.sql, "enum('happy','it''s','sad')");
    assert_eq!(
        mood.data_type.category,
        TypeCategory::Mysql(MysqlType::Enum)
    );
    assert_eq!(mood.default.as_deref(), Some("'happy'"));
    let tags = column_of(t, "tags");
    assert_eq!(tags.data_type.sql, "set('a','b','c')");
    assert_eq!(tags.data_type.category, TypeCategory::Mysql(MysqlType::Set));
    assert_eq!(tags.default.as_deref(), Some("'a,b'"));
    assert_eq!(column_of(t, "price").default.as_deref(), Some("9.50"));
    assert_eq!(
        column_of(t, "title").comment.as_deref(),
        Some("shown on the page")
    );
    // Charset and collation only where they differ from what the column inherits.
    assert_eq!(column_of(t, "title").collation, None);
    assert_eq!(column_of(t, "title").attrs, ColumnAttrs::None);
    assert_eq!(mysql_column(t, "legacy").charset.as_deref(), Some("latin1"));
    assert_eq!(column_of(t, "legacy").collation, None);
    assert_eq!(mysql_column(t, "exact").charset, None);
    assert_eq!(
        column_of(t, "exact").collation.as_deref(),
        Some("utf8mb4_bin")
    );
    for (name, class) in [
        ("raw", MysqlType::Binary),
        ("body", MysqlType::Text),
        ("at", MysqlType::Temporal),
        ("place", MysqlType::Spatial),
    ] {
        assert_eq!(
            column_of(t, name).data_type.category,
            TypeCategory::Mysql(class),
            "{name}"
        );
    }
}

#[tokio::test]
async fn generated_columns_default_expressions_and_on_update() {
    let mut db = TestDb::with(
        "CREATE TABLE t (
             a int NOT NULL DEFAULT 1,
             doubled int AS (a * 2) VIRTUAL,
             tripled int GENERATED ALWAYS AS (a * 3) STORED,
             persisted int AS (a * 4) PERSISTENT,
             created timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
             updated timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
             precise datetime(3) DEFAULT now(3) ON UPDATE now(3),
             token char(36) DEFAULT uuid(),
             total int DEFAULT (1 + 1),
             label varchar(10) DEFAULT 'it''s',
             empty varchar(10) DEFAULT '',
             nothing int DEFAULT NULL,
             bits bit(3) DEFAULT b'101',
             secret int INVISIBLE DEFAULT 7
         )",
    )
    .await;
    let realm = db.inspect().await;
    let t = table(&realm, "t");
    let doubled = column_of(t, "doubled");
    assert_eq!(doubled.generated.as_deref(), Some("`a` * 2"));
    assert_eq!(doubled.default, None);
    assert_eq!(
        mysql_column(t, "doubled").storage,
        Some(GeneratedStorage::Virtual)
    );
    for name in ["tripled", "persisted"] {
        assert!(column_of(t, name).generated.is_some(), "{name}");
        assert_eq!(
            mysql_column(t, name).storage,
            Some(GeneratedStorage::Stored),
            "{name}"
        );
    }
    assert_eq!(mysql_column(t, "a").storage, None);
    let defaults: Vec<(&str, Option<&str>)> = [
        "a", "created", "updated", "precise", "token", "total", "label", "empty", "nothing",
        "bits", "secret",
    ]
    .iter()
    .map(|n| (*n, column_of(t, n).default.as_deref()))
    .collect();
    assert_eq!(
        defaults,
        [
            ("a", Some("1")),
            ("created", Some("current_timestamp()")),
            ("updated", Some("current_timestamp()")),
            ("precise", Some("current_timestamp(3)")),
            ("token", Some("uuid()")),
            ("total", Some("(1 + 1)")),
            ("label", Some("'it''s'")),
            ("empty", Some("''")),
            ("nothing", None),
            ("bits", Some("b'101'")),
            ("secret", Some("7")),
        ]
    );
    assert_eq!(mysql_column(t, "created").on_update, None);
    assert_eq!(
        mysql_column(t, "updated").on_update.as_deref(),
        Some("current_timestamp()")
    );
    assert_eq!(
        mysql_column(t, "precise").on_update.as_deref(),
        Some("current_timestamp(3)")
    );
    assert!(mysql_column(t, "secret").invisible);
    assert!(!mysql_column(t, "a").invisible);
}

#[tokio::test]
async fn indexes_keep_prefixes_order_kinds_visibility_and_comments() {
    let mut db = TestDb::with(
        "CREATE TABLE t (
             id int NOT NULL,
             code varchar(40) NOT NULL,
             name varchar(100),
             body text,
             place point NOT NULL,
             score int,
             PRIMARY KEY (id, code(8)),
             UNIQUE KEY u_code (code(10), name),
             KEY k_name (name(20)),
             KEY k_score (score DESC, id),
             FULLTEXT KEY ft_body (body),
             SPATIAL INDEX sp_place (place),
             KEY ignored_score (score) IGNORED COMMENT 'for later'
         )",
    )
    .await;
    let realm = db.inspect().await;
    let t = table(&realm, "t");
    let pk = t
        .constraints
        .iter()
        .find(|c| c.kind == ConstraintKind::PrimaryKey)
        .expect("primary key");
    assert_eq!(pk.name, "PRIMARY");
    assert_eq!(pk.definition, "PRIMARY KEY (`id`,`code`(8))");
    assert_eq!(pk.columns, ["id", "code"]);
    assert!(
        t.indexes.iter().all(|i| i.name != "PRIMARY"),
        "the primary key is a constraint, not an index"
    );
    let index = |name: &str| {
        t.indexes
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("no index {name}: {t:#?}"))
    };
    let names: Vec<&str> = t.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "ft_body",
            "ignored_score",
            "k_name",
            "k_score",
            "sp_place",
            "u_code"
        ]
    );
    let u = index("u_code");
    assert!(u.unique);
    assert_eq!(u.definition, "UNIQUE KEY `u_code` (`code`(10),`name`)");
    assert_eq!(u.parts[0].prefix, Some(10));
    assert_eq!(u.parts[1].prefix, None);
    assert_eq!(u.method, "BTREE");
    assert_eq!(index("k_name").definition, "KEY `k_name` (`name`(20))");
    let by_score = index("k_score");
    assert_eq!(by_score.definition, "KEY `k_score` (`score` DESC,`id`)");
    assert!(by_score.parts[0].descending && !by_score.parts[1].descending);
    let ft = index("ft_body");
    assert_eq!(ft.method, "FULLTEXT");
    assert_eq!(ft.definition, "FULLTEXT KEY `ft_body` (`body`)");
    let sp = index("sp_place");
    assert_eq!(sp.method, "SPATIAL");
    assert_eq!(sp.definition, "SPATIAL KEY `sp_place` (`place`)");
    assert_eq!(sp.parts[0].prefix, None, "no prefix a user did not write");
    let ignored = index("ignored_score");
    assert!(ignored.invisible);
    assert_eq!(
        ignored.comment, None,
        "a key's comment is in its definition"
    );
    assert_eq!(
        ignored.definition,
        "KEY `ignored_score` (`score`) COMMENT 'for later'"
    );
    assert!(!u.invisible);
    assert_eq!(
        u.parts[0].key,
        IndexKey::Column("code".into()),
        "MariaDB has no functional key parts"
    );
}

#[tokio::test]
async fn mariadb_json_is_json_and_other_checks_stay() {
    let mut db = TestDb::with(
        "CREATE TABLE t (
             doc json,
             checked longtext CHECK (json_valid(checked)),
             age int CHECK (age >= 0),
             lo int,
             hi int,
             CONSTRAINT range_ok CHECK (lo <= hi),
             CHECK (hi < 1000)
         )",
    )
    .await;
    let realm = db.inspect().await;
    let t = table(&realm, "t");
    let doc = column_of(t, "doc");
    assert_eq!(doc.data_type.sql, "json");
    assert_eq!(doc.data_type.category, TypeCategory::Mysql(MysqlType::Json));
    assert_eq!(doc.collation, None, "utf8mb4_bin comes with JSON");
    assert_eq!(doc.attrs, ColumnAttrs::None);
    // MariaDB keeps no difference between the two: JSON is this longtext with this check.
    assert_eq!(column_of(t, "checked").data_type.sql, "json");
    let checks: Vec<(&str, &str, Vec<String>)> = t
        .constraints
        .iter()
        .map(|c| {
            assert_eq!(c.kind, ConstraintKind::Check);
            (c.name.as_str(), c.definition.as_str(), c.columns.clone())
        })
        .collect();
    assert_eq!(
        checks,
        [
            ("CONSTRAINT_1", "CHECK (`hi` < 1000)", vec![]),
            ("range_ok", "CHECK (`lo` <= `hi`)", vec![]),
        ]
    );
    // A check written on a column is part of the column's definition there.
    assert_eq!(
        mysql_column(t, "age").check.as_deref(),
        Some("`age` >= 0"),
        "the column-level check"
    );
    assert_eq!(mysql_column(t, "checked").check, None, "JSON's own check");
}

#[tokio::test]
async fn foreign_keys_keep_columns_targets_and_actions() {
    let mut db = TestDb::with(
        "CREATE TABLE parent (id int PRIMARY KEY, code int, sub int, UNIQUE KEY (code, sub));
         CREATE TABLE child (
             id int PRIMARY KEY,
             parent_id int,
             code int,
             sub int,
             self_id int,
             CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id)
                 ON DELETE CASCADE ON UPDATE SET NULL,
             CONSTRAINT child_code FOREIGN KEY (code, sub) REFERENCES parent (code, sub),
             CONSTRAINT child_self FOREIGN KEY (self_id) REFERENCES child (id)
                 ON DELETE SET NULL ON UPDATE NO ACTION
         )",
    )
    .await;
    let realm = db.inspect().await;
    let child = table(&realm, "child");
    let fk = |name: &str| {
        child
            .constraints
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no constraint {name}: {child:#?}"))
    };
    let to_parent = fk("child_parent");
    assert_eq!(to_parent.kind, ConstraintKind::ForeignKey);
    assert_eq!(
        to_parent.definition,
        "CONSTRAINT `child_parent` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`) \
         ON DELETE CASCADE ON UPDATE SET NULL"
    );
    assert_eq!(to_parent.columns, ["parent_id"]);
    assert_eq!(
        to_parent.references,
        Some(QualifiedName::new(SCOPE, "parent"))
    );
    assert_eq!(to_parent.referenced_columns, ["id"]);
    let by_code = fk("child_code");
    assert_eq!(
        by_code.definition,
        "CONSTRAINT `child_code` FOREIGN KEY (`code`,`sub`) REFERENCES `parent` (`code`,`sub`)"
    );
    assert_eq!(by_code.referenced_columns, ["code", "sub"]);
    assert_eq!(
        fk("child_self").definition,
        "CONSTRAINT `child_self` FOREIGN KEY (`self_id`) REFERENCES `child` (`id`) \
         ON DELETE SET NULL"
    );
    // InnoDB adds an index for a foreign key that has none; it is a plain index of the model.
    assert!(child.indexes.iter().any(|i| i.name == "child_parent"));
}

#[tokio::test]
async fn views_triggers_routines_sequences_and_partitions() {
    let mut db = TestDb::with(
        "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);
         CREATE VIEW v AS SELECT id, n FROM t WHERE n > 1;
         CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v2 AS SELECT id FROM v
             WITH LOCAL CHECK OPTION;
         CREATE TRIGGER t_first BEFORE INSERT ON t FOR EACH ROW SET NEW.n = NEW.n + 1;
         CREATE TRIGGER t_second BEFORE INSERT ON t FOR EACH ROW SET NEW.n = NEW.n * 2;
         CREATE TRIGGER t_after AFTER DELETE ON t FOR EACH ROW
         BEGIN
             DELETE FROM t WHERE id = OLD.id + 1000;
         END;
         CREATE FUNCTION add_one(x int) RETURNS int DETERMINISTIC COMMENT 'adds' RETURN x + 1;
         DELIMITER //
         CREATE PROCEDURE bump(IN by_n int, OUT total int)
             READS SQL DATA SQL SECURITY INVOKER
         BEGIN
             SELECT SUM(n) + by_n INTO total FROM t;
         END//
         DELIMITER ;
         CREATE SEQUENCE seq START WITH 10 INCREMENT BY 5 MAXVALUE 1000 CYCLE;
         CREATE TABLE parts (id int, y int)
             PARTITION BY RANGE (y) (
                 PARTITION p_low VALUES LESS THAN (10) COMMENT 'small',
                 PARTITION p_rest VALUES LESS THAN MAXVALUE);
         CREATE TABLE listed (id int, k int)
             PARTITION BY LIST (k) SUBPARTITION BY HASH (id) SUBPARTITIONS 2 (
                 PARTITION l_a VALUES IN (1, 2),
                 PARTITION l_b VALUES IN (3));",
    )
    .await;
    let realm = db.inspect().await;
    let s = schema(&realm);

    let v = &s.views["v"];
    assert_eq!(
        v.definition, "select `t`.`id` AS `id`,`t`.`n` AS `n` from `t` where `t`.`n` > 1",
        "no database name in the text"
    );
    assert!(!v.definition.contains(&db.name));
    let columns: Vec<&str> = v.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["id", "n"]);
    assert_eq!(v.options, Vec::<String>::new());
    assert_eq!(
        v.depends_on,
        [ObjectRef::Table {
            schema: SCOPE.into(),
            name: "t".into()
        }]
        .into()
    );
    let v2 = &s.views["v2"];
    assert_eq!(
        v2.options,
        ["algorithm=merge", "check_option=local", "security=invoker"]
    );
    assert_eq!(
        v2.depends_on,
        [ObjectRef::View {
            schema: SCOPE.into(),
            name: "v".into()
        }]
        .into()
    );

    let triggers: Vec<(&str, &str)> = table(&realm, "t")
        .triggers
        .iter()
        .map(|t| (t.name.as_str(), t.definition.as_str()))
        .collect();
    assert_eq!(
        triggers,
        [
            (
                "t_after",
                "CREATE TRIGGER `t_after` AFTER DELETE ON `t` FOR EACH ROW BEGIN\n             \
                 DELETE FROM t WHERE id = OLD.id + 1000;\n         END"
            ),
            (
                "t_first",
                "CREATE TRIGGER `t_first` BEFORE INSERT ON `t` FOR EACH ROW SET NEW.n = NEW.n + 1"
            ),
            (
                "t_second",
                "CREATE TRIGGER `t_second` BEFORE INSERT ON `t` FOR EACH ROW FOLLOWS `t_first` \
                 SET NEW.n = NEW.n * 2"
            ),
        ]
    );

    let add_one = &s.functions["add_one(int(11))"];
    assert_eq!(add_one.name, "add_one");
    assert_eq!(add_one.returns.as_deref(), Some("int(11)"));
    assert_eq!(add_one.comment.as_deref(), Some("adds"));
    assert_eq!(
        add_one.definition,
        "CREATE FUNCTION `add_one`(`x` int(11)) RETURNS int(11)\n    DETERMINISTIC\nRETURN x + 1"
    );
    let bump = &s.functions["bump(int(11), int(11))"];
    assert_eq!(
        bump.identity_arguments,
        "IN `by_n` int(11), OUT `total` int(11)"
    );
    assert_eq!(bump.returns, None);
    assert!(
        bump.definition.starts_with(
            "CREATE PROCEDURE `bump`(IN `by_n` int(11), OUT `total` int(11))\n    \
             READS SQL DATA\n    SQL SECURITY INVOKER\nBEGIN"
        ),
        "{}",
        bump.definition
    );

    let seq = &s.sequences["seq"];
    assert_eq!(
        (
            seq.options.start,
            seq.options.increment,
            seq.options.max_value,
            seq.options.cycle
        ),
        (10, 5, 1000, true)
    );
    assert!(!s.tables.contains_key("seq"), "a sequence is not a table");

    let parts = table(&realm, "parts");
    assert_eq!(parts.partition_by.as_deref(), Some("RANGE (`y`)"));
    let partitions = mysql_table(parts).partitions;
    let bounds: Vec<(&str, Option<&str>, Option<&str>)> = partitions
        .iter()
        .map(|p| (p.name.as_str(), p.values.as_deref(), p.comment.as_deref()))
        .collect();
    assert_eq!(
        bounds,
        [
            ("p_low", Some("VALUES LESS THAN (10)"), Some("small")),
            ("p_rest", Some("VALUES LESS THAN MAXVALUE"), None),
        ]
    );
    let listed = table(&realm, "listed");
    assert_eq!(listed.partition_by.as_deref(), Some("LIST (`k`)"));
    let attrs = mysql_table(listed);
    assert_eq!(attrs.subpartition_by.as_deref(), Some("HASH (`id`)"));
    assert_eq!(attrs.partitions.len(), 2);
    assert_eq!(
        attrs.partitions[0].values.as_deref(),
        Some("VALUES IN (1,2)")
    );
    assert_eq!(attrs.partitions[0].subpartitions.len(), 2);
}

const ONE_SPELLING: &str = "
    CREATE TABLE parent (id INT PRIMARY KEY);
    CREATE TABLE t (
        id INT NOT NULL AUTO_INCREMENT,
        a INT DEFAULT 1,
        b VARCHAR(20) DEFAULT 'x',
        c DECIMAL(10,2) DEFAULT 1.5,
        ts TIMESTAMP NULL DEFAULT NOW(),
        d DATETIME DEFAULT '2020-01-01 00:00:00',
        p INT,
        PRIMARY KEY (id),
        KEY ka (a, b),
        UNIQUE KEY ub (b(5)),
        CONSTRAINT fk FOREIGN KEY (p) REFERENCES parent (id),
        CONSTRAINT positive CHECK (a > 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
    CREATE VIEW v AS SELECT a, b FROM t WHERE a > 1;";

const ANOTHER_SPELLING: &str = "
    create table `parent` (`id` int(11) not null, primary key (`id`))
        engine=innodb collate=utf8mb4_general_ci;
    create table `t` (
        `id` int(11) not null auto_increment primary key,
        `a` integer default '1',
        `b` varchar(20) character set utf8mb4 default \"x\",
        `c` numeric(10,2) default '1.50',
        `ts` timestamp null default current_timestamp,
        `d` datetime default 20200101000000,
        `p` int(11) default null,
        index ka (a, b),
        unique index ub (b(5)),
        constraint fk foreign key (p) references parent (id) on delete no action on update restrict,
        constraint `positive` check (`a` > 0)
    );
    create view `v` as select `t`.`a` as `a`, `t`.`b` AS `b` from `t` where (`t`.`a` > 1);";

#[tokio::test]
async fn two_spellings_of_one_schema_inspect_equal() {
    let mut one = TestDb::with(ONE_SPELLING).await;
    let mut another = TestDb::with(ANOTHER_SPELLING).await;
    let (a, b) = (one.inspect().await, another.inspect().await);
    assert_eq!(
        serde_json::to_string_pretty(&a).unwrap(),
        serde_json::to_string_pretty(&b).unwrap()
    );
    assert_eq!(a, b);
}

/// Statements the server has run for this session, from its own counter.
async fn questions(conn: &mut MySqlConnection) -> u64 {
    let (_, value): (String, String) = sqlx::query_as("SHOW SESSION STATUS LIKE 'Questions'")
        .fetch_one(&mut *conn)
        .await
        .expect("reading the session's statement count");
    value.parse().expect("a count")
}

async fn queries_to_inspect(db: &mut TestDb) -> u64 {
    let before = questions(&mut db.conn).await;
    db.inspect().await;
    questions(&mut db.conn).await - before
}

fn tables_ddl(count: usize) -> String {
    let mut ddl = String::from("CREATE TABLE t0 (id int PRIMARY KEY);\n");
    for i in 1..count {
        ddl.push_str(&format!(
            "CREATE TABLE t{i} (id int PRIMARY KEY, up int, name varchar(20) DEFAULT 'x',
                 KEY k (name), CONSTRAINT fk{i} FOREIGN KEY (up) REFERENCES t{} (id),
                 CHECK (id > 0));
             CREATE TRIGGER tr{i} BEFORE INSERT ON t{i} FOR EACH ROW SET NEW.name = 'y';\n",
            i - 1
        ));
    }
    ddl.push_str("CREATE VIEW v AS SELECT id FROM t0;");
    ddl
}

#[tokio::test]
async fn inspection_takes_the_same_number_of_queries_for_any_number_of_tables() {
    let mut small = TestDb::with(&tables_ddl(2)).await;
    let mut large = TestDb::with(&tables_ddl(40)).await;
    let in_small = queries_to_inspect(&mut small).await;
    let in_large = queries_to_inspect(&mut large).await;
    assert_eq!(schema(&large.inspect().await).tables.len(), 40);
    assert_eq!(in_small, in_large, "queries for 2 tables and for 40");
    // One per object kind (and the server's defaults), plus the counter read itself.
    assert!(in_small <= 14, "{in_small} queries");
}

#[tokio::test]
async fn a_missing_database_is_an_error_naming_it() {
    let mut db = TestDb::new().await;
    let error = inspect_realm(&mut db.conn, "schemactl_no_such_database")
        .await
        .expect_err("no such database");
    assert!(
        format!("{error:#}").contains("`schemactl_no_such_database` does not exist"),
        "{error:#}"
    );
    let empty = db.inspect().await;
    assert_eq!(empty, schemactl::driver::mysql::empty_realm());
}

#[tokio::test]
async fn a_plan_from_nothing_rebuilds_what_was_inspected() {
    use schemactl::diff::{DiffOptions, diff};
    use schemactl::plan::Planner;
    use schemactl::plan::mysql::{MysqlDiffPolicy, MysqlPlanner};
    let mut source = TestDb::with(ROUND_TRIP).await;
    let desired = source.inspect().await;
    let empty = schemactl::driver::mysql::empty_realm();
    let changes = diff(&empty, &desired, &DiffOptions::default(), &MysqlDiffPolicy);
    let plan = MysqlPlanner {
        current: &empty,
        desired: &desired,
    }
    .plan(&changes)
    .expect("a plan");
    let mut target = TestDb::new().await;
    for statement in plan.statements() {
        if let Err(error) = sqlx::raw_sql(&statement.sql)
            .execute(&mut target.conn)
            .await
        {
            panic!("{} failed: {error}", statement.sql);
        }
    }
    let rebuilt = target.inspect().await;
    assert_eq!(
        serde_json::to_string_pretty(&rebuilt).unwrap(),
        serde_json::to_string_pretty(&desired).unwrap(),
        "plan:\n{}",
        plan.to_sql()
    );
    let again = diff(
        &rebuilt,
        &desired,
        &DiffOptions::default(),
        &MysqlDiffPolicy,
    );
    assert!(again.is_empty(), "a second plan has changes: {again:#?}");
}

/// What the MySQL planner rebuilds exactly today. Left out until plan::mysql handles them: a
/// column comment in a new table (its reverse is refused), generated columns (written with
/// `NULL` after `VIRTUAL`, which MariaDB refuses), ignored indexes (written without
/// `IGNORED`) and routines (the policy re-creates even an unchanged one, so a second plan is
/// not empty).
const ROUND_TRIP: &str = "
    CREATE TABLE parent (
        id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
        code varchar(20) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL,
        UNIQUE KEY u_code (code(5))
    ) ENGINE=InnoDB AUTO_INCREMENT=100 COMMENT='parent rows';
    CREATE TABLE child (
        id bigint NOT NULL AUTO_INCREMENT,
        parent_id int unsigned,
        name varchar(50) DEFAULT 'abc',
        n int DEFAULT NULL,
        nn int NOT NULL DEFAULT 5 CHECK (nn < 1000),
        price decimal(10,2) DEFAULT 1.50,
        mood enum('a','b''x','c') DEFAULT 'a',
        tags set('x','y'),
        doc json,
        changed timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
        secret int INVISIBLE,
        body text,
        PRIMARY KEY (id) COMMENT 'row id',
        KEY k_name (name(10), nn DESC) COMMENT 'by name',
        FULLTEXT KEY ft_body (body),
        CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id)
            ON DELETE CASCADE ON UPDATE SET NULL,
        CONSTRAINT positive CHECK (nn > 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=latin1 ROW_FORMAT=DYNAMIC COMMENT='child rows';
    CREATE VIEW named AS SELECT id, name FROM child WHERE nn > 1;
    CREATE TRIGGER child_bump BEFORE INSERT ON child FOR EACH ROW SET NEW.nn = NEW.nn + 1;";

/// Plans `current` → the state `desired` loads into, applies the plan and requires the state
/// the plan promised, with nothing left to plan; returns the statements.
async fn migrate_to(current: &mut TestDb, desired: &str) -> Vec<String> {
    use schemactl::diff::{DiffOptions, diff};
    use schemactl::plan::Planner;
    use schemactl::plan::mysql::{MysqlDiffPolicy, MysqlPlanner};
    let want = TestDb::with(desired).await.inspect().await;
    let have = current.inspect().await;
    let changes = diff(&have, &want, &DiffOptions::default(), &MysqlDiffPolicy);
    let plan = MysqlPlanner {
        current: &have,
        desired: &want,
    }
    .plan(&changes)
    .expect("a plan");
    let sql: Vec<String> = plan.statements().map(|s| s.sql.clone()).collect();
    for statement in &sql {
        run(&mut current.conn, statement).await;
    }
    let after = current.inspect().await;
    assert_eq!(after, want, "after {sql:#?}");
    let again = diff(&after, &want, &DiffOptions::default(), &MysqlDiffPolicy);
    assert!(again.is_empty(), "after {sql:#?} still: {again:#?}");
    sql
}

#[tokio::test]
async fn partitioning_changes_in_place_and_keeps_the_rows_it_does_not_drop() {
    let table = |partitioning: &str| {
        format!("CREATE TABLE t (id int NOT NULL, y int, PRIMARY KEY (id)) {partitioning}")
    };
    let mut db = TestDb::with(&table("")).await;
    run(
        &mut db.conn,
        "INSERT INTO t (id) WITH RECURSIVE n (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n \
         WHERE i < 24) SELECT i FROM n",
    )
    .await;
    let range = |parts: &str| table(&format!("PARTITION BY RANGE (id) ({parts})"));
    for (desired, expected) in [
        (
            table("PARTITION BY HASH (id) PARTITIONS 4"),
            "ALTER TABLE `t` PARTITION BY HASH (`id`)\nPARTITIONS 4",
        ),
        (
            table("PARTITION BY HASH (id) PARTITIONS 2"),
            "ALTER TABLE `t` COALESCE PARTITION 2",
        ),
        (
            table("PARTITION BY HASH (id) PARTITIONS 3"),
            "ALTER TABLE `t` ADD PARTITION PARTITIONS 1",
        ),
        (
            range("PARTITION a VALUES LESS THAN (10), PARTITION b VALUES LESS THAN (30)"),
            "ALTER TABLE `t` PARTITION BY RANGE (`id`)\n(PARTITION `a` VALUES LESS THAN (10),\n \
             PARTITION `b` VALUES LESS THAN (30))",
        ),
        (
            range(
                "PARTITION a VALUES LESS THAN (10), PARTITION b VALUES LESS THAN (30), \
                 PARTITION c VALUES LESS THAN MAXVALUE",
            ),
            "ALTER TABLE `t` ADD PARTITION (PARTITION `c` VALUES LESS THAN MAXVALUE)",
        ),
        (
            range("PARTITION b VALUES LESS THAN (30), PARTITION c VALUES LESS THAN MAXVALUE"),
            "ALTER TABLE `t` DROP PARTITION `a`",
        ),
        (table(""), "ALTER TABLE `t` REMOVE PARTITIONING"),
    ] {
        assert_eq!(migrate_to(&mut db, &desired).await, [expected]);
    }
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM t")
        .fetch_one(&mut db.conn)
        .await
        .unwrap();
    assert_eq!(
        rows, 15,
        "the rows of the dropped partition (id < 10) only are gone"
    );
}
