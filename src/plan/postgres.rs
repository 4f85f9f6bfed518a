//! PostgreSQL planner: renders changes as PostgreSQL DDL with reverses and risk notes.

use super::{Plan, Planner};
use crate::diff::Change;

pub struct PostgresPlanner;

impl Planner for PostgresPlanner {
    fn plan(&self, _changes: &[Change]) -> Plan {
        Plan::default()
    }
}
