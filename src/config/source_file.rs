//! The project file's text and name, and turning byte offsets into `file:line:` error messages.

use crate::error::bad_input;
use hcl::edit::Span;
use std::path::{Path, PathBuf};

/// The project file as read: its name for messages, its directory for relative paths, its text.
pub(crate) struct SourceFile {
    /// The path as the user gave it: error messages name the file the way the user wrote it.
    pub(crate) shown: String,
    /// Absolute directory of the file: relative paths inside it resolve against this.
    pub(crate) dir: PathBuf,
    pub(crate) text: String,
}

impl SourceFile {
    pub(crate) fn new(path: &Path, dir: PathBuf, text: String) -> SourceFile {
        SourceFile {
            shown: path.display().to_string(),
            dir,
            text,
        }
    }

    /// One-based line number of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// A bad-input error pointing at the line where `item` (an attribute, block, expression)
    /// starts.
    pub(crate) fn error_at(&self, item: &impl Span, message: impl AsRef<str>) -> anyhow::Error {
        match item.span() {
            Some(span) => self.error_at_line(self.line_of(span.start), message),
            None => bad_input(format!("{}: {}", self.shown, message.as_ref())),
        }
    }

    pub(crate) fn error_at_line(&self, line: usize, message: impl AsRef<str>) -> anyhow::Error {
        bad_input(format!("{}:{line}: {}", self.shown, message.as_ref()))
    }

    /// A bad-input error about the file as a whole (no single line is to blame).
    pub(crate) fn error(&self, message: impl AsRef<str>) -> anyhow::Error {
        bad_input(format!("{}: {}", self.shown, message.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(Path::new("p.hcl"), PathBuf::from("/x"), text.to_string())
    }

    #[test]
    fn counts_lines_from_one() {
        let f = file("a\nb\n\nc");
        assert_eq!(f.line_of(0), 1);
        assert_eq!(f.line_of(2), 2);
        assert_eq!(f.line_of(5), 4);
        assert_eq!(f.line_of(999), 4);
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let f = file("x");
        let err = f.error_at_line(7, "boom");
        assert_eq!(err.to_string(), "p.hcl:7: boom");
        assert_eq!(crate::error::exit_code(&err), 2);
    }
}
