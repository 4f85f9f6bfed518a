//! The project file `schemactl.hcl`: environments, external schemas, variables, locals.
//!
//! The file is parsed with hcl-edit (which keeps byte spans, so every error can name its line),
//! and each attribute is evaluated with hcl-rs's evaluator against `var`, `local`, `data` and the
//! functions `getenv` and `file`. Relative paths and `file://` URLs are resolved against the
//! project file's directory and stored absolute (`file:///abs/dir`), so they work from any
//! current directory. Atlas `atlas.hcl` files in the common forms load unchanged.

mod env;
mod external;
mod functions;
mod lint;
mod locals;
mod paths;
mod section;
mod source_file;
mod values;
mod variables;

pub use lint::{LintConfig, NamingConfig, NamingSet, RuleLevel};
pub use values::parse_duration;

use crate::error::bad_input;
use hcl::edit::structure::Block;
use hcl::eval::Context;
use section::{Section, block_place, labels};
use source_file::SourceFile;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Migration directory formats the `migration { format = ... }` attribute accepts.
pub const MIGRATION_FORMATS: &[&str] = &["atlas", "schemactl", "dbmate", "golang-migrate"];

/// A loaded project file.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// Absolute path of the project file.
    pub path: PathBuf,
    pub envs: BTreeMap<String, Env>,
    /// Every `data "external_schema"` block, by name.
    pub external_schemas: BTreeMap<String, ExternalSchema>,
}

impl Project {
    /// The env of that name; an unknown name is bad input that lists the known ones.
    pub fn env(&self, name: &str) -> anyhow::Result<&Env> {
        self.envs.get(name).ok_or_else(|| {
            let known = if self.envs.is_empty() {
                "it declares no env".to_string()
            } else {
                format!(
                    "known envs: {}",
                    self.envs.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            };
            bad_input(format!(
                "unknown env {name:?} in {} ({known})",
                self.path.display()
            ))
        })
    }

    /// The directory relative paths in the project file are resolved against.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("/"))
    }
}

/// One `env "NAME" { ... }` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Env {
    pub name: String,
    /// Desired state: a URL string, or an external schema program.
    pub src: Option<Source>,
    /// The target database.
    pub url: Option<String>,
    /// The dev database that plans are computed on.
    pub dev: Option<String>,
    /// Schemas to limit inspection to (Atlas's `schemas`); empty means all.
    pub schemas: Vec<String>,
    /// Object patterns to leave out (Atlas's `exclude`).
    pub exclude: Vec<String>,
    pub migration: MigrationConfig,
    pub diff: DiffConfig,
    /// The `lint { ... }` block, or the top-level `lint` block when the env has none.
    pub lint: Option<LintConfig>,
    /// Atlas's raw `format { ... }` block (Go templates for output); kept, not interpreted.
    pub format: Option<serde_json::Value>,
}

/// Where the desired state comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A URL; a relative `file://` URL is already made absolute.
    Url(String),
    /// `data.external_schema.NAME.url`: the output of a program.
    External(ExternalSchema),
}

/// `data "external_schema" "NAME" { ... }`: a program that prints the desired schema as SQL.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalSchema {
    pub name: String,
    /// argv; `program[0]` is the program (never run through a shell).
    pub program: Vec<String>,
    /// Absolute; `working_dir` relative to the project file's directory, default that directory.
    pub working_dir: PathBuf,
    pub timeout: Option<Duration>,
    /// Paths or globs (as written, relative to `working_dir`) the program's output depends on:
    /// while they and the program's argv are unchanged, its last output is reused.
    pub inputs: Vec<String>,
    /// Environment variables the output depends on besides PATH, VIRTUAL_ENV, CONDA_PREFIX
    /// and PYTHON* (which always count).
    pub inputs_env: Vec<String>,
}

/// `migration { ... }` of an env.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MigrationConfig {
    /// The directory URL, e.g. `file:///abs/project/migrations` (made absolute; a `?format=`
    /// query is moved to `format`).
    pub dir: Option<String>,
    /// One of [`MIGRATION_FORMATS`].
    pub format: Option<String>,
    pub exclude: Vec<String>,
    /// Atlas's schema for the revisions table.
    pub revisions_schema: Option<String>,
    /// Atlas's baseline version.
    pub baseline: Option<String>,
}

/// `diff { ... }` of an env (or the top-level default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiffConfig {
    pub renames: Vec<RenameHint>,
    /// Atlas's `skip { drop_table = true ... }`: the names of the change kinds set to true.
    pub skip: Vec<String>,
}

/// `rename { table = "s.old" to = "s.new" }` or `rename { column = "s.t.old" to = "new" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameHint {
    pub kind: RenameKind,
    /// As written: `[schema.]table` or `[schema.]table.column`.
    pub from: String,
    /// As written: the new table (maybe qualified) or the new column name.
    pub to: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameKind {
    Table,
    Column,
}

/// Loads and evaluates the project file. `vars` are `--var name=value` pairs.
pub fn load_project(path: &Path, vars: &[(String, String)]) -> anyhow::Result<Project> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => bad_input(format!(
            "project file {} not found (give another with --config)",
            path.display()
        )),
        _ => anyhow::Error::new(e).context(format!("cannot read {}", path.display())),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        bad_input(format!("{}:{line}: not UTF-8 text", path.display()))
    })?;
    let absolute = std::path::absolute(path)
        .map_err(|e| anyhow::Error::new(e).context(format!("cannot resolve {}", path.display())))?;
    let dir = absolute.parent().unwrap_or(Path::new("/")).to_path_buf();
    let file = SourceFile::new(path, dir, text);
    let _file_function_base = functions::ProjectDirGuard::set(&file.dir);
    let (envs, external_schemas) = evaluate(&file, vars)?;
    Ok(Project {
        path: absolute,
        envs,
        external_schemas,
    })
}

type Evaluated = (BTreeMap<String, Env>, BTreeMap<String, ExternalSchema>);

fn evaluate(file: &SourceFile, vars: &[(String, String)]) -> anyhow::Result<Evaluated> {
    let body = hcl::edit::parser::parse_body(&file.text).map_err(|e| {
        file.error_at_line(
            e.location().line(),
            format!(
                "HCL syntax error at column {}: {}\n  | {}",
                e.location().column(),
                e.message(),
                e.line().trim_end()
            ),
        )
    })?;
    let top = Section::new(
        file,
        &body,
        "the project file".into(),
        &[],
        &["env", "data", "variable", "locals", "lint", "diff"],
    )?;

    // Data sources first: `data.external_schema.NAME.url` only needs the names.
    let mut data_blocks: Vec<(String, &Block)> = Vec::new();
    for block in top.blocks("data") {
        let [kind, name]: [String; 2] = labels(file, block, &["KIND", "NAME"])?
            .try_into()
            .expect("two labels were checked");
        if kind != "external_schema" {
            return Err(file.error_at(
                block,
                format!("unsupported data source {kind:?} (supported: \"external_schema\")"),
            ));
        }
        if data_blocks.iter().any(|(n, _)| *n == name) {
            return Err(file.error_at(block, format!("{} is declared twice", block_place(block))));
        }
        data_blocks.push((name, block));
    }

    let mut ctx = Context::new();
    functions::declare(&mut ctx);
    ctx.declare_var(
        "data",
        external::data_object(data_blocks.iter().map(|(n, _)| n.as_str())),
    );
    let variable_blocks: Vec<&Block> = top.blocks("variable").collect();
    let var = variables::evaluate(file, &variable_blocks, vars, &ctx)?;
    ctx.declare_var("var", hcl::Value::Object(var));
    let locals_blocks: Vec<&Block> = top.blocks("locals").collect();
    locals::evaluate_into(file, &locals_blocks, &mut ctx)?;

    let mut externals = BTreeMap::new();
    for (name, block) in data_blocks {
        let schema = external::decode(file, block, name.clone(), &ctx)?;
        externals.insert(name, schema);
    }

    let defaults = env::EnvDefaults {
        lint: top
            .single_block("lint")?
            .map(|b| lint::decode(file, b, &ctx))
            .transpose()?,
        diff: top
            .single_block("diff")?
            .map(|b| env::diff(file, b, &ctx))
            .transpose()?,
    };
    let mut envs = BTreeMap::new();
    for block in top.blocks("env") {
        let name = labels(file, block, &["NAME"])?.remove(0);
        if envs.contains_key(&name) {
            return Err(file.error_at(block, format!("env {name:?} is declared twice")));
        }
        let decoded = env::decode(file, block, name.clone(), &externals, &defaults, &ctx)?;
        envs.insert(name, decoded);
    }
    Ok((envs, externals))
}
