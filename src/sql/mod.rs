//! SQL text utilities shared by drivers and migrations (statement splitting).

mod split;

pub use split::{SplitStatement, split_statements, split_statements_with};
