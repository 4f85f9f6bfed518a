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

#[cfg(test)]
mod tests {
    use super::*;

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
