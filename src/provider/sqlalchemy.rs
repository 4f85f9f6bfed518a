//! Our SQLAlchemy provider (`providers/sqlalchemy`, the `schemactl-sqlalchemy` command) as the
//! desired state of a project with no project file: `schemactl new --auto --models app.models`.

use super::ProgramSpec;
use std::path::PathBuf;
use std::time::Duration;

/// The provider's command.
pub const COMMAND: &str = "schemactl-sqlalchemy";

/// The provider run on `module` (imported from the working directory) for `dialect`.
pub fn models_program(
    module: &str,
    dialect: &str,
    timeout: Duration,
    max_output: usize,
) -> ProgramSpec {
    ProgramSpec {
        name: format!("{COMMAND} --module {module}"),
        argv: [COMMAND, "--module", module, "--dialect", dialect]
            .map(String::from)
            .to_vec(),
        working_dir: PathBuf::from("."),
        timeout,
        max_output,
        inputs: Vec::new(),
        inputs_env: Vec::new(),
    }
}
