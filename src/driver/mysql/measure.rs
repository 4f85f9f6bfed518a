//! Measuring one statement on a MySQL-family server: an `ALTER TABLE` (or `CREATE INDEX` /
//! `DROP INDEX`) is run first with `ALGORITHM=INSTANT`, then `ALGORITHM=INPLACE, LOCK=NONE`,
//! then `ALGORITHM=INPLACE`, and last as written; the first that the server accepts is how it
//! can run. A refused clause fails before anything changes (errors 1845/1846), so the statement
//! runs exactly once.
//!
//! MariaDB 10.3+ and MySQL 8.0.12+ both know INSTANT. What each can do instantly differs: MySQL
//! 8.0.29+ adds and drops columns anywhere instantly, MariaDB 10.4+ also reorders them and
//! drops columns instantly but not beside a FULLTEXT index, and MariaDB's NOCOPY (an in-place
//! change that copies no rows) is reported here as INPLACE. The verdict is the dev server's:
//! run the lint on the same server kind as production.

use super::execute::execute_each;
use crate::driver::StatementError;
use crate::driver::measure::{Algorithm, Measurement, OnlineVerdict};
use crate::schema::QualifiedName;
use crate::sql::{Token, TokenKind, significant};
use sqlx::mysql::MySqlConnection;

/// ER_ALTER_OPERATION_NOT_SUPPORTED and ER_ALTER_OPERATION_NOT_SUPPORTED_REASON.
const NOT_SUPPORTED: [&str; 2] = ["1845", "1846"];

/// Runs `statement`, and for a table change, learns the cheapest algorithm it runs with.
pub async fn execute_measured(
    conn: &mut MySqlConnection,
    statement: &str,
) -> Result<Option<Measurement>, StatementError> {
    let Some(change) = TableChange::of(statement) else {
        execute_each(conn, &[statement.to_string()]).await?;
        return Ok(None);
    };
    let attempts = [
        (Algorithm::Instant, "ALGORITHM=INSTANT"),
        (Algorithm::Inplace, "ALGORITHM=INPLACE, LOCK=NONE"),
        (Algorithm::InplaceLocked, "ALGORITHM=INPLACE"),
    ];
    let mut algorithm = Algorithm::Copy;
    let mut reason = None;
    for (candidate, clause) in attempts {
        match execute_each(conn, &[change.with(clause)]).await {
            Ok(()) => {
                algorithm = candidate;
                break;
            }
            Err(e)
                if e.code
                    .as_deref()
                    .is_some_and(|c| NOT_SUPPORTED.contains(&c)) =>
            {
                reason = refusal_reason(&e.message);
            }
            Err(_) => {
                // A clause that does not fit this statement's form (a parse error), or a
                // failure of the statement's own: run it as written, unmeasured, and let it
                // say so.
                execute_each(conn, &[statement.to_string()]).await?;
                return Ok(None);
            }
        }
    }
    if algorithm == Algorithm::Copy {
        execute_each(conn, &[statement.to_string()]).await?;
    }
    let Some((_, table)) = change.table else {
        return Ok(None);
    };
    // A realm of MySQL has its one database as the schema `SCOPE`.
    let table = QualifiedName::new(super::SCOPE, table);
    Ok(Some(Measurement {
        online: Some(OnlineVerdict {
            table,
            algorithm,
            reason: reason.filter(|_| algorithm != Algorithm::Instant),
        }),
        ..Measurement::default()
    }))
}

/// The server's reason from "ALGORITHM=INPLACE is not supported. Reason: Cannot change column
/// type. Try ALGORITHM=COPY" (or the message itself when it gives none).
fn refusal_reason(message: &str) -> Option<String> {
    let reason = match message.split_once("Reason: ") {
        Some((_, rest)) => rest.split(". Try ").next().unwrap_or(rest),
        None => message,
    };
    let reason = reason.trim().trim_end_matches('.');
    (!reason.is_empty()).then(|| reason.to_string())
}

/// A statement that changes one table and takes an `ALGORITHM` clause.
#[derive(Debug, PartialEq)]
struct TableChange<'a> {
    /// The statement up to the end of its last token (no `;`, no trailing comment).
    body: &'a str,
    /// Whether the clause joins a list of changes (`ALTER TABLE`: after a comma).
    comma: bool,
    /// The table as written: (database, table) or (None, table).
    table: Option<(Option<String>, String)>,
}

impl<'a> TableChange<'a> {
    fn of(statement: &'a str) -> Option<TableChange<'a>> {
        let flavor = &super::FLAVOR;
        let tokens: Vec<Token> = significant(flavor, statement)
            .filter(|t| !t.is_punct(statement, ";"))
            .collect();
        let word = |i: usize, w: &str| tokens.get(i).is_some_and(|t| t.is_word(statement, w));
        // A statement that already names its algorithm or lock level is run as written.
        if tokens
            .iter()
            .any(|t| t.is_word(statement, "ALGORITHM") || t.is_word(statement, "LOCK"))
        {
            return None;
        }
        let (comma, name_at) = if word(0, "ALTER") {
            let at = (1..3).find(|&i| word(i, "TABLE"))?;
            (true, at + 1)
        } else if word(0, "CREATE") {
            let index = (1..3).find(|&i| word(i, "INDEX"))?;
            let on = (index + 1..tokens.len()).find(|&i| word(i, "ON"))?;
            (false, on + 1)
        } else if word(0, "DROP") && word(1, "INDEX") {
            let on = (2..tokens.len()).find(|&i| word(i, "ON"))?;
            (false, on + 1)
        } else {
            return None;
        };
        let last = tokens.last()?;
        let ident = |i: usize| {
            tokens
                .get(i)
                .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
                .map(|t| t.ident(statement))
        };
        let dotted = tokens
            .get(name_at + 1)
            .is_some_and(|t| t.is_punct(statement, "."));
        let table = match dotted {
            true => ident(name_at + 2).map(|name| (ident(name_at), name)),
            false => ident(name_at).map(|name| (None, name)),
        };
        Some(TableChange {
            body: &statement[..last.span.end],
            comma,
            table,
        })
    }

    fn with(&self, clause: &str) -> String {
        match self.comma {
            true => format!("{}, {clause}", self.body),
            false => format!("{} {}", self.body, clause.replace(',', "")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clause_goes_after_the_last_token() {
        let change = TableChange::of("ALTER TABLE `app`.users ADD c int -- why\n;").unwrap();
        assert_eq!(change.body, "ALTER TABLE `app`.users ADD c int");
        assert_eq!(
            change.with("ALGORITHM=INSTANT"),
            "ALTER TABLE `app`.users ADD c int, ALGORITHM=INSTANT"
        );
        assert_eq!(change.table, Some((Some("app".into()), "users".into())));
        let index = TableChange::of("CREATE UNIQUE INDEX i ON t (a);").unwrap();
        assert_eq!(
            index.with("ALGORITHM=INPLACE, LOCK=NONE"),
            "CREATE UNIQUE INDEX i ON t (a) ALGORITHM=INPLACE LOCK=NONE"
        );
        assert_eq!(index.table, Some((None, "t".into())));
        assert_eq!(
            TableChange::of("DROP INDEX i ON t").unwrap().table,
            Some((None, "t".into()))
        );
    }

    #[test]
    fn the_reason_is_the_servers() {
        assert_eq!(
            refusal_reason(
                "ALGORITHM=INPLACE is not supported. Reason: Cannot change column type. Try ALGORITHM=COPY"
            )
            .as_deref(),
            Some("Cannot change column type")
        );
        assert_eq!(
            refusal_reason(
                "ALGORITHM=INSTANT is not supported for this operation. Try ALGORITHM=INPLACE"
            )
            .as_deref(),
            Some("ALGORITHM=INSTANT is not supported for this operation. Try ALGORITHM=INPLACE")
        );
    }

    #[test]
    fn other_statements_and_explicit_algorithms_are_run_as_written() {
        assert_eq!(TableChange::of("CREATE TABLE t (a int)"), None);
        assert_eq!(
            TableChange::of("ALTER TABLE t ADD c int, ALGORITHM=COPY"),
            None
        );
        assert_eq!(
            TableChange::of("ALTER TABLE t ADD c int, LOCK=SHARED"),
            None
        );
        assert_eq!(TableChange::of("INSERT INTO t VALUES (1)"), None);
    }
}
