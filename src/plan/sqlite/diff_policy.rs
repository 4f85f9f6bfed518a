//! SQLite's diff policy. The SQLite planner rebuilds a table for most changes itself (see
//! `rebuild`), so the comparison mostly needs to know what SQLite models never hold; every
//! answer keeps the changes the comparison gave before it asked the dialect, for every model
//! the SQLite inspector produces. Where SQLite's own rule would differ, the comment says so.

use crate::diff::DiffPolicy;
use crate::plan::postgres::PostgresDiffPolicy;
use crate::schema::{
    Affinity, Column, DataType, Function, Policy, QualifiedName, Table, TypeCategory, TypeDef, View,
};
use crate::sql::Flavor;

pub struct SqliteDiffPolicy;

impl DiffPolicy for SqliteDiffPolicy {
    /// The planner writes a table as its stored `CREATE TABLE` text.
    fn table_is_one_text(&self) -> bool {
        true
    }

    /// SQLite has neither partitioning nor inheritance; what it cannot alter in place the
    /// planner rebuilds, under the same name and with its rows.
    fn table_needs_recreate(&self, _old: &Table, _new: &Table) -> bool {
        false
    }

    /// `ALTER TABLE` cannot change a generation expression either. (SQLite's own rule would
    /// be a rebuild, which keeps the other columns' rows; today it is a drop and an add.)
    fn column_needs_readd(&self, old: &Column, new: &Column) -> bool {
        old.generated != new.generated
    }

    /// SQLite has no sequences and no identity columns.
    fn swaps_serial_and_identity(&self, _old: &Column, _new: &Column) -> bool {
        false
    }

    fn identity_sequence(&self, _table: &QualifiedName, _column: &str) -> Option<QualifiedName> {
        None
    }

    /// Never asked: SQLite has no user-defined types to re-create. `TEXT` holds any value.
    fn parked_type(&self, _data_type: &DataType) -> DataType {
        DataType::builtin("TEXT", TypeCategory::Sqlite(Affinity::Text))
    }

    /// Never asked: SQLite has no user-defined types, and nothing to alter one with.
    fn type_needs_recreate(&self, _old: &TypeDef, _new: &TypeDef) -> bool {
        true
    }

    /// Never asked: SQLite has no stored routines.
    fn routine_needs_recreate(&self, _old: &Function, _new: &Function) -> bool {
        true
    }

    /// SQLite has no `CREATE OR REPLACE VIEW`, but the planner renders a replaced view as
    /// `DROP VIEW` and the new text, and a view that SQLite models hold has no columns for
    /// the PostgreSQL rule to object to. (SQLite's own answer would be "no": a drop and a
    /// create, whose knock-on effects the cascade would then see.)
    fn view_replaceable(&self, _old: &View, _new: &View) -> bool {
        true
    }

    /// Never asked: SQLite has no row-level security.
    fn policy_alterable(&self, _old: &Policy, _new: &Policy) -> bool {
        false
    }

    /// PostgreSQL's spelling, as before. SQLite keeps the texts as they were written and, on
    /// a rename, writes the new name into them itself, with its own keyword list; a rewrite
    /// that matched SQLite would spell names the way `ALTER TABLE ... RENAME` leaves them.
    fn spell_identifier(&self, name: &str) -> String {
        PostgresDiffPolicy.spell_identifier(name)
    }

    /// SQLite's own: its texts are the statements as written, with `[…]` and `` `…` `` names.
    fn flavor(&self) -> &'static Flavor {
        static SQLITE: Flavor = Flavor::sqlite();
        &SQLITE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQLITE: SqliteDiffPolicy = SqliteDiffPolicy;

    fn column(generated: Option<&str>) -> Column {
        Column {
            name: "a".into(),
            data_type: DataType::builtin("INTEGER", TypeCategory::Sqlite(Affinity::Integer)),
            not_null: false,
            default: None,
            identity: None,
            generated: generated.map(Into::into),
            collation: None,
            comment: None,
            attrs: Default::default(),
        }
    }

    #[test]
    fn tables_are_never_dropped_and_created_again_by_the_comparison() {
        let rebuilt = Table {
            create_sql: Some("CREATE TABLE t (a INTEGER NOT NULL)".into()),
            ..Table::default()
        };
        assert!(!SQLITE.table_needs_recreate(&Table::default(), &rebuilt));
    }

    #[test]
    fn generated_columns_are_dropped_and_added_again() {
        assert!(SQLITE.column_needs_readd(&column(Some("(b + 1)")), &column(Some("(b + 2)"))));
        assert!(!SQLITE.column_needs_readd(&column(None), &column(None)));
    }

    #[test]
    fn there_are_no_sequences_behind_columns() {
        assert!(!SQLITE.swaps_serial_and_identity(&column(None), &column(None)));
        assert_eq!(
            SQLITE.identity_sequence(&QualifiedName::new("main", "t"), "a"),
            None
        );
    }

    #[test]
    fn parked_columns_would_be_text() {
        let parked = SQLITE.parked_type(&DataType::builtin(
            "INTEGER",
            TypeCategory::Sqlite(Affinity::Integer),
        ));
        assert_eq!(
            (parked.sql.as_str(), parked.category),
            ("TEXT", TypeCategory::Sqlite(Affinity::Text))
        );
    }

    #[test]
    fn views_are_replaced_in_one_step() {
        let old = View {
            definition: "CREATE VIEW v AS SELECT 1".into(),
            ..View::default()
        };
        let new = View {
            definition: "CREATE VIEW v AS SELECT 2".into(),
            ..View::default()
        };
        assert!(SQLITE.view_replaceable(&old, &new));
    }

    #[test]
    fn renamed_names_are_spelled_as_before() {
        assert_eq!(SQLITE.spell_identifier("Order"), "\"Order\"");
        assert_eq!(SQLITE.spell_identifier("full_name"), "full_name");
    }
}
