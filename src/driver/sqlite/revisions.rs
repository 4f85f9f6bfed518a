//! The revisions table on a SQLite target: `schemactl_revisions` in the database file itself
//! (SQLite has no schemas to set it apart; `--revisions-schema` does not apply), one row per
//! migration version, with the columns of PostgreSQL's (see `driver::postgres::revisions`).
//! `applied_at` is UTC text in RFC 3339.

use crate::migrate::{Revision, RevisionKind};
use anyhow::Context;
use sqlx::SqliteConnection;

pub const REVISIONS_TABLE: &str = "schemactl_revisions";

pub async fn create_revisions_table(conn: &mut SqliteConnection) -> anyhow::Result<()> {
    let ddl = format!(
        "CREATE TABLE IF NOT EXISTS {REVISIONS_TABLE} (
           version text PRIMARY KEY,
           description text NOT NULL,
           kind text NOT NULL,
           checksum text NOT NULL,
           applied integer NOT NULL,
           total integer NOT NULL,
           error text,
           error_statement text,
           execution_ms integer NOT NULL,
           applied_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
           operator text NOT NULL
         )"
    );
    sqlx::raw_sql(&ddl)
        .execute(conn)
        .await
        .with_context(|| format!("creating the revisions table {REVISIONS_TABLE}"))?;
    Ok(())
}

type Row = (
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

/// Every row; empty when the table does not exist yet.
pub async fn read_revisions(conn: &mut SqliteConnection) -> anyhow::Result<Vec<Revision>> {
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)",
    )
    .bind(REVISIONS_TABLE)
    .fetch_one(&mut *conn)
    .await
    .context("looking for the revisions table")?;
    if !exists {
        return Ok(Vec::new());
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT version, description, kind, checksum, applied, total, error, error_statement,
                execution_ms, applied_at, operator
         FROM {REVISIONS_TABLE} ORDER BY version"
    ))
    .fetch_all(conn)
    .await
    .with_context(|| format!("reading the revisions table {REVISIONS_TABLE}"))?;
    Ok(rows
        .into_iter()
        .map(|r| Revision {
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
        })
        .collect())
}

/// Inserts or replaces the row of `revision.version`.
pub async fn write_revision(
    conn: &mut SqliteConnection,
    revision: &Revision,
) -> anyhow::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO {REVISIONS_TABLE} (version, description, kind, checksum, applied, total,
                                        error, error_statement, execution_ms, applied_at, operator)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)
         ON CONFLICT (version) DO UPDATE SET
           description = excluded.description, kind = excluded.kind,
           checksum = excluded.checksum, applied = excluded.applied, total = excluded.total,
           error = excluded.error, error_statement = excluded.error_statement,
           execution_ms = excluded.execution_ms, applied_at = excluded.applied_at,
           operator = excluded.operator"
    ))
    .bind(&revision.version)
    .bind(&revision.description)
    .bind(revision.kind.as_str())
    .bind(&revision.checksum)
    .bind(revision.applied as i64)
    .bind(revision.total as i64)
    .bind(&revision.error)
    .bind(&revision.error_statement)
    .bind(revision.execution_ms as i64)
    .bind(&revision.operator)
    .execute(conn)
    .await
    .with_context(|| {
        format!(
            "recording version {} in the revisions table",
            revision.version
        )
    })?;
    Ok(())
}

pub async fn delete_revision(conn: &mut SqliteConnection, version: &str) -> anyhow::Result<()> {
    sqlx::query(&format!("DELETE FROM {REVISIONS_TABLE} WHERE version = ?"))
        .bind(version)
        .execute(conn)
        .await
        .with_context(|| format!("deleting version {version} from the revisions table"))?;
    Ok(())
}

/// Up to `limit` user objects besides the revisions table, e.g. `table users`.
pub async fn named_user_objects(
    conn: &mut SqliteConnection,
    limit: usize,
) -> anyhow::Result<Vec<String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT type, name FROM sqlite_master
         WHERE substr(name, 1, 7) <> 'sqlite_' AND tbl_name <> ?
         ORDER BY type, name LIMIT ?",
    )
    .bind(REVISIONS_TABLE)
    .bind(limit as i64)
    .fetch_all(conn)
    .await
    .context("listing the target's objects")?;
    Ok(rows
        .into_iter()
        .map(|(kind, name)| format!("{kind} {name}"))
        .collect())
}
