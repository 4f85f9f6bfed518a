//! MySQL's diff policy: `ALTER TABLE` changes nearly everything in place (MariaDB 10.11 and
//! MySQL 8 alike), there are no user-defined types, sequences behind columns or row-level
//! security, and the order of columns is part of a table.

use super::quote;
use crate::diff::DiffPolicy;
use crate::schema::{
    Column, DataType, Function, GeneratedStorage, MysqlTable, MysqlType, Policy, QualifiedName,
    Table, TableAttrs, TypeCategory, TypeDef, View,
};
use crate::sql::Flavor;

pub struct MysqlDiffPolicy;

impl DiffPolicy for MysqlDiffPolicy {
    /// Partitioning and engines change with `ALTER TABLE` too.
    fn table_needs_recreate(&self, _old: &Table, _new: &Table) -> bool {
        false
    }

    /// Neither server changes a column between stored and generated, or a generated column
    /// between VIRTUAL and STORED, with `MODIFY COLUMN` ("not supported for generated
    /// columns"); a changed expression of the same kind is modified in place.
    fn column_needs_readd(&self, old: &Column, new: &Column) -> bool {
        old.generated.is_some() != new.generated.is_some()
            || (old.generated.is_some() && stored(old) != stored(new))
    }

    /// AUTO_INCREMENT is a column attribute; there is no sequence to swap.
    fn swaps_serial_and_identity(&self, _old: &Column, _new: &Column) -> bool {
        false
    }

    fn identity_sequence(&self, _table: &QualifiedName, _column: &str) -> Option<QualifiedName> {
        None
    }

    /// Never asked (no user-defined types); LONGTEXT holds any value.
    fn parked_type(&self, _data_type: &DataType) -> DataType {
        DataType::builtin("longtext", TypeCategory::Mysql(MysqlType::Text))
    }

    /// Never asked: there are no user-defined types (ENUM and SET are column types).
    fn type_needs_recreate(&self, _old: &TypeDef, _new: &TypeDef) -> bool {
        true
    }

    /// MySQL has no `CREATE OR REPLACE` for routines (MariaDB has; one rule serves both), so a
    /// changed routine is dropped and created. The diff asks about every routine on both sides,
    /// changed or not: an unchanged one must stay.
    fn routine_needs_recreate(&self, old: &Function, new: &Function) -> bool {
        old.definition != new.definition
    }

    /// `CREATE OR REPLACE VIEW` takes any new query, whatever its columns.
    fn view_replaceable(&self, _old: &View, _new: &View) -> bool {
        true
    }

    /// Never asked: no row-level security.
    fn policy_alterable(&self, _old: &Policy, _new: &Policy) -> bool {
        false
    }

    /// The server writes every name in the texts it renders (views, checks, generated
    /// expressions) in backticks.
    fn spell_identifier(&self, name: &str) -> String {
        quote::ident(name)
    }

    fn column_order_counts(&self) -> bool {
        true
    }

    /// The next AUTO_INCREMENT value is a counter, not schema: a target with rows would
    /// otherwise always differ from its models. A new table still gets the value its desired
    /// definition names (`CREATE TABLE` renders the desired table whole).
    fn comparable_attrs(&self, attrs: &TableAttrs) -> TableAttrs {
        match attrs {
            TableAttrs::Mysql(mysql) => TableAttrs::of_mysql(MysqlTable {
                auto_increment: None,
                ..mysql.clone()
            }),
            other => other.clone(),
        }
    }

    fn flavor(&self) -> &'static Flavor {
        static MYSQL: Flavor = Flavor::mysql();
        &MYSQL
    }
}

fn stored(column: &Column) -> Option<GeneratedStorage> {
    column.attrs.mysql().and_then(|m| m.storage)
}
