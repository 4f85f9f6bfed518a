//! Colour: errors (and risk levels, lint levels) are styled on a terminal, plain when the
//! stream is a pipe or a file, and plain on a terminal under NO_COLOR. The terminal is a real
//! pseudo-terminal, from util-linux's `script`.

use std::process::Command;

const ESCAPE: &str = "\u{1b}[";

/// schemactl's output for a bad URL (an error on stderr), run under a pseudo-terminal.
fn on_a_terminal(no_color: bool) -> String {
    let command = format!(
        "{} schema inspect --url bogus://",
        env!("CARGO_BIN_EXE_schemactl")
    );
    let mut script = Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .env_remove("CLICOLOR_FORCE");
    match no_color {
        true => script.env("NO_COLOR", "1"),
        false => script.env_remove("NO_COLOR"),
    };
    let out = script.output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn errors_are_red_on_a_terminal_only() {
    let coloured = on_a_terminal(false);
    assert!(coloured.contains("error:"), "{coloured}");
    assert!(coloured.contains(ESCAPE), "{coloured:?}");
    let plain = on_a_terminal(true);
    assert!(
        plain.contains("error:") && !plain.contains(ESCAPE),
        "{plain:?}"
    );

    let piped = Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .args(["schema", "inspect", "--url", "bogus://"])
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&piped.stderr);
    assert_eq!(piped.status.code(), Some(2));
    assert!(
        stderr.starts_with("error:") && !stderr.contains(ESCAPE),
        "{stderr:?}"
    );
}
