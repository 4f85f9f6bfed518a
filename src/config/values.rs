//! Checking evaluated HCL values against the type an attribute needs.
//!
//! Each function returns a plain message; the caller adds the file, line and attribute.

use hcl::Value;
use std::time::Duration;

/// A short description of a value for "expected X, got Y" messages.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the bool {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

pub(crate) fn string(value: Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(format!("expected a string, got {}", describe(&other))),
    }
}

pub(crate) fn string_list(value: Value) -> Result<Vec<String>, String> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s),
                other => Err(format!(
                    "expected a list of strings, got a list holding {}",
                    describe(&other)
                )),
            })
            .collect(),
        other => Err(format!(
            "expected a list of strings, got {}",
            describe(&other)
        )),
    }
}

/// A duration written as a string like `"30s"`, `"1m30s"`, `"500ms"` or `"2h"`, or a number of
/// seconds.
pub(crate) fn duration(value: Value) -> Result<Duration, String> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| format!("expected a duration, got the number {n}")),
        Value::String(s) => parse_duration(&s),
        other => Err(format!(
            "expected a duration like \"30s\", got {}",
            describe(&other)
        )),
    }
}

pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("expected a duration like \"30s\", \"5m\" or \"1m30s\", got {text:?}");
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .ok_or_else(bad)?;
        let amount: f64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds_per_unit = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total += Duration::from_secs_f64(amount * seconds_per_unit);
    }
    Ok(total)
}

/// The value as JSON, for blocks kept raw (`lint`, `format`).
pub(crate) fn json(value: Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                serde_json::Value::from(i)
            } else if let Some(u) = n.as_u64() {
                serde_json::Value::from(u)
            } else {
                n.as_f64()
                    .map(serde_json::Value::from)
                    .unwrap_or(serde_json::Value::Null)
            }
        }
        Value::String(s) => serde_json::Value::String(s),
        Value::Array(items) => serde_json::Value::Array(items.into_iter().map(json).collect()),
        Value::Object(map) => {
            serde_json::Value::Object(map.into_iter().map(|(k, v)| (k, json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_style_durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
    }

    #[test]
    fn rejects_durations_without_a_known_unit() {
        for text in ["30", "", "s", "10 parsecs", "3d", "1m30"] {
            assert!(parse_duration(text).is_err(), "{text:?} accepted");
        }
    }

    #[test]
    fn a_number_is_seconds() {
        assert_eq!(duration(Value::from(5)), Ok(Duration::from_secs(5)));
    }

    #[test]
    fn string_list_names_what_it_got() {
        let err = string_list(Value::from("x")).unwrap_err();
        assert_eq!(err, "expected a list of strings, got the string \"x\"");
        let err = string_list(Value::Array(vec![Value::from(1)])).unwrap_err();
        assert!(err.contains("the number 1"), "{err}");
    }

    #[test]
    fn json_keeps_numbers_strings_and_nesting() {
        let value: Value = hcl::value!({ a = 1, b = [true, "x"], c = { d = 1.5 } });
        assert_eq!(
            json(value),
            serde_json::json!({"a": 1, "b": [true, "x"], "c": {"d": 1.5}})
        );
    }
}
