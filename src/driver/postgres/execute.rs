//! Running statements one at a time in autocommit mode and reporting the first failure.

use sqlx::postgres::{PgConnection, PgDatabaseError, PgErrorPosition};
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

/// Run statements one at a time in autocommit mode, stopping at the first failure.
///
/// Each string goes through the simple query protocol, so one entry may itself hold several
/// statements (they then run as one implicit transaction).
pub async fn execute_each(
    conn: &mut PgConnection,
    statements: &[String],
) -> Result<(), StatementError> {
    for (index, statement) in statements.iter().enumerate() {
        if let Err(error) = sqlx::raw_sql(statement).execute(&mut *conn).await {
            return Err(statement_error(index, statement, error));
        }
    }
    Ok(())
}

fn statement_error(index: usize, statement: &str, error: sqlx::Error) -> StatementError {
    let mut failure = StatementError {
        index,
        statement: statement.to_string(),
        message: error.to_string(),
        detail: None,
        hint: None,
        position: None,
    };
    if let Some(db) = error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<PgDatabaseError>())
    {
        failure.message = db.message().to_string();
        failure.detail = db.detail().map(str::to_string);
        failure.hint = db.hint().map(str::to_string);
        failure.position = match db.position() {
            Some(PgErrorPosition::Original(at)) => Some(at),
            _ => None,
        };
    }
    failure
}

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
        };
        let text = error.to_string();
        assert_eq!(
            text,
            "type \"nope\" does not exist\nHINT: check the spelling\nin statement 2: CREATE TABLE t (id nope)"
        );
    }
}
