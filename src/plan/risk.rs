//! Risk notes that every dialect words the same way: one function per risk that more than one
//! planner reports, so that a plan, `migrate lint` and `migrate down` say the same thing of the
//! same change whatever the dialect.

use super::{Risk, RiskKind};
use crate::schema::QualifiedName;

fn risk(kind: RiskKind, note: String) -> Risk {
    Risk { kind, note }
}

/// `name` is printed as the planner quotes it.
pub fn drops_table(name: &QualifiedName) -> Risk {
    risk(
        RiskKind::Destructive,
        format!("drops table {name} and all its rows"),
    )
}

/// `columns` are printed as the planner quotes them; one or more.
pub fn drops_columns(table: &QualifiedName, columns: &[impl AsRef<str>]) -> Risk {
    let names: Vec<&str> = columns.iter().map(AsRef::as_ref).collect();
    let note = match names.as_slice() {
        [one] => format!("drops column {one} of {table} and its data"),
        many => format!(
            "drops columns {} of {table} and their data",
            many.join(", ")
        ),
    };
    risk(RiskKind::Destructive, note)
}

pub fn renames_table(from: &QualifiedName, to: &QualifiedName) -> Risk {
    breaks(format!("renames table {from} to {to}"))
}

pub fn renames_column(table: &QualifiedName, from: &str, to: &str) -> Risk {
    breaks(format!("renames column \"{from}\" of {table} to \"{to}\""))
}

/// A rename keeps the data; code that reads the old name breaks.
pub fn breaks(what: String) -> Risk {
    risk(
        RiskKind::BackwardIncompatible,
        format!("{what}; code that uses the old name breaks"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_and_several_dropped_columns_read_as_english() {
        let t = QualifiedName::new("public", "users");
        assert_eq!(
            drops_columns(&t, &["\"a\""]).note,
            "drops column \"a\" of public.users and its data"
        );
        assert_eq!(
            drops_columns(&t, &["\"a\"", "\"b\""]).note,
            "drops columns \"a\", \"b\" of public.users and their data"
        );
        assert_eq!(
            renames_column(&t, "a", "b").kind,
            RiskKind::BackwardIncompatible
        );
    }
}
