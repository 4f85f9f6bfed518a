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
use crate::driver::revision_row::{
    RevisionRow, bind_revision, create_table_sql, recording, revision_from_row, upsert_sql,
};
use crate::migrate::Revision;
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
        "CREATE SCHEMA IF NOT EXISTS {};\n{}",
        quote_ident(schema),
        create_table_sql(&table(schema), "timestamptz NOT NULL DEFAULT now()")
    );
    sqlx::raw_sql(&ddl)
        .execute(conn)
        .await
        .with_context(|| format!("creating the revisions table {}", table(schema)))?;
    Ok(())
}

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
    let rows: Vec<RevisionRow> = sqlx::query_as(&format!(
        "SELECT version, description, kind, checksum, applied::bigint, total::bigint, error,
                error_statement, execution_ms, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                operator
         FROM {} ORDER BY version",
        table(schema)
    ))
    .fetch_all(conn)
    .await
    .with_context(|| format!("reading the revisions table {}", table(schema)))?;
    Ok(rows.into_iter().map(revision_from_row).collect())
}

/// Inserts or replaces the row of `revision.version`.
pub async fn write_revision(
    conn: &mut PgConnection,
    schema: &str,
    revision: &Revision,
) -> anyhow::Result<()> {
    let upsert = upsert_sql(&table(schema), '$', "now()");
    bind_revision(sqlx::query(&upsert), revision)
        .execute(conn)
        .await
        .with_context(|| recording(revision))?;
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
