//! Transactions: BEGIN/COMMIT inside a file that already runs in one, a transaction left open,
//! and schema and data statements mixed in one transactional file.

use super::*;
use crate::lint::statement::Kind;

pub fn check(input: &StatementCheck, hits: &mut Vec<Hit>) {
    if input.parsed.kind == Kind::Begin && input.context.in_transaction {
        hits.push(Hit::new(&NESTED_TRANSACTION, "BEGIN"));
    }
}

/// File-level checks over the kinds of its statements (with their index); the hits carry the
/// index of the statement they point at.
pub fn check_file(kinds: &[Kind], transactional_file: bool) -> Vec<(usize, Hit)> {
    let mut hits = Vec::new();
    let mut open: Option<usize> = None;
    let mut ddl_in_tx = None;
    let mut dml_in_tx = None;
    for (i, kind) in kinds.iter().enumerate() {
        match kind {
            Kind::Begin => open = Some(i),
            Kind::Commit => open = None,
            Kind::Ddl if transactional_file || open.is_some() => {
                ddl_in_tx.get_or_insert(i);
            }
            Kind::Dml if transactional_file || open.is_some() => {
                dml_in_tx.get_or_insert(i);
            }
            _ => {}
        }
    }
    if let Some(begin) = open
        && !transactional_file
    {
        hits.push((
            begin,
            Hit::new(&UNCOMMITTED_TRANSACTION, "BEGIN without COMMIT"),
        ));
    }
    if let (Some(_), Some(dml)) = (ddl_in_tx, dml_in_tx) {
        hits.push((
            dml,
            Hit::new(
                &MIXED_DDL_DML,
                "data statement in a file that changes the schema",
            ),
        ));
    }
    hits
}

/// Where each DDL statement commits by itself: the first statement whose hits say it can fail
/// on existing rows, when statements before it in the file have committed (`hits` are the
/// file's, with the index of their statement).
pub fn check_file_commits(kinds: &[Kind], hits: &[(usize, Hit)]) -> Option<(usize, Hit)> {
    let (index, hit) = hits
        .iter()
        // A zero-filled column is data-dependent but never fails.
        .filter(|(_, hit)| hit.rule.family == Family::DataDepend && hit.rule != &ZERO_FILLED_COLUMN)
        .min_by_key(|(index, _)| *index)?;
    let committed = kinds[..*index]
        .iter()
        .filter(|k| !matches!(k, Kind::Begin | Kind::Commit | Kind::Set))
        .count();
    (committed > 0).then(|| {
        (
            *index,
            Hit::new(
                &HALF_APPLIED_FILE,
                format!(
                    "statement {} ({}) can fail on existing rows; the {committed} statement(s) before it are committed by then and stay applied",
                    index + 1,
                    hit.detail
                ),
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_dependent_statement_after_committed_ones_is_half_applied() {
        let narrowing = || Hit::new(&TRUNCATING_TYPE, "column main.t.a: int to tinyint");
        let (index, hit) =
            check_file_commits(&[Kind::Ddl, Kind::Ddl], &[(1, narrowing())]).unwrap();
        assert_eq!((index, hit.rule), (1, &HALF_APPLIED_FILE));
        assert!(
            hit.detail.contains("statement 2 (column main.t.a"),
            "{}",
            hit.detail
        );
        assert!(
            hit.detail.contains("the 1 statement(s) before it"),
            "{}",
            hit.detail
        );
        // First in its file: a failure leaves nothing behind.
        assert!(check_file_commits(&[Kind::Ddl, Kind::Ddl], &[(0, narrowing())]).is_none());
        // Only data-dependent hits count.
        let drop = Hit::new(&DROP_COLUMN, "column main.t.a");
        assert!(check_file_commits(&[Kind::Ddl, Kind::Ddl], &[(1, drop)]).is_none());
        let filled = Hit::new(&ZERO_FILLED_COLUMN, "column main.t.b");
        assert!(check_file_commits(&[Kind::Ddl, Kind::Ddl], &[(1, filled)]).is_none());
    }

    #[test]
    fn mixed_and_uncommitted() {
        let hits = check_file(&[Kind::Ddl, Kind::Dml], true);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, 1);
        assert_eq!(hits[0].1.rule, &MIXED_DDL_DML);
        assert!(check_file(&[Kind::Ddl, Kind::Dml], false).is_empty());
        let open = check_file(&[Kind::Begin, Kind::Ddl], false);
        assert_eq!(open[0].1.rule, &UNCOMMITTED_TRANSACTION);
    }
}
