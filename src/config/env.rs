//! `env "NAME" { src, url, dev, schemas, exclude, migration { }, format { }, lint { }, diff { } }`
//! blocks, and the `diff { }` and `lint { }` blocks that may also stand at the top level as
//! defaults for every env.

use super::external::URL_SCHEME;
use super::paths::resolve_file_url;
use super::section::{Section, block_json, block_place};
use super::source_file::SourceFile;
use super::{
    DiffConfig, Env, ExternalSchema, MIGRATION_FORMATS, MigrationConfig, RenameHint, RenameKind,
    Source, values,
};
use crate::diff::{Scope, Skip};
use hcl::Value;
use hcl::edit::structure::Block;
use hcl::eval::Context;
use std::collections::BTreeMap;

/// What an env inherits from top-level blocks when it has none of its own.
#[derive(Default)]
pub(crate) struct EnvDefaults {
    pub(crate) lint: Option<super::LintConfig>,
    pub(crate) diff: Option<DiffConfig>,
}

/// Decodes one `env "NAME"` block.
pub(crate) fn decode(
    file: &SourceFile,
    block: &Block,
    name: String,
    externals: &BTreeMap<String, ExternalSchema>,
    defaults: &EnvDefaults,
    ctx: &Context,
) -> anyhow::Result<Env> {
    let section = Section::new(
        file,
        &block.body,
        block_place(block),
        &["src", "url", "dev", "schemas", "exclude"],
        &["migration", "format", "lint", "diff"],
    )?;
    let src = match section.value("src", ctx)? {
        None => None,
        Some(value) => Some(source(&section, file, value, externals)?),
    };
    let url = plain_url(&section, file, "url", ctx)?;
    let dev = plain_url(&section, file, "dev", ctx)?;
    let migration = match section.single_block("migration")? {
        Some(block) => migration(file, block, ctx)?,
        None => MigrationConfig::default(),
    };
    let format = section
        .single_block("format")?
        .map(|b| block_json(file, &b.body, &block_place(b), ctx))
        .transpose()?;
    let lint = match section.single_block("lint")? {
        Some(b) => Some(super::lint::decode(file, b, ctx)?),
        None => defaults.lint.clone(),
    };
    let diff = match section.single_block("diff")? {
        Some(b) => diff(file, b, ctx)?,
        None => defaults.diff.clone().unwrap_or_default(),
    };
    Ok(Env {
        name,
        src,
        url,
        dev,
        schemas: section
            .get("schemas", ctx, values::string_list)?
            .unwrap_or_default(),
        exclude: exclude_patterns(&section, ctx)?,
        migration,
        diff,
        lint,
        format,
    })
}

/// `src`: a URL, an external schema's `url`, or a list holding one of those.
fn source(
    section: &Section,
    file: &SourceFile,
    value: Value,
    externals: &BTreeMap<String, ExternalSchema>,
) -> anyhow::Result<Source> {
    let url = match value {
        Value::Array(mut items) if items.len() == 1 => values::string(items.remove(0)),
        Value::Array(items) => Err(format!(
            "expected one URL, got a list of {} (several sources are not supported)",
            items.len()
        )),
        other => values::string(other),
    }
    .map_err(|message| section.invalid("src", message))?;
    match url.strip_prefix(URL_SCHEME) {
        Some(name) => externals
            .get(name)
            .cloned()
            .map(Source::External)
            .ok_or_else(|| {
                section.invalid(
                    "src",
                    format!("no data \"external_schema\" {name:?} is declared"),
                )
            }),
        None => Ok(Source::Url(resolve_file_url(&file.dir, &url))),
    }
}

/// `url` and `dev`: a URL string; external schemas are only a desired state.
fn plain_url(
    section: &Section,
    file: &SourceFile,
    name: &str,
    ctx: &Context,
) -> anyhow::Result<Option<String>> {
    let Some(url) = section.get(name, ctx, values::string)? else {
        return Ok(None);
    };
    if url.starts_with(URL_SCHEME) {
        return Err(section.invalid(name, "an external schema can only be used as `src`"));
    }
    Ok(Some(resolve_file_url(&file.dir, &url)))
}

/// `migration { dir, format, exclude, revisions_schema, baseline }`.
fn migration(file: &SourceFile, block: &Block, ctx: &Context) -> anyhow::Result<MigrationConfig> {
    let section = Section::new(
        file,
        &block.body,
        block_place(block),
        &["dir", "format", "exclude", "revisions_schema", "baseline"],
        &[],
    )?;
    // Atlas writes the format as a bare identifier (`format = golang-migrate`); accept a string
    // too.
    let mut format = match section.bare_identifier("format") {
        Some(ident) => Some(ident.to_string()),
        None => section.get("format", ctx, values::string)?,
    };
    let mut dir = section.get("dir", ctx, values::string)?;
    // Atlas also accepts the format as a query parameter of the directory URL.
    if let Some(url) = dir.as_deref()
        && let Some((path, query)) = url.split_once('?')
    {
        let from_query = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("format="))
            .map(str::to_string);
        if let Some(from_query) = from_query {
            if format.as_ref().is_some_and(|f| *f != from_query) {
                return Err(section.invalid(
                    "dir",
                    format!("format={from_query} disagrees with the `format` attribute"),
                ));
            }
            format = Some(from_query);
            dir = Some(path.to_string());
        }
    }
    if let Some(f) = &format
        && !MIGRATION_FORMATS.contains(&f.as_str())
    {
        return Err(section.invalid(
            if section.attribute("format").is_some() {
                "format"
            } else {
                "dir"
            },
            format!(
                "unsupported migration directory format {f:?} (supported: {})",
                MIGRATION_FORMATS.join(", ")
            ),
        ));
    }
    Ok(MigrationConfig {
        dir: dir.map(|d| resolve_file_url(&file.dir, &d)),
        format,
        exclude: exclude_patterns(&section, ctx)?,
        revisions_schema: section.get("revisions_schema", ctx, values::string)?,
        baseline: section.get("baseline", ctx, values::string)?,
    })
}

/// `exclude = [...]`, each pattern checked here so that a bad one names its line.
fn exclude_patterns(section: &Section, ctx: &Context) -> anyhow::Result<Vec<String>> {
    let patterns = section
        .get("exclude", ctx, values::string_list)?
        .unwrap_or_default();
    Scope::new(&[], &patterns).map_err(|message| section.invalid("exclude", message))?;
    Ok(patterns)
}

/// `diff { rename { ... } skip { ... } }`.
pub(crate) fn diff(file: &SourceFile, block: &Block, ctx: &Context) -> anyhow::Result<DiffConfig> {
    let section = Section::new(
        file,
        &block.body,
        block_place(block),
        &[],
        &["rename", "skip"],
    )?;
    let renames = section
        .blocks("rename")
        .map(|b| rename(file, b, ctx))
        .collect::<anyhow::Result<_>>()?;
    let skip = match section.single_block("skip")? {
        None => Vec::new(),
        Some(b) => skip(file, b, ctx)?,
    };
    Ok(DiffConfig { renames, skip })
}

/// `rename { table = "s.old" to = "s.new" }` or `rename { column = "s.t.old" to = "new" }`.
fn rename(file: &SourceFile, block: &Block, ctx: &Context) -> anyhow::Result<RenameHint> {
    let section = Section::new(
        file,
        &block.body,
        format!("{} in diff", block_place(block)),
        &["table", "column", "to"],
        &[],
    )?;
    let non_empty = |name: &str| -> anyhow::Result<Option<String>> {
        match section.get(name, ctx, values::string)? {
            Some(s) if s.trim().is_empty() => Err(section.invalid(name, "must not be empty")),
            other => Ok(other),
        }
    };
    let table = non_empty("table")?;
    let column = non_empty("column")?;
    let to = non_empty("to")?.ok_or_else(|| section.missing(block, "to"))?;
    let (kind, from) = match (table, column) {
        (Some(from), None) => (RenameKind::Table, from),
        (None, Some(from)) => {
            if !from.contains('.') {
                return Err(section.invalid(
                    "column",
                    format!("expected TABLE.COLUMN or SCHEMA.TABLE.COLUMN, got {from:?}"),
                ));
            }
            (RenameKind::Column, from)
        }
        (Some(_), Some(_)) => {
            return Err(section.invalid("column", "set either `table` or `column`, not both"));
        }
        (None, None) => {
            return Err(file.error_at(
                block,
                "rename in diff needs `table = \"...\"` or `column = \"...\"`",
            ));
        }
    };
    Ok(RenameHint { kind, from, to })
}

/// `skip { drop_table = true ... }`: the names set to true.
fn skip(file: &SourceFile, block: &Block, ctx: &Context) -> anyhow::Result<Vec<String>> {
    let names: Vec<&str> = block.body.attributes().map(|a| a.key.as_str()).collect();
    let section = Section::new(file, &block.body, "skip in diff".into(), &names, &[])?;
    let mut enabled = Vec::new();
    for name in names {
        let value = section.get(name, ctx, |v| match v {
            Value::Bool(b) => Ok(b),
            other => Err(format!(
                "expected true or false, got {}",
                values::describe(&other)
            )),
        })?;
        if value == Some(true) {
            enabled.push(name.to_string());
        }
    }
    Skip::new(&enabled).map_err(|message| {
        let name = enabled
            .iter()
            .find(|n| message.contains(&format!("`{n}`")))
            .map_or("skip", String::as_str);
        section.invalid(name, message)
    })?;
    Ok(enabled)
}
