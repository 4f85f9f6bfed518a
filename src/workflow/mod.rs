//! The commands' work, composed from the pieces: the states a run compares (`state`, through
//! the cache: `cached`), the
//! plan between them and the next migration file (`migration`), and running a directory
//! against a target (`target`, `down`). Dialect questions go to `crate::dialect`; this module
//! never names a dialect.

mod apply_plan;
mod cached;
mod down;
mod migration;
mod state;
mod stream;
mod target;

pub use apply_plan::{AppliedPlan, apply_plan, load_into_empty};
pub use cached::{
    MODEL_FORMAT, load as load_cached, plan_key, prefix_keys, program_output, store as store_cached,
};
pub use down::{DownOptions, down};
pub use migration::{plan_between, plan_changes, write_next_migration};
pub use state::{
    DesiredSource, Script, current_and_desired, desired_realm, execute_statements, load_scripts,
    read_scripts, realm_from_dir, realm_from_files, realm_from_scripts, realm_from_url,
    replay_files, state_keys,
};
pub use target::{
    ApplyOutcome, PendingEntry, RevisionRepair, Status, StatusState, apply, create_database,
    database_label, drop_database, ensure_database, open_target, repair_revisions, status,
    wait_for_database,
};
