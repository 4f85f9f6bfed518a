//! The level of every rule for one run: defaults, then `lint { FAMILY { error = … } }`, then
//! `lint { rule "CODE" { level = … } }`; and the compiled naming patterns.

use super::config::{LintConfig, NamingConfig, RuleLevel};
use super::rules::{self, Family, Level, NamePattern, NamingRules, Rule};
use regex::Regex;

/// Rules that are off unless configured (as in squawk, where they are opt-in).
const OPT_IN: &[&str] = &["ST107"];

#[derive(Debug, Clone, Default)]
pub struct LintSettings {
    config: LintConfig,
}

impl LintSettings {
    pub fn new(config: LintConfig) -> LintSettings {
        LintSettings { config }
    }

    /// The level of `rule`, or None when it is off.
    pub fn level(&self, rule: &Rule) -> Option<Level> {
        if let Some(level) = self.config.rules.get(rule.code) {
            return match level {
                RuleLevel::Error => Some(Level::Error),
                RuleLevel::Warning => Some(Level::Warning),
                RuleLevel::Off => None,
            };
        }
        if OPT_IN.contains(&rule.code) {
            return None;
        }
        let family_error = self.config.families.get(rule.family.block_name()).copied();
        Some(match family_error {
            Some(true) => Level::Error,
            Some(false) => Level::Warning,
            None => rule.family.default_level(),
        })
    }

    /// Whether to measure each statement on the dev database (on unless `measure = false`).
    pub fn measure(&self) -> bool {
        self.config.measure.unwrap_or(true)
    }

    /// Turns the measurement off for this run (`--no-measure`).
    pub fn without_measurement(mut self) -> LintSettings {
        self.config.measure = Some(false);
        self
    }

    /// The naming patterns (already checked to compile when the project file was read).
    pub fn naming(&self) -> NamingRules {
        let compile = |c: &Option<NamingConfig>| {
            c.as_ref().and_then(|c| {
                Regex::new(&c.pattern).ok().map(|regex| NamePattern {
                    regex,
                    message: c.message.clone(),
                })
            })
        };
        let n = &self.config.naming;
        NamingRules {
            any: compile(&n.any),
            schema: compile(&n.schema),
            table: compile(&n.table),
            column: compile(&n.column),
            index: compile(&n.index),
            constraint: compile(&n.constraint),
        }
    }

    pub fn latest(&self) -> Option<usize> {
        self.config.latest
    }

    pub fn git_base(&self) -> Option<&str> {
        self.config.git_base.as_deref()
    }
}

/// Every family name, for the project file's checks.
pub fn family_names() -> Vec<&'static str> {
    Family::ALL.iter().map(|f| f.block_name()).collect()
}

/// Whether `code` names a rule.
pub fn is_rule_code(code: &str) -> bool {
    rules::by_code(code).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::{DROP_TABLE, INDEX_NOT_CONCURRENT, SCHEMA_QUALIFIED};

    #[test]
    fn rule_level_beats_family_beats_default() {
        let default = LintSettings::default();
        assert_eq!(default.level(&DROP_TABLE), Some(Level::Error));
        assert_eq!(default.level(&INDEX_NOT_CONCURRENT), Some(Level::Warning));
        assert_eq!(default.level(&SCHEMA_QUALIFIED), None);
        let mut config = LintConfig::default();
        config.families.insert("locking".into(), true);
        config.families.insert("destructive".into(), false);
        config.rules.insert("DS102".into(), RuleLevel::Off);
        let settings = LintSettings::new(config);
        assert_eq!(settings.level(&INDEX_NOT_CONCURRENT), Some(Level::Error));
        assert_eq!(settings.level(&DROP_TABLE), None);
    }
}
