//! What `migrate lint` needs to know of a dialect: how its statements parse, how a name in a
//! statement finds its table, and which of the rules' assumptions hold for it. The rules ask
//! these questions, never which dialect they run on.

use crate::plan::type_cost::TypeCost;
use crate::sql::Flavor;
use sqlparser::dialect::Dialect as Grammar;

pub struct LintTraits {
    /// sqlparser's grammar, to classify statements.
    pub grammar: &'static (dyn Grammar + Sync),
    /// The lexer flavour the rules read keywords and names with.
    pub flavor: &'static Flavor,
    /// The schema an unqualified table name lives in first.
    pub default_schema: &'static str,
    /// Whether unquoted names fold to lower case (PostgreSQL) or are taken as written.
    pub folds_unquoted_names: bool,
    /// Whether DDL runs inside a transaction. When it does not, each DDL statement commits
    /// by itself: the transaction family's rules do not apply, and a statement that fails on
    /// existing rows leaves the statements before it applied.
    pub transactional_ddl: bool,
    /// Whether the locking family (lock levels, `CONCURRENTLY`, `lock_timeout`,
    /// `NOT VALID`) describes this database.
    pub lock_rules: bool,
    /// Whether the style family's advice (text over varchar, timestamptz, identity columns,
    /// schema-qualified names) fits this database.
    pub style_rules: bool,
    /// Whether `ALTER TABLE` fits existing values into a change instead of refusing it: a NOT
    /// NULL column added without a default gets the type's zero value, values that do not
    /// fit a narrower type are truncated unless the SQL mode is strict.
    pub coerces_existing_values: bool,
    /// The longest identifier the database keeps (longer ones are truncated or refused).
    pub max_identifier_bytes: usize,
    /// What a column type change costs, from and to the types as inspection spells them.
    pub type_cost: fn(&str, &str) -> TypeCost,
    /// Advice that replaces a rule's catalog help where that names another database's
    /// features, by rule code.
    pub help: &'static [(&'static str, &'static str)],
}

impl LintTraits {
    /// The advice for rule `code`: the dialect's own, else the catalog's `default`.
    pub fn help_for(&self, code: &str, default: &'static str) -> &'static str {
        self.help
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(default, |(_, help)| help)
    }
}

impl std::fmt::Debug for LintTraits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LintTraits")
            .field("default_schema", &self.default_schema)
            .field("transactional_ddl", &self.transactional_ddl)
            .finish_non_exhaustive()
    }
}
