//! Errors that reach the user, and the exit code each one means.
//!
//! Exit codes follow the CLI contract: 0 ok, 1 error (or lint errors), 2 bad usage or bad input.

use std::fmt;

/// Whether a failure is the user's input (exit 2) or the environment / a run (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad flags, bad URL, SQL that does not load, unknown config attribute: exit code 2.
    BadInput,
    /// Server unreachable, Docker missing, a migration failing on the target: exit code 1.
    Failure,
}

/// An error with a kind; context chains come from `anyhow` at the edges.
#[derive(Debug)]
pub struct UserError {
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// Bad input: exit code 2.
pub fn bad_input(message: impl Into<String>) -> anyhow::Error {
    UserError {
        kind: ErrorKind::BadInput,
        message: message.into(),
    }
    .into()
}

/// Environment or run failure: exit code 1.
pub fn failure(message: impl Into<String>) -> anyhow::Error {
    UserError {
        kind: ErrorKind::Failure,
        message: message.into(),
    }
    .into()
}

/// The exit code for an error: 2 when any error in the chain is bad input, else 1.
pub fn exit_code(error: &anyhow::Error) -> i32 {
    let bad = error
        .chain()
        .filter_map(|e| e.downcast_ref::<UserError>())
        .any(|e| e.kind == ErrorKind::BadInput);
    if bad { 2 } else { 1 }
}
