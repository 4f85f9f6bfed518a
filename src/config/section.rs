//! Reading one block body with a fixed set of attribute and block names: rejects unknown and
//! repeated names, evaluates attributes, and puts the file, line and attribute in every error.

use super::source_file::SourceFile;
use super::values;
use hcl::Value;
use hcl::edit::expr::Expression;
use hcl::edit::structure::{Attribute, Block, Body, Structure};
use hcl::eval::{Context, Evaluate};

/// A block body (or the whole file) being decoded.
pub(crate) struct Section<'a> {
    pub(crate) file: &'a SourceFile,
    pub(crate) body: &'a Body,
    /// How messages name this place, e.g. `env "local"`.
    pub(crate) place: String,
}

impl<'a> Section<'a> {
    /// Checks that the body holds only the given attributes (each at most once) and blocks.
    pub(crate) fn new(
        file: &'a SourceFile,
        body: &'a Body,
        place: String,
        attributes: &[&str],
        blocks: &[&str],
    ) -> anyhow::Result<Section<'a>> {
        let mut seen: Vec<&str> = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let key = attr.key.as_str();
                    if !attributes.contains(&key) {
                        return Err(file.error_at(
                            attr,
                            format!(
                                "unknown attribute `{key}` in {place}{}",
                                expected_names(attributes, "attributes")
                            ),
                        ));
                    }
                    if seen.contains(&key) {
                        return Err(file
                            .error_at(attr, format!("attribute `{key}` is set twice in {place}")));
                    }
                    seen.push(key);
                }
                Structure::Block(block) => {
                    let ident = block.ident.as_str();
                    if !blocks.contains(&ident) {
                        let hint = if attributes.contains(&ident) {
                            format!(" (`{ident}` is an attribute: write `{ident} = ...`)")
                        } else {
                            expected_names(blocks, "blocks")
                        };
                        return Err(file
                            .error_at(block, format!("unknown block `{ident}` in {place}{hint}")));
                    }
                }
            }
        }
        Ok(Section { file, body, place })
    }

    pub(crate) fn attribute(&self, name: &str) -> Option<&'a Attribute> {
        self.body.get_attribute(name)
    }

    pub(crate) fn blocks(&self, name: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.body.get_blocks(name)
    }

    /// The block of that name when it may appear at most once.
    pub(crate) fn single_block(&self, name: &'a str) -> anyhow::Result<Option<&'a Block>> {
        let mut blocks = self.blocks(name);
        let first = blocks.next();
        if let Some(second) = blocks.next() {
            return Err(self.file.error_at(
                second,
                format!("block `{name}` appears twice in {}", self.place),
            ));
        }
        Ok(first)
    }

    /// The attribute's evaluated value; `None` when absent or `null`.
    pub(crate) fn value(&self, name: &str, ctx: &Context) -> anyhow::Result<Option<Value>> {
        let Some(attr) = self.attribute(name) else {
            return Ok(None);
        };
        match evaluate(self.file, attr, &self.place, ctx)? {
            Value::Null => Ok(None),
            value => Ok(Some(value)),
        }
    }

    /// The attribute's value converted by `convert`; conversion errors name the attribute.
    pub(crate) fn get<T>(
        &self,
        name: &str,
        ctx: &Context,
        convert: impl FnOnce(Value) -> Result<T, String>,
    ) -> anyhow::Result<Option<T>> {
        let Some(value) = self.value(name, ctx)? else {
            return Ok(None);
        };
        convert(value)
            .map(Some)
            .map_err(|message| self.invalid(name, message))
    }

    /// An error about the value of attribute `name` (which must be present).
    pub(crate) fn invalid(&self, name: &str, message: impl AsRef<str>) -> anyhow::Error {
        let message = format!("attribute `{name}` in {}: {}", self.place, message.as_ref());
        match self.attribute(name) {
            Some(attr) => self.file.error_at(attr, message),
            None => self.file.error(message),
        }
    }

    /// An error about a required attribute that is missing; points at the block's line.
    pub(crate) fn missing(&self, block: &Block, name: &str) -> anyhow::Error {
        self.file.error_at(
            block,
            format!("{} needs the attribute `{name}`", self.place),
        )
    }

    /// A bare identifier such as `string` or `golang-migrate` written as an attribute value.
    pub(crate) fn bare_identifier(&self, name: &str) -> Option<&'a str> {
        match &self.attribute(name)?.value {
            Expression::Variable(ident) => Some(ident.as_str()),
            _ => None,
        }
    }
}

/// Evaluates an attribute's expression; errors name the file, line, attribute and place.
pub(crate) fn evaluate(
    file: &SourceFile,
    attr: &Attribute,
    place: &str,
    ctx: &Context,
) -> anyhow::Result<Value> {
    let expr: hcl::Expression = attr.value.clone().into();
    expr.evaluate(ctx).map_err(|error| {
        file.error_at(
            attr,
            format!(
                "attribute `{}` in {place}: {}",
                attr.key.as_str(),
                explain(&error)
            ),
        )
    })
}

/// An evaluation error in the project's terms: a missing key under `var`, `local` or `data` is
/// an undeclared name, not a "key".
fn explain(error: &hcl::eval::Error) -> String {
    if let hcl::eval::ErrorKind::NoSuchKey(key) = error.kind()
        && let Some(expr) = error.expr()
    {
        let written = expr.to_string();
        let what = if written.starts_with("var.") {
            Some(format!("no variable \"{key}\" is declared"))
        } else if written.starts_with("local.") {
            Some(format!("no local `{key}` is defined"))
        } else if written.starts_with("data.external_schema.") {
            Some(format!("no data \"external_schema\" \"{key}\" is declared"))
        } else {
            None
        };
        if let Some(what) = what {
            return format!("{what} (in `{written}`)");
        }
    }
    error.to_string()
}

/// How messages name a block: its identifier and quoted labels, e.g. `env "local"`.
pub(crate) fn block_place(block: &Block) -> String {
    let mut place = block.ident.as_str().to_string();
    for label in &block.labels {
        place.push_str(&format!(" {:?}", label.as_str()));
    }
    place
}

/// The block's labels, which must number exactly `names.len()` (their meanings, for the message).
pub(crate) fn labels(
    file: &SourceFile,
    block: &Block,
    names: &[&str],
) -> anyhow::Result<Vec<String>> {
    if block.labels.len() != names.len() {
        let wanted = if names.is_empty() {
            "no labels".to_string()
        } else {
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(" ")
        };
        return Err(file.error_at(
            block,
            format!(
                "block `{}` takes {wanted} (as in `{} {wanted} {{ ... }}`), got {} label(s)",
                block.ident.as_str(),
                block.ident.as_str(),
                block.labels.len()
            ),
        ));
    }
    Ok(block
        .labels
        .iter()
        .map(|l| l.as_str().to_string())
        .collect())
}

/// A block kept as raw JSON (`lint`, `format`): attributes evaluated, nested blocks as objects
/// (nested by label; repeated blocks as a list). A bare identifier that is not a variable, such as
/// Atlas's `review = ERROR`, is kept as its name.
pub(crate) fn block_json(
    file: &SourceFile,
    body: &Body,
    place: &str,
    ctx: &Context,
) -> anyhow::Result<serde_json::Value> {
    let mut map = serde_json::Map::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                let value = match (&attr.value, evaluate(file, attr, place, ctx)) {
                    (_, Ok(value)) => values::json(value),
                    (Expression::Variable(ident), Err(_)) => ident.as_str().into(),
                    (_, Err(e)) => return Err(e),
                };
                map.insert(attr.key.as_str().to_string(), value);
            }
            Structure::Block(block) => {
                let nested_place = format!("{} in {place}", block_place(block));
                let mut value = block_json(file, &block.body, &nested_place, ctx)?;
                for label in block.labels.iter().rev() {
                    value = serde_json::json!({ label.as_str(): value });
                }
                let key = block.ident.as_str().to_string();
                match map.remove(&key) {
                    None => map.insert(key, value),
                    Some(serde_json::Value::Array(mut list)) => {
                        list.push(value);
                        map.insert(key, serde_json::Value::Array(list))
                    }
                    Some(previous) => map.insert(key, serde_json::json!([previous, value])),
                };
            }
        }
    }
    Ok(serde_json::Value::Object(map))
}

fn expected_names(names: &[&str], what: &str) -> String {
    if names.is_empty() {
        format!(" (it takes no {what})")
    } else {
        format!(" (known {what}: {})", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn file(text: &str) -> SourceFile {
        SourceFile::new(Path::new("p.hcl"), PathBuf::from("/p"), text.to_string())
    }

    #[test]
    fn block_json_nests_labels_and_lists_repeated_blocks() {
        let f =
            file("check \"a\" {\n  on = true\n}\ncheck \"b\" {\n  on = false\n}\nlevel = WARN\n");
        let body = hcl::edit::parser::parse_body(&f.text).unwrap();
        let json = block_json(&f, &body, "lint", &Context::new()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "check": [{"a": {"on": true}}, {"b": {"on": false}}],
                "level": "WARN"
            })
        );
    }

    #[test]
    fn rejects_unknown_names_and_suggests_attribute_syntax() {
        let f = file("x {\n}\n");
        let body = hcl::edit::parser::parse_body(&f.text).unwrap();
        let err = Section::new(&f, &body, "env \"e\"".into(), &["x"], &[])
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "p.hcl:1: unknown block `x` in env \"e\" (`x` is an attribute: write `x = ...`)"
        );
    }
}
