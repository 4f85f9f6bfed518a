//! MySQL and MariaDB driver: inspection of a database into the schema model.

pub mod inspect;

pub use inspect::{SCOPE, empty_realm, inspect_realm};
