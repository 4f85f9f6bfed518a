//! The dialect's diff policy: the questions the comparison cannot answer from the two models
//! alone, because the answer depends on what the database can alter in place.
//!
//! The comparison asks; each dialect answers (`plan::postgres::PostgresDiffPolicy`,
//! `plan::sqlite::SqliteDiffPolicy`, picked by `Dialect::diff_policy`). Everything else in
//! `diff` is dependency mechanics that hold on any database.

use crate::schema::{
    Column, DataType, Function, Policy, QualifiedName, Table, TableAttrs, TypeDef, View,
};
use crate::sql::Flavor;

pub trait DiffPolicy: Sync {
    /// Whether an existing table must be dropped and created again to become `new`.
    fn table_needs_recreate(&self, old: &Table, new: &Table) -> bool;

    /// Whether a column must be dropped and added again instead of altered. The column then
    /// loses its comment and whatever uses it, and is never parked.
    fn column_needs_readd(&self, old: &Column, new: &Column) -> bool;

    /// Whether a column change swaps a sequence-fed default for an identity (or back), so that
    /// the old sequence must go between two steps.
    fn swaps_serial_and_identity(&self, old: &Column, new: &Column) -> bool;

    /// The sequence an identity column keeps behind it, if the dialect makes one.
    fn identity_sequence(&self, table: &QualifiedName, column: &str) -> Option<QualifiedName>;

    /// The type a column takes while a type it uses is dropped and created again.
    fn parked_type(&self, data_type: &DataType) -> DataType;

    /// Whether a user-defined type cannot be brought from `old` to `new` in place.
    fn type_needs_recreate(&self, old: &TypeDef, new: &TypeDef) -> bool;

    /// Whether a routine must be dropped and created again rather than replaced.
    fn routine_needs_recreate(&self, old: &Function, new: &Function) -> bool;

    /// Whether a changed view can be replaced in place (keeping its indexes, triggers and
    /// comments) rather than dropped and created again.
    fn view_replaceable(&self, old: &View, new: &View) -> bool;

    /// Whether a changed row-level security policy can be altered in place.
    fn policy_alterable(&self, old: &Policy, new: &Policy) -> bool;

    /// An identifier as the server spells it in the texts it renders (defaults, constraint,
    /// index, trigger and view definitions): what a rename writes into those texts.
    fn spell_identifier(&self, name: &str) -> String;

    /// Whether the order of a table's columns is part of its definition, so that a change of
    /// order alone is a change (MySQL places columns with `AFTER`; elsewhere a reorder would
    /// need a rebuild and order is no difference).
    fn column_order_counts(&self) -> bool {
        false
    }

    /// Whether a table's definition is one stored text (SQLite's `CREATE TABLE`), so that its
    /// columns and constraints cannot be left out of a plan one by one (see `narrow`).
    fn table_is_one_text(&self) -> bool {
        false
    }

    /// A table's dialect attributes as the comparison sees them: without what is data rather
    /// than schema (MySQL's next AUTO_INCREMENT value grows with every insert).
    fn comparable_attrs(&self, attrs: &TableAttrs) -> TableAttrs {
        attrs.clone()
    }

    /// How the dialect's texts (defaults and definitions) lex: what the comparison reads
    /// names out of and a rename rewrites.
    fn flavor(&self) -> &'static Flavor;
}
