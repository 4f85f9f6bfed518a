//! Listing a database's user objects: to tell an empty database from one that holds a schema.

use sqlx::PgConnection;

/// User objects of a database, as `kind name` rows (schemas other than `public`, relations,
/// types, functions), at most `limit`; objects in `except_schema` are left out.
const USER_OBJECTS: &str = r#"
WITH user_ns AS (
  SELECT oid, nspname FROM pg_namespace
  WHERE nspname NOT IN ('pg_catalog', 'information_schema')
    AND nspname NOT LIKE 'pg\_toast%' AND nspname NOT LIKE 'pg\_temp\_%'
    AND nspname IS DISTINCT FROM $2
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

/// Up to `limit` user objects outside `except_schema`, as (kind, qualified name).
async fn user_objects(
    conn: &mut PgConnection,
    except_schema: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(USER_OBJECTS)
        .bind(limit)
        .bind(except_schema)
        .fetch_all(conn)
        .await
}

/// Up to `limit` user objects outside `except_schema` as `kind name` (e.g. `table public.a`),
/// with `…` added when there are more: for messages that refuse a non-empty database.
pub async fn named_user_objects(
    conn: &mut PgConnection,
    except_schema: Option<&str>,
    limit: usize,
) -> sqlx::Result<Vec<String>> {
    let found = user_objects(conn, except_schema, limit as i64 + 1).await?;
    let mut named: Vec<String> = found
        .iter()
        .take(limit)
        .map(|(kind, name)| format!("{kind} {name}"))
        .collect();
    if found.len() > limit {
        named.push("…".into());
    }
    Ok(named)
}
