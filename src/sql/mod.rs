//! SQL text shared by drivers, migrations and lint: one lexer for every dialect's
//! [`Flavor`], and statement splitting on top of it.

mod body;
mod flavor;
mod lexer;
#[cfg(test)]
mod properties;
mod split;
#[cfg(test)]
mod timing;

pub use flavor::Flavor;
pub use lexer::{Token, TokenKind, Tokens, significant, token_at, tokens};
pub use split::{
    SplitStatement, split_statements, split_statements_for, split_statements_for_with,
    split_statements_with,
};
