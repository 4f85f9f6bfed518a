//! Forced re-creations: what the cascade found must be dropped and created again (or parked)
//! beyond what the objects' own differences call for, as the emitters read it.

use super::res::MemberKind;
use crate::schema::QualifiedName;
use std::collections::BTreeSet;

/// Objects to re-create (and columns to park) beyond what their own differences call for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Forced {
    pub tables: BTreeSet<QualifiedName>,
    pub views: BTreeSet<QualifiedName>,
    pub types: BTreeSet<QualifiedName>,
    /// `(schema, name(identity arguments))`.
    pub functions: BTreeSet<(String, String)>,
    /// Constraints, indexes, triggers and policies by the relation they are on.
    pub members: BTreeSet<(QualifiedName, MemberKind, String)>,
    pub parked: BTreeSet<(QualifiedName, String)>,
}
