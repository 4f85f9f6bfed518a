//! Whether a statement's effect on a MySQL target can be recorded together with it, and how a
//! rerun tells that an interrupted DDL statement landed.
//!
//! MySQL commits DDL by itself, so a `CREATE`/`ALTER`/`DROP` and the revision row that records
//! it are two commits: a run killed between them leaves a statement that ran but is not
//! recorded. The target writes an *intent* (the statement's index) before such a statement; a
//! rerun that finds the intent runs the statement again, and an error saying its object is
//! already there (or already gone) means the first run's statement landed. The server runs a
//! statement it received to the end even when the client dies, and the migration lock is only
//! released when that session ends, so the rerun sees the statement either whole or not at all
//! (MariaDB 10.6+ and MySQL 8 make DDL atomic across server crashes too).
//!
//! Data statements need none of this: they run in a transaction with their revision row.

use crate::sql::{Flavor, is_data_change};

/// How a statement of a file applied statement by statement is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    /// Transactional data change: the statement and its revision row commit together.
    WithRow,
    /// Commits by itself (DDL, or anything not known to be transactional): an intent before it.
    AfterIntent,
}

/// `INSERT`, `UPDATE`, `DELETE`, `REPLACE` (and MySQL 8's `WITH … UPDATE|DELETE`) change rows
/// inside a transaction on InnoDB; everything else may commit by itself. On a MyISAM table a
/// data change is not transactional: a crash there can still repeat it.
pub fn recording(flavor: &Flavor, sql: &str) -> Recording {
    match is_data_change(flavor, sql) {
        true => Recording::WithRow,
        false => Recording::AfterIntent,
    }
}

/// Server errors that a statement which already ran gives when it runs again: its object
/// exists (it created it) or is missing (it dropped or renamed it). Numbers are the same on
/// MySQL 8 and MariaDB unless noted.
pub fn says_it_already_ran(error_number: u16) -> bool {
    matches!(
        error_number,
        1007 // database exists
            | 1008 // database does not exist
            | 1022 // duplicate key (a foreign key name again, MariaDB)
            | 1050 // table, view or sequence exists
            | 1051 // unknown table (DROP)
            | 1054 // unknown column (RENAME COLUMN, CHANGE, DROP of a renamed one)
            | 1060 // duplicate column
            | 1061 // duplicate key name
            | 1068 // multiple primary keys
            | 1091 // cannot drop: column or key does not exist
            | 1146 // table does not exist (RENAME TABLE, ALTER after a rename)
            | 1304 // procedure or function exists
            | 1305 // procedure or function does not exist
            | 1359 // trigger exists
            | 1360 // trigger does not exist
            | 1537 // event exists
            | 1539 // unknown event
            | 1826 // duplicate foreign key name (MySQL 8)
            | 3822 // duplicate check constraint name (MySQL 8)
            | 4090 // unknown sequence (MariaDB)
            | 4091 // unknown sequence (MariaDB, DROP SEQUENCE)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::mysql::FLAVOR;

    #[test]
    fn data_changes_commit_with_their_row() {
        for sql in [
            "INSERT INTO t VALUES (1)",
            "  -- why\n update t set a = 1",
            "/* x */ DELETE FROM t",
            "REPLACE INTO t VALUES (2)",
            "WITH x AS (SELECT 1) UPDATE t SET a = 2",
        ] {
            assert_eq!(recording(&FLAVOR, sql), Recording::WithRow, "{sql}");
        }
    }

    #[test]
    fn ddl_and_unknown_statements_need_an_intent() {
        for sql in [
            "CREATE TABLE t (a int)",
            "ALTER TABLE t ADD COLUMN b int",
            "DROP TABLE t",
            "RENAME TABLE a TO b",
            "SET FOREIGN_KEY_CHECKS = 0",
            "CALL p()",
            "`insert`",
            "",
        ] {
            assert_eq!(recording(&FLAVOR, sql), Recording::AfterIntent, "{sql}");
        }
    }

    #[test]
    fn only_exists_and_missing_errors_say_it_ran() {
        assert!(says_it_already_ran(1050));
        assert!(says_it_already_ran(1060));
        assert!(says_it_already_ran(1091));
        // syntax error, access denied, data truncated: the statement did not run
        assert!(!says_it_already_ran(1064));
        assert!(!says_it_already_ran(1045));
        assert!(!says_it_already_ran(1265));
    }
}
