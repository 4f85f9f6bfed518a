//! Pure decisions of the runner: which files are pending, where a partly applied file resumes,
//! which applied file was edited since, what `status` says and which files `down` reverts.
//! No I/O: the inputs are the directory's files and the target's revision rows.

use super::dir::MigrationFile;
use super::format::compare_versions;
use super::target::{Revision, RevisionKind};
use crate::error::bad_input;
use crate::sql::Flavor;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The checksum a revision row keeps: base64 SHA-256 of the file's up SQL.
pub fn up_checksum(file: &MigrationFile) -> String {
    STANDARD.encode(Sha256::digest(file.up.as_bytes()))
}

/// A file to apply, from statement `start` on (non-zero when a run stopped part-way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingFile {
    pub file: MigrationFile,
    pub start: usize,
    pub total: usize,
}

/// The directory compared with the target's revisions.
#[derive(Debug, Default)]
pub struct Comparison {
    pub pending: Vec<PendingFile>,
    /// The newest fully applied version.
    pub current: Option<String>,
    pub applied_count: usize,
    /// A failed or partly applied file's revision.
    pub incomplete: Option<Revision>,
    /// Reasons the directory and the target disagree (edited or removed applied files, files
    /// older than the newest applied one still pending); `apply` refuses to run while any exists.
    pub problems: Vec<String>,
}

pub(super) fn version_key(version: &str) -> String {
    version.trim_start_matches('0').to_string()
}

/// Compares `files` (in apply order, split as `flavor`) with `revisions` (any order).
pub fn compare(files: &[MigrationFile], revisions: &[Revision], flavor: &Flavor) -> Comparison {
    let mut by_version: BTreeMap<String, &Revision> = revisions
        .iter()
        .map(|r| (version_key(&r.version), r))
        .collect();
    let newest_complete = revisions
        .iter()
        .filter(|r| r.is_complete())
        .map(|r| r.version.as_str())
        .max_by(|a, b| compare_versions(a, b));
    let mut out = Comparison::default();
    for file in files {
        let total = file.statements(flavor).len();
        let Some(revision) = by_version.remove(&version_key(&file.version)) else {
            if let Some(newest) = newest_complete
                && compare_versions(&file.version, newest).is_lt()
            {
                out.problems.push(format!(
                    "{} is not applied, but the newer version {newest} is; files must apply in order (move it after {newest} with a new version)",
                    file.file_name()
                ));
            }
            out.pending.push(PendingFile {
                file: file.clone(),
                start: 0,
                total,
            });
            continue;
        };
        if revision.is_complete() {
            out.current = Some(file.version.clone());
            out.applied_count += 1;
            if revision.checksum != up_checksum(file) {
                out.problems.push(format!(
                    "{} was {} on the target at {} but has been edited since (its checksum differs); revert the edit and put the change in a new migration file",
                    file.file_name(),
                    match revision.kind {
                        RevisionKind::Applied => "applied",
                        RevisionKind::Baseline => "baselined",
                        RevisionKind::Set => "set as applied",
                    },
                    revision.applied_at
                ));
            }
            continue;
        }
        // Failed or stopped part-way: statements before `applied` committed; resume after them.
        if revision.applied > total {
            out.problems.push(format!(
                "{} has {total} statement(s) but the target recorded {} of them as applied; it was edited after a partial run",
                file.file_name(),
                revision.applied
            ));
        }
        out.incomplete = Some(revision.clone());
        out.pending.push(PendingFile {
            file: file.clone(),
            start: revision.applied.min(total),
            total,
        });
    }
    // A failure record of a file that left nothing applied may outlive the file (it was fixed
    // under another version, or dropped): nothing on the target depends on it.
    for revision in by_version.values().filter(|r| r.applied > 0) {
        out.problems.push(format!(
            "version {} ({}) is recorded on the target but no migration file has it; it was removed or renamed",
            revision.version, revision.description
        ));
    }
    out
}

/// The pending files `apply` runs (at most `limit`), or bad input naming the first problem.
pub fn files_to_apply(
    comparison: Comparison,
    limit: Option<usize>,
) -> anyhow::Result<Vec<PendingFile>> {
    if let Some(problem) = comparison.problems.first() {
        return Err(bad_input(problem.clone()));
    }
    let mut pending = comparison.pending;
    if let Some(limit) = limit {
        pending.truncate(limit);
    }
    Ok(pending)
}

/// Bad input unless a file has `version`; `asked_by` names the flag or command in the message.
pub(super) fn require_file_version(
    files: &[MigrationFile],
    version: &str,
    asked_by: &str,
) -> anyhow::Result<()> {
    match files
        .iter()
        .any(|f| version_key(&f.version) == version_key(version))
    {
        true => Ok(()),
        false => Err(bad_input(format!(
            "{asked_by} {version}: no migration file has this version"
        ))),
    }
}

/// The files `--baseline VERSION` records as present: every file up to VERSION, which must be
/// a file's version.
pub fn baseline_files(
    files: &[MigrationFile],
    version: &str,
) -> anyhow::Result<Vec<MigrationFile>> {
    require_file_version(files, version, "--baseline")?;
    Ok(files
        .iter()
        .filter(|f| compare_versions(&f.version, version).is_le())
        .cloned()
        .collect())
}

/// The last `count` applied files, newest first, for `down`. A failed file that left nothing
/// applied is skipped (its row is only a record of the failure); a partly applied one is bad
/// input, since neither its down nor a reverse plan matches a half state.
pub fn files_to_revert(
    files: &[MigrationFile],
    revisions: &[Revision],
    count: usize,
) -> anyhow::Result<Vec<(MigrationFile, Revision)>> {
    let mut applied: Vec<&Revision> = revisions.iter().filter(|r| r.applied > 0).collect();
    applied.sort_by(|a, b| compare_versions(&b.version, &a.version));
    let mut out = Vec::new();
    for revision in applied.into_iter().take(count) {
        let Some(file) = files
            .iter()
            .find(|f| version_key(&f.version) == version_key(&revision.version))
        else {
            return Err(bad_input(format!(
                "version {} is applied on the target but no migration file has it; cannot revert it",
                revision.version
            )));
        };
        if !revision.is_complete() {
            return Err(bad_input(format!(
                "{} is only partly applied ({} of {} statements); fix it and run `migrate apply` before reverting",
                file.file_name(),
                revision.applied,
                revision.total
            )));
        }
        out.push((file.clone(), revision.clone()));
    }
    Ok(out)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::migrate) const PG: &Flavor = &Flavor::postgres();
    use crate::migrate::Directives;
    use std::path::PathBuf;

    pub(in crate::migrate) fn file(version: &str, up: &str) -> MigrationFile {
        MigrationFile {
            version: version.into(),
            name: format!("m{version}"),
            path: PathBuf::from(format!("{version}_m{version}.sql")),
            up: up.into(),
            up_line: 1,
            down: None,
            directives: Directives::default(),
        }
    }

    pub(in crate::migrate) fn revision(
        file: &MigrationFile,
        applied: usize,
        error: Option<&str>,
    ) -> Revision {
        Revision {
            version: file.version.clone(),
            description: file.name.clone(),
            kind: RevisionKind::Applied,
            checksum: up_checksum(file),
            applied,
            total: file.statements(PG).len(),
            error: error.map(str::to_string),
            error_statement: None,
            execution_ms: 1,
            applied_at: "2026-01-01T00:00:00Z".into(),
            operator: "test".into(),
        }
    }

    #[test]
    fn pending_files_follow_the_applied_ones() {
        let files = [
            file("1", "select 1;"),
            file("2", "select 2;"),
            file("3", "select 3;"),
        ];
        let comparison = compare(&files, &[revision(&files[0], 1, None)], PG);
        assert_eq!(comparison.current.as_deref(), Some("1"));
        let pending = files_to_apply(comparison, Some(1)).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            (pending[0].file.version.as_str(), pending[0].start),
            ("2", 0)
        );
    }

    #[test]
    fn a_partly_applied_file_resumes_after_its_last_good_statement() {
        let files = [file("1", "select 1; select 2; select 3;")];
        let comparison = compare(&files, &[revision(&files[0], 2, Some("boom"))], PG);
        assert!(comparison.incomplete.is_some());
        let pending = files_to_apply(comparison, None).unwrap();
        assert_eq!((pending[0].start, pending[0].total), (2, 3));
    }

    #[test]
    fn an_edited_applied_file_is_bad_input_naming_it() {
        let files = [file("1", "select 1;")];
        let mut applied = revision(&files[0], 1, None);
        applied.checksum = "other".into();
        let error = files_to_apply(compare(&files, &[applied], PG), None).unwrap_err();
        assert_eq!(crate::error::exit_code(&error), 2);
        assert!(
            error.to_string().contains("1_m1.sql was applied"),
            "{error}"
        );
    }

    #[test]
    fn a_file_older_than_the_newest_applied_one_is_out_of_order() {
        let files = [file("1", "select 1;"), file("2", "select 2;")];
        let comparison = compare(&files, &[revision(&files[1], 1, None)], PG);
        assert!(
            comparison.problems[0].contains("newer version 2"),
            "{:?}",
            comparison.problems
        );
    }

    #[test]
    fn a_recorded_version_without_a_file_is_a_problem() {
        let files = [file("1", "select 1;")];
        let gone = file("2", "select 2;");
        let comparison = compare(
            &files,
            &[revision(&files[0], 1, None), revision(&gone, 1, None)],
            PG,
        );
        assert!(comparison.problems[0].contains("version 2"));
        let failed_then_removed = revision(&gone, 0, Some("boom"));
        let comparison = compare(
            &files,
            &[revision(&files[0], 1, None), failed_then_removed],
            PG,
        );
        assert!(comparison.problems.is_empty(), "{:?}", comparison.problems);
    }

    #[test]
    fn baseline_needs_a_known_version_and_covers_files_up_to_it() {
        let files = [file("1", ""), file("2", ""), file("10", "")];
        let covered = baseline_files(&files, "2").unwrap();
        assert_eq!(covered.len(), 2);
        assert!(baseline_files(&files, "5").is_err());
    }

    #[test]
    fn down_takes_the_newest_applied_files_first() {
        let files = [
            file("1", "select 1;"),
            file("2", "select 2;"),
            file("3", "select 3;"),
        ];
        let revisions = [
            revision(&files[0], 1, None),
            revision(&files[1], 1, None),
            revision(&files[2], 0, Some("failed")),
        ];
        let revert = files_to_revert(&files, &revisions, 5).unwrap();
        let versions: Vec<&str> = revert.iter().map(|(f, _)| f.version.as_str()).collect();
        assert_eq!(versions, ["2", "1"]);
    }
}
