//! The catalog of lint rules: each rule's stable code, family, default level, one-line message,
//! the safe way to do the same thing, and its anchor in docs/lint.md.

use serde::Serialize;

/// How a finding counts: errors fail the gate (exit 1), warnings are reported only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// The groups that `lint { FAMILY { error = … } }` configures together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Destructive,
    DataDepend,
    Incompatible,
    Locking,
    Transaction,
    Naming,
    Style,
    Execution,
    Suppression,
}

impl Family {
    pub const ALL: [Family; 9] = [
        Family::Destructive,
        Family::DataDepend,
        Family::Incompatible,
        Family::Locking,
        Family::Transaction,
        Family::Naming,
        Family::Style,
        Family::Execution,
        Family::Suppression,
    ];

    /// The block name in `lint { }` (Atlas's names where Atlas has the family).
    pub fn block_name(self) -> &'static str {
        match self {
            Family::Destructive => "destructive",
            Family::DataDepend => "data_depend",
            Family::Incompatible => "incompatible",
            Family::Locking => "locking",
            Family::Transaction => "transaction",
            Family::Naming => "naming",
            Family::Style => "style",
            Family::Execution => "execution",
            Family::Suppression => "suppression",
        }
    }

    /// Destructive and backward-incompatible changes fail the gate, and so does a migration
    /// that does not even run; the rest (stale suppressions too) warn unless configured.
    pub fn default_level(self) -> Level {
        match self {
            Family::Destructive | Family::Incompatible | Family::Execution => Level::Error,
            _ => Level::Warning,
        }
    }
}

/// Documentation of the rules; findings link to `DOCS_URL#code`.
pub const DOCS_URL: &str = "docs/lint.md";

/// One rule of the catalog.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub family: Family,
    pub message: &'static str,
    /// How to get the same result safely.
    pub help: &'static str,
}

impl Rule {
    /// The link to the rule's explanation.
    pub fn doc_link(&self) -> String {
        format!("{DOCS_URL}#{}", self.code.to_ascii_lowercase())
    }

    /// The databases the rule runs on: most rules read the schema difference and run on every
    /// dialect; the rest are about one database's locks, types or transactions (the dialect's
    /// `LintTraits` turn them on).
    pub fn dialects(&self) -> &'static str {
        match (self.family, &self.code[..2]) {
            (_, "PG") | (Family::Style, _) => "PostgreSQL",
            (_, "MY") => "MySQL, MariaDB",
            (Family::Transaction, _) => "PostgreSQL, SQLite",
            _ if matches!(self.code, "MF103" | "MF105") => "PostgreSQL, SQLite",
            _ => "every dialect",
        }
    }
}

macro_rules! rules {
    ($($name:ident = $code:literal, $family:ident, $message:literal, $help:literal;)*) => {
        $(pub const $name: Rule = Rule {
            code: $code,
            family: Family::$family,
            message: $message,
            help: $help,
        };)*
        /// Every rule, in code order.
        pub const ALL: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    DROP_SCHEMA = "DS101", Destructive, "schema dropped with its objects",
        "Move the objects out or drop them one by one in an earlier, reviewed migration; back up first.";
    DROP_TABLE = "DS102", Destructive, "table dropped, with its rows",
        "Stop reading and writing the table in one release, back it up, then drop it in a later migration.";
    DROP_COLUMN = "DS103", Destructive, "column dropped, with its data",
        "Stop using the column in the code first, then drop it in a later migration.";
    DROP_IN_USE = "DS104", Destructive, "drop removes objects that other objects use",
        "Drop the dependent objects explicitly (no CASCADE) so the migration states what it removes.";
    DROP_OTHER = "DS105", Destructive, "view, function, type, sequence, domain, policy or extension dropped",
        "Make sure nothing reads it any more; prefer dropping it in a release after the code stopped using it.";
    DROP_DATABASE = "DS106", Destructive, "database dropped",
        "Never drop a database from a migration.";
    TRUNCATE = "DS107", Destructive, "table truncated, with its rows",
        "Delete rows with a reviewed DELETE in batches; never TRUNCATE … CASCADE in a migration.";
    RENAME_TABLE = "BC101", Incompatible, "table renamed while running code reads the old name",
        "Create the new table (or a view under the new name), deploy code that uses it, then remove the old name later.";
    RENAME_COLUMN = "BC102", Incompatible, "column renamed while running code reads the old name",
        "Add the new column, write to both, backfill, switch reads, then drop the old column in a later migration.";
    SET_SCHEMA = "BC103", Incompatible, "object moved to another schema",
        "Create the object in its new schema beside the old one and switch the code over before removing the old one.";
    RENAME_OTHER = "BC104", Incompatible, "object renamed while running code may use the old name",
        "Create the object under the new name, move the code over, then drop the old name.";
    DROP_NOT_NULL = "BC105", Incompatible, "NOT NULL dropped: code reading the column may get NULLs",
        "Make sure every reader handles NULL before dropping the constraint.";
    ADD_UNIQUE = "MF101", DataDepend, "unique index or constraint added to an existing table",
        "Check for duplicates first; build the index with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX.";
    ADD_NOT_NULL_COLUMN = "MF103", DataDepend, "NOT NULL column without a default added to an existing table",
        "Add the column with a constant DEFAULT, or nullable, backfill, then SET NOT NULL.";
    SET_NOT_NULL = "MF104", DataDepend, "NOT NULL set on an existing column: fails if any row holds NULL and scans the table",
        "Add CHECK (col IS NOT NULL) NOT VALID, backfill, VALIDATE CONSTRAINT, then SET NOT NULL (no scan) and drop the check.";
    NARROWING_TYPE = "MF105", DataDepend, "column type narrowed: existing values may not fit",
        "Check existing values fit the new type, or add a new column, backfill with a checked cast and switch over.";
    CHECK_VALIDATED = "MF106", DataDepend, "check constraint validated against existing rows",
        "Add it NOT VALID (new rows are checked), fix old rows, then VALIDATE CONSTRAINT.";
    FOREIGN_KEY_VALIDATED = "MF107", DataDepend, "foreign key validated against existing rows",
        "Add it NOT VALID, fix orphaned rows, then VALIDATE CONSTRAINT.";
    ADD_PRIMARY_KEY = "MF108", DataDepend, "primary key added to an existing table",
        "Build a unique index CONCURRENTLY on NOT NULL columns, then ADD CONSTRAINT … PRIMARY KEY USING INDEX.";
    INDEX_NOT_CONCURRENT = "PG101", Locking, "index created without CONCURRENTLY on an existing table: blocks writes while it builds",
        "CREATE INDEX CONCURRENTLY in a file with `-- atlas:txmode none`.";
    DROP_INDEX_NOT_CONCURRENT = "PG102", Locking, "index dropped without CONCURRENTLY: blocks reads and writes",
        "DROP INDEX CONCURRENTLY in a file with `-- atlas:txmode none`.";
    CONCURRENT_IN_TRANSACTION = "PG103", Locking, "CONCURRENTLY cannot run inside a transaction",
        "Put the statement in its own file with `-- atlas:txmode none` (and no BEGIN).";
    CHECK_NOT_VALID = "PG104", Locking, "check constraint added without NOT VALID: blocks reads and writes while every row is checked",
        "ADD CONSTRAINT … CHECK (…) NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT.";
    TYPE_REWRITE = "PG105", Locking, "column type change rewrites the table under an ACCESS EXCLUSIVE lock",
        "Add a new column of the new type, backfill in batches, switch the code, drop the old column.";
    VOLATILE_DEFAULT = "PG106", Locking, "column with a volatile default (or serial/identity) added to an existing table: rewrites it",
        "Add the column without default (or a constant one), set the default, backfill in batches.";
    LOCK_TIMEOUT = "PG107", Locking, "locking DDL on an existing table without lock_timeout: queues every query behind it",
        "Start the file with `SET lock_timeout = '2s';` (and retry on timeout).";
    FOREIGN_KEY_NOT_VALID = "PG108", Locking, "foreign key added without NOT VALID: locks both tables while every row is checked",
        "ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT in a later statement.";
    UNIQUE_WITHOUT_INDEX = "PG109", Locking, "unique or primary key constraint built under an ACCESS EXCLUSIVE lock",
        "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX.";
    REINDEX_NOT_CONCURRENT = "PG110", Locking, "REINDEX without CONCURRENTLY blocks writes",
        "REINDEX … CONCURRENTLY in a file with `-- atlas:txmode none`.";
    DETACH_NOT_CONCURRENT = "PG111", Locking, "partition detached without CONCURRENTLY",
        "ALTER TABLE … DETACH PARTITION … CONCURRENTLY (outside a transaction).";
    FULL_REWRITE = "PG112", Locking, "VACUUM FULL or CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock",
        "Use pg_repack (or pg_squeeze) outside the migration.";
    MEASURED_REWRITE = "PG114", Locking, "statement rewrote an existing table (measured on the dev database)",
        "Find a form of the change that keeps the table's file (see PG105, PG106), or rebuild it online with pg_repack outside the migration.";
    STATEMENT_TIMEOUT = "PG113", Locking, "locking DDL on an existing table without statement_timeout",
        "Set `SET statement_timeout = '…';` at the top of the file to bound how long the lock is held.";
    MIXED_DDL_DML = "TX101", Transaction, "schema and data statements mixed in one transactional file",
        "Put data changes (backfills) in their own file, or make the file `-- atlas:txmode none` and batch them.";
    NESTED_TRANSACTION = "TX102", Transaction, "BEGIN/COMMIT inside a file that already runs in a transaction",
        "Remove BEGIN/COMMIT; the file runs in a transaction already (or set `-- atlas:txmode none`).";
    UNCOMMITTED_TRANSACTION = "TX103", Transaction, "transaction started and not committed by the end of the file",
        "End the file with COMMIT.";
    NAMING_SCHEMA = "NM101", Naming, "schema name does not match the naming rule",
        "Rename the schema to match `lint { naming { … } }`.";
    NAMING_TABLE = "NM102", Naming, "table name does not match the naming rule",
        "Rename the table to match `lint { naming { … } }`.";
    NAMING_COLUMN = "NM103", Naming, "column name does not match the naming rule",
        "Rename the column to match `lint { naming { … } }`.";
    NAMING_INDEX = "NM104", Naming, "index name does not match the naming rule",
        "Rename the index to match `lint { naming { … } }`.";
    NAMING_CONSTRAINT = "NM105", Naming, "constraint name does not match the naming rule",
        "Rename the constraint to match `lint { naming { … } }`.";
    IDENTIFIER_TOO_LONG = "NM110", Naming, "identifier longer than 63 bytes is silently truncated",
        "Use a name of at most 63 bytes.";
    PREFER_TEXT = "ST101", Style, "varchar(n) column: changing the limit later rewrites or locks",
        "Use text, with a CHECK (char_length(col) <= n) constraint when a limit is needed.";
    BAN_CHAR = "ST102", Style, "char(n) pads with spaces and wastes space",
        "Use text (or varchar).";
    PREFER_BIGINT = "ST103", Style, "integer or smallint column may overflow",
        "Use bigint for ids and counters.";
    PREFER_TIMESTAMPTZ = "ST104", Style, "timestamp without time zone",
        "Use timestamptz.";
    PREFER_IDENTITY = "ST105", Style, "serial column",
        "Use GENERATED BY DEFAULT AS IDENTITY.";
    ROBUST_STATEMENT = "ST106", Style, "statement outside a transaction is not re-runnable",
        "Add IF NOT EXISTS / IF EXISTS so a retry after a partial failure succeeds.";
    SCHEMA_QUALIFIED = "ST107", Style, "object name not schema-qualified",
        "Write schema.name so the object does not depend on search_path.";
    DOMAIN_CONSTRAINT = "ST108", Style, "domain with a constraint: changing it later locks and checks every table using it",
        "Put the check on the columns as CHECK constraints.";
    ZERO_FILLED_COLUMN = "MY101", DataDepend, "NOT NULL column without a default added to an existing table: its rows get the type's zero value",
        "Give the column the DEFAULT its existing rows should have, or add it nullable, backfill, then MODIFY it NOT NULL.";
    TRUNCATING_TYPE = "MY102", DataDepend, "column type narrowed: values that do not fit fail the ALTER in strict mode and are truncated silently without it",
        "Check that existing values fit the new type first, and keep STRICT_TRANS_TABLES in sql_mode so that a misfit fails instead of being cut.";
    HALF_APPLIED_FILE = "MY103", Transaction, "statement can fail on existing rows after statements the database has already committed: a failure leaves the file half applied",
        "Put the statements that depend on the data in a file of their own, before the others, so that a failure leaves nothing behind.";
    COPYING_ALTER = "MY104", Locking, "ALTER runs only as a copy of the table: writes wait for the whole copy",
        "Split the change into steps the server runs INSTANT or INPLACE (the detail says why it cannot), or run it with an online schema change tool (gh-ost, pt-online-schema-change).";
    LOCKING_ALTER = "MY105", Locking, "ALTER runs in place but not with LOCK=NONE: writes wait until it ends",
        "Run it when writes can wait, or with an online schema change tool.";
    TABLE_REBUILT = "LK101", Locking, "table rebuilt: a new table is filled with every row, the old one dropped and the new one renamed",
        "Expected where ALTER TABLE cannot make the change (SQLite); on a big table writes wait for the copy, so run it when writers can wait.";
    UNUSED_NOLINT = "LN101", Suppression, "nolint directive silences nothing",
        "Remove the directive, or name the rule the statement below it raises.";
    STATEMENT_FAILS = "EX101", Execution, "statement fails on the dev database",
        "Fix the statement; the server's message says why.";
}

/// Atlas codes whose meaning one of ours covers under another code, so that `-- atlas:nolint`
/// directives written for Atlas keep working: (Atlas's code, ours).
pub const ATLAS_ALIASES: &[(&str, &str)] = &[
    // Modifying a non-unique index to unique: a unique index on existing rows.
    ("MF102", "MF101"),
];

/// The rule with `code` (case-insensitive).
pub fn by_code(code: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_found_again() {
        for rule in ALL {
            assert_eq!(by_code(&rule.code.to_lowercase()), Some(*rule));
            assert_eq!(ALL.iter().filter(|r| r.code == rule.code).count(), 1);
        }
        assert_eq!(by_code("XX999"), None);
    }
}

#[cfg(test)]
mod docs_tests {
    use super::*;

    #[test]
    fn every_rule_has_an_anchor_in_the_docs() {
        let docs = include_str!("../../../docs/lint.md");
        for rule in ALL {
            let anchor = format!("<a id=\"{}\"></a>", rule.code.to_ascii_lowercase());
            assert!(docs.contains(&anchor), "docs/lint.md lacks {anchor}");
            assert!(
                docs.contains(rule.message),
                "docs/lint.md lacks the message of {}",
                rule.code
            );
            let heading = format!(
                "### {}: {}\n\nRuns on: {}.",
                rule.code,
                rule.message,
                rule.dialects()
            );
            assert!(docs.contains(&heading), "docs/lint.md lacks {heading:?}");
        }
    }
}
