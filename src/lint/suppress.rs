//! Suppression directives: `-- schemactl:nolint [CODE…]` and Atlas's `-- atlas:nolint [CODE…]`,
//! in the file header (the whole file) or on the comment lines right above a statement (that
//! statement). Without codes every check is silenced; a code may also be a family name such as
//! `destructive`.

use super::rules::{ATLAS_ALIASES, Rule};
use crate::migrate::Directives;
use std::collections::BTreeMap;

/// The silenced codes of one file.
#[derive(Debug, Default)]
pub struct Suppressions {
    file: Vec<String>,
    file_all: bool,
    /// Statement line → codes; `None`: a directive without codes, every check.
    statements: BTreeMap<usize, Option<Vec<String>>>,
}

impl Suppressions {
    /// Reads the directives of a file whose text is `text` (header directives already parsed).
    pub fn parse(text: &str, header: &Directives) -> Suppressions {
        let mut suppressions = Suppressions {
            file: header.nolint.clone(),
            file_all: header.nolint_all,
            statements: BTreeMap::new(),
        };
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let Some(codes) = nolint_codes(line) else {
                continue;
            };
            // The statement is the first line below that is neither blank nor a comment; a
            // blank line in between makes it a header (file) directive instead.
            let below = lines[index + 1..]
                .iter()
                .position(|l| !l.trim_start().starts_with("--"))
                .map(|offset| index + 1 + offset);
            if let Some(at) = below
                && !lines[at].trim().is_empty()
            {
                let entry = suppressions
                    .statements
                    .entry(at + 1)
                    .or_insert_with(|| Some(Vec::new()));
                match entry {
                    // One directive without codes silences all, whatever others name.
                    Some(_) if codes.is_empty() => *entry = None,
                    Some(listed) => listed.extend(codes),
                    None => {}
                }
            }
        }
        suppressions
    }

    /// Whether `rule` is silenced for the statement starting at `line`.
    pub fn silences(&self, rule: &Rule, line: usize) -> bool {
        let matches = |codes: &[String]| {
            codes.iter().any(|c| {
                let alias = ATLAS_ALIASES
                    .iter()
                    .any(|(atlas, ours)| c.eq_ignore_ascii_case(atlas) && *ours == rule.code);
                alias
                    || c.eq_ignore_ascii_case(rule.code)
                    || c.eq_ignore_ascii_case(rule.family.block_name())
            })
        };
        if self.file_all || matches(&self.file) {
            return true;
        }
        self.statements
            .get(&line)
            .is_some_and(|codes| codes.as_ref().is_none_or(|codes| matches(codes)))
    }
}

/// The codes of a nolint comment line (empty for all), or None when the line is not one.
fn nolint_codes(line: &str) -> Option<Vec<String>> {
    let comment = line.trim().strip_prefix("--")?.trim();
    let rest = comment
        .strip_prefix("schemactl:nolint")
        .or_else(|| comment.strip_prefix("atlas:nolint"))?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    Some(rest.split_whitespace().map(String::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::{DROP_COLUMN, DROP_TABLE, INDEX_NOT_CONCURRENT};

    #[test]
    fn statement_and_file_directives() {
        let text = "-- atlas:nolint PG101\n\nSELECT 1;\n-- schemactl:nolint DS103\nALTER TABLE t DROP COLUMN c;\n-- atlas:nolint\n-- more words\nDROP TABLE t;\nDROP TABLE u;\n";
        let header = Directives::parse(text).unwrap();
        let s = Suppressions::parse(text, &header);
        assert!(s.silences(&INDEX_NOT_CONCURRENT, 9));
        assert!(s.silences(&DROP_COLUMN, 5));
        assert!(!s.silences(&DROP_TABLE, 5));
        assert!(s.silences(&DROP_TABLE, 8));
        assert!(!s.silences(&DROP_TABLE, 9));
        let family = Suppressions::parse(
            "-- schemactl:nolint destructive\nDROP TABLE t;\n",
            &Directives::default(),
        );
        assert!(family.silences(&DROP_TABLE, 2));
        let atlas = Suppressions::parse(
            "-- atlas:nolint MF102\nCREATE UNIQUE INDEX i ON t (a);\n",
            &Directives::default(),
        );
        assert!(atlas.silences(&crate::lint::rules::ADD_UNIQUE, 2));
    }

    #[test]
    fn a_directive_without_codes_silences_all_beside_one_with_codes() {
        // Found by tests/prop_lint_suppressions.rs: the codes of the second directive made the
        // first one's "every check" a list of one.
        let text = "SELECT 1;\n-- schemactl:nolint\n-- schemactl:nolint DS102\nSELECT 4;\n";
        let s = Suppressions::parse(text, &Directives::default());
        assert!(s.silences(&DROP_COLUMN, 4));
        assert!(s.silences(&DROP_TABLE, 4));
    }
}
