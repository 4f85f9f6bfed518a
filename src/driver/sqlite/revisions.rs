//! The revisions table on a SQLite target: `schemactl_revisions` in the database file itself
//! (SQLite has no schemas to set it apart; `--revisions-schema` does not apply), one row per
//! migration version, with the columns of PostgreSQL's (see `driver::postgres::revisions`).
//! `applied_at` is UTC text in RFC 3339.

use crate::driver::revision_row::{
    RevisionRow, WRITTEN_COLUMNS, bind_revision, create_table_sql, recording, revision_from_row,
    upsert_sql,
};
use crate::migrate::Revision;
use anyhow::Context;
use sqlx::SqliteConnection;

pub const REVISIONS_TABLE: &str = "schemactl_revisions";
/// UTC now in RFC 3339, as text.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

pub async fn create_revisions_table(conn: &mut SqliteConnection) -> anyhow::Result<()> {
    let ddl = create_table_sql(REVISIONS_TABLE, &format!("text NOT NULL DEFAULT ({NOW})"));
    sqlx::raw_sql(&ddl)
        .execute(conn)
        .await
        .with_context(|| format!("creating the revisions table {REVISIONS_TABLE}"))?;
    Ok(())
}

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
    let rows: Vec<RevisionRow> = sqlx::query_as(&format!(
        "SELECT {WRITTEN_COLUMNS} FROM {REVISIONS_TABLE} ORDER BY version"
    ))
    .fetch_all(conn)
    .await
    .with_context(|| format!("reading the revisions table {REVISIONS_TABLE}"))?;
    Ok(rows.into_iter().map(revision_from_row).collect())
}

/// Inserts or replaces the row of `revision.version`.
pub async fn write_revision(
    conn: &mut SqliteConnection,
    revision: &Revision,
) -> anyhow::Result<()> {
    let upsert = upsert_sql(REVISIONS_TABLE, '?', NOW);
    bind_revision(sqlx::query(&upsert), revision)
        .execute(conn)
        .await
        .with_context(|| recording(revision))?;
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
