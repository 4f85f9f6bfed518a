//! What a column type change costs on PostgreSQL (`format_type` spellings): which changes
//! may not fit existing values and which rewrite the table.

use crate::plan::type_cost::{TypeCost, split_modifiers};

/// Classifies a change between two types as PostgreSQL spells them (`format_type`).
pub fn type_cost(from: &str, to: &str) -> TypeCost {
    let (from_base, from_mods) = split_modifiers(from);
    let (to_base, to_mods) = split_modifiers(to);
    let safe = TypeCost {
        narrowing: false,
        rewrite: false,
    };
    let widen = |larger: bool| TypeCost {
        narrowing: !larger,
        rewrite: !larger,
    };
    let text_like = |b: &str| matches!(b, "text" | "character varying");
    match (from_base.as_str(), to_base.as_str()) {
        (a, b) if a == b && (a == "character varying" || a == "bit varying") => {
            match (from_mods.first(), to_mods.first()) {
                (_, None) => safe,
                (None, Some(_)) => widen(false),
                (Some(n), Some(m)) => widen(m >= n),
            }
        }
        ("character varying", "text") => safe,
        ("text", "character varying") if to_mods.is_empty() => safe,
        ("numeric", "numeric") => match (from_mods.as_slice(), to_mods.as_slice()) {
            (_, []) => safe,
            ([p, s], [p2, s2]) if s == s2 => widen(p2 >= p),
            _ => widen(false),
        },
        (a, b) if a == b && !to_mods.is_empty() => widen(to_mods >= from_mods),
        (a, b) => {
            let rank = |t: &str| match t {
                "smallint" => Some(1),
                "integer" => Some(2),
                "bigint" => Some(3),
                "numeric" => Some(4),
                _ => None,
            };
            let float_rank = |t: &str| match t {
                "real" => Some(1),
                "double precision" => Some(2),
                _ => None,
            };
            // Numbers change storage format: even a wider type rewrites the table.
            let retype = |larger: bool| TypeCost {
                narrowing: !larger,
                rewrite: true,
            };
            match (rank(a), rank(b), float_rank(a), float_rank(b)) {
                (Some(x), Some(y), _, _) => retype(y > x),
                (_, _, Some(x), Some(y)) => retype(y > x),
                _ if text_like(b) || (a.starts_with("timestamp") && b.starts_with("timestamp")) => {
                    TypeCost {
                        narrowing: false,
                        rewrite: true,
                    }
                }
                _ => widen(false),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_type_changes() {
        let safe = TypeCost {
            narrowing: false,
            rewrite: false,
        };
        assert_eq!(
            type_cost("character varying(10)", "character varying(20)"),
            safe
        );
        assert_eq!(type_cost("character varying(10)", "text"), safe);
        assert_eq!(type_cost("numeric(10,2)", "numeric(12,2)"), safe);
        assert!(type_cost("character varying(20)", "character varying(10)").narrowing);
        assert!(type_cost("bigint", "integer").narrowing);
        let widening = type_cost("integer", "bigint");
        assert!(!widening.narrowing && widening.rewrite);
        assert!(type_cost("text", "integer").narrowing);
        assert!(!type_cost("integer", "text").narrowing);
    }
}
