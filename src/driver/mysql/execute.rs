//! Running statements one at a time (MySQL commits each DDL statement by itself) and reporting
//! the first failure with the server's error number.

use crate::driver::StatementError;
use sqlx::mysql::{MySqlConnection, MySqlDatabaseError};

/// Runs statements one at a time through the text protocol (the binary one refuses many DDL
/// statements), stopping at the first failure.
pub async fn execute_each(
    conn: &mut MySqlConnection,
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
        .and_then(|e| e.try_downcast_ref::<MySqlDatabaseError>())
    {
        failure.message = db.message().to_string();
        failure.code = Some(db.number().to_string());
        failure.detail = Some(match db.code() {
            Some(state) => format!("server error {} (SQLSTATE {state})", db.number()),
            None => format!("server error {}", db.number()),
        });
    }
    failure
}
