//! What a statement does, told from its first word.

use super::{Flavor, TokenKind, significant};

/// `INSERT`, `UPDATE`, `DELETE`, `REPLACE` or a `WITH` query: a statement that changes rows
/// and no schema (a trigger could still run DDL, which no tool sees from the text).
pub fn is_data_change(flavor: &Flavor, sql: &str) -> bool {
    let first = significant(flavor, sql).find(|t| t.kind == TokenKind::Word);
    first.is_some_and(|t| {
        ["INSERT", "UPDATE", "DELETE", "REPLACE", "WITH"]
            .iter()
            .any(|k| t.is_word(sql, k))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_changes_are_told_by_their_first_word() {
        let flavor = Flavor::postgres();
        for sql in [
            "INSERT INTO t VALUES (1)",
            "  -- why\n update t set a = 1",
            "/* x */ DELETE FROM t",
            "WITH x AS (SELECT 1) UPDATE t SET a = 2",
        ] {
            assert!(is_data_change(&flavor, sql), "{sql}");
        }
        for sql in [
            "CREATE TABLE t (a int)",
            "SELECT create_hypertable('t', 'at')",
            "\"insert\"",
            "",
        ] {
            assert!(!is_data_change(&flavor, sql), "{sql}");
        }
    }
}
