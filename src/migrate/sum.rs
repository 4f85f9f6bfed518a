//! The sum file `atlas.sum`: computing, rendering and parsing it, byte-compatible with Atlas.
//!
//! Format (derived from Atlas's own files, e.g. `../shared/conformance/atlas-sum/example`):
//!
//! ```text
//! h1:<total>
//! <file name> h1:<file hash>
//! ...
//! ```
//!
//! every line ending in `\n`. Hashes are standard base64 (with padding) of SHA-256 digests:
//! - a file's hash is a *running* digest: one SHA-256 state is fed each file's name and then its
//!   bytes, in order, and its digest after file k is file k's hash (so it covers files 1..k);
//! - the total is the SHA-256 of each file's name followed by its base64 hash (without `h1:`).
//!
//! Files are hashed in the order given (the directory sorts them by file name).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The sum file's name in a migration directory.
pub const SUM_FILE_NAME: &str = "atlas.sum";

/// A computed or parsed sum file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumFile {
    /// Base64 SHA-256 over all (name, hash) pairs.
    pub total: String,
    /// Each file's name and base64 running hash, in order.
    pub files: Vec<(String, String)>,
}

impl SumFile {
    /// Hashes `files` (name, bytes) in the order given.
    pub fn compute<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> SumFile {
        let mut running = Sha256::new();
        let mut entries = Vec::new();
        for (name, bytes) in files {
            running.update(name.as_bytes());
            running.update(bytes);
            let hash = STANDARD.encode(running.clone().finalize());
            entries.push((name.to_string(), hash));
        }
        let mut total = Sha256::new();
        for (name, hash) in &entries {
            total.update(name.as_bytes());
            total.update(hash.as_bytes());
        }
        SumFile {
            total: STANDARD.encode(total.finalize()),
            files: entries,
        }
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let mut out = format!("h1:{}\n", self.total);
        for (name, hash) in &self.files {
            out.push_str(&format!("{name} h1:{hash}\n"));
        }
        out
    }

    /// Parses a sum file; the error says which line is malformed.
    pub fn parse(text: &str) -> Result<SumFile, String> {
        let mut lines = text.lines();
        let total = lines
            .next()
            .and_then(|line| line.strip_prefix("h1:"))
            .ok_or("line 1 is not `h1:<hash>`")?
            .to_string();
        let mut files = Vec::new();
        for (index, line) in lines.enumerate() {
            // File names may hold spaces; the hash is after the last one.
            let (name, hash) = line
                .rsplit_once(' ')
                .and_then(|(name, hash)| Some((name, hash.strip_prefix("h1:")?)))
                .ok_or_else(|| format!("line {} is not `<file> h1:<hash>`", index + 2))?;
            files.push((name.to_string(), hash.to_string()));
        }
        Ok(SumFile { total, files })
    }

    /// Recomputes the total from the file lines (to tell a hand-edited sum file).
    pub fn total_matches_files(&self) -> bool {
        let mut total = Sha256::new();
        for (name, hash) in &self.files {
            total.update(name.as_bytes());
            total.update(hash.as_bytes());
        }
        STANDARD.encode(total.finalize()) == self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_hash_covers_every_earlier_file() {
        let one = SumFile::compute([("1_a.sql", b"a".as_slice())]);
        let two = SumFile::compute([("1_a.sql", b"a".as_slice()), ("2_b.sql", b"b".as_slice())]);
        let other_first = SumFile::compute([("1_a.sql", b"x".as_slice()), ("2_b.sql", b"b")]);
        assert_eq!(one.files[0], two.files[0]);
        assert_ne!(two.files[1].1, other_first.files[1].1);
    }

    #[test]
    fn empty_directory_has_a_total_line_only() {
        let sum = SumFile::compute(std::iter::empty());
        // SHA-256 of no input.
        assert_eq!(
            sum.render(),
            "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
        );
    }

    #[test]
    fn render_then_parse_round_trips() {
        let sum = SumFile::compute([("1_a b.sql", b"x".as_slice()), ("2.sql", b"")]);
        let parsed = SumFile::parse(&sum.render()).unwrap();
        assert_eq!(parsed, sum);
        assert!(parsed.total_matches_files());
    }

    #[test]
    fn malformed_lines_are_named() {
        assert_eq!(
            SumFile::parse("nope\n").unwrap_err(),
            "line 1 is not `h1:<hash>`"
        );
        assert_eq!(
            SumFile::parse("h1:x\n1.sql h1:y\n2.sql\n").unwrap_err(),
            "line 3 is not `<file> h1:<hash>`"
        );
    }

    #[test]
    fn a_hand_edited_total_is_detected() {
        let mut sum = SumFile::compute([("1.sql", b"x".as_slice())]);
        sum.total = "AAAA".into();
        assert!(!sum.total_matches_files());
    }
}
