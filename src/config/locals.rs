//! `locals { a = ... }` blocks: values that may refer to variables, data sources and each other.

use super::section::{Section, evaluate};
use super::source_file::SourceFile;
use hcl::edit::structure::{Attribute, Block};
use hcl::eval::Context;
use hcl::{Map, Value};

/// Evaluates every local, in whatever order their references allow, and binds `local` in `ctx`.
pub(crate) fn evaluate_into(
    file: &SourceFile,
    blocks: &[&Block],
    ctx: &mut Context,
) -> anyhow::Result<()> {
    let mut pending: Vec<&Attribute> = Vec::new();
    for &block in blocks {
        super::section::labels(file, block, &[])?;
        // Any attribute name is allowed; `Section::new` is used only for its checks of blocks.
        let names: Vec<&str> = block.body.attributes().map(|a| a.key.as_str()).collect();
        Section::new(file, &block.body, "locals".into(), &names, &[])?;
        for attr in block.body.attributes() {
            let name = attr.key.as_str();
            if pending.iter().any(|a| a.key.as_str() == name) {
                return Err(file.error_at(attr, format!("local `{name}` is defined twice")));
            }
            pending.push(attr);
        }
    }

    // Locals may refer to locals defined later: evaluate in rounds until a round makes no
    // progress, and then report the first failure of that round.
    let mut locals: Map<String, Value> = Map::new();
    while !pending.is_empty() {
        ctx.declare_var("local", Value::Object(locals.clone()));
        let mut still_pending = Vec::new();
        let mut first_error = None;
        for attr in &pending {
            match evaluate(file, attr, "locals", ctx) {
                Ok(value) => {
                    locals.insert(attr.key.as_str().to_string(), value);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                    still_pending.push(*attr);
                }
            }
        }
        if still_pending.len() == pending.len()
            && let Some(error) = first_error
        {
            if still_pending.len() < 2 {
                return Err(error);
            }
            let names: Vec<String> = still_pending
                .iter()
                .map(|a| format!("`{}`", a.key.as_str()))
                .collect();
            // Keep the first failure's `file:line:` prefix; name the whole knot after it.
            return Err(crate::error::bad_input(format!(
                "{error} (the locals {} could not be evaluated: they refer to each other or to \
                 something undefined)",
                names.join(", ")
            )));
        }
        pending = still_pending;
    }
    ctx.declare_var("local", Value::Object(locals));
    Ok(())
}
