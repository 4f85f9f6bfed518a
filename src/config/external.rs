//! `data "external_schema" "NAME" { program, working_dir, timeout, inputs, inputs_env }` blocks.

use super::paths::resolve_path;
use super::section::{Section, block_place};
use super::source_file::SourceFile;
use super::{ExternalSchema, values};
use hcl::edit::structure::Block;
use hcl::eval::Context;
use hcl::{Map, Value};

/// What `data.external_schema.NAME.url` evaluates to; `env.src` maps it back to the data source.
pub(crate) const URL_SCHEME: &str = "external_schema://";

/// The object bound to `data`: `data.external_schema.NAME.url` for every declared name.
pub(crate) fn data_object<'a>(names: impl IntoIterator<Item = &'a str>) -> Value {
    let mut schemas = Map::new();
    for name in names {
        let mut fields = Map::new();
        fields.insert(
            "url".to_string(),
            Value::from(format!("{URL_SCHEME}{name}")),
        );
        schemas.insert(name.to_string(), Value::Object(fields));
    }
    let mut data = Map::new();
    data.insert("external_schema".to_string(), Value::Object(schemas));
    Value::Object(data)
}

/// Decodes one `data "external_schema" "NAME"` block.
pub(crate) fn decode(
    file: &SourceFile,
    block: &Block,
    name: String,
    ctx: &Context,
) -> anyhow::Result<ExternalSchema> {
    let section = Section::new(
        file,
        &block.body,
        block_place(block),
        &["program", "working_dir", "timeout", "inputs", "inputs_env"],
        &[],
    )?;
    let program = section
        .get("program", ctx, values::string_list)?
        .ok_or_else(|| section.missing(block, "program"))?;
    if program.is_empty() || program[0].is_empty() {
        return Err(section.invalid("program", "the list must start with the program to run"));
    }
    let working_dir = match section.get("working_dir", ctx, values::string)? {
        Some(dir) => resolve_path(&file.dir, &dir),
        None => file.dir.clone(),
    };
    Ok(ExternalSchema {
        name,
        program,
        working_dir,
        timeout: section.get("timeout", ctx, values::duration)?,
        inputs: section
            .get("inputs", ctx, values::string_list)?
            .unwrap_or_default(),
        inputs_env: section
            .get("inputs_env", ctx, values::string_list)?
            .unwrap_or_default(),
    })
}
