//! What a database says one statement did, asked on the dev database while the statement ran:
//! the locks its transaction held on relations that existed before it, the tables and indexes
//! it rewrote, and (MySQL-family) the cheapest algorithm the server would run it with. Each
//! dialect's driver fills this in its own terms (`postgres/measure.rs`, `mysql/measure.rs`);
//! `migrate lint` reads only these fields.

use crate::schema::QualifiedName;
use serde::Serialize;

/// What one statement did, as measured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Measurement {
    /// Relations that existed before the statement and that it locked, rewrote or scanned.
    pub relations: Vec<MeasuredRelation>,
    /// The server refused to run the statement inside a transaction (it ran in autocommit,
    /// so no lock of it could be read from a transaction).
    pub outside_transaction: bool,
    /// Whether the locks were read (a statement run in autocommit holds none that can be).
    #[serde(skip)]
    pub locks_read: bool,
    /// Whether rewrites were looked for.
    #[serde(skip)]
    pub rewrites_read: bool,
    /// The cheapest way the server would run an `ALTER TABLE` (MySQL-family only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online: Option<OnlineVerdict>,
}

/// One relation (table, index, sequence, view) the statement touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasuredRelation {
    #[serde(serialize_with = "display")]
    pub name: QualifiedName,
    /// `table`, `index`, `sequence`, `view`, `materialized view`, …
    pub kind: &'static str,
    /// The table the relation belongs to: itself for a table, the indexed table for an index.
    #[serde(serialize_with = "display")]
    pub table: QualifiedName,
    /// Lock modes held on it when the statement ended (before its commit), strongest first.
    pub locks: Vec<HeldLock>,
    /// Its storage was replaced (every row written again; an index built again).
    pub rewritten: bool,
    /// It was read whole (a validation scan) without being rewritten.
    pub scanned: bool,
}

impl MeasuredRelation {
    /// The strongest lock held, if any.
    pub fn strongest(&self) -> Option<&HeldLock> {
        self.locks.first()
    }
}

/// One lock mode held on a relation, with what it keeps other sessions from doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldLock {
    /// The database's own name of the mode, e.g. `ACCESS EXCLUSIVE`.
    pub mode: &'static str,
    pub blocks_reads: bool,
    pub blocks_writes: bool,
    /// Taken by this statement; false: the transaction held it already, from an earlier
    /// statement (lint inside one borrowed transaction), so whether this statement needs it
    /// cannot be told.
    pub taken: bool,
}

impl HeldLock {
    /// `blocks reads and writes`, `blocks writes`, or what little it blocks.
    pub fn effect(&self) -> &'static str {
        match (self.blocks_reads, self.blocks_writes) {
            (true, _) => "blocks reads and writes",
            (false, true) => "blocks writes",
            (false, false) => "blocks only schema changes",
        }
    }
}

/// How an `ALTER TABLE` can run on a MySQL-family server, cheapest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// Metadata only: no row is touched.
    Instant,
    /// Rebuilt or changed in place while reads and writes go on (`LOCK=NONE`).
    Inplace,
    /// In place, but writes wait until it ends (`LOCK=SHARED`).
    InplaceLocked,
    /// Only as a copy of the table: writes wait for the whole copy.
    Copy,
}

impl Algorithm {
    pub fn describe(self) -> &'static str {
        match self {
            Algorithm::Instant => "runs with ALGORITHM=INSTANT: changes metadata only",
            Algorithm::Inplace => {
                "runs with ALGORITHM=INPLACE, LOCK=NONE: reads and writes go on while it runs"
            }
            Algorithm::InplaceLocked => "runs in place but not with LOCK=NONE: blocks writes",
            Algorithm::Copy => "runs only as ALGORITHM=COPY: blocks writes for the whole copy",
        }
    }
}

/// The algorithm the server accepted for a statement on `table`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnlineVerdict {
    #[serde(serialize_with = "display")]
    pub table: QualifiedName,
    pub algorithm: Algorithm,
    /// Why the server refused the cheaper algorithm, in its words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `schema.name` in JSON, as every other message spells it.
fn display<S: serde::Serializer>(name: &QualifiedName, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(name)
}
