//! Tracks the bodies whose `;` do not end a statement: `BEGIN ATOMIC … END` and
//! `CREATE [TEMP|TEMPORARY] TRIGGER … BEGIN … END`, with `CASE … END` nesting inside.

use super::Flavor;

#[derive(Default)]
pub(super) struct Body {
    /// The previous word was BEGIN, with only strings or comments since.
    after_begin: bool,
    leading: Leading,
    /// Open BEGIN ATOMIC / trigger BEGIN / CASE blocks.
    depth: usize,
}

/// How far the statement's leading words spell `CREATE [TEMP|TEMPORARY] TRIGGER`.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Leading {
    #[default]
    Start,
    Create,
    CreateTemp,
    Trigger,
    Other,
}

impl Leading {
    fn then(self, word: &str) -> Leading {
        let is = |kw: &str| word.eq_ignore_ascii_case(kw);
        match self {
            Leading::Start if is("create") => Leading::Create,
            Leading::Create if is("temp") || is("temporary") => Leading::CreateTemp,
            Leading::Create | Leading::CreateTemp if is("trigger") => Leading::Trigger,
            Leading::Trigger => Leading::Trigger,
            _ => Leading::Other,
        }
    }
}

impl Body {
    pub fn inside(&self) -> bool {
        self.depth > 0
    }

    #[inline]
    pub fn see_word(&mut self, flavor: &Flavor, word: &str) {
        let is = |kw: &str| word.eq_ignore_ascii_case(kw);
        if flavor.trigger_bodies && !matches!(self.leading, Leading::Trigger | Leading::Other) {
            self.leading = self.leading.then(word);
        }
        if self.depth == 0 {
            let atomic = flavor.begin_atomic_bodies && self.after_begin && is("atomic");
            if atomic || (self.leading == Leading::Trigger && is("begin")) {
                self.depth = 1;
            }
            self.after_begin = is("begin");
        } else if is("case") {
            self.depth += 1;
        } else if is("end") {
            self.depth -= 1;
        }
    }

    /// Punctuation or a number.
    #[inline]
    pub fn see_other(&mut self) {
        self.after_begin = false;
        if self.leading != Leading::Trigger {
            self.leading = Leading::Other;
        }
    }
}
