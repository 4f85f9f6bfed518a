//! What a column type change costs on MySQL and MariaDB (types as inspection spells them:
//! `int unsigned`, `varchar(255)`, `decimal(10,2)`, `enum('a','b')`): which changes may not
//! fit existing values (strict mode then fails the `ALTER`, other modes truncate silently) and
//! which copy the table. Lengths are compared in characters: in a multi-byte character set a
//! `tinytext` (255 bytes) holds fewer.

use crate::plan::type_cost::{TypeCost, split_modifiers};

/// One type, taken apart.
#[derive(Debug, PartialEq)]
struct Parsed {
    name: String,
    modifiers: Vec<u32>,
    unsigned: bool,
    /// ENUM and SET labels, unquoted.
    labels: Vec<String>,
}

fn parse(sql: &str) -> Parsed {
    let lower = sql.trim().to_ascii_lowercase();
    let name: String = lower
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let labels = match name.as_str() {
        "enum" | "set" => labels(&sql.trim()[name.len()..]),
        _ => Vec::new(),
    };
    let (base, modifiers) = match labels.is_empty() {
        true => split_modifiers(&lower),
        false => (name.clone(), Vec::new()),
    };
    Parsed {
        unsigned: base.split_whitespace().any(|w| w == "unsigned"),
        name,
        modifiers,
        labels,
    }
}

/// `('a','it''s')` → [a, it's].
fn labels(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = list.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut label = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    label.push('\'');
                }
                '\'' => break,
                '\\' => label.extend(chars.next()),
                c => label.push(c),
            }
        }
        out.push(label);
    }
    out
}

/// Integer types by size, with the decimal digits their largest value has.
fn integer_rank(name: &str) -> Option<(u8, u32)> {
    Some(match name {
        "tinyint" | "bool" | "boolean" => (1, 3),
        "smallint" => (2, 5),
        "mediumint" => (3, 8),
        "int" | "integer" => (4, 10),
        "bigint" => (5, 20),
        _ => return None,
    })
}

/// Characters a string type holds (`None` for non-string types).
fn string_capacity(parsed: &Parsed) -> Option<u64> {
    let declared = || parsed.modifiers.first().map(|&n| n as u64).unwrap_or(1);
    Some(match parsed.name.as_str() {
        "char" | "varchar" | "binary" | "varbinary" => declared(),
        "tinytext" | "tinyblob" => 255,
        "text" | "blob" => 65_535,
        "mediumtext" | "mediumblob" => 16_777_215,
        "longtext" | "longblob" | "json" => 4_294_967_295,
        _ => return None,
    })
}

/// Characters the longest value of a non-string type takes as text.
fn text_width(parsed: &Parsed) -> Option<u64> {
    if let Some((_, digits)) = integer_rank(&parsed.name) {
        return Some(digits as u64 + 1);
    }
    Some(match parsed.name.as_str() {
        "decimal" | "numeric" => parsed.modifiers.first().copied().unwrap_or(10) as u64 + 2,
        "date" => 10,
        "datetime" | "timestamp" => 26,
        "time" => 17,
        "year" => 4,
        "float" | "double" | "real" => 24,
        "enum" | "set" => parsed.labels.iter().map(|l| l.len() as u64 + 1).sum(),
        _ => return None,
    })
}

pub fn type_cost(from: &str, to: &str) -> TypeCost {
    if from.trim().eq_ignore_ascii_case(to.trim()) {
        return TypeCost::FREE;
    }
    let (a, b) = (parse(from), parse(to));
    let copy = |narrowing: bool| TypeCost {
        narrowing,
        rewrite: true,
    };
    if let (Some((ra, _)), Some((rb, _))) = (integer_rank(&a.name), integer_rank(&b.name)) {
        // Unsigned to signed needs a larger type; signed to unsigned loses the negatives.
        let fits = match (a.unsigned, b.unsigned) {
            (false, true) => false,
            (true, false) => rb > ra,
            _ => rb >= ra,
        };
        return copy(!fits);
    }
    if let Some((_, digits)) = integer_rank(&a.name) {
        match b.name.as_str() {
            "decimal" | "numeric" => {
                let (p, s) = decimal(&b);
                return copy(p.saturating_sub(s) < digits);
            }
            "double" | "real" => return copy(digits > 15),
            "float" => return copy(true),
            _ => {}
        }
    }
    match (a.name.as_str(), b.name.as_str()) {
        ("decimal" | "numeric", "decimal" | "numeric") => {
            let ((p, s), (p2, s2)) = (decimal(&a), decimal(&b));
            return copy(p2.saturating_sub(s2) < p.saturating_sub(s) || s2 < s);
        }
        ("float", "double" | "real") | ("double" | "real", "double" | "real") => {
            return copy(false);
        }
        ("enum" | "set", kind) if kind == a.name => {
            let kept = a.labels.iter().all(|l| b.labels.contains(l));
            // New labels at the end change only the table's definition.
            let appended = b.labels.starts_with(&a.labels);
            return TypeCost {
                narrowing: !kept,
                rewrite: !appended,
            };
        }
        ("date", "datetime" | "timestamp") => return copy(false),
        ("datetime" | "timestamp", "datetime") | ("timestamp", "timestamp") => {
            return copy(fraction(&b) < fraction(&a));
        }
        // TIMESTAMP ends in 2038 and starts in 1970.
        ("datetime", "timestamp") => return copy(true),
        _ => {}
    }
    if let (Some(held), Some(room)) = (string_capacity(&a), string_capacity(&b)) {
        let binary = |p: &Parsed| p.name.contains("bin") || p.name.contains("blob");
        let fits = room >= held && binary(&a) == binary(&b);
        // Growing a VARCHAR (or to a wider TEXT) is done in place.
        let in_place = fits && a.name == b.name && a.name.starts_with("var");
        let json = b.name == "json" && a.name != "json";
        return TypeCost {
            narrowing: !fits || json,
            rewrite: !in_place,
        };
    }
    if let (Some(width), Some(room)) = (text_width(&a), string_capacity(&b)) {
        return copy(room < width);
    }
    copy(true)
}

/// (precision, scale) of a DECIMAL; MySQL's default is (10, 0).
fn decimal(parsed: &Parsed) -> (u32, u32) {
    match parsed.modifiers.as_slice() {
        [] => (10, 0),
        [p] => (*p, 0),
        [p, s, ..] => (*p, *s),
    }
}

fn fraction(parsed: &Parsed) -> u32 {
    parsed.modifiers.first().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::type_cost;

    fn narrows(from: &str, to: &str) -> bool {
        type_cost(from, to).narrowing
    }

    #[test]
    fn integers_narrow_to_smaller_types_and_across_signedness() {
        assert!(!narrows("int", "bigint"));
        assert!(narrows("bigint", "int"));
        assert!(narrows("int", "int unsigned"));
        assert!(narrows("int unsigned", "int"));
        assert!(!narrows("int unsigned", "bigint"));
        assert!(!narrows("tinyint(1)", "int"));
        assert!(narrows("int", "decimal(5,2)"));
        assert!(!narrows("int", "decimal(12,2)"));
        assert!(type_cost("int", "bigint").rewrite);
    }

    #[test]
    fn strings_narrow_to_shorter_ones() {
        assert!(narrows("varchar(255)", "varchar(10)"));
        let longer = type_cost("varchar(10)", "varchar(255)");
        assert!(!longer.narrowing && !longer.rewrite);
        assert!(!narrows("varchar(255)", "text"));
        assert!(narrows("text", "varchar(255)"));
        assert!(narrows("longtext", "mediumtext"));
        assert!(narrows("varchar(300)", "tinytext"));
        assert!(narrows("text", "json"));
        assert!(!narrows("int", "varchar(20)"));
        assert!(narrows("bigint", "varchar(5)"));
        assert!(narrows("varchar(10)", "int"));
        assert!(narrows("varbinary(10)", "varchar(10)"));
    }

    #[test]
    fn enum_labels_removed_narrow_and_appended_ones_are_in_place() {
        let appended = type_cost("enum('a','b')", "enum('a','b','c')");
        assert!(!appended.narrowing && !appended.rewrite);
        let inserted = type_cost("enum('a','b')", "enum('c','a','b')");
        assert!(!inserted.narrowing && inserted.rewrite);
        assert!(narrows("enum('a','b')", "enum('a')"));
        assert!(narrows("set('x','it''s')", "set('x')"));
        assert!(!narrows("set('x','it''s')", "set('x','it''s','z')"));
    }

    #[test]
    fn decimals_temporals_and_floats() {
        assert!(!narrows("decimal(10,2)", "decimal(12,2)"));
        assert!(narrows("decimal(10,2)", "decimal(10,1)"));
        assert!(narrows("decimal(10,2)", "decimal(9,2)"));
        assert!(!narrows("date", "datetime"));
        assert!(narrows("datetime", "date"));
        assert!(narrows("datetime(6)", "datetime"));
        assert!(narrows("datetime", "timestamp"));
        assert!(!narrows("float", "double"));
        assert!(narrows("double", "float"));
        assert!(!narrows("int", "int"));
        assert_eq!(
            type_cost("INT", "int"),
            crate::plan::type_cost::TypeCost::FREE
        );
    }
}
