//! The provider's output loads into the desired scratch database while the program still runs
//! (PostgreSQL test server, `SCHEMACTL_TEST_PG_URL`): a provider that waits, mid-output, until
//! the dev server has run its first statements proves it; the migration `migrate diff` writes
//! is byte for byte the one a file of the same DDL gives; a provider whose output fails half
//! way names the output line, and one that exits non-zero after printing good DDL fails the
//! run; neither leaves a migration file or a scratch database behind.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

fn server_url() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

const DDL_HEAD: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n";
const DDL_TAIL: &str = "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\nCREATE INDEX posts_user ON posts (user_id);\n";

/// A project whose desired state is `provider.sh` (body given), with an empty migration
/// directory; and a second env whose desired state is `schema.sql`.
fn project(provider: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("provider.sh");
    std::fs::write(&script, format!("#!/bin/sh\n{provider}\n")).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    let hcl = "data \"external_schema\" \"app\" {\n  program = [\"./provider.sh\"]\n}\n\
         env \"local\" {\n  src = data.external_schema.app.url\n  dev = getenv(\"SCHEMACTL_DEV_URL\")\n  \
         migration {\n    dir = \"file://migrations\"\n  }\n}\n\
         env \"file\" {\n  src = \"file://schema.sql\"\n  dev = getenv(\"SCHEMACTL_DEV_URL\")\n  \
         migration {\n    dir = \"file://migrations\"\n  }\n}\n";
    std::fs::write(dir.path().join("schemactl.hcl"), hcl).unwrap();
    dir
}

fn diff(dir: &Path, env: &str) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(dir)
        .args(["--no-cache", "migrate", "diff", "--env", env, "init"])
        .env("NO_COLOR", "1")
        .env("SCHEMACTL_DEV_URL", server_url())
        .output()
        .unwrap()
}

fn migration_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The tests of this file one at a time: they count the scratch databases on the server.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Scratch databases of runs on the test server (none may outlive a run).
fn scratch_databases() -> Vec<String> {
    let out = std::process::Command::new("psql")
        .args(["-AtX", "-d", &server_url(), "-c"])
        .arg("SELECT datname FROM pg_database WHERE datname LIKE 'schemactl\\_dev\\_%' ORDER BY 1")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn a_slow_provider_is_loaded_while_it_prints() {
    let _serial = serial();
    let marker_dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(marker_dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let marker = marker_dir.path().join("loaded");
    // The server writes the marker when it runs the statement after the first table; the
    // provider prints the rest only once it sees the marker (or gives up after 20 s).
    let provider = format!(
        "printf '%s' '{DDL_HEAD}'\n\
         echo \"COPY (SELECT 1) TO '{marker}';\"\n\
         echo 'SELECT 1;'\n\
         for i in $(seq 1 200); do [ -f '{marker}' ] && break; sleep 0.1; done\n\
         [ -f '{marker}' ] || {{ echo 'nothing was loaded while the provider ran' >&2; exit 3; }}\n\
         printf '%s' '{DDL_TAIL}'",
        marker = marker.display()
    );
    let streamed = project(&provider);
    let out = diff(streamed.path(), "local");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The same DDL from a file gives the same migration, byte for byte.
    let from_file = project("exit 1");
    std::fs::write(
        from_file.path().join("schema.sql"),
        format!("{DDL_HEAD}{DDL_TAIL}"),
    )
    .unwrap();
    let out = diff(from_file.path(), "file");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The names carry the second each run wrote them in; the SQL is what must match.
    let migrations = |dir: &Path| -> Vec<String> {
        migration_files(dir)
            .iter()
            .filter(|n| n.ends_with(".sql"))
            .map(|n| std::fs::read_to_string(dir.join("migrations").join(n)).unwrap())
            .collect()
    };
    let streamed_sql = migrations(streamed.path());
    assert_eq!(streamed_sql.len(), 1);
    assert_eq!(streamed_sql, migrations(from_file.path()));
}

#[test]
fn output_that_fails_half_way_names_its_line_and_leaves_nothing() {
    let _serial = serial();
    let before = scratch_databases();
    let dir = project(&format!(
        "printf '%s' '{DDL_HEAD}'\necho 'CREATE TABLE broken (id nosuchtype);'\nsleep 1\nprintf '%s' '{DDL_TAIL}'"
    ));
    let out = diff(dir.path(), "local");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("output of app:2:"), "{stderr}");
    assert!(stderr.contains("nosuchtype"), "{stderr}");
    assert!(migration_files(dir.path()).is_empty(), "nothing written");
    assert_eq!(scratch_databases(), before);
}

#[test]
fn a_provider_that_fails_after_good_output_fails_the_run() {
    let _serial = serial();
    let before = scratch_databases();
    let dir = project(&format!(
        "printf '%s' '{DDL_HEAD}{DDL_TAIL}'\necho 'models are broken' >&2\nexit 4"
    ));
    let out = diff(dir.path(), "local");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("exited with code 4"), "{stderr}");
    assert!(stderr.contains("models are broken"), "{stderr}");
    assert!(migration_files(dir.path()).is_empty(), "nothing written");
    assert_eq!(scratch_databases(), before);
}
