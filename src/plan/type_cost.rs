//! What changing a column's type costs, as each dialect's planner knows it: whether existing
//! values may not fit the new type, and whether the table is rewritten (or copied). `migrate
//! lint` reads it through the dialect (`dialect::LintTraits::type_cost`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeCost {
    /// Some existing values may not fit the new type.
    pub narrowing: bool,
    /// The table (and its indexes) is rewritten or copied.
    pub rewrite: bool,
}

impl TypeCost {
    pub const FREE: TypeCost = TypeCost {
        narrowing: false,
        rewrite: false,
    };
}

/// `character varying(40)` → (`character varying`, [40]); `decimal(10,2) unsigned` →
/// (`decimal unsigned`, [10, 2]). Array brackets stay in the base.
pub fn split_modifiers(sql: &str) -> (String, Vec<u32>) {
    let Some(open) = sql.find('(') else {
        return (sql.to_string(), Vec::new());
    };
    let close = sql[open..].find(')').map(|c| open + c).unwrap_or(sql.len());
    let mods = sql[open + 1..close]
        .split(',')
        .filter_map(|m| m.trim().parse().ok())
        .collect();
    let base = format!("{}{}", &sql[..open], sql.get(close + 1..).unwrap_or(""));
    (base.trim().to_string(), mods)
}

#[cfg(test)]
mod tests {
    use super::split_modifiers;

    #[test]
    fn modifiers_come_out_of_the_name() {
        assert_eq!(
            split_modifiers("character varying(40)"),
            ("character varying".into(), vec![40])
        );
        assert_eq!(
            split_modifiers("decimal(10,2) unsigned"),
            ("decimal unsigned".into(), vec![10, 2])
        );
        assert_eq!(split_modifiers("text"), ("text".into(), vec![]));
    }
}
