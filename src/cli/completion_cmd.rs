//! `completion bash|zsh|fish`: the shell's completion script for every command and flag, made
//! by clap_complete from the same definitions the parser uses.

use super::Cli;
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::Write;

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to complete in: bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

/// Prints the script on stdout, e.g. `schemactl completion bash > /etc/bash_completion.d/schemactl`.
pub fn completion(args: CompletionArgs) -> std::io::Result<i32> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "schemactl", &mut script);
    match std::io::stdout().lock().write_all(&script) {
        // A reader that stops early (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        written => written.map(|()| 0),
    }
}
