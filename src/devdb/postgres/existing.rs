//! Safety checks for a dev URL that points at an existing server: the database must be empty
//! and the role must be able to create databases.

use crate::error::{bad_input, failure};
use crate::url::PgUrl;
use sqlx::PgConnection;

/// How many offending objects an error message names.
const NAMED_IN_ERROR: usize = 5;

/// Refuses (bad input) a dev database that holds any user object: a dev URL pointing at a
/// real database is a dangerous mistake.
pub(crate) async fn ensure_clean(conn: &mut PgConnection, url: &PgUrl) -> anyhow::Result<()> {
    let named = crate::driver::postgres::named_user_objects(conn, None, NAMED_IN_ERROR)
        .await
        .map_err(|e| failure(format!("cannot inspect the dev database {url}: {e}")))?;
    if named.is_empty() {
        return Ok(());
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
