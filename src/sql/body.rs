//! Tracks the bodies whose `;` do not end a statement: `BEGIN ATOMIC … END` and
//! `CREATE [TEMP|TEMPORARY] TRIGGER … BEGIN … END`, with `CASE … END` nesting inside; with
//! MySQL's compound statements also `CREATE … PROCEDURE|FUNCTION|EVENT … BEGIN … END`, nested
//! `BEGIN … END` and the `END IF|LOOP|WHILE|REPEAT|CASE` of its control flow.

use super::Flavor;

#[derive(Default)]
pub(super) struct Body {
    /// The previous word was BEGIN, with only strings or comments since.
    after_begin: bool,
    leading: Leading,
    /// Open BEGIN ATOMIC / trigger BEGIN / CASE blocks.
    depth: usize,
    /// An `END` seen with compound statements, whose next word tells what it closes.
    pending_end: bool,
}

/// How far the statement's leading words spell `CREATE [TEMP|TEMPORARY] TRIGGER` (or, with
/// compound statements, `CREATE [OR REPLACE] [DEFINER = …] [AGGREGATE] TRIGGER|PROCEDURE|
/// FUNCTION|EVENT`).
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Leading {
    #[default]
    Start,
    Create,
    CreateTemp,
    /// Inside `DEFINER = user@host` (MySQL).
    Definer,
    Trigger,
    Other,
}

impl Leading {
    fn then(self, flavor: &Flavor, word: &str) -> Leading {
        let is = |kw: &str| word.eq_ignore_ascii_case(kw);
        let routine = flavor.compound_statements
            && (is("procedure") || is("function") || is("event") || is("trigger"));
        match self {
            Leading::Start if is("create") => Leading::Create,
            Leading::Create if is("temp") || is("temporary") => Leading::CreateTemp,
            Leading::Create | Leading::CreateTemp if is("trigger") => Leading::Trigger,
            Leading::Create | Leading::Definer if routine => Leading::Trigger,
            Leading::Create
                if flavor.compound_statements && (is("or") || is("replace") || is("aggregate")) =>
            {
                Leading::Create
            }
            Leading::Create if flavor.compound_statements && is("definer") => Leading::Definer,
            Leading::Definer if !(is("view") || is("sql") || is("algorithm")) => Leading::Definer,
            Leading::Trigger => Leading::Trigger,
            _ => Leading::Other,
        }
    }
}

impl Body {
    pub fn inside(&self) -> bool {
        self.depth > usize::from(self.pending_end)
    }

    #[inline]
    pub fn see_word(&mut self, flavor: &Flavor, word: &str) {
        let is = |kw: &str| word.eq_ignore_ascii_case(kw);
        if flavor.trigger_bodies && !matches!(self.leading, Leading::Trigger | Leading::Other) {
            self.leading = self.leading.then(flavor, word);
        }
        if self.pending_end {
            self.pending_end = false;
            // `END IF|LOOP|WHILE|REPEAT` closes control flow that opened no block here.
            if is("if") || is("loop") || is("while") || is("repeat") {
                return;
            }
            self.depth -= 1;
            // `END CASE` closes the CASE statement that opened a block.
            if is("case") {
                return;
            }
        }
        if self.depth == 0 {
            let atomic = flavor.begin_atomic_bodies && self.after_begin && is("atomic");
            if atomic || (self.leading == Leading::Trigger && is("begin")) {
                self.depth = 1;
            }
            self.after_begin = is("begin");
        } else if is("case") || (flavor.compound_statements && is("begin")) {
            self.depth += 1;
        } else if is("end") {
            if flavor.compound_statements {
                self.pending_end = true;
            } else {
                self.depth -= 1;
            }
        }
    }

    /// Punctuation or a number.
    #[inline]
    pub fn see_other(&mut self) {
        self.after_begin = false;
        if self.pending_end {
            self.pending_end = false;
            self.depth -= 1;
        }
        if !matches!(self.leading, Leading::Trigger | Leading::Definer) {
            self.leading = Leading::Other;
        }
    }
}
