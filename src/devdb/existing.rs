//! Safety checks for a dev URL that points at an existing server: the database must be empty
//! and the role must be able to create databases.

use crate::error::{bad_input, failure};
use crate::url::PgUrl;
use sqlx::PgConnection;

/// User objects of a database, as `kind name` rows, at most `limit + 1` of them.
const USER_OBJECTS: &str = r#"
WITH user_ns AS (
  SELECT oid, nspname FROM pg_namespace
  WHERE nspname NOT IN ('pg_catalog', 'information_schema')
    AND nspname NOT LIKE 'pg\_toast%' AND nspname NOT LIKE 'pg\_temp\_%'
)
SELECT kind, name FROM (
  SELECT 1 AS ord, 'schema' AS kind, nspname AS name FROM user_ns WHERE nspname <> 'public'
  UNION ALL
  SELECT 2, CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                           WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                           WHEN 'i' THEN 'index' WHEN 'I' THEN 'index' WHEN 'c' THEN 'type'
                           WHEN 'f' THEN 'foreign table' ELSE 'relation' END,
         n.nspname || '.' || c.relname
  FROM pg_class c JOIN user_ns n ON n.oid = c.relnamespace
  UNION ALL
  SELECT 3, 'type', n.nspname || '.' || t.typname
  FROM pg_type t JOIN user_ns n ON n.oid = t.typnamespace
  WHERE t.typrelid = 0 AND t.typelem = 0
  UNION ALL
  SELECT 4, 'function', n.nspname || '.' || p.proname
  FROM pg_proc p JOIN user_ns n ON n.oid = p.pronamespace
) objects
ORDER BY ord, name
LIMIT $1
"#;

/// How many offending objects an error message names.
const NAMED_IN_ERROR: i64 = 5;

/// Refuses (bad input) a dev database that holds any user object: a dev URL pointing at a
/// real database is a dangerous mistake.
pub(crate) async fn ensure_clean(conn: &mut PgConnection, url: &PgUrl) -> anyhow::Result<()> {
    let found: Vec<(String, String)> = sqlx::query_as(USER_OBJECTS)
        .bind(NAMED_IN_ERROR + 1)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| failure(format!("cannot inspect the dev database {url}: {e}")))?;
    if found.is_empty() {
        return Ok(());
    }
    let mut named: Vec<String> = found
        .iter()
        .take(NAMED_IN_ERROR as usize)
        .map(|(kind, name)| format!("{kind} {name}"))
        .collect();
    if found.len() as i64 > NAMED_IN_ERROR {
        named.push("…".into());
    }
    Err(bad_input(format!(
        "the dev database {url} is not clean (it has {}); the dev URL must point at an empty database, because schemactl creates and drops objects there",
        named.join(", ")
    )))
}

/// Checks that the role may `CREATE DATABASE` (scratch databases need it).
pub(crate) async fn ensure_can_create_databases(
    conn: &mut PgConnection,
    url: &PgUrl,
) -> anyhow::Result<()> {
    let (allowed,): (bool,) =
        sqlx::query_as("SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| failure(format!("cannot read the role of {url}: {e}")))?;
    if allowed {
        Ok(())
    } else {
        Err(bad_input(format!(
            "the role of the dev URL {url} may not create databases (it needs CREATEDB) for the scratch databases schemactl uses"
        )))
    }
}
