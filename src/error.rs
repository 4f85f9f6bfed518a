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

/// Whether `error` says a database server went away mid-run (the connection closed under a
/// query). Drivers say so in their own terms ("expected to read 5 bytes, got 0 bytes at EOF"),
/// often already folded into a message, so the text counts as well as the error's type.
pub fn lost_connection(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let io = cause
            .downcast_ref::<sqlx::Error>()
            .and_then(|e| match e {
                sqlx::Error::Io(io) => Some(io.kind()),
                _ => None,
            })
            .or_else(|| cause.downcast_ref::<std::io::Error>().map(|io| io.kind()));
        let closed = matches!(
            io,
            Some(
                std::io::ErrorKind::UnexpectedEof
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
            )
        );
        closed || says_connection_closed(&cause.to_string())
    })
}

fn says_connection_closed(message: &str) -> bool {
    [
        "bytes at EOF",
        "Connection reset by peer",
        "Broken pipe",
        "server closed the connection unexpectedly",
    ]
    .iter()
    .any(|phrase| message.contains(phrase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_connection_is_told_by_its_type_or_its_words() {
        let eof = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "eof");
        assert!(lost_connection(&anyhow::Error::from(sqlx::Error::Io(eof))));
        let folded = failure("applying 1_a.sql: expected to read 5 bytes, got 0 bytes at EOF");
        assert!(lost_connection(&folded));
        assert!(!lost_connection(&failure(
            "relation \"users\" does not exist"
        )));
    }
}
