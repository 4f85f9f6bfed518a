//! Quoting of identifiers and string literals for PostgreSQL.

use crate::plan::Names;
use crate::schema::QualifiedName;

/// Step comments name objects as the statements do: `"public"."users"`, `"age"`.
pub const NAMES: Names = Names {
    qualified,
    member: ident,
    unqualified: ident,
};

/// `"name"` with embedded double quotes doubled; always quoted so case and keywords survive.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `"schema"."name"`.
pub fn qualified(name: &QualifiedName) -> String {
    format!("{}.{}", ident(&name.schema), ident(&name.name))
}

/// `'text'` with embedded single quotes doubled. Backslashes stay as they are: the literal relies
/// on `standard_conforming_strings = on`, the default since PostgreSQL 9.1.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A role in a policy's TO list: the pseudo-role `public` is the keyword PUBLIC.
pub fn role(name: &str) -> String {
    if name == "public" {
        "PUBLIC".to_string()
    } else {
        ident(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_embedded_double_quotes_in_identifiers() {
        assert_eq!(ident(r#"we"ird"#), r#""we""ird""#);
        assert_eq!(ident("Users"), r#""Users""#);
    }

    #[test]
    fn qualifies_with_both_parts_quoted() {
        assert_eq!(
            qualified(&QualifiedName::new("public", "users")),
            r#""public"."users""#
        );
    }

    #[test]
    fn doubles_single_quotes_and_keeps_backslashes_in_literals() {
        assert_eq!(literal(r"it's a\b"), r"'it''s a\b'");
    }

    #[test]
    fn renders_public_role_as_keyword() {
        assert_eq!(role("public"), "PUBLIC");
        assert_eq!(role("app_user"), r#""app_user""#);
    }
}
