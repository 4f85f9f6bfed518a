//! MySQL runs without a dev URL, through the CLI: a local ephemeral MariaDB server started from
//! the installed binaries holds the scratch databases, and nothing of it (directory, server
//! process) outlives the run: after success, after bad SQL (exit 2), after SIGINT and SIGTERM
//! mid-run; a run killed with SIGKILL leaves both, and the next run sweeps them. Each test puts
//! its servers in a directory of its own (`SCHEMACTL_DEV_DIR`), so it sees only its own.
//! Skipped, saying so, only where no `mariadbd` is installed (`.ci/run` installs it).

mod common;

use common::project::{copy_dir, migration_files, testdata, text};
use nix::sys::signal::Signal;
use schemactl::url::{MysqlFlavor, MysqlUrl};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Whether a MariaDB server to start is installed; prints why a test is skipped when not.
fn installed(test: &str) -> bool {
    let found = ["/usr/sbin/mariadbd", "/usr/local/sbin/mariadbd"]
        .iter()
        .any(|p| Path::new(p).is_file())
        || Command::new("mariadbd").arg("--version").output().is_ok();
    if !found {
        eprintln!("skipped {test}: no mariadbd installed (apt-get install mariadb-server)");
    }
    found
}

fn server() -> String {
    std::env::var("SCHEMACTL_TEST_MYSQL_URL")
        .expect("SCHEMACTL_TEST_MYSQL_URL must name the MariaDB test server (.ci/test sets it)")
}

/// A project directory and the directory its local servers go to: on the RAM disk as by
/// default where there is one, and reachable by the `mysql` user the server runs as under root.
struct Project {
    work: tempfile::TempDir,
    dev: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let work = tempfile::tempdir().unwrap();
        std::fs::create_dir(work.path().join("migrations")).unwrap();
        let shm = Path::new("/dev/shm");
        let dev = if shm.is_dir() {
            tempfile::tempdir_in(shm).unwrap()
        } else {
            tempfile::tempdir().unwrap()
        };
        std::fs::set_permissions(dev.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        Project { work, dev }
    }

    fn dev_dir(&self) -> &Path {
        self.dev.path()
    }

    /// The project's own template cache: its first local server installs, later ones copy.
    fn cache_dir(&self) -> PathBuf {
        self.path().join("cache")
    }

    fn templates(&self) -> Vec<String> {
        std::fs::read_dir(self.cache_dir())
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                    // The cache's own kinds (states, provider output) sit beside them.
                    .filter(|name| name.contains("template"))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn path(&self) -> &Path {
        self.work.path()
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path().join(name), text).unwrap();
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_schemactl"));
        command
            .current_dir(self.path())
            .env("SCHEMACTL_DEV_DIR", self.dev_dir())
            .env("SCHEMACTL_CACHE_DIR", self.cache_dir())
            .env_remove("SCHEMACTL_MYSQL_TEMPLATE_CACHE")
            .env_remove("SCHEMACTL_MYSQL_BINDIR")
            .args(args);
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// The local server directories in the dev dir.
    fn server_dirs(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.dev_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }

    /// Nothing left: no directory and no process running in one.
    fn assert_clean(&self, after: &str) {
        let dirs = self.server_dirs();
        assert!(dirs.is_empty(), "{dirs:?} remain after {after}");
        let procs = processes_mentioning(self.dev_dir());
        assert!(procs.is_empty(), "processes {procs:?} remain after {after}");
    }
}

/// Process ids whose command line names a path inside `dir`.
fn processes_mentioning(dir: &Path) -> Vec<String> {
    let needle = format!("{}/", dir.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .filter(|e| {
            std::fs::read(e.path().join("cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(&needle))
        })
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect()
}

/// Whether a process runs (a zombie counts as gone).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap()
            .trim_start()
            .starts_with('Z')
    })
}

static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// An empty database on the test server (a `--from` state that names the dialect), dropped
/// at the end.
struct EmptyDatabase {
    url: String,
}

impl EmptyDatabase {
    fn new(project: &Project) -> EmptyDatabase {
        let name = format!(
            "mylocal_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::Relaxed)
        );
        let url = format!("{}/{name}", server().trim_end_matches('/'));
        let out = project.run(&["db", "create", "--url", &url]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        EmptyDatabase { url }
    }
}

impl Drop for EmptyDatabase {
    fn drop(&mut self) {
        let _ = Command::new(env!("CARGO_BIN_EXE_schemactl"))
            .args(["db", "drop", "--force", "--url", &self.url])
            .output();
    }
}

const SCHEMA: &str = "CREATE TABLE users (id int PRIMARY KEY, name varchar(50) NOT NULL);\n\
     CREATE TABLE posts (id int PRIMARY KEY, user_id int,\n\
       FOREIGN KEY (user_id) REFERENCES users (id));\n";

/// `schema diff` from the empty database to SQL files: no dev URL anywhere.
fn schema_diff(from: &EmptyDatabase, to_file: &str) -> Vec<String> {
    ["schema", "diff", "--from", &from.url, "--to"]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("file://{to_file}")])
        .collect()
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn schema_diff_without_a_dev_url_loads_sql_on_a_local_server_and_leaves_nothing() {
    if !installed("schema_diff_without_a_dev_url") {
        return;
    }
    let project = Project::new();
    let from = EmptyDatabase::new(&project);
    project.write("schema.sql", SCHEMA);
    let argv = schema_diff(&from, "schema.sql");
    let out = project.run(&args(&argv));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sql = text(&out.stdout);
    assert!(sql.contains("CREATE TABLE `users` ("), "{sql}");
    assert!(
        sql.contains("CONSTRAINT `posts_ibfk_1` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)"),
        "{sql}"
    );
    project.assert_clean("a successful schema diff");

    // The same run without server binaries: the SQL had nowhere else to go.
    let out = project
        .command(&args(&argv))
        .env("SCHEMACTL_MYSQL_BINDIR", project.path().join("migrations"))
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for expected in [
        "no local MariaDB or MySQL server",
        "mariadb-server",
        "--dev-url",
    ] {
        assert!(stderr.contains(expected), "{expected:?} missing: {stderr}");
    }
    project.assert_clean("a run without binaries");
}

#[test]
fn bad_sql_in_the_desired_state_is_exit_2_and_leaves_nothing() {
    if !installed("bad_sql_in_the_desired_state") {
        return;
    }
    let project = Project::new();
    let from = EmptyDatabase::new(&project);
    project.write(
        "bad.sql",
        "CREATE TABLE a (id int);\nCREATE TABLE b (id int, KEY (nope));\n",
    );
    let out = project.run(&args(&schema_diff(&from, "bad.sql")));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.sql:2"), "{stderr}");
    assert!(
        stderr.contains("Key column 'nope' doesn't exist"),
        "{stderr}"
    );
    project.assert_clean("bad SQL");
}

#[test]
fn migrate_diff_of_a_mysql_project_without_dev_runs_on_a_local_server() {
    if !installed("migrate_diff_of_a_mysql_project_without_dev") {
        return;
    }
    let provider = Command::new("atlas-provider-sqlalchemy")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        provider,
        "atlas-provider-sqlalchemy is not on PATH: run the tests with .ci/test"
    );
    let project = Project::new();
    copy_dir(&testdata().join("guide/db"), &project.path().join("db"));
    let target = EmptyDatabase::new(&project);
    // Atlas's guide project, its dev database left out: the env's url says MySQL.
    project.write(
        "schemactl.hcl",
        &format!(
            r#"data "external_schema" "sqlalchemy" {{
  program = ["atlas-provider-sqlalchemy", "--path", "./db", "--dialect", "mysql"]
}}
env "local" {{
  src = data.external_schema.sqlalchemy.url
  url = "{}"
  migration {{
    dir = "file://migrations"
  }}
}}
"#,
            target.url
        ),
    );
    let diff = ["migrate", "diff", "--env", "local"];
    assert!(project.templates().is_empty());
    let out = project.run(&diff);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The install was saved, whole (no staging copy left), for the next run to copy.
    let templates = project.templates();
    assert!(
        matches!(templates.as_slice(), [t] if t.starts_with("mariadb-template-")),
        "{templates:?}"
    );
    let files = migration_files(&project.path().join("migrations"));
    assert_eq!(files.len(), 1, "{files:?}");
    let first = std::fs::read_to_string(&files[0]).unwrap();
    assert!(first.contains("CREATE TABLE `user_account` ("), "{first}");
    assert!(first.contains("CREATE TABLE `address` ("), "{first}");
    project.assert_clean("migrate diff");

    // The directory replayed on a new local server, copied from the template, is in sync with
    // the models.
    let out = project.run(&diff);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(migration_files(&project.path().join("migrations")).len(), 1);
    project.assert_clean("a second migrate diff");
}

/// A run held mid-way: its desired state sleeps on the local server.
const SLOW: &str = "DO SLEEP(120);\nCREATE TABLE t (id int);\n";

/// MariaDB deletes the `#sql*` files in its temp dir when it starts, the bootstrap server of an
/// install too; in the shared temp dir those are other servers' temporary tables in use (the
/// test server crashed when one vanished under a query). A local server's programs keep to
/// their own temp dir.
#[test]
fn an_install_leaves_other_servers_temporary_tables_alone() {
    if !installed("an_install_leaves_other_servers_temporary_tables_alone") {
        return;
    }
    let project = Project::new();
    let from = EmptyDatabase::new(&project);
    project.write("schema.sql", SCHEMA);
    let probe =
        std::env::temp_dir().join(format!("#sql-schemactl-probe-{}.MAI", std::process::id()));
    std::fs::write(&probe, "in use").unwrap();
    // Owned by the user the server runs as, who could delete it.
    if nix::unistd::geteuid().is_root()
        && let Some(mysql) = nix::unistd::User::from_name("mysql").unwrap()
    {
        nix::unistd::chown(&probe, Some(mysql.uid), Some(mysql.gid)).unwrap();
    }
    let out = project
        .command(&args(&schema_diff(&from, "schema.sql")))
        .env("SCHEMACTL_MYSQL_TEMPLATE_CACHE", "off")
        .output()
        .unwrap();
    let kept = probe.exists();
    std::fs::remove_file(&probe).ok();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(kept, "the install deleted {}", probe.display());
    project.assert_clean("an install");
}

/// A held schemactl run, killed (SIGKILL) if a test fails before it ends.
struct Held(Child);

impl Drop for Held {
    fn drop(&mut self) {
        if self.0.try_wait().is_ok_and(|status| status.is_none()) {
            self.0.kill().ok();
        }
        self.0.wait().ok();
    }
}

/// Starts a schema diff that sleeps on its local server; returns once the sleep runs there,
/// with the server's directory and process id.
async fn start_held(project: &Project, from: &EmptyDatabase) -> (Held, PathBuf, i32) {
    project.write("slow.sql", SLOW);
    let child = Held(
        project
            .command(&args(&schema_diff(from, "slow.sql")))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "the held run never slept");
        if let [dir] = project.server_dirs().as_slice()
            && let Some(pid) = sleeping_server(dir).await
        {
            return (child, dir.clone(), pid);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The server's pid once the sleep statement runs on it.
async fn sleeping_server(dir: &Path) -> Option<i32> {
    let pid: i32 = std::fs::read_to_string(dir.join("mysqld.pid"))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let url = MysqlUrl::for_socket(MysqlFlavor::Mariadb, &dir.join("mysql.sock"), "root");
    let mut conn = schemactl::driver::mysql::connect(&url).await.ok()?;
    let (sleeping,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'DO SLEEP%'",
    )
    .fetch_one(&mut conn)
    .await
    .ok()?;
    (sleeping == 1).then_some(pid)
}

fn signal_and_wait(held: &mut Held, signal: Signal) -> Option<i32> {
    let child = &mut held.0;
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), signal).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("schemactl did not exit after {signal}");
}

#[tokio::test]
async fn sigint_and_sigterm_mid_run_stop_the_local_server_and_remove_its_directory() {
    if !installed("sigint_and_sigterm_mid_run") {
        return;
    }
    for (signal, code) in [(Signal::SIGINT, 130), (Signal::SIGTERM, 143)] {
        let project = Project::new();
        let from = EmptyDatabase::new(&project);
        let (mut child, dir, pid) = start_held(&project, &from).await;
        assert!(alive(pid));
        assert_eq!(signal_and_wait(&mut child, signal), Some(code), "{signal}");
        assert!(!dir.exists(), "{} remains after {signal}", dir.display());
        assert!(!alive(pid), "server {pid} still runs after {signal}");
        project.assert_clean(signal.as_str());
    }
}

#[tokio::test]
async fn a_server_left_by_a_killed_run_is_swept_by_the_next_run() {
    if !installed("a_server_left_by_a_killed_run") {
        return;
    }
    let project = Project::new();
    let from = EmptyDatabase::new(&project);
    let (mut child, stale_dir, stale_pid) = start_held(&project, &from).await;
    child.0.kill().unwrap(); // SIGKILL: no cleanup runs
    child.0.wait().unwrap();
    assert!(stale_dir.exists(), "a killed run cannot clean up");
    assert!(alive(stale_pid), "its server keeps running");

    project.write("schema.sql", SCHEMA);
    let out = project.run(&args(&schema_diff(&from, "schema.sql")));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!stale_dir.exists(), "{} was not swept", stale_dir.display());
    assert!(!alive(stale_pid), "stale server {stale_pid} still runs");
    project.assert_clean("the sweeping run");
}

/// Through the library, in the default place (the RAM disk or the temp dir): two scratch
/// databases on one local server (one server per run), a table created in one is not in the
/// other, TCP reaches the server but lets nobody in, and close removes directory and server.
/// Prints how long the install and the whole start took.
#[tokio::test]
async fn scratch_databases_share_one_local_server_that_close_removes() {
    use schemactl::devdb::{DevDatabases, MysqlDev, MysqlDevSpec};
    if !installed("scratch_databases_share_one_local_server") {
        return;
    }
    let dev = Box::new(MysqlDev::new(MysqlDevSpec::Local));
    let mut first = dev.scratch().await.unwrap();
    let (dir, port) = dev
        .local_server()
        .map(|(d, p)| (d.to_path_buf(), p))
        .unwrap();
    let (source, prepared, startup) = dev.local_timings().unwrap();
    eprintln!(
        "local MariaDB in {}: data directory {source:?} in {:.3} s, answering after {:.3} s",
        dir.display(),
        prepared.as_secs_f64(),
        startup.as_secs_f64()
    );
    let url = dev.server_url().unwrap();
    assert_eq!(url.socket(), Some(dir.join("mysql.sock").to_str().unwrap()));
    let mut second = dev.scratch().await.unwrap();
    first
        .connection()
        .execute_each(&["CREATE TABLE only_here (id int)".to_string()])
        .await
        .unwrap();
    let scope = dev.scope();
    let one = first.connection().inspect_realm(&scope).await.unwrap();
    let two = second.connection().inspect_realm(&scope).await.unwrap();
    let tables = |realm: &schemactl::schema::Realm| -> usize {
        realm.schemas.values().map(|s| s.tables.len()).sum()
    };
    assert_eq!((tables(&one), tables(&two)), (1, 0));

    let tcp = MysqlUrl::for_tcp(MysqlFlavor::Mariadb, "127.0.0.1", port, "root", None);
    let refused = schemactl::driver::mysql::connect(&tcp).await.unwrap_err();
    let text = format!("{refused:#}");
    assert!(text.contains("not allowed to connect"), "{text}");

    first.discard().await.unwrap();
    let pid: i32 = std::fs::read_to_string(dir.join("mysqld.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    dev.close().await.unwrap();
    assert!(!dir.exists(), "{} remains after close", dir.display());
    assert!(!alive(pid), "server {pid} runs after close");
    assert!(processes_mentioning(&dir).is_empty());
    drop(second); // after close: must not hang or panic
}
