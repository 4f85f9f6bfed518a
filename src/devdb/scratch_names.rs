//! Scratch database names: `schemactl_dev_<pid>_<token>_<n>`, where the token is the run's
//! lease on a shared server (see `postgres::lease`, `mysql::lease`). A later run reads the
//! token back to test whether the owner is gone; a name without one (older runs) never is.

use std::hash::{BuildHasher, Hasher};

/// Every scratch database's name starts so; nothing else is ever dropped.
pub const SCRATCH_PREFIX: &str = "schemactl_dev_";

/// The name of the `n`-th scratch database of the run with lease `token`.
pub(crate) fn scratch_name(token: u32, n: u64) -> String {
    format!("{SCRATCH_PREFIX}{}_{token:08x}_{n}", std::process::id())
}

/// The name of a scratch database on a server of this run alone (it goes with its server;
/// there is no lease to name, so a token of the run's own stands in).
pub(crate) fn unleased_scratch_name(n: u64) -> String {
    static RUN_TOKEN: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    scratch_name(*RUN_TOKEN.get_or_init(random_token), n)
}

/// The lease token in a scratch database's name, if it has one.
pub(crate) fn token_of(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(SCRATCH_PREFIX)?;
    let mut parts = rest.split('_');
    let (_pid, token, _n) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || token.len() != 8 {
        return None;
    }
    u32::from_str_radix(token, 16).ok()
}

/// A token that differs between processes and calls (the standard library seeds its hasher
/// randomly per process).
pub(crate) fn random_token() -> u32 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish() as u32
}

/// Says on stderr what a sweep of orphaned scratch databases on `server` removed; a failed
/// sweep is a warning, never the run's error.
pub(crate) fn report_sweep(server: &dyn std::fmt::Display, swept: anyhow::Result<Vec<String>>) {
    match swept {
        Ok(swept) if !swept.is_empty() => eprintln!(
            "removed {} scratch database(s) of runs that ended without cleaning up: {}",
            swept.len(),
            swept.join(", ")
        ),
        Ok(_) => {}
        Err(err) => eprintln!("warning: could not sweep old scratch databases on {server}: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_names_and_old_names_have_none() {
        let name = scratch_name(0x00ab_cdef, 7);
        assert!(name.ends_with("_00abcdef_7"), "{name}");
        assert_eq!(token_of(&name), Some(0x00ab_cdef));
        assert_eq!(token_of("schemactl_dev_4242_7"), None);
        assert_eq!(token_of("schemactl_dev_1_zzzzzzzz_2"), None);
        assert_eq!(token_of("other_db"), None);
    }

    #[test]
    fn tokens_differ_between_draws() {
        let draws: std::collections::BTreeSet<u32> = (0..100).map(|_| random_token()).collect();
        assert!(draws.len() > 95);
    }
}
