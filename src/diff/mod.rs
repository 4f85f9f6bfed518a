//! Pure, deterministic comparison of two realms into an ordered list of changes.

mod change;

pub use change::{Change, CommentTarget, RowSecurity, TableOptions};

use crate::schema::Realm;

/// Knobs of the comparison.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {}

/// The changes that turn `from` into `to`, in an order a database can run them.
pub fn diff(from: &Realm, to: &Realm, _opts: &DiffOptions) -> Vec<Change> {
    let _ = (from, to);
    Vec::new()
}
