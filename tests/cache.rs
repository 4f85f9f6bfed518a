//! The cache (`SCHEMACTL_CACHE_DIR`): the SQLAlchemy shop's migrations planned with no
//! cache, a cold one and a warm one are the same files (PostgreSQL and SQLite); a warm plan
//! starts no dev database; a new file replays on the kept state of the files before it; a
//! history from the cache is the history without it; damaged entries are ignored and replaced; a provider runs again
//! when an input file, its argv or the environment it sees changes; two runs at once share
//! one cache.

mod common;
#[path = "support/docker.rs"]
mod docker_support;

use common::project::{copy_dir, migration_files, require_provider, testdata, text};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn server_url() -> String {
    std::env::var("SCHEMACTL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".into())
}

/// schemactl in `project` with `cache` as its cache directory (`None`: `--no-cache`).
fn schemactl(project: &Path, cache: Option<&Path>, dev_url: &str, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_schemactl"));
    command
        .current_dir(project)
        .env("SCHEMACTL_DEV_URL", dev_url)
        .env_remove("SCHEMACTL_NO_CACHE")
        .env("NO_COLOR", "1")
        .args(args);
    match cache {
        Some(dir) => command.env("SCHEMACTL_CACHE_DIR", dir),
        None => command.arg("--no-cache"),
    };
    command.output().unwrap()
}

fn succeed(out: Output, what: &str) -> Output {
    assert!(out.status.success(), "{what}: {}", text(&out.stderr));
    out
}

/// The shop project, its provider's inputs declared so its output is cached too.
fn shop(work: &Path, name: &str) -> PathBuf {
    let project = work.join(name);
    copy_dir(&testdata().join("shop"), &project);
    let hcl = project.join("schemactl.hcl");
    let text = std::fs::read_to_string(&hcl).unwrap().replace(
        "data \"external_schema\" \"sqlalchemy\" {",
        "data \"external_schema\" \"sqlalchemy\" {\n  inputs = [\"models/**/*.py\"]",
    );
    let text = text.replace(
        "data \"external_schema\" \"sqlalchemy_sqlite\" {",
        "data \"external_schema\" \"sqlalchemy_sqlite\" {\n  inputs = [\"models/**/*.py\"]",
    );
    std::fs::write(hcl, text).unwrap();
    project
}

/// The shop's scenario: init, the v2 models as a second migration, then v3 against --check.
/// Returns the migration files' contents (names hold timestamps) and the --check exit code.
fn scenario(project: &Path, cache: Option<&Path>, env: &str, dev: &str) -> (Vec<String>, i32) {
    let dir = match env {
        "sqlite" => "migrations-sqlite",
        _ => "migrations",
    };
    let run = |args: &[&str]| schemactl(project, cache, dev, args);
    succeed(run(&["migrate", "diff", "init", "--env", env]), "init");
    copy_dir(&testdata().join("versions/v2"), &project.join("models"));
    succeed(run(&["migrate", "diff", "v2", "--env", env]), "v2");
    copy_dir(&testdata().join("versions/v3"), &project.join("models"));
    let check = run(&["migrate", "diff", "--check", "--env", env]);
    let files = migration_files(&project.join(dir))
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    (files, check.status.code().unwrap())
}

fn info(cache: &Path) -> serde_json::Value {
    let out = succeed(
        schemactl(
            cache,
            Some(cache),
            "",
            &["cache", "info", "--format", "json"],
        ),
        "cache info",
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn hits(cache: &Path, kind: &str) -> u64 {
    info(cache)["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == kind)
        .unwrap()["hits"]
        .as_u64()
        .unwrap()
}

fn same_plans_with_and_without_the_cache(env: &str, dev: &str) {
    require_provider();
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    let uncached = scenario(&shop(work.path(), "uncached"), None, env, dev);
    assert_eq!(info(&cache)["kinds"][0]["entries"], 0, "--no-cache wrote");
    let cold = scenario(&shop(work.path(), "cold"), Some(&cache), env, dev);
    let before = |kind: &str| hits(&cache, kind);
    let (provider_before, plan_before) = (before("provider"), before("plan"));
    // The same project again, from scratch (a provider's working directory is in its key);
    // its migration files get new versions, so only the empty directory's state is reused.
    std::fs::remove_dir_all(work.path().join("cold")).unwrap();
    let warm = scenario(&shop(work.path(), "cold"), Some(&cache), env, dev);
    assert_eq!(uncached.0.len(), 2);
    assert_eq!(uncached.1, 1, "v3 differs from the directory");
    assert_eq!(cold, uncached);
    assert_eq!(warm, uncached);
    // Each of the warm run's three diffs found its provider output; the first (nothing
    // replayed yet, the models of v1) found its whole plan.
    assert!(hits(&cache, "provider") >= provider_before + 3);
    assert!(hits(&cache, "plan") > plan_before);
}

#[test]
fn postgres_plans_are_the_same_with_and_without_the_cache() {
    same_plans_with_and_without_the_cache("local", &server_url());
}

#[test]
fn sqlite_plans_are_the_same_with_and_without_the_cache() {
    same_plans_with_and_without_the_cache("sqlite", "");
}

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args(["-qX", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .unwrap();
    assert!(out.status.success(), "psql {sql}: {}", text(&out.stderr));
}

#[test]
fn a_warm_plan_opens_no_dev_database() {
    require_provider();
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let project = shop(work.path(), "shop");
    // A dev database of its own: a run that opens it refuses it once it holds a table.
    let name = format!("cache_dev_{}", std::process::id());
    let server = server_url();
    let dev = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
    psql(&server, &format!("DROP DATABASE IF EXISTS {name}"));
    psql(&server, &format!("CREATE DATABASE {name}"));
    let run = |args: &[&str]| schemactl(&project, Some(&cache), &dev, args);
    succeed(run(&["migrate", "diff", "init", "--env", "local"]), "init");
    let cold = run(&["migrate", "diff", "--check", "--env", "local"]);
    assert_eq!(cold.status.code(), Some(0), "{}", text(&cold.stderr));
    psql(&dev, "CREATE TABLE not_clean (id int)");
    let warm = run(&["migrate", "diff", "--check", "--env", "local"]);
    assert_eq!(warm.status.code(), Some(0), "{}", text(&warm.stderr));
    let uncached = schemactl(
        &project,
        None,
        &dev,
        &["migrate", "diff", "--check", "--env", "local"],
    );
    assert_eq!(
        uncached.status.code(),
        Some(2),
        "the dirty dev database is refused"
    );
    psql(&server, &format!("DROP DATABASE {name}"));
}

#[test]
fn damaged_and_foreign_entries_are_ignored_and_replaced() {
    require_provider();
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let project = shop(work.path(), "shop");
    let run = || {
        schemactl(
            &project,
            Some(&cache),
            "",
            &["migrate", "diff", "--check", "--env", "sqlite"],
        )
    };
    let first = run();
    assert_eq!(first.status.code(), Some(1), "{}", text(&first.stderr));
    let entries = |kind: &str| -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(cache.join(kind))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.to_string_lossy().ends_with(".hits"))
            .collect();
        found.sort();
        found
    };
    let [provider] = entries("provider").try_into().unwrap();
    let [desired] = entries("desired").try_into().unwrap();
    let [state] = entries("state").try_into().unwrap();
    let [plan] = entries("plan").try_into().unwrap();
    // Another entry's bytes under this one's name, truncated, one byte changed.
    std::fs::copy(&desired, &state).unwrap();
    let bytes = std::fs::read(&desired).unwrap();
    std::fs::write(&desired, &bytes[..bytes.len() / 2]).unwrap();
    let mut bytes = std::fs::read(&provider).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x20;
    std::fs::write(&provider, bytes).unwrap();
    // The plan between the two states too, or the run would not read them.
    std::fs::write(&plan, b"").unwrap();
    let damaged = run();
    assert_eq!(damaged.status.code(), Some(1), "{}", text(&damaged.stderr));
    assert_eq!(text(&damaged.stdout), text(&first.stdout));
    let stderr = text(&damaged.stderr);
    assert_eq!(stderr.matches("cache: ignoring").count(), 4, "{stderr}");
    // Replaced: the next run uses them without a word.
    let again = run();
    assert!(
        !text(&again.stderr).contains("cache:"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(again.status.code(), Some(1));
}

/// A project whose provider is a script that prints `ddl.sql` and counts its runs.
fn counting_project(work: &Path, inputs: &str) -> PathBuf {
    let project = work.join("counting");
    std::fs::create_dir_all(project.join("migrations")).unwrap();
    std::fs::write(
        project.join("provider.sh"),
        "echo run >> runs.log\ncat ddl.sql\n",
    )
    .unwrap();
    std::fs::write(project.join("ddl.sql"), "CREATE TABLE t (id int);\n").unwrap();
    std::fs::write(
        project.join("schemactl.hcl"),
        format!(
            r#"
variable "flag" {{
  type    = string
  default = "a"
}}
data "external_schema" "script" {{
  program    = ["sh", "./provider.sh", var.flag]
  inputs     = [{inputs}]
  inputs_env = ["SHOP_SETTING"]
}}
env "dev" {{
  src = data.external_schema.script.url
  dev = "sqlite://dev?mode=memory"
  migration {{
    dir = "file://migrations"
  }}
}}
"#
        ),
    )
    .unwrap();
    project
}

fn runs(project: &Path) -> usize {
    std::fs::read_to_string(project.join("runs.log"))
        .unwrap_or_default()
        .lines()
        .count()
}

#[test]
fn the_provider_runs_again_when_an_input_its_argv_or_its_environment_changes() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let project = counting_project(work.path(), r#""*.sql""#);
    let check = |extra: &[&str], env: Option<&str>| {
        let mut args = vec!["migrate", "diff", "--check", "--env", "dev"];
        args.extend_from_slice(extra);
        let mut command = Command::new(env!("CARGO_BIN_EXE_schemactl"));
        command
            .current_dir(&project)
            .env("SCHEMACTL_CACHE_DIR", &cache)
            .env_remove("SCHEMACTL_NO_CACHE")
            .env_remove("SHOP_SETTING")
            .args(&args);
        if let Some(value) = env {
            command.env("SHOP_SETTING", value);
        }
        let out = command.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        runs(&project)
    };
    assert_eq!(check(&[], None), 1);
    assert_eq!(check(&[], None), 1, "unchanged: the output is reused");
    std::fs::write(project.join("ddl.sql"), "CREATE TABLE t (id bigint);\n").unwrap();
    assert_eq!(check(&[], None), 2, "an edited input");
    std::fs::write(
        project.join("other.sql"),
        "-- a new file the glob matches\n",
    )
    .unwrap();
    assert_eq!(check(&[], None), 3, "a new matched file");
    assert_eq!(check(&["--var", "flag=b"], None), 4, "another argv");
    assert_eq!(check(&["--var", "flag=b"], None), 4);
    assert_eq!(
        check(&["--var", "flag=b"], Some("x")),
        5,
        "an inputs_env variable"
    );
    assert_eq!(check(&["--var", "flag=b"], Some("x")), 5);
    assert_eq!(check(&["--no-cache"], None), 6, "--no-cache runs it");

    // Without inputs the program always runs.
    let work = tempfile::tempdir().unwrap();
    let project = counting_project(work.path(), "");
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_schemactl"))
            .current_dir(&project)
            .env("SCHEMACTL_CACHE_DIR", &cache)
            .env_remove("SCHEMACTL_NO_CACHE")
            .args(["migrate", "diff", "--check", "--env", "dev"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    };
    run();
    run();
    assert_eq!(runs(&project), 2);
}

#[test]
fn two_runs_at_once_share_one_cache() {
    require_provider();
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let projects: Vec<PathBuf> = (0..2)
        .map(|i| shop(work.path(), &format!("shop{i}")))
        .collect();
    for round in 0..2 {
        let children: Vec<std::process::Child> = projects
            .iter()
            .map(|project| {
                Command::new(env!("CARGO_BIN_EXE_schemactl"))
                    .current_dir(project)
                    .env("SCHEMACTL_CACHE_DIR", &cache)
                    .env_remove("SCHEMACTL_NO_CACHE")
                    .args(["migrate", "diff", "init", "--env", "sqlite"])
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", text(&out.stderr));
            assert!(
                !text(&out.stderr).contains("cache: ignoring"),
                "{}",
                text(&out.stderr)
            );
        }
        for project in &projects {
            for file in migration_files(&project.join("migrations-sqlite")) {
                std::fs::remove_file(file).unwrap();
            }
            std::fs::remove_file(project.join("migrations-sqlite/atlas.sum")).unwrap();
        }
    }
    // Round 2 found the plan (or, where a run of round 1 had not stored it yet, the states).
    assert!(hits(&cache, "plan") + hits(&cache, "state") >= 2);
}

/// Tables whose name is the second the replay ran in: a replay from nothing names them anew,
/// a copy of the kept state keeps the name.
fn timestamped_tables(inspected: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(inspected).unwrap();
    let mut names: Vec<String> = json["schemas"]["public"]["tables"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|name| name.starts_with("at_"))
        .cloned()
        .collect();
    names.sort();
    names
}

/// `DIR/migrations` with one file that creates a table named by the second it runs in:
/// which run made a state shows in its table's name.
fn stamped_migrations(work: &Path) -> PathBuf {
    let dir = work.join("migrations");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("1_stamped.sql"),
        "DO $$ BEGIN EXECUTE format('CREATE TABLE at_%s (id int)', \
         extract(epoch FROM clock_timestamp())::bigint); END $$;\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_new_file_is_replayed_on_the_kept_state_of_the_files_before_it() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let dir = stamped_migrations(work.path());
    let server = server_url();
    let run = |cached: bool, args: &[&str]| {
        succeed(
            schemactl(work.path(), cached.then_some(cache.as_path()), "", args),
            "schemactl",
        )
    };
    let inspect = |cached: bool, version: &str| {
        let url = format!("file://migrations?version={version}");
        let out = run(
            cached,
            &[
                "schema",
                "inspect",
                "--url",
                &url,
                "--dev-url",
                &server,
                "--format",
                "json",
            ],
        );
        timestamped_tables(&text(&out.stdout))
    };
    run(false, &["migrate", "hash", "--dir", "file://migrations"]);
    let first = inspect(true, "1");
    assert_eq!(first.len(), 1);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(dir.join("2_later.sql"), "CREATE TABLE later (id int);\n").unwrap();
    run(false, &["migrate", "hash", "--dir", "file://migrations"]);
    // File 2 ran on a copy of the state file 1 left in the cold run.
    assert_eq!(inspect(true, "2"), first);
    // Without the cache file 1 runs again, in another second.
    let replayed = inspect(false, "2");
    assert_eq!(replayed.len(), 1);
    assert_ne!(replayed, first);

    // `cache clear --dev-url` drops the kept states: file 1 runs again.
    let cleared = run(true, &["cache", "clear", "--dev-url", &server]);
    let said = text(&cleared.stderr);
    let dropped: usize = said
        .split("dropped ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    assert!(dropped >= 1, "{said}");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let after_clear = inspect(true, "2");
    assert_ne!(after_clear, first);
}

#[test]
fn history_from_the_cache_is_the_history_without_it() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let dir = work.path().join("migrations");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/history/postgres");
    let mut names: Vec<String> = std::fs::read_dir(&source)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    std::fs::create_dir(&dir).unwrap();
    let server = server_url();
    let history = |cached: bool| {
        let args = [
            "migrate",
            "history",
            "--dir",
            "file://migrations",
            "--dev-url",
            &server,
            "--format",
            "json",
        ];
        let out = succeed(
            schemactl(work.path(), cached.then_some(cache.as_path()), "", &args),
            "migrate history",
        );
        text(&out.stdout)
    };
    let (older, newer) = names.split_at(names.len() - 3);
    for (round, batch) in [older, newer].into_iter().enumerate() {
        for name in batch {
            std::fs::copy(source.join(name), dir.join(name)).unwrap();
        }
        succeed(
            schemactl(
                work.path(),
                None,
                "",
                &["migrate", "hash", "--dir", "file://migrations"],
            ),
            "hash",
        );
        let uncached = history(false);
        // Cold, then warm; in round 2 the cold run finds the older files' events cached.
        assert_eq!(history(true), uncached, "round {round}, cold");
        assert_eq!(history(true), uncached, "round {round}, warm");
    }
    assert!(hits(&cache, "history") >= (names.len() + older.len()) as u64);
}

#[test]
fn another_dev_server_misses() {
    docker_support::ensure_test_image();
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    std::fs::create_dir(work.path().join("migrations")).unwrap();
    std::fs::write(
        work.path().join("migrations/1_t.sql"),
        "CREATE TABLE t (id int PRIMARY KEY);\n",
    )
    .unwrap();
    succeed(
        schemactl(
            work.path(),
            None,
            "",
            &["migrate", "hash", "--dir", "file://migrations"],
        ),
        "hash",
    );
    let inspect = |dev: &str| {
        let args = [
            "schema",
            "inspect",
            "--url",
            "file://migrations?version=1",
            "--dev-url",
            dev,
        ];
        text(&succeed(schemactl(work.path(), Some(&cache), "", &args), "inspect").stdout)
    };
    let on_server = inspect(&server_url());
    assert_eq!(inspect(&server_url()), on_server);
    assert_eq!(hits(&cache, "state"), 1, "the same server: a hit");
    // The container's server (the same PostgreSQL release, another server) is told apart.
    assert_eq!(inspect(docker_support::TEST_DEV_URL), on_server);
    assert_eq!(hits(&cache, "state"), 1, "another server: a miss");
    assert_eq!(info(&cache)["kinds"][2]["entries"], 2);
}

/// How many transactions were rolled back on the kept templates of the test server.
/// The rollbacks of every kept template on the test server, by name. Other tests of this file
/// keep templates at the same time and evict old ones (three per server), so a count is only
/// compared per template.
fn template_rollbacks() -> std::collections::BTreeMap<String, i64> {
    let out = Command::new("psql")
        .args(["-qXAt", "-F", " ", "-d", &server_url(), "-c"])
        .arg(
            "SELECT datname, xact_rollback FROM pg_stat_database \
             WHERE datname LIKE 'schemactl\\_tpl\\_%'",
        )
        .output()
        .unwrap();
    text(&out.stdout)
        .lines()
        .filter_map(|line| {
            let (name, count) = line.split_once(' ')?;
            Some((name.to_string(), count.trim().parse().ok()?))
        })
        .collect()
}

/// Rollbacks since `before` on the templates that were there then and still are.
fn rollbacks_since(before: &std::collections::BTreeMap<String, i64>) -> i64 {
    template_rollbacks()
        .iter()
        .filter_map(|(name, now)| Some(now - before.get(name)?))
        .sum()
}

#[test]
fn lint_borrows_the_kept_state_and_leaves_it_as_it_was() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let dir = stamped_migrations(work.path());
    let server = server_url();
    let run = |cached: bool, args: &[&str]| {
        schemactl(work.path(), cached.then_some(cache.as_path()), "", args)
    };
    let hash = || {
        succeed(
            run(false, &["migrate", "hash", "--dir", "file://migrations"]),
            "hash",
        )
    };
    hash();
    let inspected = run(
        true,
        &[
            "schema",
            "inspect",
            "--url",
            "file://migrations?version=1",
            "--dev-url",
            &server,
            "--format",
            "json",
        ],
    );
    let table = timestamped_tables(&text(&succeed(inspected, "inspect").stdout)).remove(0);
    std::thread::sleep(std::time::Duration::from_millis(1100));

    let lint = |cached: bool| {
        let out = run(
            cached,
            &[
                "migrate",
                "lint",
                "--latest",
                "1",
                "--dir",
                "file://migrations",
                "--dev-url",
                &server,
                "--format",
                "json",
            ],
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
        let codes: Vec<String> = json["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("{json}"))
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        codes
    };
    // Dropping the table of the kept state: a destructive change there, a failing statement
    // on a fresh replay (whose table has another name).
    std::fs::write(dir.join("2_drop.sql"), format!("DROP TABLE {table};\n")).unwrap();
    hash();
    let rollbacks = template_rollbacks();
    let kept = lint(true);
    assert!(kept.contains(&"DS102".to_string()), "{kept:?}");
    assert!(!kept.contains(&"EX101".to_string()), "{kept:?}");
    // Lint again: the drop was rolled back, the kept state still has the table.
    assert_eq!(lint(true), kept);
    let replayed = lint(false);
    assert!(replayed.contains(&"EX101".to_string()), "{replayed:?}");
    // The template was linted on, not copied: its transactions were rolled back.
    let mut borrowed = 0;
    for _ in 0..40 {
        borrowed = rollbacks_since(&rollbacks);
        if borrowed >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(borrowed >= 2, "{borrowed} rollbacks on the kept templates");

    // A statement that refuses a transaction block fails on the borrowed state; the lint
    // starts over on a copy and the statement runs there, as on a real server.
    std::fs::write(
        dir.join("2_drop.sql"),
        format!("-- atlas:txmode none\nCREATE INDEX CONCURRENTLY ix_stamped ON {table} (id);\n"),
    )
    .unwrap();
    hash();
    let concurrently = lint(true);
    assert!(
        !concurrently.contains(&"EX101".to_string()),
        "{concurrently:?}"
    );
    assert!(
        !lint(false).is_empty(),
        "a fresh replay fails on the other table name"
    );
}

#[test]
fn sqlite_replays_a_new_file_on_the_kept_database() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let dir = work.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("1_users.sql"),
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n\
         CREATE INDEX users_email ON users (email);\n",
    )
    .unwrap();
    let dev = "sqlite://dev?mode=memory";
    let run = |cached: bool, args: &[&str]| {
        succeed(
            schemactl(work.path(), cached.then_some(cache.as_path()), dev, args),
            "schemactl",
        )
    };
    let hash = || run(false, &["migrate", "hash", "--dir", "file://migrations"]);
    let inspect = |cached: bool, version: &str| {
        let url = format!("file://migrations?version={version}");
        let args = ["schema", "inspect", "--url", &url, "--dev-url", dev];
        text(&run(cached, &args).stdout)
    };
    hash();
    inspect(true, "1");
    assert_eq!(hits(&cache, "database"), 0);
    std::fs::write(
        dir.join("2_orders.sql"),
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n\
         ALTER TABLE users ADD COLUMN name TEXT;\n",
    )
    .unwrap();
    hash();
    // File 2 runs on the database file 1 left, made again from its image in the cache.
    let warm = inspect(true, "2");
    assert_eq!(hits(&cache, "database"), 1);
    assert_eq!(warm, inspect(false, "2"));
    assert!(warm.contains("orders") && warm.contains("name"), "{warm}");
    assert_eq!(
        info(&cache)["kinds"][5]["entries"],
        2,
        "the images after 1 and 2 files"
    );
}

#[test]
fn cache_clear_removes_the_data_directory_templates_of_local_servers() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    std::fs::write(work.path().join("schema.sql"), "CREATE TABLE t (id int);\n").unwrap();
    // No dev URL: the desired SQL loads on a local ephemeral cluster, made from a fresh
    // initdb that is kept in the cache directory.
    let args = [
        "schema",
        "diff",
        "--from",
        &server_url(),
        "--to",
        "file://schema.sql",
    ];
    let mut command = Command::new(env!("CARGO_BIN_EXE_schemactl"));
    command
        .current_dir(work.path())
        .env("SCHEMACTL_CACHE_DIR", &cache)
        .env_remove("SCHEMACTL_DEV_URL")
        .env_remove("SCHEMACTL_PG_TEMPLATE_CACHE")
        .args(args);
    succeed(
        command.output().unwrap(),
        "schema diff on an ephemeral cluster",
    );
    let templates = &info(&cache)["data_dir_templates"];
    let listed = templates.as_array().unwrap();
    assert_eq!(listed.len(), 1, "{templates}");
    let path = PathBuf::from(listed[0]["path"].as_str().unwrap());
    assert!(path.join("PG_VERSION").is_file(), "{}", path.display());
    assert!(listed[0]["bytes"].as_u64().unwrap() > 1_000_000);

    let cleared = succeed(
        schemactl(&cache, Some(&cache), "", &["cache", "clear"]),
        "cache clear",
    );
    assert!(
        text(&cleared.stderr).contains("1 data directory template"),
        "{}",
        text(&cleared.stderr)
    );
    assert!(!path.exists());
    assert_eq!(info(&cache)["data_dir_templates"], serde_json::json!([]));
}
