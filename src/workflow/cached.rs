//! The states of a run through the cache (`crate::cache`): a provider's output reused while
//! its inputs are unchanged, and inspected models reused while what produced them is. A state
//! is a pure function of its key's parts, so a hit is the same model a replay would give.

use crate::cache::{Cache, KeyBuilder};
use crate::dialect::Dev;
use crate::diff::DiffOptions;
use crate::migrate::MigrationFile;
use crate::provider::{ProgramSpec, resolve_program, run_program};
use crate::schema::Realm;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// Bumped when the model (`crate::schema`) or inspection changes what a state holds; the
/// executable's own identity is in every key too, so a rebuilt schemactl never reads an
/// older build's models.
pub const MODEL_FORMAT: u32 = 1;

/// Environment variables that always count towards a provider's output.
const PROVIDER_ENV: &[&str] = &["PATH", "VIRTUAL_ENV", "CONDA_PREFIX"];

/// The program's stdout: the cached one when `spec` names inputs and they, the argv, the
/// working directory, the program file and the environment it sees are as when it was
/// stored; otherwise the program runs (and its output is stored when it names inputs).
pub async fn program_output(spec: &ProgramSpec, cache: Option<&Cache>) -> Result<String> {
    if let Some(text) = cached_program_output(spec, cache) {
        return Ok(text);
    }
    let output = run_program(spec).await?;
    store_program_output(spec, cache, &output);
    Ok(output)
}

/// The program's cached stdout, when `spec` names inputs and they are as when it was stored.
pub fn cached_program_output(spec: &ProgramSpec, cache: Option<&Cache>) -> Option<String> {
    let cache = cache.filter(|_| !spec.inputs.is_empty())?;
    String::from_utf8(cache.get("provider", &provider_key(spec))?).ok()
}

/// Stores the program's stdout for the next run, when `spec` names inputs.
pub fn store_program_output(spec: &ProgramSpec, cache: Option<&Cache>, output: &str) {
    if let Some(cache) = cache.filter(|_| !spec.inputs.is_empty()) {
        cache.put(
            "provider",
            &provider_key(spec),
            &format!("output of {}", spec.name),
            output.as_bytes(),
        );
    }
}

fn provider_key(spec: &ProgramSpec) -> String {
    let mut key = KeyBuilder::new("provider");
    key.text("schemactl", &build_identity());
    for arg in &spec.argv {
        key.text("arg", arg);
    }
    key.text("working_dir", &spec.working_dir.display().to_string());
    if let Some(program) = spec
        .argv
        .first()
        .and_then(|p| program_file(p, &spec.working_dir))
    {
        key.text("program", &program.display().to_string());
        key.text("program_file", &file_stamp(&program));
    }
    let mut names: Vec<String> = std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .filter(|name| {
            PROVIDER_ENV.contains(&name.as_str())
                || name.starts_with("PYTHON")
                || spec.inputs_env.contains(name)
        })
        .collect();
    names.sort();
    for name in names {
        let value = std::env::var_os(&name).unwrap_or_default();
        key.text("env", &name)
            .part("value", value.as_encoded_bytes());
    }
    for pattern in &spec.inputs {
        key.text("pattern", pattern);
        for file in matched_files(&spec.working_dir, pattern) {
            key.text("input", &file.display().to_string());
            match std::fs::read(&file) {
                Ok(bytes) => key.part("contents", &bytes),
                Err(e) => key.text("unreadable", &e.to_string()),
            };
        }
    }
    key.finish()
}

/// The files `pattern` (relative to `dir`) matches, sorted; directories are left out.
fn matched_files(dir: &Path, pattern: &str) -> Vec<PathBuf> {
    let full = dir.join(pattern);
    let Ok(paths) = glob::glob(&full.to_string_lossy()) else {
        return vec![full];
    };
    let mut files: Vec<PathBuf> = paths.flatten().filter(|p| p.is_file()).collect();
    files.sort();
    files
}

/// The file the program runs from: a path, or the first match on PATH.
fn program_file(program: &str, working_dir: &Path) -> Option<PathBuf> {
    let resolved = resolve_program(program, working_dir);
    if program.contains('/') {
        return Some(resolved);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

/// Size and modification time: a reinstalled program or a rebuilt schemactl differs.
fn file_stamp(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(meta) => format!(
            "{} {:?}",
            meta.len(),
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        ),
        Err(e) => format!("missing: {e}"),
    }
}

/// schemactl's version, its model format and its executable's stamp.
fn build_identity() -> String {
    let exe = std::env::current_exe()
        .map(|p| file_stamp(&p))
        .unwrap_or_default();
    format!("{} {MODEL_FORMAT} {exe}", env!("CARGO_PKG_VERSION"))
}

/// What every state key holds: schemactl's build, the dialect, the dev server's identity and
/// the inspection's scope. `None` when the run has no cache or the server cannot be told.
async fn state_key(dev: &Dev, kind: &str) -> Option<KeyBuilder> {
    dev.cache()?;
    let server = dev.server_version().await?;
    let scope = format!("{:?}", dev.scope());
    Some(state_key_of(kind, dev.dialect().name(), server, &scope))
}

fn state_key_of(kind: &str, dialect: &str, server: &str, scope: &str) -> KeyBuilder {
    let mut key = KeyBuilder::new(kind);
    key.text("schemactl", &build_identity())
        .text("dialect", dialect)
        .text("server", server)
        .text("scope", scope);
    key
}

/// The keys of the states `files` (replayed in order) leave after 0, 1, … all of them: a
/// running hash over what is replayed of each file, like the sum file's.
pub async fn prefix_keys(dev: &Dev, files: &[MigrationFile]) -> Option<Vec<String>> {
    let mut key = state_key(dev, "state").await?;
    let mut keys = vec![key.finish()];
    for file in files {
        key.text("version", &file.version)
            .text("name", &file.name)
            .text("up", &file.up)
            .text(
                "delimiter",
                file.directives.delimiter.as_deref().unwrap_or(""),
            );
        keys.push(key.finish());
    }
    Some(keys)
}

/// The key of the state `scripts` (loaded in order) leave.
pub async fn loaded_key(dev: &Dev, scripts: &[&str]) -> Option<String> {
    let mut key = state_key(dev, "desired").await?;
    for script in scripts {
        key.text("script", script);
    }
    Some(key.finish())
}

/// The model under `key` when one is cached, else `build`'s, stored.
pub async fn realm(
    dev: &Dev,
    kind: &str,
    key: Option<String>,
    about: &str,
    build: impl AsyncFnOnce() -> Result<Realm>,
) -> Result<Realm> {
    let (Some(cache), Some(key)) = (dev.cache(), key) else {
        return build().await;
    };
    if let Some(bytes) = cache.get(kind, &key) {
        // Models of big schemas take tens of milliseconds to decode: on a thread of their own,
        // the current and desired states decode at once.
        let decoded =
            tokio::task::spawn_blocking(move || serde_json::from_slice::<Realm>(&bytes)).await?;
        match decoded {
            Ok(realm) => return Ok(realm),
            Err(e) => eprintln!("cache: ignoring the {kind} entry {key}: {e}; it is rebuilt"),
        }
    }
    let realm = build().await?;
    store(dev, kind, &key, about, &realm);
    Ok(realm)
}

/// The value of type `T` cached under `kind`/`key`, if the run has a cache and it holds one
/// that reads as a `T`.
pub fn load<T: serde::de::DeserializeOwned>(dev: &Dev, kind: &str, key: &str) -> Option<T> {
    let bytes = dev.cache()?.get(kind, key)?;
    match serde_json::from_slice(&bytes) {
        Ok(value) => Some(value),
        Err(e) => {
            eprintln!("cache: ignoring the {kind} entry {key}: {e}; it is rebuilt");
            None
        }
    }
}

/// Stores `value` under `kind`/`key` when the run has a cache.
pub fn store<T: serde::Serialize>(dev: &Dev, kind: &str, key: &str, about: &str, value: &T) {
    let Some(cache) = dev.cache() else { return };
    match serde_json::to_vec(value) {
        Ok(bytes) => cache.put(kind, key, about, &bytes),
        Err(e) => eprintln!("cache: cannot store {about}: {e}"),
    }
}

/// The key of the plan between the states under `current` and `desired` with `options`
/// (a pure function of the three).
pub fn plan_key(current: &str, desired: &str, options: &DiffOptions) -> String {
    let mut key = KeyBuilder::new("plan");
    key.text("schemactl", &build_identity())
        .text("current", current)
        .text("desired", desired)
        .text("renames", &format!("{:?}", options.renames))
        .text("scope", &options.scope.to_string())
        .text("skip", &format!("{:?}", options.skip));
    key.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_key_changes_with_the_dialect_the_server_and_the_scope() {
        let key = |dialect, server, scope| state_key_of("state", dialect, server, scope).finish();
        let base = key("PostgreSQL", "PostgreSQL 15.8", "AllSchemas");
        assert_eq!(base, key("PostgreSQL", "PostgreSQL 15.8", "AllSchemas"));
        assert_ne!(base, key("PostgreSQL", "PostgreSQL 16.4", "AllSchemas"));
        assert_ne!(base, key("MySQL", "PostgreSQL 15.8", "AllSchemas"));
        assert_ne!(
            base,
            key("PostgreSQL", "PostgreSQL 15.8", "Schemas([\"app\"])")
        );
    }
}
