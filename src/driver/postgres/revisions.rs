//! The revisions table on a PostgreSQL target: `<schema>.schemactl_revisions` (schema
//! `schemactl` unless configured), one row per migration version.
//!
//! | column | meaning |
//! |---|---|
//! | `version` | the file's version (primary key) |
//! | `description` | the file's name part |
//! | `kind` | `applied`, or `baseline` (recorded by `--baseline`, never run) |
//! | `checksum` | base64 SHA-256 of the file's up SQL (`migrate::up_checksum`) |
//! | `applied`, `total` | statements committed / statements in the file |
//! | `error`, `error_statement` | the server's message and the failing statement |
//! | `execution_ms` | time spent on the file |
//! | `applied_at` | when the row was last written (server time) |
//! | `operator` | OS user and database role that ran it |

use super::quote_ident;
use crate::migrate::{Revision, RevisionKind};
use anyhow::Context;
use sqlx::PgConnection;

pub const REVISIONS_TABLE: &str = "schemactl_revisions";
pub const DEFAULT_REVISIONS_SCHEMA: &str = "schemactl";

/// `"schema"."schemactl_revisions"`.
fn table(schema: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(REVISIONS_TABLE))
}

pub async fn create_revisions_table(conn: &mut PgConnection, schema: &str) -> anyhow::Result<()> {
    let ddl = format!(
        "CREATE SCHEMA IF NOT EXISTS {schema_ident};
         CREATE TABLE IF NOT EXISTS {table} (
           version text PRIMARY KEY,
           description text NOT NULL,
           kind text NOT NULL,
           checksum text NOT NULL,
           applied integer NOT NULL,
           total integer NOT NULL,
           error text,
           error_statement text,
           execution_ms bigint NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now(),
           operator text NOT NULL
         )",
        schema_ident = quote_ident(schema),
        table = table(schema)
    );
    sqlx::raw_sql(&ddl)
        .execute(conn)
        .await
        .with_context(|| format!("creating the revisions table {}", table(schema)))?;
    Ok(())
}

type Row = (
    String,
    String,
    String,
    String,
    i32,
    i32,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
);

/// Every row; empty when the table does not exist yet.
pub async fn read_revisions(
    conn: &mut PgConnection,
    schema: &str,
) -> anyhow::Result<Vec<Revision>> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(table(schema))
        .fetch_one(&mut *conn)
        .await
        .context("looking for the revisions table")?;
    if !exists {
        return Ok(Vec::new());
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT version, description, kind, checksum, applied, total, error, error_statement,
                execution_ms, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                operator
         FROM {} ORDER BY version",
        table(schema)
    ))
    .fetch_all(conn)
    .await
    .with_context(|| format!("reading the revisions table {}", table(schema)))?;
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
    conn: &mut PgConnection,
    schema: &str,
    revision: &Revision,
) -> anyhow::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO {} (version, description, kind, checksum, applied, total, error,
                         error_statement, execution_ms, applied_at, operator)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), $10)
         ON CONFLICT (version) DO UPDATE SET
           description = EXCLUDED.description, kind = EXCLUDED.kind,
           checksum = EXCLUDED.checksum, applied = EXCLUDED.applied, total = EXCLUDED.total,
           error = EXCLUDED.error, error_statement = EXCLUDED.error_statement,
           execution_ms = EXCLUDED.execution_ms, applied_at = now(), operator = EXCLUDED.operator",
        table(schema)
    ))
    .bind(&revision.version)
    .bind(&revision.description)
    .bind(revision.kind.as_str())
    .bind(&revision.checksum)
    .bind(revision.applied as i32)
    .bind(revision.total as i32)
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

pub async fn delete_revision(
    conn: &mut PgConnection,
    schema: &str,
    version: &str,
) -> anyhow::Result<()> {
    sqlx::query(&format!("DELETE FROM {} WHERE version = $1", table(schema)))
        .bind(version)
        .execute(conn)
        .await
        .with_context(|| format!("deleting version {version} from the revisions table"))?;
    Ok(())
}
