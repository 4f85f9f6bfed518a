//! schemactl: plan and run database schema migrations from a desired state.
//!
//! The pure core is `schema` (the model), `diff` (model × model → changes) and `plan`
//! (changes → SQL). Everything that does I/O sits at the edges: `driver` (databases),
//! `devdb` (throwaway dev databases), `workflow` (the commands' work: states, plans, runs) and
//! `cli`. Every dialect question is answered behind one seam, `dialect`. See
//! docs/ARCHITECTURE.md for the layer map.

pub mod cache;
pub mod cli;
pub mod config;
pub mod devdb;
pub mod dialect;
pub mod diff;
pub mod driver;
pub mod error;
pub mod history;
pub mod lint;
pub mod migrate;
pub mod plan;
pub mod provider;
pub mod schema;
pub mod sql;
pub mod url;
pub mod workflow;
