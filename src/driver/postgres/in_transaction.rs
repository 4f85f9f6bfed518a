//! A connection that runs inside one transaction its owner opened and will roll back: the
//! statements it runs and the inspections between them all see that transaction's changes,
//! and none of them outlives it.

use sqlx::postgres::PgConnection;

/// A PostgreSQL connection inside a transaction opened with a plain `BEGIN` (not sqlx's, which
/// would turn the inspection's own transaction into a savepoint it cannot set up).
pub struct InTransaction(pub PgConnection);
