//! Database drivers: connect, inspect into the schema model, execute statements.

pub mod postgres;
