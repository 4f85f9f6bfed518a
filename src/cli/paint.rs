//! Colour on terminals: the styles of errors and risk levels. Text is styled here and written
//! through `anstream`, which drops the styles when the stream is not a terminal or under
//! `NO_COLOR` (and keeps them under `CLICOLOR_FORCE`), so nothing else needs to ask.

use crate::lint::rules::Level;
use anstyle::{AnsiColor, Style};

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();

/// `text` in `style`.
pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// A lint level's word: errors red, warnings yellow.
pub fn level(level: Level, word: &str) -> String {
    match level {
        Level::Error => paint(ERROR, word),
        Level::Warning => paint(WARNING, word),
    }
}
