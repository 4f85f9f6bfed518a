//! The functions project files may call: `getenv("X")` and `file("path")`.
//!
//! hcl-rs takes plain `fn` pointers, so `file` finds the project directory through a
//! thread-local that `load_project` sets for the duration of one evaluation.

use super::paths::resolve_path;
use hcl::Value;
use hcl::eval::{Context, FuncArgs, FuncDef, ParamType};
use std::cell::RefCell;
use std::path::{Path, PathBuf};

thread_local! {
    static PROJECT_DIR: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// Makes `file()` resolve against `dir` until dropped.
pub(crate) struct ProjectDirGuard {
    previous: Option<PathBuf>,
}

impl ProjectDirGuard {
    pub(crate) fn set(dir: &Path) -> ProjectDirGuard {
        let previous = PROJECT_DIR.with(|d| d.replace(Some(dir.to_path_buf())));
        ProjectDirGuard { previous }
    }
}

impl Drop for ProjectDirGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        PROJECT_DIR.with(|d| *d.borrow_mut() = previous);
    }
}

/// Declares every function a project file may call.
pub(crate) fn declare(ctx: &mut Context<'_>) {
    ctx.declare_func(
        "getenv",
        FuncDef::builder().param(ParamType::String).build(getenv),
    );
    ctx.declare_func(
        "file",
        FuncDef::builder().param(ParamType::String).build(file),
    );
}

/// The variable's value, or an empty string when it is unset (as Atlas does).
fn getenv(args: FuncArgs) -> Result<Value, String> {
    let name = args[0].as_str().unwrap_or_default();
    Ok(Value::from(std::env::var(name).unwrap_or_default()))
}

/// The content of a file, relative to the project file's directory, named by its real path
/// in errors (see `resolve_path`).
fn file(args: FuncArgs) -> Result<Value, String> {
    let relative = args[0].as_str().unwrap_or_default();
    let path = PROJECT_DIR.with(|d| match &*d.borrow() {
        Some(dir) => resolve_path(dir, relative),
        None => resolve_path(Path::new("."), relative),
    });
    std::fs::read_to_string(&path)
        .map(Value::from)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl::eval::Evaluate;

    fn eval(expr: &str) -> Result<Value, String> {
        let mut ctx = Context::new();
        declare(&mut ctx);
        let expr: hcl::Expression = hcl::edit::parser::parse_expr(expr).unwrap().into();
        expr.evaluate(&ctx).map_err(|e| e.to_string())
    }

    #[test]
    fn getenv_of_an_unset_variable_is_empty() {
        assert_eq!(
            eval(r#"getenv("SCHEMACTL_SURELY_UNSET_VARIABLE")"#),
            Ok(Value::from(""))
        );
    }

    #[test]
    fn getenv_reads_the_environment() {
        // PATH is set in any test environment.
        let path = std::env::var("PATH").unwrap();
        assert_eq!(eval(r#"getenv("PATH")"#), Ok(Value::from(path)));
    }

    #[test]
    fn file_reads_relative_to_the_project_dir_and_restores_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("schema.sql"), "CREATE TABLE t ();").unwrap();
        {
            let _guard = ProjectDirGuard::set(dir.path());
            assert_eq!(
                eval(r#"file("schema.sql")"#),
                Ok(Value::from("CREATE TABLE t ();"))
            );
        }
        assert!(PROJECT_DIR.with(|d| d.borrow().is_none()));
    }

    #[test]
    fn file_that_does_not_exist_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let _guard = ProjectDirGuard::set(dir.path());
        let err = eval(r#"file("missing.sql")"#).unwrap_err();
        assert!(err.contains("missing.sql"), "{err}");
    }
}
