//! Column type changes: whether `ALTER COLUMN ... TYPE` needs a USING cast, and whether it
//! rewrites the table or can fail on the rows present.
//!
//! The cast facts mirror PostgreSQL 15's `pg_cast` for the built-in types people use in columns.

use super::quote::ident;
use crate::schema::DataType;

/// Built-in casts PostgreSQL applies on assignment (`castcontext` `a` or `i`), so
/// `ALTER COLUMN ... TYPE` works without USING.
const ASSIGNMENT_CASTS: &[(&str, &str)] = &[
    ("smallint", "integer"),
    ("smallint", "bigint"),
    ("smallint", "real"),
    ("smallint", "double precision"),
    ("smallint", "numeric"),
    ("integer", "smallint"),
    ("integer", "bigint"),
    ("integer", "real"),
    ("integer", "double precision"),
    ("integer", "numeric"),
    ("integer", "money"),
    ("bigint", "smallint"),
    ("bigint", "integer"),
    ("bigint", "real"),
    ("bigint", "double precision"),
    ("bigint", "numeric"),
    ("bigint", "money"),
    ("real", "smallint"),
    ("real", "integer"),
    ("real", "bigint"),
    ("real", "double precision"),
    ("real", "numeric"),
    ("double precision", "smallint"),
    ("double precision", "integer"),
    ("double precision", "bigint"),
    ("double precision", "real"),
    ("double precision", "numeric"),
    ("numeric", "smallint"),
    ("numeric", "integer"),
    ("numeric", "bigint"),
    ("numeric", "real"),
    ("numeric", "double precision"),
    ("numeric", "money"),
    ("money", "numeric"),
    ("date", "timestamp without time zone"),
    ("date", "timestamp with time zone"),
    ("timestamp without time zone", "timestamp with time zone"),
    ("timestamp without time zone", "date"),
    ("timestamp without time zone", "time without time zone"),
    ("timestamp with time zone", "timestamp without time zone"),
    ("timestamp with time zone", "date"),
    ("timestamp with time zone", "time without time zone"),
    ("timestamp with time zone", "time with time zone"),
    ("time without time zone", "time with time zone"),
    ("time without time zone", "interval"),
    ("time with time zone", "time without time zone"),
    ("interval", "time without time zone"),
    ("json", "jsonb"),
    ("jsonb", "json"),
    ("cidr", "inet"),
    ("inet", "cidr"),
    ("bit", "bit varying"),
    ("bit varying", "bit"),
];

/// Built-in casts that exist but only when written out (`castcontext` `e`).
const EXPLICIT_CASTS: &[(&str, &str)] = &[
    ("boolean", "integer"),
    ("integer", "boolean"),
    ("bigint", "bit"),
    ("integer", "bit"),
    ("bit", "integer"),
    ("bit", "bigint"),
    ("jsonb", "boolean"),
    ("jsonb", "smallint"),
    ("jsonb", "integer"),
    ("jsonb", "bigint"),
    ("jsonb", "numeric"),
    ("jsonb", "real"),
    ("jsonb", "double precision"),
];

/// Changes that keep every stored value's bytes, so PostgreSQL skips the table rewrite.
const BINARY_COERCIBLE: &[(&str, &str)] = &[
    ("character varying", "text"),
    ("text", "character varying"),
    ("cidr", "inet"),
    ("xml", "text"),
    ("xml", "character varying"),
    ("bit", "bit varying"),
];

const STRING_TYPES: &[&str] = &["text", "character varying", "character", "name", "bpchar"];
const INTEGER_TYPES: &[&str] = &["smallint", "integer", "bigint"];

/// How PostgreSQL will carry out a column type change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeChange {
    /// The USING expression, when no assignment cast exists.
    pub using: Option<String>,
    /// True unless the change is known to keep the stored bytes (no table rewrite).
    pub rewrites: bool,
    /// True when existing values may not fit (shorter length, smaller number, any USING cast).
    pub narrows: bool,
}

/// The element type's name without modifiers: `numeric(10,2)` → `numeric`,
/// `timestamp(3) with time zone` → `timestamp with time zone`. Built-in names are derived from
/// the full spelling so that a modifier in the middle of the name does not matter.
fn base_name(data_type: &DataType) -> String {
    if !is_builtin(data_type) {
        return data_type.base.clone();
    }
    let mut name = String::new();
    let mut depth = 0;
    for c in data_type.sql.trim_end_matches("[]").chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => name.push(c),
            _ => {}
        }
    }
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Modifiers of a type's spelling: `numeric(10,2)` → `[10, 2]`, `text` → `[]`.
fn modifiers(data_type: &DataType) -> Vec<i64> {
    let sql = data_type.sql.trim_end_matches("[]");
    match (sql.find('('), sql.find(')')) {
        (Some(open), Some(close)) if open < close => sql[open + 1..close]
            .split(',')
            .filter_map(|part| part.trim().parse().ok())
            .collect(),
        _ => Vec::new(),
    }
}

fn is_builtin(data_type: &DataType) -> bool {
    data_type.schema.is_none()
}

fn is_string(data_type: &DataType) -> bool {
    (is_builtin(data_type) && STRING_TYPES.contains(&base_name(data_type).as_str()))
        || (data_type.array_dims == 0 && data_type.category.is_string())
}

fn is_enum(data_type: &DataType) -> bool {
    data_type.array_dims == 0 && data_type.category.is_enum()
}

fn pair_in(list: &[(&str, &str)], from: &str, to: &str) -> bool {
    list.iter().any(|(a, b)| *a == from && *b == to)
}

/// Whether PostgreSQL can convert the column without a USING clause.
fn assignment_castable(from: &DataType, to: &DataType) -> bool {
    if to.array_dims == 0 && is_string(to) {
        return true; // every type has an assignment I/O cast to the string types
    }
    if from.array_dims != to.array_dims {
        return false;
    }
    if from.schema == to.schema && base_name(from) == base_name(to) {
        return true;
    }
    if is_string(to) {
        return true;
    }
    is_builtin(from)
        && is_builtin(to)
        && pair_in(ASSIGNMENT_CASTS, &base_name(from), &base_name(to))
}

/// The USING expression converting column `column` to `to` when no assignment cast exists.
fn using_expression(column: &str, from: &DataType, to: &DataType) -> String {
    let column = ident(column);
    if from.array_dims == 0 && to.array_dims > 0 {
        return format!("ARRAY[{column}]::{}", to.sql);
    }
    let direct = from.array_dims == to.array_dims
        && (is_string(from)
            || pair_in(EXPLICIT_CASTS, &base_name(from), &base_name(to))
            || (!is_builtin(from) && !is_enum(from) && !is_enum(to)));
    if direct {
        format!("{column}::{}", to.sql)
    } else {
        // Every type has an I/O cast to text and text one to every type: this parses for any
        // pair and fails only on values the new type cannot read.
        format!("{column}::text::{}", to.sql)
    }
}

/// Whether values of `from` always fit `to` when both are the same base type.
fn same_base_widens(from: &DataType, to: &DataType) -> bool {
    let (old, new) = (modifiers(from), modifiers(to));
    match base_name(to).as_str() {
        "numeric" => match (old.as_slice(), new.as_slice()) {
            (_, []) => true,
            ([], _) => false,
            ([p1], [p2]) => p2 >= p1,
            ([p1, s1], [p2]) => *s1 == 0 && p2 >= p1,
            ([p1], [p2, s2]) => *s2 == 0 && p2 >= p1,
            ([p1, s1], [p2, s2]) => s1 == s2 && p2 >= p1,
            _ => false,
        },
        "character" | "bit" => old == new,
        _ => match (old.as_slice(), new.as_slice()) {
            (_, []) => true,
            ([], _) => false,
            (o, n) => n.iter().zip(o).all(|(n, o)| n >= o),
        },
    }
}

/// Whether a built-in cast between different base types can lose or reject values.
fn cross_type_narrows(from: &str, to: &str) -> bool {
    let rank = |t: &str| INTEGER_TYPES.iter().position(|i| *i == t);
    match (rank(from), rank(to)) {
        (Some(f), Some(t)) => t < f,
        (None, Some(_)) => true,
        _ => {
            matches!(
                (from, to),
                ("double precision", "real")
                    | ("numeric", "real")
                    | ("numeric", "double precision")
                    | ("numeric", "money")
                    | ("inet", "cidr")
                    | ("bit varying", "bit")
                    | ("interval", "time without time zone")
            ) || (from.starts_with("timestamp") && !to.starts_with("timestamp"))
        }
    }
}

/// How changing a column from `from` to `to` will run.
pub fn type_change(column: &str, from: &DataType, to: &DataType) -> TypeChange {
    let same_base = from.schema == to.schema
        && base_name(from) == base_name(to)
        && from.array_dims == to.array_dims;
    let using = (!assignment_castable(from, to)).then(|| using_expression(column, from, to));
    let (rewrites, narrows) = if same_base {
        let widens = same_base_widens(from, to);
        (!widens, !widens)
    } else if using.is_some() {
        (true, true)
    } else {
        let (f, t) = (base_name(from), base_name(to));
        let (f, t) = (f.as_str(), t.as_str());
        let binary = from.array_dims == to.array_dims
            && pair_in(BINARY_COERCIBLE, f, t)
            && modifiers(to).is_empty();
        let narrows = if is_string(to) {
            !modifiers(to).is_empty()
        } else {
            cross_type_narrows(f, t)
        };
        (!binary, narrows)
    };
    TypeChange {
        using,
        rewrites,
        narrows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{PgCategory, TypeCategory};

    fn builtin(sql: &str, category: char) -> DataType {
        let mut t = DataType::pg(sql.trim_end_matches("[]"), category);
        t.sql = sql.to_string();
        t.array_dims = sql.matches("[]").count() as u32;
        if t.array_dims > 0 {
            t.category = TypeCategory::Postgres(PgCategory::Array);
        }
        t
    }

    fn user(sql: &str, category: char) -> DataType {
        let (schema, name) = sql.split_once('.').unwrap();
        DataType {
            sql: sql.to_string(),
            base: name.to_string(),
            schema: Some(schema.to_string()),
            array_dims: 0,
            category: TypeCategory::Postgres(PgCategory::from_letter(category)),
        }
    }

    #[test]
    fn widening_varchar_needs_no_using_and_no_rewrite() {
        let change = type_change(
            "name",
            &builtin("character varying(10)", 'S'),
            &builtin("character varying(20)", 'S'),
        );
        assert_eq!(
            change,
            TypeChange {
                using: None,
                rewrites: false,
                narrows: false
            }
        );
    }

    #[test]
    fn shortening_varchar_narrows_and_rewrites() {
        let change = type_change(
            "name",
            &builtin("character varying(20)", 'S'),
            &builtin("character varying(10)", 'S'),
        );
        assert!(change.using.is_none() && change.narrows && change.rewrites);
    }

    #[test]
    fn numeric_precision_down_narrows() {
        let change = type_change(
            "n",
            &builtin("numeric(10,3)", 'N'),
            &builtin("numeric(10,2)", 'N'),
        );
        assert!(change.using.is_none() && change.narrows);
        let change = type_change(
            "n",
            &builtin("numeric(10,2)", 'N'),
            &builtin("numeric(12,2)", 'N'),
        );
        assert!(!change.narrows && !change.rewrites);
    }

    #[test]
    fn integer_widening_is_assignment_castable_but_rewrites() {
        let change = type_change("n", &builtin("integer", 'N'), &builtin("bigint", 'N'));
        assert!(change.using.is_none() && !change.narrows && change.rewrites);
        let change = type_change("n", &builtin("bigint", 'N'), &builtin("integer", 'N'));
        assert!(change.using.is_none() && change.narrows);
    }

    #[test]
    fn text_to_integer_casts_directly() {
        let change = type_change("age", &builtin("text", 'S'), &builtin("integer", 'N'));
        assert_eq!(change.using.as_deref(), Some(r#""age"::integer"#));
        assert!(change.narrows);
    }

    #[test]
    fn anything_to_text_needs_no_using() {
        let change = type_change("s", &user("public.mood", 'E'), &builtin("text", 'S'));
        assert_eq!(change.using, None);
        let change = type_change("s", &builtin("integer[]", 'A'), &builtin("text", 'S'));
        assert_eq!(change.using, None);
    }

    #[test]
    fn enum_to_enum_goes_through_text() {
        let change = type_change(
            "status",
            &user("public.old_status", 'E'),
            &user("public.new_status", 'E'),
        );
        assert_eq!(
            change.using.as_deref(),
            Some(r#""status"::text::public.new_status"#)
        );
    }

    #[test]
    fn text_to_enum_casts_directly() {
        let change = type_change("status", &builtin("text", 'S'), &user("public.mood", 'E'));
        assert_eq!(change.using.as_deref(), Some(r#""status"::public.mood"#));
    }

    #[test]
    fn scalar_to_array_wraps_in_array() {
        let change = type_change("tags", &builtin("text", 'S'), &builtin("text[]", 'A'));
        assert_eq!(change.using.as_deref(), Some(r#"ARRAY["tags"]::text[]"#));
    }

    #[test]
    fn varchar_to_text_is_binary_coercible() {
        let change = type_change(
            "s",
            &builtin("character varying(5)", 'S'),
            &builtin("text", 'S'),
        );
        assert!(!change.rewrites && !change.narrows && change.using.is_none());
    }

    #[test]
    fn timestamp_precision_is_a_modifier_of_the_same_type() {
        let change = type_change(
            "at",
            &builtin("timestamp(3) without time zone", 'D'),
            &builtin("timestamp(6) without time zone", 'D'),
        );
        assert!(change.using.is_none() && !change.narrows);
    }

    #[test]
    fn boolean_to_integer_uses_the_explicit_cast() {
        let change = type_change("b", &builtin("boolean", 'B'), &builtin("integer", 'N'));
        assert_eq!(change.using.as_deref(), Some(r#""b"::integer"#));
    }
}
