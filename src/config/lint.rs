//! `lint { }`: which files `migrate lint` checks by default and how each rule's findings count.
//!
//! ```hcl
//! lint {
//!   latest = 1                          # or: git { base = "origin/main" }
//!   measure = false                     # skip reading locks and rewrites on the dev database
//!   destructive { error = true }        # any family: destructive, data_depend, incompatible,
//!                                       # locking, transaction, naming, style, execution,
//!                                       # suppression
//!   naming {
//!     match   = "^[a-z_]+$"             # every new name …
//!     message = "must be lower snake case"
//!     index { match = "^ix_" }          # … or per kind: schema, table, column, index, constraint
//!   }
//!   rule "PG107" { level = "error" }    # error, warning or off
//! }
//! ```

use super::section::{Section, block_place, labels};
use super::source_file::SourceFile;
use super::values;
pub use crate::lint::config::{LintConfig, NamingConfig, NamingSet, RuleLevel};
use crate::lint::settings::{family_names, is_rule_code};
use hcl::Value;
use hcl::edit::structure::Block;
use hcl::eval::Context;

const NAMING_KINDS: [&str; 5] = ["schema", "table", "column", "index", "constraint"];

/// Decodes a `lint { }` block; unknown names and bad values are errors naming file and line.
pub(crate) fn decode(
    file: &SourceFile,
    block: &Block,
    ctx: &Context,
) -> anyhow::Result<LintConfig> {
    let mut block_names = family_names();
    block_names.extend(["git", "rule"]);
    let section = Section::new(
        file,
        &block.body,
        "lint".into(),
        &["latest", "measure"],
        &block_names,
    )?;
    let mut config = LintConfig {
        latest: section.get("latest", ctx, positive)?,
        measure: section.get("measure", ctx, boolean)?,
        ..LintConfig::default()
    };
    if let Some(git) = section.single_block("git")? {
        let git_section =
            Section::new(file, &git.body, "git in lint".into(), &["base", "dir"], &[])?;
        config.git_base = git_section.get("base", ctx, values::string)?;
    }
    for family in family_names() {
        let Some(b) = section.single_block(family)? else {
            continue;
        };
        let place = format!("{family} in lint");
        let (attributes, blocks): (&[&str], &[&str]) = if family == "naming" {
            (&["error", "match", "message"], &NAMING_KINDS)
        } else {
            (&["error"], &[])
        };
        let s = Section::new(file, &b.body, place.clone(), attributes, blocks)?;
        if let Some(error) = s.get("error", ctx, boolean)? {
            config.families.insert(family.to_string(), error);
        }
        if family == "naming" {
            config.naming.any = naming_pattern(&s, ctx)?;
            for kind in NAMING_KINDS {
                let Some(kb) = s.single_block(kind)? else {
                    continue;
                };
                let ks = Section::new(
                    file,
                    &kb.body,
                    format!("{kind} in naming"),
                    &["match", "message"],
                    &[],
                )?;
                let pattern = naming_pattern(&ks, ctx)?.ok_or_else(|| ks.missing(kb, "match"))?;
                let slot = match kind {
                    "schema" => &mut config.naming.schema,
                    "table" => &mut config.naming.table,
                    "column" => &mut config.naming.column,
                    "index" => &mut config.naming.index,
                    _ => &mut config.naming.constraint,
                };
                *slot = Some(pattern);
            }
        }
    }
    for rb in section.blocks("rule") {
        let code = labels(file, rb, &["CODE"])?.remove(0).to_uppercase();
        if !is_rule_code(&code) {
            return Err(file.error_at(
                rb,
                format!(
                    "{}: unknown lint rule {code:?} (see docs/lint.md)",
                    block_place(rb)
                ),
            ));
        }
        let s = Section::new(file, &rb.body, block_place(rb), &["level"], &[])?;
        let level = s
            .get("level", ctx, |v| match values::string(v)?.as_str() {
                "error" => Ok(RuleLevel::Error),
                "warning" => Ok(RuleLevel::Warning),
                "off" => Ok(RuleLevel::Off),
                other => Err(format!(
                    "expected \"error\", \"warning\" or \"off\", got {other:?}"
                )),
            })?
            .ok_or_else(|| s.missing(rb, "level"))?;
        if config.rules.insert(code.clone(), level).is_some() {
            return Err(file.error_at(rb, format!("rule {code:?} is configured twice in lint")));
        }
    }
    Ok(config)
}

fn naming_pattern(section: &Section, ctx: &Context) -> anyhow::Result<Option<NamingConfig>> {
    let Some(pattern) = section.get("match", ctx, values::string)? else {
        return Ok(None);
    };
    if let Err(e) = regex::Regex::new(&pattern) {
        return Err(section.invalid("match", format!("not a valid regular expression: {e}")));
    }
    Ok(Some(NamingConfig {
        pattern,
        message: section.get("message", ctx, values::string)?,
    }))
}

fn boolean(value: Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(b),
        other => Err(format!(
            "expected true or false, got {}",
            values::describe(&other)
        )),
    }
}

fn positive(value: Value) -> Result<usize, String> {
    match value {
        Value::Number(n) if n.as_u64().is_some_and(|n| n > 0) => Ok(n.as_u64().unwrap() as usize),
        other => Err(format!(
            "expected a positive whole number, got {}",
            values::describe(&other)
        )),
    }
}
