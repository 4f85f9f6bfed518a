//! The `lint { }` settings of a project file, as plain data: the project loader (`config`)
//! decodes the block into these; `settings` turns them into each rule's level.

use std::collections::BTreeMap;

/// The decoded `lint` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LintConfig {
    pub latest: Option<usize>,
    pub git_base: Option<String>,
    /// `measure = false`: do not ask the dev database what each statement locks and rewrites.
    pub measure: Option<bool>,
    /// Family block name → whether its findings are errors.
    pub families: BTreeMap<String, bool>,
    /// Rule code (upper case) → level.
    pub rules: BTreeMap<String, RuleLevel>,
    pub naming: NamingSet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    Error,
    Warning,
    Off,
}

/// One naming pattern (checked to be a valid regex).
#[derive(Debug, Clone, PartialEq)]
pub struct NamingConfig {
    pub pattern: String,
    pub message: Option<String>,
}

/// The naming patterns: one for every kind, and one per kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NamingSet {
    pub any: Option<NamingConfig>,
    pub schema: Option<NamingConfig>,
    pub table: Option<NamingConfig>,
    pub column: Option<NamingConfig>,
    pub index: Option<NamingConfig>,
    pub constraint: Option<NamingConfig>,
}
