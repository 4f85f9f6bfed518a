//! Passwords from libpq's password file and `~/.my.cnf`, so that URLs need not hold them: real
//! PostgreSQL and MariaDB servers whose `schemactl_pw` user needs the password `p@ss/w:rd%1`.

mod common;

use common::project::text;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const PASSWORD: &str = "p@ss/w:rd%1";

fn pg_port() -> String {
    let url = std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into());
    url.rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string()
}

/// `schemactl ARGS` with HOME at `home` and no password variables, in `home`.
fn schemactl(home: &Path, envs: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_schemactl"));
    command
        .current_dir(home)
        .env("HOME", home)
        .env_remove("PGPASSWORD")
        .env_remove("PGPASSFILE")
        .env("NO_COLOR", "1")
        .args(args);
    for (k, v) in envs {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn write_private(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `migrate status` of an empty directory: connects, reads the revisions, exits 0.
fn pg_status(home: &Path, envs: &[(&str, &str)]) -> Output {
    let url = format!("postgres://schemactl_pw@127.0.0.1:{}/postgres", pg_port());
    std::fs::create_dir_all(home.join("migrations")).unwrap();
    schemactl(home, envs, &["migrate", "status", "--url", &url])
}

#[test]
fn postgres_reads_pgpassfile_then_home_pgpass() {
    let home = tempfile::tempdir().unwrap();
    let refused = pg_status(home.path(), &[]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));

    let passfile = home.path().join("custom-pgpass");
    let line = format!("127.0.0.1:{}:*:schemactl_pw:{PASSWORD}\n", pg_port());
    write_private(&passfile, &format!("otherhost:1:*:*:wrong\n{line}"), 0o600);
    let out = pg_status(home.path(), &[("PGPASSFILE", passfile.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    write_private(&home.path().join(".pgpass"), &line, 0o600);
    let out = pg_status(home.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_pgpass_others_can_read_is_ignored_with_a_warning() {
    let home = tempfile::tempdir().unwrap();
    let line = format!("*:*:*:schemactl_pw:{PASSWORD}\n");
    write_private(&home.path().join(".pgpass"), &line, 0o644);
    let out = pg_status(home.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains(".pgpass is readable by others"), "{err}");
    assert!(!err.contains(PASSWORD), "the password never shows: {err}");
}

#[test]
fn mysql_reads_the_client_group_of_my_cnf() {
    let server = common::project::mysql_server();
    let host = server
        .trim_start_matches("mysql://")
        .rsplit('@')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let home = tempfile::tempdir().unwrap();
    let url = format!(
        "mysql://schemactl_pw@{host}/passfiles_{}",
        std::process::id()
    );
    let create = |home: &Path| schemactl(home, &[], &["db", "create", "--url", &url]);

    let refused = create(home.path());
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));

    let cnf = format!("[mysqld]\npassword=nope\n[client]\npassword = \"{PASSWORD}\"\n");
    write_private(&home.path().join(".my.cnf"), &cnf, 0o600);
    let out = create(home.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let dropped = schemactl(home.path(), &[], &["db", "drop", "--force", "--url", &url]);
    assert_eq!(dropped.status.code(), Some(0), "{}", text(&dropped.stderr));
}
