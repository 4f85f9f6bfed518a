//! File directives: `-- atlas:…` / `-- schemactl:…` comment lines in a migration file's header.
//!
//! The header is the run of blank lines and `--` comment lines at the top of the file, before
//! the first statement (where Atlas writes them; a blank line between the header and the first
//! statement is customary but not required). Directive comments further down are not
//! directives. Recognized:
//!
//! | directive | meaning |
//! |---|---|
//! | `-- atlas:sum ignore` | the file is left out of `atlas.sum` |
//! | `-- atlas:txmode none\|file\|all`, `-- schemactl:txmode …` | transaction mode for the file |
//! | `-- atlas:nolint [CODE…]`, `-- schemactl:nolint [CODE…]` | silence lint checks (all without codes) |
//! | `-- atlas:delimiter X`, `-- schemactl:delimiter X` | statements end at `X` (`\n`, `\t`, `\\` escapes) |
//!
//! In dbmate files the header runs through the `-- migrate:up` line, and its
//! `transaction:false` option means `txmode none`. Other `atlas:` directives (Atlas has more,
//! such as `atlas:pos`) are ignored; an unknown `schemactl:` directive is an error, to catch typos.

/// How a migration file is wrapped in transactions when applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxMode {
    /// No transaction: each statement commits on its own (e.g. `CREATE INDEX CONCURRENTLY`).
    None,
    /// One transaction per file.
    File,
    /// One transaction for the whole run.
    All,
}

/// The directives of one migration file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directives {
    /// `-- atlas:sum ignore`: the file is not part of `atlas.sum`.
    pub sum_ignore: bool,
    pub tx_mode: Option<TxMode>,
    /// Lint codes silenced for the file (see also `nolint_all`).
    pub nolint: Vec<String>,
    /// A `nolint` directive without codes: every lint check is silenced.
    pub nolint_all: bool,
    /// The statement delimiter, escapes resolved.
    pub delimiter: Option<String>,
}

impl Directives {
    /// Whether lint check `code` is silenced for this file.
    pub fn silences(&self, code: &str) -> bool {
        self.nolint_all || self.nolint.iter().any(|c| c.eq_ignore_ascii_case(code))
    }

    /// Reads the directives from the header of `text`; the error names the line and says why.
    pub fn parse(text: &str) -> Result<Directives, String> {
        let mut directives = Directives::default();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let Some(comment) = line.strip_prefix("--") else {
                break;
            };
            directives
                .read_comment(comment.trim())
                .map_err(|why| format!("line {}: {why}", index + 1))?;
        }
        Ok(directives)
    }

    fn read_comment(&mut self, comment: &str) -> Result<(), String> {
        if let Some(options) = comment.strip_prefix("migrate:up") {
            if options
                .split_whitespace()
                .any(|o| o.eq_ignore_ascii_case("transaction:false"))
            {
                self.tx_mode = Some(TxMode::None);
            }
            return Ok(());
        }
        let (ours, rest) = if let Some(rest) = comment.strip_prefix("atlas:") {
            (false, rest)
        } else if let Some(rest) = comment.strip_prefix("schemactl:") {
            (true, rest)
        } else {
            return Ok(());
        };
        let (name, argument) = match rest.split_once(char::is_whitespace) {
            Some((name, argument)) => (name, argument.trim()),
            None => (rest, ""),
        };
        match name {
            "sum" if !ours => match argument {
                "ignore" => self.sum_ignore = true,
                other => return Err(format!("`atlas:sum` takes `ignore`, not `{other}`")),
            },
            "txmode" => {
                self.tx_mode = Some(match argument {
                    "none" => TxMode::None,
                    "file" => TxMode::File,
                    "all" => TxMode::All,
                    other => {
                        return Err(format!(
                            "txmode must be one of none, file, all, not `{other}`"
                        ));
                    }
                })
            }
            "nolint" => {
                let codes: Vec<String> = argument.split_whitespace().map(String::from).collect();
                if codes.is_empty() {
                    self.nolint_all = true;
                }
                self.nolint.extend(codes);
            }
            "delimiter" => {
                let delimiter = unescape(argument);
                if delimiter.is_empty() {
                    return Err("delimiter needs a value, e.g. `-- atlas:delimiter //`".into());
                }
                self.delimiter = Some(delimiter);
            }
            other if ours => {
                return Err(format!(
                    "unknown directive `schemactl:{other}` (known: txmode, nolint, delimiter)"
                ));
            }
            _ => {}
        }
        Ok(())
    }
}

/// Resolves `\n`, `\t` and `\\` in a delimiter, so that a blank line can be one.
fn unescape(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_atlas_directives_from_the_header() {
        let d = Directives::parse(
            "-- atlas:sum ignore\n-- atlas:txmode none\n-- atlas:nolint DS103 MF101\n\ncreate index concurrently i on t (a);\n",
        )
        .unwrap();
        assert!(d.sum_ignore);
        assert_eq!(d.tx_mode, Some(TxMode::None));
        assert_eq!(d.nolint, ["DS103", "MF101"]);
        assert!(!d.nolint_all);
        assert!(d.silences("ds103"));
        assert!(!d.silences("DS102"));
    }

    #[test]
    fn reads_schemactl_directives() {
        let d = Directives::parse(
            "-- a plain comment\n--schemactl:txmode all\n-- schemactl:nolint\n-- schemactl:delimiter \\n\\n\nselect 1",
        )
        .unwrap();
        assert_eq!(d.tx_mode, Some(TxMode::All));
        assert!(d.nolint_all);
        assert!(d.silences("anything"));
        assert_eq!(d.delimiter.as_deref(), Some("\n\n"));
    }

    #[test]
    fn directives_after_the_first_statement_are_ignored() {
        let d = Directives::parse("select 1;\n-- atlas:txmode none\n").unwrap();
        assert_eq!(d, Directives::default());
    }

    #[test]
    fn dbmate_transaction_false_means_no_transaction() {
        let d = Directives::parse("-- migrate:up transaction:false\ncreate index concurrently i on t (a);\n-- migrate:down\n").unwrap();
        assert_eq!(d.tx_mode, Some(TxMode::None));
        let d = Directives::parse("-- migrate:up\n-- atlas:delimiter //\nselect 1//").unwrap();
        assert_eq!(d.tx_mode, None);
        assert_eq!(d.delimiter.as_deref(), Some("//"));
    }

    #[test]
    fn bad_values_and_unknown_schemactl_directives_are_errors() {
        assert_eq!(
            Directives::parse("\n-- atlas:txmode sometimes\n").unwrap_err(),
            "line 2: txmode must be one of none, file, all, not `sometimes`"
        );
        assert!(
            Directives::parse("-- schemactl:txmod none\n")
                .unwrap_err()
                .contains("unknown directive `schemactl:txmod`")
        );
        assert!(Directives::parse("-- atlas:delimiter\n").is_err());
        assert!(Directives::parse("-- atlas:sum keep\n").is_err());
        // Atlas directives we do not know are Atlas's business.
        assert!(Directives::parse("-- atlas:pos users[type=table]\n").is_ok());
    }
}
