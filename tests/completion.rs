//! `schemactl completion SHELL`: bash really completes with the script (sourced in a bash
//! process); zsh and fish scripts name the commands and flags.

use std::process::Command;

fn script(shell: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .args(["completion", shell])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What bash offers for the words typed so far (the last one being completed).
fn bash_completes(words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schemactl.bash");
    std::fs::write(&path, script("bash")).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source {}; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; \
         _schemactl schemactl '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len().saturating_sub(2)],
    );
    let out = Command::new("bash")
        .args(["-c", &program])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_subcommands_and_flags() {
    assert!(bash_completes(&["schemactl", "mi"]).contains(&"migrate".to_string()));
    let offered = bash_completes(&["schemactl", "migrate", "l"]);
    assert!(offered.contains(&"lint".to_string()), "{offered:?}");
    let flags = bash_completes(&["schemactl", "schema", "apply", "--auto"]);
    assert!(flags.contains(&"--auto-approve".to_string()), "{flags:?}");
}

#[test]
fn zsh_and_fish_scripts_name_the_commands() {
    let zsh = script("zsh");
    assert!(zsh.starts_with("#compdef schemactl"));
    let fish = script("fish");
    for shell in [&zsh, &fish] {
        for word in ["migrate", "rollback", "--dev-url"] {
            assert!(shell.contains(word.trim_start_matches('-')), "{word}");
        }
    }
    assert!(fish.contains("complete -c schemactl"));
}

#[test]
fn an_unknown_shell_is_bad_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .args(["completion", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
