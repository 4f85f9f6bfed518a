//! How many cases the generated-input suites (`tests/prop_*.rs`) run.
//!
//! `SCHEMACTL_PROPTEST_CASES` sets the count: unset it is the short mode CI runs; the long mode
//! the README names is `SCHEMACTL_PROPTEST_CASES=100000`. Failing inputs are shrunk and printed,
//! never written to files beside the tests.

use proptest::test_runner::Config;

/// The short mode's cases per property.
pub const SHORT_CASES: u32 = 256;

/// Cases per property: `SCHEMACTL_PROPTEST_CASES`, else [`SHORT_CASES`].
pub fn cases() -> u32 {
    match std::env::var("SCHEMACTL_PROPTEST_CASES") {
        Ok(value) => value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("SCHEMACTL_PROPTEST_CASES={value:?} is not a number")),
        Err(_) => SHORT_CASES,
    }
}

/// The proptest configuration of every generated-input property.
pub fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::with_cases(cases())
    }
}
