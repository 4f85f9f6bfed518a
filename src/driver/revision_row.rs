//! The revisions table's row as every driver reads and writes it: the column list, one tuple
//! type (integers as 64-bit), its conversion to a [`Revision`], and the binding of a revision's
//! values to an upsert. The tables themselves live in `driver::<dialect>::revisions`.

use crate::migrate::{Revision, RevisionKind};
use sqlx::query::Query;
use sqlx::{Database, Encode, Type};

/// The columns an upsert writes, in [`bind_revision`]'s order (`applied_at` is left to the
/// server and written between `execution_ms` and `operator`).
pub const WRITTEN_COLUMNS: &str = "version, description, kind, checksum, applied, total, error, \
     error_statement, execution_ms, applied_at, operator";

/// `CREATE TABLE IF NOT EXISTS table (…)`; `applied_at` is the dialect's definition of that
/// column (type and default).
pub fn create_table_sql(table: &str, applied_at: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {table} (
           version text PRIMARY KEY,
           description text NOT NULL,
           kind text NOT NULL,
           checksum text NOT NULL,
           applied integer NOT NULL,
           total integer NOT NULL,
           error text,
           error_statement text,
           execution_ms bigint NOT NULL,
           applied_at {applied_at},
           operator text NOT NULL
         )"
    )
}

/// The upsert of one row, for [`bind_revision`]'s values: placeholders `{marker}1` to
/// `{marker}10` (`$` on PostgreSQL, `?` on SQLite) and `now` for `applied_at`.
pub fn upsert_sql(table: &str, marker: char, now: &str) -> String {
    let p = |n: usize| format!("{marker}{n}");
    format!(
        "INSERT INTO {table} ({WRITTEN_COLUMNS})
         VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {now}, {})
         ON CONFLICT (version) DO UPDATE SET
           description = excluded.description, kind = excluded.kind,
           checksum = excluded.checksum, applied = excluded.applied, total = excluded.total,
           error = excluded.error, error_statement = excluded.error_statement,
           execution_ms = excluded.execution_ms, applied_at = excluded.applied_at,
           operator = excluded.operator",
        p(1),
        p(2),
        p(3),
        p(4),
        p(5),
        p(6),
        p(7),
        p(8),
        p(9),
        p(10)
    )
}

/// A row read in the order of [`WRITTEN_COLUMNS`], `applied_at` as RFC 3339 text.
pub type RevisionRow = (
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
);

pub fn revision_from_row(r: RevisionRow) -> Revision {
    Revision {
        version: r.0,
        description: r.1,
        kind: RevisionKind::parse(&r.2),
        checksum: r.3,
        applied: r.4.max(0) as usize,
        total: r.5.max(0) as usize,
        error: r.6,
        error_statement: r.7,
        execution_ms: r.8.max(0) as u64,
        applied_at: r.9,
        operator: r.10,
    }
}

/// Binds the ten values of `revision` that an upsert writes (every column but `applied_at`).
pub fn bind_revision<'q, DB>(
    query: Query<'q, DB, <DB as Database>::Arguments<'q>>,
    revision: &'q Revision,
) -> Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    DB: Database,
    &'q str: Encode<'q, DB> + Type<DB>,
    i64: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
{
    query
        .bind(revision.version.as_str())
        .bind(revision.description.as_str())
        .bind(revision.kind.as_str())
        .bind(revision.checksum.as_str())
        .bind(revision.applied as i64)
        .bind(revision.total as i64)
        .bind(revision.error.as_deref())
        .bind(revision.error_statement.as_deref())
        .bind(revision.execution_ms as i64)
        .bind(revision.operator.as_str())
}

/// What a failed upsert was doing, for its error.
pub fn recording(revision: &Revision) -> String {
    format!(
        "recording version {} in the revisions table",
        revision.version
    )
}
