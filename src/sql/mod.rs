//! SQL text shared by drivers, planners, migrations and lint: one lexer for every dialect's
//! [`Flavor`], statement splitting on top of it, and a dialect's own text helpers on that
//! lexer (`sqlite`).

mod body;
mod flavor;
mod kind;
mod lexer;
mod split;
pub mod sqlite;
#[cfg(test)]
mod timing;

pub use flavor::Flavor;
pub use kind::is_data_change;
pub use lexer::{Token, TokenKind, Tokens, significant, token_at, tokens};
pub use split::{
    SplitStatement, split_statements, split_statements_for, split_statements_for_with,
    split_statements_with,
};
