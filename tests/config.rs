//! The project file: every feature of `schemactl.hcl`, Atlas's SQLAlchemy `atlas.hcl`, and the
//! errors (each naming the file, the line and the attribute, with the bad-input exit code).

use schemactl::config::{Project, RenameHint, RenameKind, RuleLevel, Source, load_project};
use schemactl::error::exit_code;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A project file written into a fresh directory.
struct ProjectDir {
    dir: tempfile::TempDir,
}

impl ProjectDir {
    fn with(text: &str) -> ProjectDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("schemactl.hcl"), text).unwrap();
        ProjectDir { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("schemactl.hcl")
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn load(&self, vars: &[(&str, &str)]) -> Project {
        load_project(&self.path(), &owned(vars)).unwrap_or_else(|e| panic!("{e:#}"))
    }

    /// Loads expecting failure; returns the message after checking it is bad input that names
    /// the file and `line`.
    fn error(&self, vars: &[(&str, &str)], line: usize) -> String {
        let err = load_project(&self.path(), &owned(vars)).expect_err("load should fail");
        let message = format!("{err:#}");
        assert_eq!(exit_code(&err), 2, "not bad input: {message}");
        let prefix = format!("{}:{line}: ", self.path().display());
        assert!(
            message.starts_with(&prefix),
            "expected {prefix:?} in: {message}"
        );
        message
    }
}

fn owned(vars: &[(&str, &str)]) -> Vec<(String, String)> {
    vars.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn file_url(root: &Path, rest: &str) -> String {
    format!("file://{}/{rest}", root.display())
}

const ATLAS_SQLALCHEMY: &str = r#"data "external_schema" "sqlalchemy" {
  program = [
    "atlas-provider-sqlalchemy",
    "--path", "./db",
    "--dialect", "postgresql"
  ]
}

env "sqlalchemy" {
  src = data.external_schema.sqlalchemy.url
  dev = "docker://postgres/16/dev?search_path=public"
  migration {
    dir = "file://migrations"
  }
  format {
    migrate {
      diff = "{{ sql . \"  \" }}"
    }
  }
}
"#;

#[test]
fn atlas_sqlalchemy_project_file_loads_unchanged() {
    let project = ProjectDir::with(ATLAS_SQLALCHEMY);
    let loaded = project.load(&[]);
    let env = loaded.env("sqlalchemy").unwrap();
    let Some(Source::External(schema)) = &env.src else {
        panic!("src is not an external schema: {:?}", env.src);
    };
    assert_eq!(schema.name, "sqlalchemy");
    assert_eq!(
        schema.program,
        [
            "atlas-provider-sqlalchemy",
            "--path",
            "./db",
            "--dialect",
            "postgresql"
        ]
    );
    assert_eq!(schema.working_dir, project.root());
    assert_eq!(schema.timeout, None);
    assert_eq!(
        env.dev.as_deref(),
        Some("docker://postgres/16/dev?search_path=public")
    );
    assert_eq!(
        env.migration.dir.as_deref(),
        Some(file_url(project.root(), "migrations").as_str())
    );
    assert_eq!(
        env.format,
        Some(serde_json::json!({"migrate": {"diff": "{{ sql . \"  \" }}"}}))
    );
    assert_eq!(loaded.path, project.path());
}

#[test]
fn several_envs_with_urls_and_relative_file_urls_made_absolute() {
    let project = ProjectDir::with(
        r#"
env "local" {
  src = "file://schema/*.sql"
  url = "postgres://app@localhost:5432/app"
  dev = "docker://postgres/15/dev"
  schemas = ["public", "audit"]
  exclude = ["public.tmp_*"]
}
env "ci" {
  src = "file:///abs/schema.sql"
  dev = "postgres://postgres@127.0.0.1:54329/dev"
}
"#,
    );
    let loaded = project.load(&[]);
    assert_eq!(
        loaded.envs.keys().collect::<Vec<_>>(),
        ["ci", "local"],
        "every env is loaded"
    );
    let local = loaded.env("local").unwrap();
    assert_eq!(
        local.src,
        Some(Source::Url(file_url(project.root(), "schema/*.sql")))
    );
    assert_eq!(
        local.url.as_deref(),
        Some("postgres://app@localhost:5432/app")
    );
    assert_eq!(local.schemas, ["public", "audit"]);
    assert_eq!(local.exclude, ["public.tmp_*"]);
    let ci = loaded.env("ci").unwrap();
    assert_eq!(ci.src, Some(Source::Url("file:///abs/schema.sql".into())));
    assert_eq!(ci.migration, Default::default());
    assert_eq!(ci.lint, None);
}

#[test]
fn loads_the_same_from_any_current_directory() {
    // The test process's cwd is the crate root, not the project dir: paths still resolve there.
    let project =
        ProjectDir::with("env \"e\" {\n  migration {\n    dir = \"file://./migrations\"\n  }\n}\n");
    let relative_to_cwd = pathdiff(project.path());
    let loaded = load_project(&relative_to_cwd, &[]).unwrap();
    assert_eq!(
        loaded.env("e").unwrap().migration.dir.as_deref(),
        Some(file_url(project.root(), "migrations").as_str())
    );
}

/// The path itself when it cannot be made relative; good enough to exercise both forms.
fn pathdiff(path: PathBuf) -> PathBuf {
    let cwd = std::env::current_dir().unwrap();
    let mut up = PathBuf::new();
    for _ in cwd.components().skip(1) {
        up.push("..");
    }
    up.join(path.strip_prefix("/").unwrap())
}

#[test]
fn migration_block_reads_dir_format_and_exclude() {
    let project = ProjectDir::with(
        r#"
env "a" {
  migration {
    dir     = "file://db/migrations"
    format  = golang-migrate
    exclude = ["atlas_schema_revisions"]
    revisions_schema = "meta"
    baseline = "20240101000000"
  }
}
env "b" {
  migration {
    dir    = "file://migrations"
    format = "dbmate"
  }
}
env "c" {
  migration {
    dir = "file://migrations?format=golang-migrate"
  }
}
"#,
    );
    let loaded = project.load(&[]);
    let a = &loaded.env("a").unwrap().migration;
    assert_eq!(
        a.dir.as_deref(),
        Some(file_url(project.root(), "db/migrations").as_str())
    );
    assert_eq!(a.format.as_deref(), Some("golang-migrate"));
    assert_eq!(a.exclude, ["atlas_schema_revisions"]);
    assert_eq!(a.revisions_schema.as_deref(), Some("meta"));
    assert_eq!(a.baseline.as_deref(), Some("20240101000000"));
    assert_eq!(
        loaded.env("b").unwrap().migration.format.as_deref(),
        Some("dbmate")
    );
    let c = &loaded.env("c").unwrap().migration;
    assert_eq!(c.format.as_deref(), Some("golang-migrate"));
    assert_eq!(
        c.dir.as_deref(),
        Some(file_url(project.root(), "migrations").as_str())
    );
}

#[test]
fn external_schema_reads_program_working_dir_timeout_and_inputs() {
    let project = ProjectDir::with(
        r#"
data "external_schema" "models" {
  program     = ["python", "-m", "provider", "--dialect", "postgresql"]
  working_dir = "app"
  timeout     = "1m30s"
  inputs      = ["app/models/**/*.py"]
}
env "dev" {
  src = data.external_schema.models.url
}
"#,
    );
    let loaded = project.load(&[]);
    let schema = &loaded.external_schemas["models"];
    assert_eq!(schema.program[0], "python");
    assert_eq!(schema.working_dir, project.root().join("app"));
    assert_eq!(schema.timeout, Some(Duration::from_secs(90)));
    assert_eq!(schema.inputs, ["app/models/**/*.py"]);
    assert_eq!(
        loaded.env("dev").unwrap().src,
        Some(Source::External(schema.clone()))
    );
}

#[test]
fn variables_take_defaults_and_var_overrides_with_types() {
    let project = ProjectDir::with(
        r#"
variable "db" {
  type        = string
  default     = "app"
  description = "database name"
}
variable "port" {
  type    = number
  default = 5432
}
variable "schemas" {
  type    = list(string)
  default = ["public"]
}
env "local" {
  url     = "postgres://localhost:${var.port}/${var.db}"
  schemas = var.schemas
}
"#,
    );
    let defaults = project.load(&[]);
    assert_eq!(
        defaults.env("local").unwrap().url.as_deref(),
        Some("postgres://localhost:5432/app")
    );
    assert_eq!(defaults.env("local").unwrap().schemas, ["public"]);

    let given = project.load(&[
        ("db", "shop"),
        ("port", "6543"),
        ("schemas", "a"),
        ("schemas", "b"),
    ]);
    let env = given.env("local").unwrap();
    assert_eq!(env.url.as_deref(), Some("postgres://localhost:6543/shop"));
    assert_eq!(env.schemas, ["a", "b"]);
}

#[test]
fn variable_without_default_needs_a_var() {
    let project = ProjectDir::with(
        "\nvariable \"url\" {\n  type = string\n}\nenv \"e\" {\n  url = var.url\n}\n",
    );
    let message = project.error(&[], 2);
    assert!(
        message.contains("\"url\"") && message.contains("--var url="),
        "{message}"
    );
    let loaded = project.load(&[("url", "postgres://x/y")]);
    assert_eq!(
        loaded.env("e").unwrap().url.as_deref(),
        Some("postgres://x/y")
    );
}

#[test]
fn unknown_var_name_is_bad_input_listing_the_declared_ones() {
    let project = ProjectDir::with("variable \"a\" {\n  default = \"x\"\n}\n");
    let err = load_project(&project.path(), &owned(&[("b", "1")])).unwrap_err();
    assert_eq!(exit_code(&err), 2);
    let message = err.to_string();
    assert!(
        message.contains("schemactl.hcl")
            && message.contains("\"b\"")
            && message.contains("declared: a"),
        "{message}"
    );
}

#[test]
fn var_that_does_not_fit_its_type_is_bad_input() {
    let project = ProjectDir::with("variable \"n\" {\n  type = number\n  default = 1\n}\n");
    let err = load_project(&project.path(), &owned(&[("n", "many")])).unwrap_err();
    assert_eq!(exit_code(&err), 2);
    assert!(err.to_string().contains("expected a number"), "{err}");
}

#[test]
fn locals_refer_to_variables_and_to_each_other_in_any_order() {
    let project = ProjectDir::with(
        r#"
locals {
  url = "${local.base}/${var.db}"
}
locals {
  base = "postgres://localhost"
}
variable "db" {
  default = "app"
}
env "e" {
  url = local.url
}
"#,
    );
    assert_eq!(
        project.load(&[]).env("e").unwrap().url.as_deref(),
        Some("postgres://localhost/app")
    );
}

#[test]
fn locals_that_refer_to_themselves_are_an_error() {
    let project = ProjectDir::with("locals {\n  a = local.b\n  b = local.a\n}\n");
    let message = project.error(&[], 2);
    assert!(
        message.contains("attribute `a`") && message.contains("`a`, `b` could not be evaluated"),
        "{message}"
    );
}

#[test]
fn getenv_and_file_functions() {
    let project = ProjectDir::with(
        r#"
env "e" {
  url = getenv("PATH")
  dev = getenv("SCHEMACTL_TEST_SURELY_UNSET")
  src = file("src.txt")
}
"#,
    );
    std::fs::write(project.root().join("src.txt"), "file://schema.sql").unwrap();
    let loaded = project.load(&[]);
    let env = loaded.env("e").unwrap();
    assert_eq!(env.url, Some(std::env::var("PATH").unwrap()));
    assert_eq!(env.dev.as_deref(), Some(""));
    assert_eq!(
        env.src,
        Some(Source::Url(file_url(project.root(), "schema.sql")))
    );
}

#[test]
fn file_that_does_not_exist_names_line_attribute_and_path() {
    let project = ProjectDir::with("env \"e\" {\n  url = file(\"nope.txt\")\n}\n");
    let message = project.error(&[], 2);
    assert!(
        message.contains("attribute `url`") && message.contains("nope.txt"),
        "{message}"
    );
}

#[test]
fn diff_rename_hints_for_tables_and_columns() {
    let project = ProjectDir::with(
        r#"
diff {
  rename {
    table = "public.a"
    to    = "public.b"
  }
}
env "own" {
  diff {
    rename {
      table = "public.users"
      to    = "public.accounts"
    }
    rename {
      column = "public.users.fullname"
      to     = "name"
    }
    skip {
      drop_schema = true
      drop_table  = false
    }
  }
}
env "inherits" {
}
"#,
    );
    let loaded = project.load(&[]);
    let own = &loaded.env("own").unwrap().diff;
    assert_eq!(
        own.renames,
        [
            RenameHint {
                kind: RenameKind::Table,
                from: "public.users".into(),
                to: "public.accounts".into()
            },
            RenameHint {
                kind: RenameKind::Column,
                from: "public.users.fullname".into(),
                to: "name".into()
            },
        ]
    );
    assert_eq!(own.skip, ["drop_schema"]);
    let inherited = &loaded.env("inherits").unwrap().diff;
    assert_eq!(inherited.renames.len(), 1);
    assert_eq!(inherited.renames[0].from, "public.a");
}

#[test]
fn rename_needs_to_and_one_of_table_or_column() {
    let missing_to = ProjectDir::with(
        "env \"e\" {\n  diff {\n    rename {\n      table = \"a\"\n    }\n  }\n}\n",
    );
    let message = missing_to.error(&[], 3);
    assert!(message.contains("`to`"), "{message}");

    let both = ProjectDir::with(
        "env \"e\" {\n  diff {\n    rename {\n      table = \"a\"\n      column = \"a.b\"\n      to = \"c\"\n    }\n  }\n}\n",
    );
    let message = both.error(&[], 5);
    assert!(message.contains("attribute `column`"), "{message}");
}

#[test]
fn lint_block_is_typed_and_inherited() {
    let project = ProjectDir::with(
        r#"
lint {
  latest = 1
}
env "own" {
  lint {
    destructive {
      error = false
    }
    naming {
      match   = "^[a-z_]+$"
      message = "must be lowercase"
      index {
        match = "^ix_"
      }
    }
    rule "pg107" {
      level = "error"
    }
  }
}
env "inherits" {
}
"#,
    );
    let loaded = project.load(&[]);
    let own = loaded.env("own").unwrap().lint.clone().unwrap();
    assert_eq!(own.families.get("destructive"), Some(&false));
    assert_eq!(own.rules.get("PG107"), Some(&RuleLevel::Error));
    assert_eq!(own.naming.any.as_ref().unwrap().pattern, "^[a-z_]+$");
    assert_eq!(own.naming.index.as_ref().unwrap().pattern, "^ix_");
    assert_eq!(own.latest, None);
    assert_eq!(
        loaded
            .env("inherits")
            .unwrap()
            .lint
            .as_ref()
            .unwrap()
            .latest,
        Some(1)
    );
}

#[test]
fn lint_block_errors_name_the_line() {
    let unknown = ProjectDir::with("lint {\n  destructive {\n    eror = true\n  }\n}\n");
    let message = unknown.error(&[], 3);
    assert!(message.contains("unknown attribute `eror`"), "{message}");
    let code = ProjectDir::with("lint {\n  rule \"XX1\" {\n    level = \"error\"\n  }\n}\n");
    let message = code.error(&[], 2);
    assert!(message.contains("unknown lint rule"), "{message}");
    let regex = ProjectDir::with("lint {\n  naming {\n    match = \"(\"\n  }\n}\n");
    let message = regex.error(&[], 3);
    assert!(message.contains("regular expression"), "{message}");
}

#[test]
fn unknown_env_lists_the_known_ones() {
    let project = ProjectDir::with("env \"a\" {\n}\nenv \"b\" {\n}\n");
    let err = project.load(&[]).env("prod").unwrap_err();
    assert_eq!(exit_code(&err), 2);
    let message = err.to_string();
    assert!(
        message.contains("\"prod\"") && message.contains("known envs: a, b"),
        "{message}"
    );
}

// ---- errors: each names the file, the line and the attribute or block ----

#[test]
fn syntax_error_names_file_and_line() {
    let project = ProjectDir::with("env \"e\" {\n  url = \"x\"\n  dev = = \"y\"\n}\n");
    let message = project.error(&[], 3);
    assert!(message.contains("syntax error"), "{message}");
    assert!(
        message.contains("dev = = \"y\""),
        "shows the line: {message}"
    );
}

#[test]
fn unterminated_block_is_a_syntax_error() {
    let project = ProjectDir::with("env \"e\" {\n  url = \"x\"\n");
    let err = load_project(&project.path(), &[]).unwrap_err();
    assert_eq!(exit_code(&err), 2);
    assert!(err.to_string().contains("syntax error"), "{err}");
}

#[test]
fn unknown_attribute_names_line_and_attribute() {
    let project = ProjectDir::with("env \"e\" {\n  url = \"x\"\n\n  srcc = \"y\"\n}\n");
    let message = project.error(&[], 4);
    assert!(
        message.contains("unknown attribute `srcc` in env \"e\""),
        "{message}"
    );
    assert!(message.contains("src"), "lists the known ones: {message}");
}

#[test]
fn unknown_block_names_line_and_block() {
    let project = ProjectDir::with(
        "env \"e\" {\n  migration {\n    dir = \"file://m\"\n    hooks {\n    }\n  }\n}\n",
    );
    let message = project.error(&[], 4);
    assert!(
        message.contains("unknown block `hooks` in migration"),
        "{message}"
    );
}

#[test]
fn unknown_top_level_block_and_top_level_attribute() {
    let block = ProjectDir::with("\n\nenvironment \"e\" {\n}\n");
    assert!(block.error(&[], 3).contains("unknown block `environment`"));
    let attribute = ProjectDir::with("url = \"x\"\n");
    assert!(attribute.error(&[], 1).contains("unknown attribute `url`"));
}

#[test]
fn wrong_type_names_line_attribute_and_expected_type() {
    let project = ProjectDir::with(
        "data \"external_schema\" \"m\" {\n  working_dir = \".\"\n  program = \"provider --dialect postgresql\"\n}\n",
    );
    let message = project.error(&[], 3);
    assert!(
        message.contains("attribute `program`") && message.contains("expected a list of strings"),
        "{message}"
    );
}

#[test]
fn wrong_scalar_types_are_errors() {
    let url_list = ProjectDir::with("env \"e\" {\n  url = [\"a\", \"b\"]\n}\n");
    assert!(url_list.error(&[], 2).contains("attribute `url`"));
    let timeout = ProjectDir::with(
        "data \"external_schema\" \"m\" {\n  program = [\"p\"]\n  timeout = \"soon\"\n}\n",
    );
    assert!(timeout.error(&[], 3).contains("attribute `timeout`"));
    let default = ProjectDir::with("variable \"n\" {\n  type = number\n  default = \"x\"\n}\n");
    assert!(default.error(&[], 3).contains("attribute `default`"));
}

#[test]
fn undefined_reference_names_line_and_attribute() {
    let project = ProjectDir::with("env \"e\" {\n  url = \"a\"\n  dev = var.nope\n}\n");
    let message = project.error(&[], 3);
    assert!(
        message.contains("attribute `dev`") && message.contains("no variable \"nope\" is declared"),
        "{message}"
    );
}

#[test]
fn reference_to_an_undeclared_external_schema_is_an_error() {
    let project = ProjectDir::with("env \"e\" {\n  src = data.external_schema.missing.url\n}\n");
    let message = project.error(&[], 2);
    assert!(
        message.contains("attribute `src`")
            && message.contains("no data \"external_schema\" \"missing\" is declared"),
        "{message}"
    );
}

#[test]
fn unsupported_data_source_and_migration_format() {
    let data = ProjectDir::with("data \"sql\" \"x\" {\n}\n");
    assert!(
        data.error(&[], 1)
            .contains("unsupported data source \"sql\"")
    );
    let format = ProjectDir::with("env \"e\" {\n  migration {\n    format = flyway\n  }\n}\n");
    let message = format.error(&[], 3);
    assert!(
        message.contains("attribute `format`") && message.contains("golang-migrate"),
        "{message}"
    );
}

#[test]
fn repeated_attributes_envs_and_missing_labels_are_errors() {
    let attribute = ProjectDir::with("env \"e\" {\n  url = \"a\"\n  url = \"b\"\n}\n");
    assert!(attribute.error(&[], 3).contains("redefined attribute"));
    let env = ProjectDir::with("env \"e\" {\n}\nenv \"e\" {\n}\n");
    assert!(env.error(&[], 3).contains("declared twice"));
    let unlabeled = ProjectDir::with("env {\n}\n");
    assert!(unlabeled.error(&[], 1).contains("label"));
    let program = ProjectDir::with("data \"external_schema\" \"m\" {\n}\n");
    assert!(program.error(&[], 1).contains("`program`"));
}

#[test]
fn missing_project_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_project(&dir.path().join("schemactl.hcl"), &[]).unwrap_err();
    assert_eq!(exit_code(&err), 2);
    assert!(err.to_string().contains("not found"), "{err}");
}

#[test]
fn example_project_file_documents_and_loads() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemactl.hcl.example");
    let project = load_project(&example, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(!project.envs.is_empty());
    assert!(!project.external_schemas.is_empty());
    // Its provider is the command providers/sqlalchemy installs.
    for external in project.external_schemas.values() {
        assert_eq!(
            external.program[0],
            schemactl::provider::sqlalchemy::COMMAND
        );
    }
    // Every attribute line carries a comment on the line above or the same line.
    let text = std::fs::read_to_string(&example).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim();
        if code.contains(" = ") && !code.starts_with('#') && !code.starts_with("//") {
            let previous = lines[..i].last().map(|l| l.trim()).unwrap_or("");
            assert!(
                code.contains('#') || previous.starts_with('#'),
                "line {} is not documented: {line}",
                i + 1
            );
        }
    }
}

#[test]
fn error_lines_count_past_heredocs_comments_unicode_and_crlf() {
    let text = "# Überblick: schéma ✓\n/* a\n   block comment */\nlocals {\n  note = <<EOT\nline one\nline two\nEOT\n}\nenv \"e\" {\n  url = \"a\"\n  bogus = 1\n}\n";
    let project = ProjectDir::with(text);
    assert!(project.error(&[], 12).contains("unknown attribute `bogus`"));
    let crlf = ProjectDir::with(&text.replace('\n', "\r\n"));
    assert!(crlf.error(&[], 12).contains("unknown attribute `bogus`"));
}

#[test]
fn the_same_attribute_name_elsewhere_does_not_mislead_the_line() {
    // `program` appears in a comment and in another block first; the error is the second block's.
    let project = ProjectDir::with(
        "# program = \"not this\"\ndata \"external_schema\" \"a\" {\n  program = [\"ok\"]\n}\ndata \"external_schema\" \"b\" {\n  program = 42\n}\n",
    );
    let message = project.error(&[], 6);
    assert!(
        message.contains("attribute `program` in data \"external_schema\" \"b\"")
            && message.contains("got the number 42"),
        "{message}"
    );
}

#[test]
fn invalid_utf8_is_bad_input_naming_the_line() {
    // Found by tests/prop_config.rs: invalid bytes failed with exit code 1 and no line.
    let project = ProjectDir::with("");
    std::fs::write(
        project.path(),
        b"env \"a\" {\n  url = \"x\"\n  dev = \"\xff\"\n}\n",
    )
    .unwrap();
    let message = project.error(&[], 3);
    assert!(message.ends_with("not UTF-8 text"), "{message}");
}
