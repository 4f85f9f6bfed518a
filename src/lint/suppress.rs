//! Suppression directives: `-- schemactl:nolint [CODE…]` and Atlas's `-- atlas:nolint [CODE…]`,
//! in the file header (the whole file) or on the comment lines right above a statement (that
//! statement). Without codes every check is silenced; a code may also be a family name such as
//! `destructive`.
//!
//! Each directive remembers what it silenced, so one that silences nothing is reported
//! ([`Suppressions::unused`]), and a code that names no rule in a `schemactl:nolint` is an error:
//! a misspelt code must never pass as a blanket or as silence. In `atlas:nolint` a code we do
//! not know is Atlas's own and is left alone.

use super::rules::{self, ATLAS_ALIASES, Family, Rule};
use std::cell::Cell;

/// The directives of one file.
#[derive(Debug, Default)]
pub struct Suppressions {
    directives: Vec<Directive>,
}

#[derive(Debug)]
struct Directive {
    /// One-based line of the comment.
    line: usize,
    /// What it covers.
    target: Target,
    /// Without codes: every rule; `all_used` says whether it silenced anything.
    codes: Vec<Code>,
    all_used: Cell<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    File,
    /// The statement that starts at this one-based line.
    Statement(usize),
    /// A blank line separates it from the statement below, and it is not in the header.
    Nothing,
}

#[derive(Debug)]
struct Code {
    text: String,
    /// A code of Atlas's that names none of our rules: never reported.
    foreign: bool,
    used: Cell<bool>,
}

impl Suppressions {
    /// Reads every directive of a file whose text is `text`. The error names the line of a
    /// `schemactl:nolint` code that is no rule code, Atlas alias or family name.
    pub fn parse(text: &str) -> Result<Suppressions, String> {
        let lines: Vec<&str> = text.lines().collect();
        // The header: the comment and blank lines before the first statement (as the
        // migration directives read it).
        let header_end = lines
            .iter()
            .position(|l| {
                let l = l.trim();
                !l.is_empty() && !l.starts_with("--")
            })
            .unwrap_or(lines.len());
        let mut directives = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            let Some((ours, written)) = nolint_codes(line) else {
                continue;
            };
            let mut codes = Vec::new();
            for code in written {
                let known = is_known(&code);
                if !known && ours {
                    return Err(format!(
                        "line {}: `{code}` in `-- schemactl:nolint` names no lint rule (a code such as DS103, or a family such as destructive)",
                        index + 1
                    ));
                }
                codes.push(Code {
                    text: code,
                    foreign: !known,
                    used: Cell::new(false),
                });
            }
            // The statement is the first line below that is neither blank nor a comment; a
            // blank line in between makes it a header (file) directive instead.
            let below = lines[index + 1..]
                .iter()
                .position(|l| !l.trim_start().starts_with("--"))
                .map(|offset| index + 1 + offset)
                .filter(|&at| !lines[at].trim().is_empty());
            let target = match below {
                _ if index < header_end => Target::File,
                Some(at) => Target::Statement(at + 1),
                None => Target::Nothing,
            };
            directives.push(Directive {
                line: index + 1,
                target,
                codes,
                all_used: Cell::new(false),
            });
        }
        Ok(Suppressions { directives })
    }

    /// Whether `rule` is silenced for the statement starting at `line`; every directive that
    /// silences it counts as used.
    pub fn silences(&self, rule: &Rule, line: usize) -> bool {
        let mut silenced = false;
        for directive in &self.directives {
            let applies = match directive.target {
                Target::File => true,
                Target::Statement(at) => at == line,
                Target::Nothing => false,
            };
            if !applies {
                continue;
            }
            if directive.codes.is_empty() {
                directive.all_used.set(true);
                silenced = true;
            }
            for code in directive.codes.iter().filter(|c| names(&c.text, rule)) {
                code.used.set(true);
                silenced = true;
            }
        }
        silenced
    }

    /// (line, what) of every directive, or code of one, that silenced nothing.
    pub fn unused(&self) -> Vec<(usize, String)> {
        let mut unused = Vec::new();
        for directive in &self.directives {
            let dangling = directive.target == Target::Nothing;
            if directive.codes.is_empty() && (dangling || !directive.all_used.get()) {
                unused.push((directive.line, describe(directive.target, None)));
            }
            for code in &directive.codes {
                if !code.foreign && (dangling || !code.used.get()) {
                    unused.push((directive.line, describe(directive.target, Some(&code.text))));
                }
            }
        }
        unused
    }
}

fn describe(target: Target, code: Option<&str>) -> String {
    let what = code.map_or("every rule".to_string(), |c| format!("`{c}`"));
    match target {
        Target::File => format!("{what} is silenced for the file, and nothing in it raised it"),
        Target::Statement(_) => {
            format!("{what} is silenced for the statement below, which raises nothing of it")
        }
        Target::Nothing => format!(
            "{what}: a blank line separates the directive from the statement below, so it silences nothing"
        ),
    }
}

/// Whether a directive's code names `rule`: its code, its family, or an Atlas alias of it.
fn names(code: &str, rule: &Rule) -> bool {
    let alias = ATLAS_ALIASES
        .iter()
        .any(|(atlas, ours)| code.eq_ignore_ascii_case(atlas) && *ours == rule.code);
    alias
        || code.eq_ignore_ascii_case(rule.code)
        || code.eq_ignore_ascii_case(rule.family.block_name())
}

fn is_known(code: &str) -> bool {
    rules::by_code(code).is_some()
        || ATLAS_ALIASES
            .iter()
            .any(|(atlas, _)| code.eq_ignore_ascii_case(atlas))
        || Family::ALL
            .iter()
            .any(|f| code.eq_ignore_ascii_case(f.block_name()))
}

/// Whether the line is a nolint comment (ours, or Atlas's) and its codes (empty for all).
fn nolint_codes(line: &str) -> Option<(bool, Vec<String>)> {
    let comment = line.trim().strip_prefix("--")?.trim();
    let (ours, rest) = match comment.strip_prefix("schemactl:nolint") {
        Some(rest) => (true, rest),
        None => (false, comment.strip_prefix("atlas:nolint")?),
    };
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    Some((ours, rest.split_whitespace().map(String::from).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::{DROP_COLUMN, DROP_TABLE, INDEX_NOT_CONCURRENT};

    #[test]
    fn statement_and_file_directives() {
        let text = "-- atlas:nolint PG101\n\nSELECT 1;\n-- schemactl:nolint DS103\nALTER TABLE t DROP COLUMN c;\n-- atlas:nolint\n-- more words\nDROP TABLE t;\nDROP TABLE u;\n";
        let s = Suppressions::parse(text).unwrap();
        assert!(s.silences(&INDEX_NOT_CONCURRENT, 9));
        assert!(s.silences(&DROP_COLUMN, 5));
        assert!(!s.silences(&DROP_TABLE, 5));
        assert!(s.silences(&DROP_TABLE, 8));
        assert!(!s.silences(&DROP_TABLE, 9));
        let family =
            Suppressions::parse("-- schemactl:nolint destructive\nDROP TABLE t;\n").unwrap();
        assert!(family.silences(&DROP_TABLE, 2));
        let atlas = Suppressions::parse("-- atlas:nolint MF102\nCREATE UNIQUE INDEX i ON t (a);\n")
            .unwrap();
        assert!(atlas.silences(&crate::lint::rules::ADD_UNIQUE, 2));
    }

    #[test]
    fn a_directive_without_codes_silences_all_beside_one_with_codes() {
        // Found by tests/prop_lint_suppressions.rs: the codes of the second directive made the
        // first one's "every check" a list of one.
        let text = "SELECT 1;\n-- schemactl:nolint\n-- schemactl:nolint DS102\nSELECT 4;\n";
        let s = Suppressions::parse(text).unwrap();
        assert!(s.silences(&DROP_COLUMN, 4));
        assert!(s.silences(&DROP_TABLE, 4));
    }

    #[test]
    fn unknown_codes_are_errors_in_ours_and_atlas_own_in_atlas() {
        let error = Suppressions::parse("SELECT 1;\n-- schemactl:nolint DS103 PG1O1\nSELECT 2;\n")
            .unwrap_err();
        assert!(error.starts_with("line 2: `PG1O1`"), "{error}");
        let atlas = Suppressions::parse("SELECT 1;\n-- atlas:nolint CD101\nSELECT 2;\n").unwrap();
        assert!(atlas.unused().is_empty());
    }

    #[test]
    fn directives_that_silence_nothing_are_listed() {
        let text = "-- schemactl:nolint PG101\n\nSELECT 1;\n-- schemactl:nolint DS102 DS103\nDROP TABLE t;\n-- schemactl:nolint\n\nSELECT 2;\n";
        let s = Suppressions::parse(text).unwrap();
        assert!(s.silences(&DROP_TABLE, 5));
        let unused: Vec<(usize, String)> = s.unused();
        let lines: Vec<usize> = unused.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 4, 6]);
        assert!(unused[1].1.starts_with("`DS103`"), "{unused:?}");
        assert!(unused[2].1.contains("blank line"), "{unused:?}");
    }
}
