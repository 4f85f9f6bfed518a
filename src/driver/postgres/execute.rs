//! Running statements one at a time in autocommit mode and reporting the first failure.

use crate::driver::StatementError;
use sqlx::postgres::{PgConnection, PgDatabaseError, PgErrorPosition};

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
        code: None,
    };
    if let Some(db) = error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<PgDatabaseError>())
    {
        failure.message = db.message().to_string();
        failure.code = Some(db.code().to_string());
        failure.detail = db.detail().map(str::to_string);
        failure.hint = db.hint().map(str::to_string);
        failure.position = match db.position() {
            Some(PgErrorPosition::Original(at)) => Some(at),
            _ => None,
        };
    }
    failure
}
