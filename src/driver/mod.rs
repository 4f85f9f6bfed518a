//! Database drivers: connect, inspect into the schema model, execute statements.

pub mod postgres;

/// Which schemas an inspection covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every user schema (system schemas and temporary schemas excluded).
    AllSchemas,
    /// Only these schemas; names that do not exist are ignored.
    Schemas(Vec<String>),
}
