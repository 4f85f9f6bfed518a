//! Building statements with their risk notes, and the risk facts shared by several renderers.

use crate::plan::{Risk, RiskKind, Statement};

/// A transactional statement without risks.
pub fn stmt(sql: impl Into<String>) -> Statement {
    Statement {
        sql: sql.into(),
        risks: Vec::new(),
        transactional: true,
    }
}

/// Builder-style additions to a statement.
pub trait StatementExt {
    fn risk(self, kind: RiskKind, note: impl Into<String>) -> Self;
    fn risk_if(self, condition: bool, kind: RiskKind, note: impl Into<String>) -> Self;
    fn outside_transaction(self) -> Self;
}

impl StatementExt for Statement {
    fn risk(mut self, kind: RiskKind, note: impl Into<String>) -> Self {
        self.risks.push(Risk {
            kind,
            note: note.into(),
        });
        self
    }

    fn risk_if(self, condition: bool, kind: RiskKind, note: impl Into<String>) -> Self {
        if condition {
            self.risk(kind, note)
        } else {
            self
        }
    }

    fn outside_transaction(mut self) -> Self {
        self.transactional = false;
        self
    }
}

/// Functions whose value differs per row, so a default using them makes `ADD COLUMN` rewrite the
/// table (stable functions such as `now()` are evaluated once since PostgreSQL 11).
const VOLATILE_FUNCTIONS: &[&str] = &[
    "random(",
    "gen_random_uuid(",
    "uuid_generate_v1(",
    "uuid_generate_v1mc(",
    "uuid_generate_v4(",
    "clock_timestamp(",
    "timeofday(",
    "nextval(",
    "txid_current(",
    "setseed(",
];

/// Whether a default expression is volatile as far as we can tell from its text.
pub fn is_volatile_expression(expression: &str) -> bool {
    let lower = expression.to_ascii_lowercase();
    VOLATILE_FUNCTIONS.iter().any(|f| lower.contains(f))
}

/// A comment-only statement for something PostgreSQL cannot do in place; running it does nothing.
pub fn impossible(what: &str) -> Statement {
    stmt(format!("-- not possible in PostgreSQL: {what}")).risk(
        RiskKind::Destructive,
        format!("cannot be done in place: {what}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_volatile_defaults_but_not_now() {
        assert!(is_volatile_expression("gen_random_uuid()"));
        assert!(is_volatile_expression(
            "nextval('public.users_id_seq'::regclass)"
        ));
        assert!(!is_volatile_expression("now()"));
        assert!(!is_volatile_expression("CURRENT_TIMESTAMP"));
    }

    #[test]
    fn impossible_statement_is_a_comment_with_a_risk() {
        let s = impossible("drop enum value 'x' of public.t");
        assert!(s.sql.starts_with("--"));
        assert_eq!(s.risks[0].kind, RiskKind::Destructive);
    }
}
