//! `variable "x" { type, default, description }` blocks and their `--var x=v` overrides.

use super::section::{Section, block_place, labels};
use super::source_file::SourceFile;
use hcl::edit::Span;
use hcl::edit::structure::Block;
use hcl::eval::Context;
use hcl::{Map, Number, Value};

/// The type a variable declares; `--var` text is converted to it.
#[derive(Debug, Clone, PartialEq)]
enum VarType {
    String,
    Number,
    Bool,
    Any,
    List(Box<VarType>),
}

impl VarType {
    /// Reads the type from its source text (`string`, `list(number)`, ...): types are
    /// identifiers, not values, so they are never evaluated.
    fn parse(text: &str) -> Option<VarType> {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        match text.as_str() {
            "string" => Some(VarType::String),
            "number" => Some(VarType::Number),
            "bool" => Some(VarType::Bool),
            "any" => Some(VarType::Any),
            _ => text
                .strip_prefix("list(")
                .and_then(|rest| rest.strip_suffix(')'))
                .and_then(VarType::parse)
                .filter(|inner| !matches!(inner, VarType::List(_)))
                .map(|inner| VarType::List(Box::new(inner))),
        }
    }

    fn name(&self) -> String {
        match self {
            VarType::String => "string".into(),
            VarType::Number => "number".into(),
            VarType::Bool => "bool".into(),
            VarType::Any => "any".into(),
            VarType::List(inner) => format!("list({})", inner.name()),
        }
    }

    fn accepts(&self, value: &Value) -> bool {
        match (self, value) {
            (VarType::Any, _) => true,
            (VarType::String, Value::String(_)) => true,
            (VarType::Number, Value::Number(_)) => true,
            (VarType::Bool, Value::Bool(_)) => true,
            (VarType::List(inner), Value::Array(items)) => items.iter().all(|i| inner.accepts(i)),
            _ => false,
        }
    }

    /// Converts one `--var` text to a value of a scalar type.
    fn value_of(&self, text: &str) -> Result<Value, String> {
        match self {
            VarType::String | VarType::Any => Ok(Value::from(text)),
            VarType::Number => text
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| {
                    text.parse::<f64>()
                        .ok()
                        .and_then(Number::from_f64)
                        .map(Value::Number)
                        .ok_or(())
                })
                .map_err(|_| format!("expected a number, got {text:?}")),
            VarType::Bool => match text {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("expected true or false, got {text:?}")),
            },
            VarType::List(inner) => inner.value_of(text),
        }
    }
}

/// Evaluates every variable block (defaults may call functions) and applies the overrides.
/// Returns the object bound to `var`.
pub(crate) fn evaluate(
    file: &SourceFile,
    blocks: &[&Block],
    overrides: &[(String, String)],
    ctx: &Context,
) -> anyhow::Result<Map<String, Value>> {
    let mut declared: Vec<(String, &Block, VarType, Option<Value>)> = Vec::new();
    for &block in blocks {
        let name = labels(file, block, &["NAME"])?.remove(0);
        if declared.iter().any(|(n, ..)| *n == name) {
            return Err(file.error_at(block, format!("variable {name:?} is declared twice")));
        }
        let section = Section::new(
            file,
            &block.body,
            block_place(block),
            &["type", "default", "description"],
            &[],
        )?;
        let var_type = match section.attribute("type") {
            None => VarType::Any,
            Some(attr) => {
                let text = attr
                    .value
                    .span()
                    .and_then(|span| file.text.get(span))
                    .unwrap_or_default();
                VarType::parse(text).ok_or_else(|| {
                    section.invalid(
                        "type",
                        format!(
                            "unsupported type `{}` (expected string, number, bool, any or list(...))",
                            text.trim()
                        ),
                    )
                })?
            }
        };
        section.get("description", ctx, super::values::string)?;
        let default = section.value("default", ctx)?;
        if let Some(value) = &default
            && !var_type.accepts(value)
        {
            return Err(section.invalid(
                "default",
                format!(
                    "expected a value of type {}, got {}",
                    var_type.name(),
                    super::values::describe(value)
                ),
            ));
        }
        declared.push((name, block, var_type, default));
    }

    for (given, _) in overrides {
        if !declared.iter().any(|(name, ..)| name == given) {
            let known: Vec<&str> = declared.iter().map(|(n, ..)| n.as_str()).collect();
            return Err(file.error(format!(
                "--var {given}=...: no variable {given:?} is declared{}",
                if known.is_empty() {
                    String::new()
                } else {
                    format!(" (declared: {})", known.join(", "))
                }
            )));
        }
    }

    let mut vars = Map::new();
    for (name, block, var_type, default) in declared {
        let given: Vec<&str> = overrides
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        let bad_var = |message: String| file.error(format!("--var {name}=...: {message}"));
        let value = match (&var_type, given.as_slice()) {
            (_, []) => default.ok_or_else(|| {
                file.error_at(
                    block,
                    format!(
                        "variable {name:?} has no default and no value: pass --var {name}=VALUE"
                    ),
                )
            })?,
            (VarType::List(_), texts) => Value::Array(
                texts
                    .iter()
                    .map(|t| var_type.value_of(t))
                    .collect::<Result<_, _>>()
                    .map_err(bad_var)?,
            ),
            (_, [text]) => var_type.value_of(text).map_err(bad_var)?,
            (_, _) => {
                return Err(bad_var(format!(
                    "given {} times, but the variable is a {}, not a list",
                    given.len(),
                    var_type.name()
                )));
            }
        };
        vars.insert(name, value);
    }
    Ok(vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scalar_and_list_types() {
        assert_eq!(VarType::parse("string"), Some(VarType::String));
        assert_eq!(
            VarType::parse(" list( number ) "),
            Some(VarType::List(Box::new(VarType::Number)))
        );
        assert_eq!(VarType::parse("list(list(string))"), None);
        assert_eq!(VarType::parse("map(string)"), None);
    }

    #[test]
    fn converts_var_text_to_the_declared_type() {
        assert_eq!(VarType::Number.value_of("42"), Ok(Value::from(42)));
        assert_eq!(VarType::Bool.value_of("true"), Ok(Value::Bool(true)));
        assert!(VarType::Number.value_of("forty").is_err());
        assert!(VarType::Bool.value_of("yes").is_err());
        assert_eq!(VarType::Any.value_of("7"), Ok(Value::from("7")));
    }
}
