//! User-defined collations: CREATE COLLATION and DROP COLLATION.

use super::quote::{literal, qualified};
use super::statement::{StatementExt, stmt};
use crate::plan::{RiskKind, Statement};
use crate::schema::{Collation, CollationProvider, QualifiedName};

/// `CREATE COLLATION name (provider = ..., ...)` with the options the model holds; libc's
/// two categories are written as one `locale` when they agree, as the server reads them.
pub fn create(name: &QualifiedName, collation: &Collation) -> Statement {
    let provider = match collation.provider {
        CollationProvider::Libc => "libc",
        CollationProvider::Icu => "icu",
        CollationProvider::Builtin => "builtin",
    };
    let mut options = vec![format!("provider = {provider}")];
    match (&collation.lc_collate, &collation.lc_ctype) {
        (Some(a), Some(b)) if a == b => options.push(format!("locale = {}", literal(a))),
        (a, b) => {
            options.extend(a.iter().map(|v| format!("lc_collate = {}", literal(v))));
            options.extend(b.iter().map(|v| format!("lc_ctype = {}", literal(v))));
        }
    }
    if let Some(locale) = &collation.locale {
        options.push(format!("locale = {}", literal(locale)));
    }
    if let Some(rules) = &collation.rules {
        options.push(format!("rules = {}", literal(rules)));
    }
    if !collation.deterministic {
        options.push("deterministic = false".to_string());
    }
    stmt(format!(
        "CREATE COLLATION {} ({})",
        qualified(name),
        options.join(", ")
    ))
}

/// Without CASCADE: the diff moves columns off the collation and re-creates indexes and views
/// that mention it first, and anything left is worth failing on.
pub fn drop(name: &QualifiedName) -> Statement {
    stmt(format!("DROP COLLATION {}", qualified(name)))
        .risk(RiskKind::Destructive, format!("drops collation {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_icu_and_libc_collations() {
        let name = QualifiedName::new("public", "nocase");
        assert_eq!(
            create(&name, &Collation::icu("nocase", "und-u-ks-level2", false)).sql,
            r#"CREATE COLLATION "public"."nocase" (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"#
        );
        let libc = Collation {
            provider: CollationProvider::Libc,
            locale: None,
            lc_collate: Some("C".into()),
            lc_ctype: Some("POSIX".into()),
            deterministic: true,
            ..Collation::icu("nocase", "", true)
        };
        assert_eq!(
            create(&name, &libc).sql,
            r#"CREATE COLLATION "public"."nocase" (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX')"#
        );
        assert_eq!(drop(&name).sql, r#"DROP COLLATION "public"."nocase""#);
    }
}
