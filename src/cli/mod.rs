//! Command line: clap commands, output formats, exit codes.

pub fn main() -> i32 {
    0
}
