//! The failure of one statement in a list, with everything the server said about it.

use std::fmt;

/// The statement that failed, with everything the server said about why.
#[derive(Debug)]
pub struct StatementError {
    /// Zero-based index of the failing statement in the input.
    pub index: usize,
    pub statement: String,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// One-based character position in the statement, when the server gives one.
    pub position: Option<usize>,
    /// The server's code for the error (SQLSTATE on PostgreSQL, the error number on MySQL).
    pub code: Option<String>,
}

impl fmt::Display for StatementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(detail) = &self.detail {
            write!(f, "\nDETAIL: {detail}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\nHINT: {hint}")?;
        }
        write!(
            f,
            "\nin statement {}: {}",
            self.index + 1,
            self.statement.trim()
        )
    }
}

impl std::error::Error for StatementError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_server_message_details_and_the_statement() {
        let error = StatementError {
            index: 1,
            statement: "CREATE TABLE t (id nope)\n".into(),
            message: "type \"nope\" does not exist".into(),
            detail: None,
            hint: Some("check the spelling".into()),
            position: Some(20),
            code: None,
        };
        let text = error.to_string();
        assert_eq!(
            text,
            "type \"nope\" does not exist\nHINT: check the spelling\nin statement 2: CREATE TABLE t (id nope)"
        );
    }
}
