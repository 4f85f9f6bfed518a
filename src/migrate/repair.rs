//! Fixing a revisions table by hand: `migrate set VERSION` (Atlas's command of that name) and
//! `migrate repair` (Flyway's). Deciding what to change is pure ([`plan_set`],
//! [`plan_repair`]); [`run_fixes`] writes the rows under the migration lock. Neither runs a
//! statement of a migration file: they change what the target *records*, for when the
//! database was fixed by hand.

use super::dir::MigrationFile;
use super::executor::{revision_of, with_lock};
use super::format::compare_versions;
use super::pending::{require_file_version, up_checksum, version_key};
use super::target::{MigrationTarget, Revision, RevisionKind};
use crate::sql::Flavor;
use std::time::Duration;

/// One change to the revisions table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum RevisionFix {
    /// Record the file as applied without running it.
    Record { version: String, file: String },
    /// Delete the version's row.
    Remove {
        version: String,
        description: String,
        why: String,
    },
    /// Rewrite the row's checksum and statement count to the file's (an edit is accepted),
    /// keeping how the row came to be.
    Realign {
        version: String,
        file: String,
        kind: RevisionKind,
    },
}

impl RevisionFix {
    pub fn describe(&self) -> String {
        match self {
            RevisionFix::Record { file, .. } => format!("record {file} as applied (nothing runs)"),
            RevisionFix::Remove {
                version,
                description,
                why,
            } => format!("remove the row of version {version} ({description}): {why}"),
            RevisionFix::Realign { file, .. } => {
                format!("accept the edit of {file}: store its new checksum")
            }
        }
    }
}

/// `migrate set VERSION`: every file up to `version` recorded as applied, every row after it
/// removed. `version` must be a file's.
pub fn plan_set(
    files: &[MigrationFile],
    revisions: &[Revision],
    version: &str,
) -> anyhow::Result<Vec<RevisionFix>> {
    require_file_version(files, version, "migrate set")?;
    let row = |v: &str| {
        revisions
            .iter()
            .find(|r| version_key(&r.version) == version_key(v))
    };
    let mut fixes = Vec::new();
    for file in files {
        if compare_versions(&file.version, version).is_gt() {
            continue;
        }
        let recorded =
            row(&file.version).is_some_and(|r| r.is_complete() && r.checksum == up_checksum(file));
        if !recorded {
            fixes.push(RevisionFix::Record {
                version: file.version.clone(),
                file: file.file_name(),
            });
        }
    }
    let mut later: Vec<&Revision> = revisions
        .iter()
        .filter(|r| compare_versions(&r.version, version).is_gt())
        .collect();
    later.sort_by(|a, b| compare_versions(&a.version, &b.version));
    for revision in later {
        fixes.push(RevisionFix::Remove {
            version: revision.version.clone(),
            description: revision.description.clone(),
            why: format!("it is after {version}"),
        });
    }
    Ok(fixes)
}

/// `migrate repair`: failed and partly applied rows removed (the file runs again from its
/// first statement: undo what it left behind first), checksums of edited applied files
/// realigned, and rows of applied versions no file has any more removed.
pub fn plan_repair(
    files: &[MigrationFile],
    revisions: &[Revision],
    flavor: &Flavor,
) -> Vec<RevisionFix> {
    let mut sorted: Vec<&Revision> = revisions.iter().collect();
    sorted.sort_by(|a, b| compare_versions(&a.version, &b.version));
    let mut fixes = Vec::new();
    for revision in sorted {
        let file = files
            .iter()
            .find(|f| version_key(&f.version) == version_key(&revision.version));
        let remove = |why: &str| RevisionFix::Remove {
            version: revision.version.clone(),
            description: revision.description.clone(),
            why: why.to_string(),
        };
        match file {
            _ if !revision.is_complete() => fixes.push(remove(match revision.error {
                Some(_) => "it failed",
                None => "it was only partly applied",
            })),
            None => fixes.push(remove("no migration file has this version")),
            Some(file)
                if revision.checksum != up_checksum(file)
                    || revision.total != file.statements(flavor).len() =>
            {
                fixes.push(RevisionFix::Realign {
                    version: file.version.clone(),
                    file: file.file_name(),
                    kind: revision.kind,
                })
            }
            Some(_) => {}
        }
    }
    fixes
}

/// Plans fixes from the target's rows with `plan` and writes them (unless `dry_run`), reading
/// and writing under the migration lock so that no run changes the rows in between. Returns
/// the fixes.
pub async fn fix_revisions<T: MigrationTarget + ?Sized>(
    target: &mut T,
    files: &[MigrationFile],
    lock: (Duration, &mut dyn FnMut()),
    dry_run: bool,
    plan: impl FnOnce(&[Revision], &Flavor) -> anyhow::Result<Vec<RevisionFix>>,
) -> anyhow::Result<Vec<RevisionFix>> {
    if dry_run {
        let revisions = target.revisions().await?;
        return plan(&revisions, target.lexer_flavor());
    }
    target.ensure_revisions_table().await?;
    let (timeout, on_wait) = lock;
    with_lock(target, timeout, on_wait, async |target: &mut T| {
        let revisions = target.revisions().await?;
        let fixes = plan(&revisions, target.lexer_flavor())?;
        for fix in &fixes {
            write_fix(target, files, fix).await?;
        }
        Ok(fixes)
    })
    .await
}

async fn write_fix<T: MigrationTarget + ?Sized>(
    target: &mut T,
    files: &[MigrationFile],
    fix: &RevisionFix,
) -> anyhow::Result<()> {
    let (version, kind) = match fix {
        RevisionFix::Remove { version, .. } => return target.delete_revision(version).await,
        RevisionFix::Record { version, .. } => (version, RevisionKind::Set),
        RevisionFix::Realign { version, kind, .. } => (version, *kind),
    };
    let file = files
        .iter()
        .find(|f| &f.version == version)
        .expect("fixes name the directory's files");
    let total = file.statements(target.lexer_flavor()).len();
    target
        .write_revision(&revision_of(target, file, kind, total))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::pending::tests::{PG, file, revision as row};

    fn versions(fixes: &[RevisionFix]) -> Vec<String> {
        fixes
            .iter()
            .map(|f| match f {
                RevisionFix::Record { version, .. } => format!("+{version}"),
                RevisionFix::Remove { version, .. } => format!("-{version}"),
                RevisionFix::Realign { version, .. } => format!("~{version}"),
            })
            .collect()
    }

    #[test]
    fn set_records_up_to_the_version_and_removes_after_it() {
        let files = [file("1", "A;"), file("2", "B;"), file("3", "C;")];
        let revisions = [row(&files[0], 1, None), row(&files[2], 1, None)];
        let fixes = plan_set(&files, &revisions, "2").unwrap();
        assert_eq!(versions(&fixes), ["+2", "-3"]);
        let err = plan_set(&files, &revisions, "9").unwrap_err().to_string();
        assert!(err.contains("no migration file has this version"), "{err}");
    }

    #[test]
    fn repair_removes_failures_and_strays_and_realigns_edits() {
        let files = [file("1", "A;"), file("2", "B;"), file("3", "C;")];
        let mut edited = row(&files[1], 1, None);
        edited.checksum = "old".into();
        let stray = Revision {
            version: "9".into(),
            ..row(&files[0], 1, None)
        };
        let revisions = [
            row(&files[0], 1, None),
            edited,
            row(&files[2], 0, Some("boom")),
            stray,
        ];
        let fixes = plan_repair(&files, &revisions, PG);
        assert_eq!(versions(&fixes), ["~2", "-3", "-9"]);
        assert!(fixes[1].describe().contains("it failed"), "{fixes:?}");
    }
}
