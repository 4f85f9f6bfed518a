//! Migration directories: formats, file directives, the sum file, writing files atomically.
//!
//! - `format`: directory formats (Atlas/schemactl, dbmate, golang-migrate) and file names;
//! - `directives`: `-- atlas:…` / `-- schemactl:…` header directives;
//! - `sum`: the `atlas.sum` file, byte-compatible with Atlas;
//! - `atomic`: writing a migration and its sum together or not at all;
//! - `dir`: the directory itself, tying the above together;
//! - `target`, `pending`, `executor`: running the files against a database (apply, down, status);
//! - `repair`: `migrate set` and `migrate repair`, fixing the revisions table by hand;
//! - `import`: other tools' directories (Alembic, dbmate, golang-migrate, Flyway, goose) read
//!   as a list of migrations to write.

mod atomic;
mod dir;
mod directives;
mod executor;
mod format;
pub mod import;
mod pending;
mod repair;
mod sum;
mod target;

pub use dir::{MigrationDir, MigrationFile, NewMigration};
pub use directives::{Directives, TxMode};
pub use executor::{
    AppliedFile, ApplyOptions, ApplySummary, Progress, RevertStep, apply, pending_files, revert,
    with_lock,
};
pub use format::{DirFormat, compare_versions, sanitize_name};
pub use pending::{
    Comparison, PendingFile, baseline_files, compare, files_to_apply, files_to_revert, up_checksum,
};
pub use repair::{RevisionFix, fix_revisions, plan_repair, plan_set};
pub use sum::{SUM_FILE_NAME, SumFile};
pub use target::{
    MigrationTarget, Revision, RevisionKind, ServerError, TargetSpec, os_user, poll_lock,
};

use chrono::{NaiveDateTime, TimeDelta, Utc};

const TIMESTAMP: &str = "%Y%m%d%H%M%S";

/// A version for a new file: UTC now as `YYYYMMDDHHMMSS`, or one second after the directory's
/// last version when now is not greater (a clock behind, or two files in one second).
pub fn next_version(dir: &MigrationDir) -> anyhow::Result<String> {
    let now = Utc::now().naive_utc().format(TIMESTAMP).to_string();
    Ok(version_after(&now, dir.last_version()?.as_deref()))
}

/// `candidate` if it is greater than `last`, else `last` plus one second (plus one when `last`
/// is not a timestamp, e.g. golang-migrate's sequential `000042`).
fn version_after(candidate: &str, last: Option<&str>) -> String {
    let Some(last) = last else {
        return candidate.to_string();
    };
    if compare_versions(candidate, last).is_gt() {
        return candidate.to_string();
    }
    if last.len() == 14
        && let Ok(time) = NaiveDateTime::parse_from_str(last, TIMESTAMP)
    {
        return (time + TimeDelta::seconds(1)).format(TIMESTAMP).to_string();
    }
    increment_digits(last)
}

/// Adds one to a digit string, keeping its width when it can (`0009` → `0010`, `99` → `100`).
fn increment_digits(digits: &str) -> String {
    let mut bytes = digits.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return String::from_utf8(bytes).expect("digits");
        }
    }
    format!("1{}", String::from_utf8(bytes).expect("digits"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_wins_when_it_is_later() {
        assert_eq!(
            version_after("20240101000000", Some("20231231235959")),
            "20240101000000"
        );
        assert_eq!(version_after("20240101000000", None), "20240101000000");
    }

    #[test]
    fn bumps_one_second_past_a_last_version_not_behind_now() {
        assert_eq!(
            version_after("20240101000000", Some("20240101000000")),
            "20240101000001"
        );
        assert_eq!(
            version_after("20240101000000", Some("20241231235959")),
            "20250101000000"
        );
    }

    #[test]
    fn non_timestamp_versions_are_incremented() {
        assert_eq!(
            version_after("20240101000000", Some("99999999999999999")),
            "100000000000000000"
        );
        assert_eq!(increment_digits("0009"), "0010");
        assert_eq!(increment_digits("99"), "100");
    }

    #[test]
    fn next_version_is_monotonic_across_writes_in_one_second() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = MigrationDir::open(tmp.path(), DirFormat::Atlas).unwrap();
        let mut versions = Vec::new();
        for i in 0..3 {
            let version = next_version(&dir).unwrap();
            dir.new_migration(&version, &format!("m{i}")).unwrap();
            versions.push(version);
        }
        assert!(
            versions
                .windows(2)
                .all(|w| compare_versions(&w[0], &w[1]).is_lt()),
            "{versions:?}"
        );
    }
}
