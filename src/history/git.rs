//! Which commit added each migration file, when the directory is in a git repository: one
//! `git log` for the whole directory.

use super::GitInfo;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

const RECORD: char = '\u{1e}';
const FIELD: char = '\u{1f}';

/// File name → the commit that added it; empty outside a repository or without git.
pub fn added_by(dir: &Path) -> HashMap<String, GitInfo> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "log",
            "--diff-filter=A",
            "--name-only",
            "--format=%x1e%H%x1f%an%x1f%aI%x1f%s",
            "--",
            ".",
        ])
        .output();
    match output {
        Ok(out) if out.status.success() => parse_log(&String::from_utf8_lossy(&out.stdout)),
        _ => HashMap::new(),
    }
}

/// Records of `HASH␟AUTHOR␟DATE␟SUBJECT` followed by the paths they added, newest first; a
/// file added twice (deleted in between) keeps its first addition.
fn parse_log(log: &str) -> HashMap<String, GitInfo> {
    let mut added = HashMap::new();
    for record in log.split(RECORD).filter(|r| !r.trim().is_empty()) {
        let mut lines = record.lines();
        let Some(header) = lines.next() else { continue };
        let fields: Vec<&str> = header.split(FIELD).collect();
        let [commit, author, date, subject] = fields[..] else {
            continue;
        };
        let info = GitInfo {
            commit: commit.to_string(),
            author: author.to_string(),
            date: date.to_string(),
            subject: subject.to_string(),
        };
        for path in lines.filter(|l| !l.trim().is_empty()) {
            let name = Path::new(path.trim())
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            added.insert(name, info.clone());
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::parse_log;

    #[test]
    fn the_oldest_addition_of_each_file_wins() {
        let log = "\u{1e}bbb\u{1f}Ann\u{1f}2024-02-01T00:00:00+00:00\u{1f}re-add\n\nmigrations/2_b.sql\n\
                   \u{1e}aaa\u{1f}Bob\u{1f}2024-01-01T00:00:00+00:00\u{1f}first\n\nmigrations/1_a.sql\nmigrations/2_b.sql\n";
        let added = parse_log(log);
        assert_eq!(added["1_a.sql"].author, "Bob");
        assert_eq!(added["2_b.sql"].commit, "aaa");
        assert_eq!(added["2_b.sql"].subject, "first");
        assert!(parse_log("").is_empty());
    }
}
