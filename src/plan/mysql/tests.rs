use super::*;
use crate::diff::{DiffOptions, diff};
use crate::schema::{
    Column, ColumnAttrs, Constraint, ConstraintKind, DataType, Index, IndexKey, IndexPart,
    MysqlColumn, MysqlType, Schema, Table, TypeCategory,
};

const SCOPE: &str = "main";

fn int() -> DataType {
    DataType::builtin("int", TypeCategory::Mysql(MysqlType::Integer))
}

fn varchar(n: u32) -> DataType {
    DataType::builtin(
        &format!("varchar({n})"),
        TypeCategory::Mysql(MysqlType::String),
    )
}

fn col(name: &str, data_type: DataType, not_null: bool) -> Column {
    Column {
        not_null,
        ..Column::new(name, data_type)
    }
}

fn id() -> Column {
    Column {
        attrs: ColumnAttrs::of_mysql(MysqlColumn {
            auto_increment: true,
            ..MysqlColumn::default()
        }),
        ..col("id", int(), true)
    }
}

fn pk() -> Constraint {
    Constraint {
        name: "PRIMARY".into(),
        kind: ConstraintKind::PrimaryKey,
        definition: "PRIMARY KEY (`id`)".into(),
        columns: vec!["id".into()],
        references: None,
        referenced_columns: Vec::new(),
        validated: true,
        deferrable: false,
        initially_deferred: false,
        comment: None,
    }
}

fn realm(tables: Vec<(&str, Table)>) -> Realm {
    let mut realm = Realm::default();
    let mut schema = Schema {
        name: SCOPE.into(),
        ..Schema::default()
    };
    for (name, mut table) in tables {
        table.name = name.into();
        schema.tables.insert(name.into(), table);
    }
    realm.schemas.insert(SCOPE.into(), schema);
    realm
}

fn user_account(extra: Vec<Column>) -> Table {
    let mut columns = vec![
        id(),
        col("name", varchar(30), true),
        col("fullname", varchar(30), false),
    ];
    columns.extend(extra);
    Table {
        columns,
        constraints: vec![pk()],
        ..Table::default()
    }
}

fn address() -> Table {
    let fk = Constraint {
        name: "address_ibfk_1".into(),
        kind: ConstraintKind::ForeignKey,
        definition:
            "CONSTRAINT `address_ibfk_1` FOREIGN KEY (`user_id`) REFERENCES `user_account` (`id`)"
                .into(),
        columns: vec!["user_id".into()],
        references: Some(QualifiedName::new(SCOPE, "user_account")),
        referenced_columns: vec!["id".into()],
        ..pk()
    };
    Table {
        columns: vec![
            id(),
            col("email_address", varchar(30), true),
            col("user_id", int(), false),
        ],
        constraints: vec![pk(), fk],
        indexes: vec![Index {
            name: "user_id".into(),
            definition: "KEY `user_id` (`user_id`)".into(),
            unique: false,
            method: "BTREE".into(),
            parts: vec![IndexPart::new(IndexKey::Column("user_id".into()))],
            include: Vec::new(),
            predicate: None,
            nulls_not_distinct: false,
            invisible: false,
            comment: None,
        }],
        ..Table::default()
    }
}

fn plan(current: &Realm, desired: &Realm) -> Plan {
    let changes = diff(current, desired, &DiffOptions::default(), &MysqlDiffPolicy);
    MysqlPlanner { current, desired }.plan(&changes).unwrap()
}

#[test]
fn the_guides_first_migration_creates_both_tables_with_the_key_inline() {
    let empty = realm(vec![]);
    let desired = realm(vec![
        ("user_account", user_account(vec![])),
        ("address", address()),
    ]);
    let sql = plan(&empty, &desired).to_sql();
    assert_eq!(
        sql,
        "CREATE TABLE `user_account` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `name` varchar(30) NOT NULL,\n  `fullname` varchar(30) NULL,\n  PRIMARY KEY (`id`)\n);\n\
         CREATE TABLE `address` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `email_address` varchar(30) NOT NULL,\n  `user_id` int NULL,\n  PRIMARY KEY (`id`),\n  CONSTRAINT `address_ibfk_1` FOREIGN KEY (`user_id`) REFERENCES `user_account` (`id`),\n  KEY `user_id` (`user_id`)\n);\n"
    );
}

#[test]
fn a_column_added_last_is_one_statement_without_after() {
    let current = realm(vec![("user_account", user_account(vec![]))]);
    let desired = realm(vec![(
        "user_account",
        user_account(vec![col("age", int(), false)]),
    )]);
    let plan = plan(&current, &desired);
    assert_eq!(
        plan.to_sql(),
        "ALTER TABLE `user_account` ADD COLUMN `age` int NULL;\n"
    );
    assert_eq!(
        plan.to_reverse_sql(),
        "ALTER TABLE `user_account` DROP COLUMN `age`;\n"
    );
}

#[test]
fn changes_of_one_table_are_one_alter_and_columns_keep_their_place() {
    let current = realm(vec![("user_account", user_account(vec![]))]);
    let mut table = user_account(vec![]);
    table.columns.insert(1, col("nick", varchar(10), false));
    table.columns[2].data_type = varchar(40);
    table.columns.pop();
    let desired = realm(vec![("user_account", table)]);
    let plan = plan(&current, &desired);
    let statements: Vec<&Statement> = plan.statements().collect();
    assert_eq!(statements.len(), 1, "{}", plan.to_sql());
    let sql = &statements[0].sql;
    assert!(sql.starts_with("ALTER TABLE `user_account` "), "{sql}");
    for clause in [
        "ADD COLUMN `nick` varchar(10) NULL AFTER `id`",
        "MODIFY COLUMN `name` varchar(40) NOT NULL",
        "DROP COLUMN `fullname`",
    ] {
        assert!(sql.contains(clause), "{clause} missing from {sql}");
    }
    let kinds: Vec<RiskKind> = statements[0].risks.iter().map(|r| r.kind).collect();
    assert!(kinds.contains(&RiskKind::Destructive) && kinds.contains(&RiskKind::DataDependent));
}

#[test]
fn a_change_of_column_order_alone_moves_the_fewest_columns() {
    let current = realm(vec![("user_account", user_account(vec![]))]);
    let mut table = user_account(vec![]);
    table.columns.swap(1, 2);
    let desired = realm(vec![("user_account", table)]);
    let plan = plan(&current, &desired);
    assert_eq!(
        plan.to_sql(),
        "ALTER TABLE `user_account` MODIFY COLUMN `name` varchar(30) NOT NULL AFTER `fullname`;\n"
    );
    assert_eq!(
        plan.to_reverse_sql(),
        "ALTER TABLE `user_account` MODIFY COLUMN `fullname` varchar(30) NULL AFTER `name`;\n"
    );
}

#[test]
fn a_not_null_column_without_default_warns_of_zero_values() {
    let current = realm(vec![("user_account", user_account(vec![]))]);
    let desired = realm(vec![(
        "user_account",
        user_account(vec![col("age", int(), true)]),
    )]);
    let plan = plan(&current, &desired);
    let risks: Vec<&Risk> = plan.statements().flat_map(|s| &s.risks).collect();
    assert!(
        risks
            .iter()
            .any(|r| r.kind == RiskKind::DataDependent && r.note.contains("zero value")),
        "{risks:?}"
    );
}

#[test]
fn a_cycle_of_new_tables_keeps_one_key_for_after_the_creations() {
    let fk = |table: &str, target: &str| Constraint {
        name: format!("{table}_fk"),
        kind: ConstraintKind::ForeignKey,
        definition: format!(
            "CONSTRAINT `{table}_fk` FOREIGN KEY (`other`) REFERENCES `{target}` (`id`)"
        ),
        columns: vec!["other".into()],
        references: Some(QualifiedName::new(SCOPE, target)),
        referenced_columns: vec!["id".into()],
        ..pk()
    };
    let table = |name: &str, target: &str| Table {
        columns: vec![id(), col("other", int(), false)],
        constraints: vec![pk(), fk(name, target)],
        ..Table::default()
    };
    let desired = realm(vec![("a", table("a", "b")), ("b", table("b", "a"))]);
    let sql = plan(&realm(vec![]), &desired).to_sql();
    let statements: Vec<&str> = sql.split(";\n").filter(|s| !s.is_empty()).collect();
    assert_eq!(statements.len(), 3, "{sql}");
    assert!(
        statements[0].starts_with("CREATE TABLE `a`") && !statements[0].contains("FOREIGN KEY")
    );
    assert!(statements[1].starts_with("CREATE TABLE `b`") && statements[1].contains("`b_fk`"));
    assert_eq!(
        statements[2],
        "ALTER TABLE `a` ADD CONSTRAINT `a_fk` FOREIGN KEY (`other`) REFERENCES `b` (`id`)"
    );
}

#[test]
fn only_a_changed_routine_is_dropped_and_created() {
    let procedure = |body: &str| crate::schema::Function {
        name: "touch".into(),
        kind: crate::schema::RoutineKind::Procedure,
        identity_arguments: String::new(),
        returns: None,
        language: "SQL".into(),
        definition: format!("CREATE PROCEDURE `touch`() {body}"),
        comment: None,
        depends_on: Default::default(),
    };
    let with = |body: &str| {
        let mut r = realm(vec![]);
        let schema = r.schemas.get_mut(SCOPE).unwrap();
        schema.functions.insert("touch".into(), procedure(body));
        r
    };
    assert!(plan(&with("SELECT 1"), &with("SELECT 1")).steps.is_empty());
    let sql: Vec<String> = plan(&with("SELECT 1"), &with("SELECT 2"))
        .statements()
        .map(|s| s.sql.clone())
        .collect();
    assert_eq!(
        sql,
        [
            "DROP PROCEDURE `touch`",
            "CREATE PROCEDURE `touch`() SELECT 2"
        ]
    );
}

#[test]
fn an_ignored_index_says_so_as_mariadb_spells_it() {
    let mut hidden = address();
    hidden.indexes[0].invisible = true;
    let mut unindexed = address();
    unindexed.indexes.clear();
    let current = realm(vec![
        ("user_account", user_account(vec![])),
        ("address", unindexed),
    ]);
    let desired = realm(vec![
        ("user_account", user_account(vec![])),
        ("address", hidden.clone()),
    ]);
    let sql: Vec<String> = plan(&current, &desired)
        .statements()
        .map(|s| s.sql.clone())
        .collect();
    assert_eq!(
        sql,
        ["ALTER TABLE `address` ADD KEY `user_id` (`user_id`) IGNORED"]
    );
    let created: Vec<String> = plan(&realm(vec![]), &realm(vec![("address", hidden)]))
        .statements()
        .map(|s| s.sql.clone())
        .collect();
    assert!(
        created[0].contains("KEY `user_id` (`user_id`) IGNORED"),
        "{created:?}"
    );
}

#[test]
fn the_next_auto_increment_value_of_an_existing_table_is_no_difference() {
    let with_counter = |next: Option<u64>| {
        let mut table = user_account(vec![]);
        table.attrs = crate::schema::TableAttrs::of_mysql(crate::schema::MysqlTable {
            auto_increment: next,
            engine: Some("MyISAM".into()),
            ..Default::default()
        });
        realm(vec![("user_account", table)])
    };
    let (live, models) = (with_counter(Some(5071)), with_counter(None));
    assert!(plan(&live, &models).is_empty());
    let create = plan(&realm(vec![]), &live).to_sql();
    assert!(create.contains("AUTO_INCREMENT=5071"), "{create}");
}

#[test]
fn a_views_options_are_written_where_mysql_reads_them_and_reset_on_replace() {
    let with_view = |options: &[&str]| {
        let mut r = realm(vec![("user_account", user_account(vec![]))]);
        let view = crate::schema::View {
            name: "names".into(),
            definition: "select `user_account`.`name` AS `name` from `user_account`".into(),
            options: options.iter().map(|o| o.to_string()).collect(),
            ..Default::default()
        };
        let schema = r.schemas.get_mut(SCOPE).unwrap();
        schema.views.insert("names".into(), view);
        r
    };
    let (plain, tuned) = (
        with_view(&[]),
        with_view(&["algorithm=merge", "check_option=local", "security=invoker"]),
    );
    let replaced = plan(&plain, &tuned);
    assert_eq!(
        replaced.to_sql(),
        "CREATE OR REPLACE ALGORITHM = MERGE SQL SECURITY INVOKER VIEW `names` AS select \
         `user_account`.`name` AS `name` from `user_account` WITH LOCAL CHECK OPTION;\n"
    );
    assert_eq!(
        replaced.to_reverse_sql(),
        "CREATE OR REPLACE VIEW `names` AS select `user_account`.`name` AS `name` from \
         `user_account`;\n"
    );
    let created = plan(&realm(vec![("user_account", user_account(vec![]))]), &tuned);
    assert!(
        created
            .to_sql()
            .starts_with("CREATE ALGORITHM = MERGE SQL SECURITY INVOKER VIEW `names` AS"),
        "{}",
        created.to_sql()
    );
}

#[test]
fn added_columns_go_in_the_desired_order_so_each_follows_one_already_there() {
    let current = realm(vec![("user_account", user_account(vec![]))]);
    let mut table = user_account(vec![]);
    // `zeta` comes before `alpha`: a name order would add `zeta` after a column not there yet.
    table.columns.insert(1, col("zeta", int(), false));
    table.columns.insert(2, col("alpha", int(), false));
    let desired = realm(vec![("user_account", table)]);
    assert_eq!(
        plan(&current, &desired).to_sql(),
        "ALTER TABLE `user_account` ADD COLUMN `zeta` int NULL AFTER `id`, \
         ADD COLUMN `alpha` int NULL AFTER `zeta`;\n"
    );
}

#[test]
fn a_table_that_loses_every_column_gets_its_new_ones_in_the_same_statement() {
    // The dropped `address` references the dropped key: its drop comes between the drops and
    // the adds of `user_account` in the diff's order.
    let current = realm(vec![
        (
            "user_account",
            Table {
                columns: vec![id()],
                constraints: vec![pk()],
                ..Table::default()
            },
        ),
        ("address", address()),
    ]);
    let desired = realm(vec![(
        "user_account",
        Table {
            columns: vec![col("user_id", int(), true), col("name", varchar(30), false)],
            ..Table::default()
        },
    )]);
    let plan = plan(&current, &desired);
    let sql: Vec<String> = plan.statements().map(|s| s.sql.clone()).collect();
    let altered: Vec<&String> = sql
        .iter()
        .filter(|s| s.starts_with("ALTER TABLE `user_account`"))
        .collect();
    assert_eq!(altered.len(), 1, "{sql:?}");
    let statement = altered[0];
    let (drop, add) = (
        statement.find("DROP COLUMN `id`").expect(statement),
        statement.find("ADD COLUMN `user_id`").expect(statement),
    );
    assert!(drop < add, "{statement}");
    let reverse = plan.to_reverse_sql();
    assert_eq!(
        reverse.matches("ALTER TABLE `user_account`").count(),
        1,
        "{reverse}"
    );
    assert!(
        reverse.contains("ADD COLUMN `id` int NOT NULL AUTO_INCREMENT"),
        "{reverse}"
    );
}

#[test]
fn a_foreign_key_added_beside_a_key_on_its_columns_writes_that_key_again_first() {
    let users = || ("user_account", user_account(vec![]));
    let admins = || ("admins", user_account(vec![]));
    let mut to_admins = address();
    to_admins.constraints[1].definition =
        "CONSTRAINT `address_ibfk_1` FOREIGN KEY (`user_id`) REFERENCES `admins` (`id`)".into();
    to_admins.constraints[1].references = Some(QualifiedName::new(SCOPE, "admins"));
    let current = realm(vec![users(), admins(), ("address", address())]);
    let desired = realm(vec![users(), admins(), ("address", to_admins)]);
    let sql: Vec<String> = plan(&current, &desired)
        .statements()
        .map(|s| s.sql.clone())
        .collect();
    assert_eq!(
        sql,
        [
            "ALTER TABLE `address` DROP FOREIGN KEY `address_ibfk_1`",
            "ALTER TABLE `address` DROP INDEX `user_id`, ADD KEY `user_id` (`user_id`), ADD \
             CONSTRAINT `address_ibfk_1` FOREIGN KEY (`user_id`) REFERENCES `admins` (`id`)"
        ]
    );
}
