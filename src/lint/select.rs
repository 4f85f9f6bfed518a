//! Which migration files to lint: the latest N, those added or changed since the merge base
//! with a git ref, or files named on the command line.

use crate::error::{bad_input, failure};
use crate::migrate::MigrationFile;
use anyhow::Result;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Latest(usize),
    GitBase(String),
    Files(Vec<PathBuf>),
}

/// The indexes (in version order) of the selected files among `files` of directory `dir`.
pub fn select_files(
    dir: &Path,
    files: &[MigrationFile],
    selection: &Selection,
) -> Result<Vec<usize>> {
    match selection {
        Selection::Latest(n) => Ok((files.len().saturating_sub(*n)..files.len()).collect()),
        Selection::GitBase(base) => {
            let changed = changed_since(dir, base)?;
            Ok(files
                .iter()
                .enumerate()
                .filter(|(_, f)| changed.contains(&f.file_name()))
                .map(|(i, _)| i)
                .collect())
        }
        Selection::Files(paths) => {
            let mut chosen = BTreeSet::new();
            for path in paths {
                let wanted = path
                    .canonicalize()
                    .map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
                let index = files
                    .iter()
                    .position(|f| f.path.canonicalize().is_ok_and(|p| p == wanted))
                    .ok_or_else(|| {
                        bad_input(format!(
                            "{} is not a migration file of {}",
                            path.display(),
                            dir.display()
                        ))
                    })?;
                chosen.insert(index);
            }
            Ok(chosen.into_iter().collect())
        }
    }
}

/// File names in `dir` added or modified since the merge base of `base` and HEAD (committed or
/// not), from `git merge-base` and `git diff --name-only --diff-filter=AM`.
fn changed_since(dir: &Path, base: &str) -> Result<BTreeSet<String>> {
    let merge_base = git(dir, &["merge-base", base, "HEAD"])?;
    let merge_base = merge_base.trim();
    let names = git(
        dir,
        &[
            "diff",
            "--name-only",
            "--relative",
            "--diff-filter=AM",
            merge_base,
            "--",
            ".",
        ],
    )?;
    Ok(names
        .lines()
        .filter(|l| !l.contains('/'))
        .map(str::to_string)
        .collect())
}

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| failure(format!("cannot run git: {e}")))?;
    if !output.status.success() {
        return Err(bad_input(format!(
            "git {} failed in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
