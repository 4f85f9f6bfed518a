//! schemactl: plan and run database schema migrations from a desired state.
//!
//! The pure core is `schema` (the model), `diff` (model × model → changes) and `plan`
//! (changes → SQL). Everything that does I/O sits at the edges: `driver` (databases),
//! `devdb` (throwaway dev databases), `source` (turning a URL into a model) and `cli`.

pub mod cli;
pub mod config;
pub mod devdb;
pub mod diff;
pub mod driver;
pub mod error;
pub mod lint;
pub mod migrate;
pub mod plan;
pub mod provider;
pub mod runner;
pub mod schema;
pub mod source;
pub mod sql;
pub mod url;
pub mod versioned;
