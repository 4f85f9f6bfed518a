//! Pure, deterministic comparison of two realms into an ordered list of changes.
//!
//! Objects match by schema and name (routines by `name(identity arguments)`, constraints,
//! indexes, triggers and policies by name on their relation), and definitions compare by the
//! server's canonical text. What can be altered in place and what must be dropped and created
//! again is the dialect's [`DiffPolicy`]; the result runs top to bottom on that dialect:
//!
//! - `CreateTable` / `CreateView` / `CreateType` carry only the object itself; foreign keys,
//!   indexes, triggers, policies, row security and comments follow as their own changes.
//!   `DropTable` drops its indexes, triggers and policies implicitly; foreign keys of a dropped
//!   table are dropped first by their own `DropConstraint`.
//! - A new sequence that a column owns is `CreateSequence` (with `owned_by: None`) before the
//!   table, then `AlterSequence` setting `owned_by` once the column exists. A sequence that
//!   disappears with its owning column or table gets no `DropSequence`.
//! - A column the policy cannot alter (on PostgreSQL: its generation expression changes) is
//!   dropped and added again; any other column change is one `AlterColumn`, except two cases
//!   split into two `AlterColumn`s around the changes between them: serial to identity (or
//!   back), and a column *parked* while a type or routine it uses is re-created (default
//!   dropped and, for a re-created type, retyped to the policy's parked type, then brought to
//!   its target type and default; the planner casts with `USING`).
//! - Tables, types, routines and views the policy cannot alter in place are dropped and
//!   created again, together with whatever uses them (see `cascade`). On PostgreSQL: tables
//!   whose partitioning changes, collations whose definition changes, enums with removed or reordered labels,
//!   domains with a new base type or collation, changed range types, routines with a new kind
//!   or return type, and views whose columns change other than by appending.
//! - A column that an INHERITS parent of both states has as the child has it is the parent's:
//!   added, altered and dropped on the parent only. A child that keeps its copy of a column the
//!   parent drops makes that drop `only`; a child that declared it too drops its own after the
//!   parent's. Parents gained and lost are `Inherit` (with the parent's checks the child lacks)
//!   and `NoInherit`, which leaves the child the parent's columns and checks as its own.
//! - Views whose inputs change underneath them are dropped and created again (with their
//!   indexes, triggers and comments).

mod cascade;
mod change;
mod collations;
mod emit;
mod emitter;
mod forced;
mod graph;
mod index;
mod mention;
mod policy;
mod relation;
mod rename;
mod res;
mod routines;
mod schemas;
mod scope;
mod sequences;
mod skip;
mod table;
mod trigger;
mod types;
mod uses;
mod view;

#[cfg(test)]
mod tests;

pub use change::{Change, CommentTarget, RowSecurity, TableOptions, created_tables};
pub use policy::DiffPolicy;
pub use rename::{RenameCandidate, RenameHint, UnusedHint, rename_candidates, unused_hints};
pub use scope::Scope;
pub use skip::{SKIPPABLE, Skip};

use crate::schema::Realm;
use std::borrow::Cow;

/// Knobs of the comparison.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Current tables and columns that are target ones under new names: renamed (rows kept)
    /// rather than dropped and added. Hints that do not apply are ignored; see [`unused_hints`].
    pub renames: Vec<RenameHint>,
    /// The objects compared (the env's `schemas` and `exclude`); see [`narrow`].
    pub scope: Scope,
    /// Drops left out (the env's `diff { skip { } }`); see [`narrow`].
    pub skip: Skip,
}

/// The two states as a plan should see them: out-of-scope objects left out of both, and what
/// a skipped drop would remove kept in the desired one. Plan on these, not the originals.
///
/// Where a table is one stored text (`DiffPolicy::table_is_one_text`), leaving out or keeping
/// single columns or constraints would make the text and the model disagree: that is an error
/// naming the table, not a plan that rebuilds the table wrongly.
pub fn narrow<'a>(
    from: &'a Realm,
    to: &'a Realm,
    opts: &DiffOptions,
    policy: &dyn DiffPolicy,
) -> Result<(Cow<'a, Realm>, Cow<'a, Realm>), String> {
    // Nothing left out or kept: the states as they are (copies of big realms cost memory).
    if opts.scope.is_everything() && opts.skip.is_empty() {
        return Ok((Cow::Borrowed(from), Cow::Borrowed(to)));
    }
    let (narrowed_from, narrowed_to) = opts.scope.apply_to_both(from, to);
    let kept_to = opts.skip.keep_in(&narrowed_from, &narrowed_to);
    if policy.table_is_one_text() {
        let touched = scope::touched_table(from, &narrowed_from)
            .or_else(|| scope::touched_table(to, &narrowed_to))
            .or_else(|| scope::touched_table(&narrowed_to, &kept_to));
        if let Some(table) = touched {
            return Err(format!(
                "table {table}: this dialect stores a table as one CREATE TABLE text, so its \
                 columns and constraints cannot be excluded or kept one by one; exclude or \
                 skip whole tables"
            ));
        }
    }
    Ok((Cow::Owned(narrowed_from), Cow::Owned(kept_to)))
}

/// The changes that turn `from` into `to`, in an order a database can run them.
///
/// With rename hints, the renames come first (unless a name they take must be freed first)
/// and the rest compares the renamed objects with their targets as usual, so a renamed column
/// whose type changes also gets its `AlterColumn`. `policy` answers the dialect's questions
/// (see [`DiffPolicy`]); `Dialect::diff_policy` gives the one of a dialect.
pub fn diff(from: &Realm, to: &Realm, opts: &DiffOptions, policy: &dyn DiffPolicy) -> Vec<Change> {
    let renames = rename::resolve(from, to, &opts.renames, policy);
    let renamed = rename::apply(from, &renames, policy);
    let mut forced = forced::Forced::default();
    loop {
        let mut nodes = emit::emit(&renamed, to, &forced, policy);
        let wider = cascade::widen(&renamed, to, &forced, &nodes, policy);
        if wider == forced {
            rename::wait_for_renames(&mut nodes);
            nodes.extend(rename::nodes(from, &renamed, &renames));
            return graph::order(nodes, policy.flavor());
        }
        forced = wider;
    }
}
