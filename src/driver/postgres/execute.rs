//! Running statements in autocommit mode and reporting the first failure: one at a time, or
//! (scripts on a dev database) many per round trip.

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

/// How many statements, and how much text, one round trip of [`execute_batched`] carries.
const BATCH_STATEMENTS: usize = 256;
const BATCH_BYTES: usize = 256 * 1024;

/// Runs statements as [`execute_each`] leaves them, in fewer round trips: a run of them goes in
/// one simple query, which PostgreSQL runs as one implicit transaction. When a run fails it was
/// rolled back whole, and it runs again one statement at a time, so the statements before the
/// failing one are applied and the error names it (and a statement that refuses a
/// transaction block, such as `CREATE INDEX CONCURRENTLY`, runs by itself there). For an
/// autocommit connection only: inside a transaction a failure would abort it.
pub async fn execute_batched(
    conn: &mut PgConnection,
    statements: &[String],
) -> Result<(), StatementError> {
    let mut start = 0;
    while start < statements.len() {
        let end = batch_end(statements, start);
        if end - start > 1 {
            // A line break before each `;`: a statement may end in a line comment.
            let script: String = statements[start..end]
                .iter()
                .map(|s| format!("{s}\n;\n"))
                .collect();
            if sqlx::raw_sql(&script).execute(&mut *conn).await.is_ok() {
                start = end;
                continue;
            }
        }
        execute_each(conn, &statements[start..end])
            .await
            .map_err(|mut error| {
                error.index += start;
                error
            })?;
        start = end;
    }
    Ok(())
}

/// The end of the run of statements that starts at `start`.
fn batch_end(statements: &[String], start: usize) -> usize {
    let mut bytes = 0;
    let mut end = start;
    while end < statements.len() && end - start < BATCH_STATEMENTS {
        bytes += statements[end].len();
        if bytes > BATCH_BYTES && end > start {
            break;
        }
        end += 1;
    }
    end
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_bounded_by_count_and_size() {
        let small: Vec<String> = (0..600).map(|i| format!("SELECT {i}")).collect();
        assert_eq!(batch_end(&small, 0), BATCH_STATEMENTS);
        assert_eq!(batch_end(&small, 500), 600);
        let big = vec!["x".repeat(BATCH_BYTES); 3];
        assert_eq!(batch_end(&big, 0), 1, "one oversized statement still runs");
        assert_eq!(batch_end(&big, 2), 3);
    }
}
