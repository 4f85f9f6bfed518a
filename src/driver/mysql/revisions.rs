//! The revisions table on a MySQL target: `schemactl_revisions` in the target database (the
//! database is the scope; there is no schema to set it apart), with the columns every driver
//! writes (see `driver::revision_row`). `version` is a `varchar` because MySQL keys no `text`
//! column without a prefix length; `applied_at` is UTC text in RFC 3339. One column is
//! MySQL's own: `started`, the index of the statement a run began and had not yet recorded
//! (see `landing`), which is an intent only while it equals `applied`.

use crate::driver::revision_row::{
    RevisionRow, WRITTEN_COLUMNS, bind_revision, recording, revision_from_row,
};
use crate::migrate::Revision;
use anyhow::Context;
use sqlx::mysql::MySqlConnection;
use std::collections::HashMap;

pub const REVISIONS_TABLE: &str = "schemactl_revisions";
const NOW: &str = "DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%dT%H:%i:%sZ')";

pub async fn create_revisions_table(conn: &mut MySqlConnection) -> anyhow::Result<()> {
    let ddl = format!(
        "CREATE TABLE IF NOT EXISTS {REVISIONS_TABLE} (
           version varchar(255) NOT NULL PRIMARY KEY,
           description text NOT NULL,
           kind varchar(32) NOT NULL,
           checksum varchar(255) NOT NULL,
           applied bigint NOT NULL,
           total bigint NOT NULL,
           error text,
           error_statement text,
           execution_ms bigint NOT NULL,
           applied_at varchar(32) NOT NULL,
           operator text NOT NULL,
           started bigint
         ) DEFAULT CHARSET=utf8mb4"
    );
    sqlx::raw_sql(&ddl)
        .execute(conn)
        .await
        .with_context(|| format!("creating the revisions table {REVISIONS_TABLE}"))?;
    Ok(())
}

/// Every row; empty when the table does not exist yet.
pub async fn read_revisions(conn: &mut MySqlConnection) -> anyhow::Result<Vec<Revision>> {
    let (exists,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
    )
    .bind(REVISIONS_TABLE)
    .fetch_one(&mut *conn)
    .await
    .context("looking for the revisions table")?;
    if exists == 0 {
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

/// The versions whose row holds an intent, with the index of the statement it names.
pub async fn read_intents(conn: &mut MySqlConnection) -> anyhow::Result<HashMap<String, usize>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT version, started FROM {REVISIONS_TABLE}
         WHERE started = applied AND error IS NULL"
    ))
    .fetch_all(conn)
    .await
    .with_context(|| format!("reading interrupted statements from {REVISIONS_TABLE}"))?;
    Ok(rows
        .into_iter()
        .map(|(version, index)| (version, index as usize))
        .collect())
}

/// Records that statement `index` of `version` is about to run (the row exists: the executor
/// writes it before a file's first statement).
pub async fn write_intent(
    conn: &mut MySqlConnection,
    version: &str,
    index: usize,
) -> anyhow::Result<()> {
    sqlx::query(&format!(
        "UPDATE {REVISIONS_TABLE} SET started = ? WHERE version = ?"
    ))
    .bind(index as i64)
    .bind(version)
    .execute(conn)
    .await
    .with_context(|| {
        format!(
            "recording that version {version} starts statement {}",
            index + 1
        )
    })?;
    Ok(())
}

/// Inserts or replaces the row of `revision.version`. An intent survives a progress write (a
/// rerun that resumes a file rewrites its row before running the interrupted statement) but
/// not a recorded failure: the statement then did not run.
pub async fn write_revision(conn: &mut MySqlConnection, revision: &Revision) -> anyhow::Result<()> {
    // `VALUES(col)` works on both servers; MySQL 8.0.20+ deprecates it (with a warning) in
    // favour of a row alias, which MariaDB does not have.
    let mut set: Vec<String> = WRITTEN_COLUMNS
        .split(", ")
        .filter(|c| *c != "version")
        .map(|c| format!("{c} = VALUES({c})"))
        .collect();
    set.push("started = IF(VALUES(error) IS NULL, started, NULL)".into());
    let upsert = format!(
        "INSERT INTO {REVISIONS_TABLE} ({WRITTEN_COLUMNS})
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, {NOW}, ?)
         ON DUPLICATE KEY UPDATE {}",
        set.join(", ")
    );
    bind_revision(sqlx::query(&upsert), revision)
        .execute(conn)
        .await
        .with_context(|| recording(revision))?;
    Ok(())
}

pub async fn delete_revision(conn: &mut MySqlConnection, version: &str) -> anyhow::Result<()> {
    sqlx::query(&format!("DELETE FROM {REVISIONS_TABLE} WHERE version = ?"))
        .bind(version)
        .execute(conn)
        .await
        .with_context(|| format!("deleting version {version} from the revisions table"))?;
    Ok(())
}

/// Up to `limit` tables, views and routines besides the revisions table, e.g. `table users`.
pub async fn named_user_objects(
    conn: &mut MySqlConnection,
    limit: usize,
) -> anyhow::Result<Vec<String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT CASE TABLE_TYPE WHEN 'VIEW' THEN 'view' ELSE 'table' END, TABLE_NAME
         FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> ?
         UNION ALL
         SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME FROM information_schema.ROUTINES
         WHERE ROUTINE_SCHEMA = DATABASE()
         ORDER BY 1, 2 LIMIT ?",
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
