//! `migrate import`: other tools' directories turned into schemactl's, end to end. Alembic is
//! the real one (testdata/alembic, `alembic` from the SQLAlchemy venv on PATH) and its online
//! upgrade is the reference; the imported files replay on the PostgreSQL test server and on
//! SQLite files. dbmate, golang-migrate, Flyway and goose fixtures are written here.

mod common;

use common::postgres::test_url;
use common::project::{copy_dir, migration_files, require_provider, succeed, text};
use schemactl::devdb::{DevServer, DevSpec, ScratchDb};
use schemactl::migrate::{DirFormat, MigrationDir};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn alembic_project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/alembic")
}

/// The imported Alembic files, in order: the tagging branch, then the publishing branch,
/// then the merge.
const ALEMBIC_FILES: [&str; 12] = [
    "0001_1c0a2e4b6d01_create_users.sql",
    "0002_2d1b3f5c7e02_create_posts.sql",
    "0003_3e2c4a6d8f03_add_users_name.sql",
    "0004_4f3d5b7e9a04_create_tags.sql",
    "0005_5a4e6c8f0b05_create_post_tags_tagging_branch.sql",
    "0006_6a6a8e0b2d06_add_tags_slug.sql",
    "0007_5b5f7d9a1c05_add_posts_published_publishing_branch.sql",
    "0008_6b7b9f1c3e06_create_comments.sql",
    "0009_7c8c0a2d4f07_merge_tagging_and_publishing.sql",
    "0010_8d9d1b3e5a08_add_posts_status.sql",
    "0011_9e0e2c4f6b09_check_post_titles.sql",
    "0012_0f1f3d5a7c10_rename_users_name_to_full_name.sql",
];

/// `schemactl ARGS` in `dir` with the test server as dev database, without colour.
fn schemactl(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(dir)
        .env("SCHEMACTL_DEV_URL", test_url().to_url_string())
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

/// Exit 2, and stderr holding `needle`; returns stderr.
fn refused(out: Output, needle: &str) -> String {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(needle), "expected `{needle}` in:\n{stderr}");
    stderr
}

fn require_alembic() {
    require_provider();
    let found = Command::new("alembic")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "alembic is not on PATH: put the SQLAlchemy venv's bin/ on PATH \
         (providers/sqlalchemy/ci-setup.sh installs it)"
    );
}

async fn scratch() -> ScratchDb {
    let server = DevServer::open(&DevSpec::Server(test_url()))
        .await
        .expect("the PostgreSQL test server");
    server.scratch().await.expect("a scratch database")
}

fn url_of(db: &ScratchDb) -> String {
    db.url().to_url_string()
}

/// `alembic upgrade head` run online on `db`, as the project's users run it.
fn alembic_upgrade_head(db: &ScratchDb) {
    let sqlalchemy_url = url_of(db).replacen("postgres://", "postgresql://", 1);
    let out = Command::new("alembic")
        .current_dir(alembic_project())
        .env("ALEMBIC_DATABASE_URL", sqlalchemy_url)
        .args(["upgrade", "head"])
        .output()
        .unwrap();
    succeed(out, "alembic upgrade head");
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-qXtA", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .unwrap();
    succeed(out, &format!("psql {sql}"))
}

/// Imports testdata/alembic into `work/migrations`.
fn import_alembic(work: &Path) -> String {
    let project = alembic_project();
    succeed(
        schemactl(
            work,
            &[
                "migrate",
                "import",
                "--from",
                "alembic",
                project.to_str().unwrap(),
            ],
        ),
        "migrate import --from alembic",
    )
}

fn file_names(dir: &Path) -> Vec<String> {
    migration_files(dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// Every entry of `dir`, for "nothing was written" checks (empty when it is missing).
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn alembic_import_writes_one_file_per_revision_in_dependency_order() {
    require_alembic();
    let work = tempfile::tempdir().unwrap();
    let project = alembic_project();
    let out = schemactl(
        work.path(),
        &[
            "migrate",
            "import",
            "--from",
            "alembic",
            project.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let stdout = text(&out.stdout);
    succeed(out, "import --format json");
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["migrations"], 12, "{stdout}");
    assert_eq!(summary["files"].as_array().unwrap().len(), 13, "{stdout}");

    let migrations = work.path().join("migrations");
    assert_eq!(file_names(&migrations), ALEMBIC_FILES);
    let dir = MigrationDir::open(&migrations, DirFormat::Atlas).unwrap();
    dir.verify_sum().expect("atlas.sum matches the files");
    assert_eq!(dir.files().unwrap().len(), 12);

    let read = |name: &str| std::fs::read_to_string(migrations.join(name)).unwrap();
    let merge = read(ALEMBIC_FILES[8]);
    assert!(
        merge.contains("-- merge point of 6a6a8e0b2d06 and 6b7b9f1c3e06"),
        "{merge}"
    );
    assert!(merge.contains("-- parents: 6a6a8e0b2d06, 6b7b9f1c3e06"));
    let first = read(ALEMBIC_FILES[0]);
    assert!(first.contains("CREATE TABLE users"), "{first}");
    for name in ALEMBIC_FILES {
        let sql = read(name);
        assert!(!sql.contains("alembic_version"), "{name}:\n{sql}");
        assert!(
            !sql.contains("BEGIN;") && !sql.contains("COMMIT;"),
            "{name}"
        );
    }
    // A `;` inside a string stays inside its statement.
    assert!(read(ALEMBIC_FILES[1]).contains("'Blog posts; one row per post'"));
    // Offline mode is deterministic, and so is the order: a second import is byte-identical.
    let again = tempfile::tempdir().unwrap();
    import_alembic(again.path());
    for name in ALEMBIC_FILES.iter().copied().chain(["atlas.sum"]) {
        assert_eq!(
            std::fs::read(migrations.join(name)).unwrap(),
            std::fs::read(again.path().join("migrations").join(name)).unwrap(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn the_imported_directory_replays_to_the_schema_alembic_builds_online() {
    require_alembic();
    let work = tempfile::tempdir().unwrap();
    import_alembic(work.path());
    let (replayed, upgraded) = (scratch().await, scratch().await);
    succeed(
        schemactl(
            work.path(),
            &["migrate", "apply", "--url", &url_of(&replayed)],
        ),
        "migrate apply of the imported files",
    );
    alembic_upgrade_head(&upgraded);
    // Alembic's own table is its bookkeeping, not the schema the files build.
    psql(&url_of(&upgraded), "DROP TABLE alembic_version");
    let diff = schemactl(
        work.path(),
        &[
            "schema",
            "diff",
            "--from",
            &url_of(&replayed),
            "--to",
            &url_of(&upgraded),
        ],
    );
    let sql = text(&diff.stdout);
    succeed(diff, "schema diff");
    assert_eq!(sql.trim(), "", "the replayed schema differs from Alembic's");
    replayed.drop_now().await.unwrap();
    upgraded.drop_now().await.unwrap();
}

#[test]
fn the_imported_directory_is_in_sync_with_the_models_at_head() {
    require_alembic();
    let work = tempfile::tempdir().unwrap();
    std::fs::copy(
        alembic_project().join("models.py"),
        work.path().join("models.py"),
    )
    .unwrap();
    std::fs::write(
        work.path().join("schemactl.hcl"),
        r#"
data "external_schema" "models" {
  program = ["schemactl-sqlalchemy", "--path", "models.py", "--dialect", "postgresql"]
}
env "local" {
  src = data.external_schema.models.url
  dev = getenv("SCHEMACTL_DEV_URL")
  migration {
    dir = "file://migrations"
  }
}
"#,
    )
    .unwrap();
    import_alembic(work.path());
    let checked = succeed(
        schemactl(
            work.path(),
            &["migrate", "diff", "--check", "--env", "local"],
        ),
        "migrate diff --check",
    );
    assert!(checked.contains("in sync"), "{checked}");
}

#[tokio::test]
async fn baseline_adopts_a_database_alembic_already_manages() {
    require_alembic();
    let work = tempfile::tempdir().unwrap();
    import_alembic(work.path());
    let db = scratch().await;
    alembic_upgrade_head(&db);
    let url = url_of(&db);
    psql(
        &url,
        "INSERT INTO users (email) VALUES ('kept@example.com')",
    );
    // Without a baseline a database holding objects is refused.
    refused(
        schemactl(work.path(), &["migrate", "apply", "--url", &url]),
        "baseline",
    );
    let adopted = succeed(
        schemactl(
            work.path(),
            &["migrate", "apply", "--url", &url, "--baseline", "0012"],
        ),
        "migrate apply --baseline 0012",
    );
    assert!(adopted.contains("recorded 12 file(s)"), "{adopted}");
    assert!(!adopted.contains("applying"), "no file ran: {adopted}");
    let status = succeed(
        schemactl(work.path(), &["migrate", "status", "--url", &url]),
        "migrate status",
    );
    assert!(status.contains("pending: 0"), "{status}");
    let again = succeed(
        schemactl(work.path(), &["migrate", "apply", "--url", &url]),
        "migrate apply after the baseline",
    );
    assert!(!again.contains("applying"), "{again}");
    assert_eq!(
        psql(&url, "SELECT email FROM users").trim(),
        "kept@example.com"
    );
    db.drop_now().await.unwrap();
}

/// Writes `files` (name, text) into a new directory `name` under `work`.
fn fixture(work: &Path, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = work.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

/// Imports `source` with `--from tool` into `work/out` (plus `extra` flags); returns stderr.
fn import(work: &Path, tool: &str, source: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "migrate",
        "import",
        "--from",
        tool,
        source.to_str().unwrap(),
        "--dir",
        "file://out",
    ];
    args.extend_from_slice(extra);
    succeed(schemactl(work, &args), &format!("import --from {tool}"))
}

/// `up`: `migrate apply`, creating a SQLite file first.
fn apply(work: &Path, url: &str) -> String {
    succeed(
        schemactl(work, &["up", "--url", url, "--dir", "file://out"]),
        "up",
    )
}

#[tokio::test]
async fn dbmate_and_goose_directories_replay_on_postgres() {
    let work = tempfile::tempdir().unwrap();
    let dbmate = fixture(
        work.path(),
        "db/migrations",
        &[
            (
                "20240101000000_create_items.sql",
                "-- migrate:up\nCREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);\n\n-- migrate:down\nDROP TABLE items;\n",
            ),
            (
                "20240102000000_index_items.sql",
                "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY items_name ON items (name);\n\n-- migrate:down\nDROP INDEX items_name;\n",
            ),
        ],
    );
    import(work.path(), "dbmate", &dbmate, &[]);
    let index =
        std::fs::read_to_string(work.path().join("out/20240102000000_index_items.sql")).unwrap();
    assert!(index.starts_with("-- atlas:txmode none\n"), "{index}");
    assert!(!index.contains("DROP INDEX"), "{index}");
    let db = scratch().await;
    apply(work.path(), &url_of(&db));
    assert_eq!(
        psql(
            &url_of(&db),
            "SELECT indexname FROM pg_indexes WHERE tablename = 'items' ORDER BY 1"
        )
        .trim(),
        "items_name\nitems_pkey"
    );
    db.drop_now().await.unwrap();

    let work = tempfile::tempdir().unwrap();
    let goose = fixture(
        work.path(),
        "goose",
        &[
            (
                "00001_create_counters.sql",
                "-- +goose Up\nCREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);\n\n-- +goose StatementBegin\nCREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.n := NEW.n + 1;\n  RETURN NEW;\nEND;\n$$;\n-- +goose StatementEnd\n\nCREATE TRIGGER counters_bump BEFORE UPDATE ON counters FOR EACH ROW EXECUTE FUNCTION bump();\n\n-- +goose Down\nDROP TABLE counters;\n",
            ),
            (
                "00002_index_counters.sql",
                "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY counters_n ON counters (n);\n-- +goose Down\nDROP INDEX counters_n;\n",
            ),
        ],
    );
    import(work.path(), "goose", &goose, &[]);
    assert_eq!(
        file_names(&work.path().join("out")),
        ["00001_create_counters.sql", "00002_index_counters.sql"]
    );
    let db = scratch().await;
    let url = url_of(&db);
    apply(work.path(), &url);
    psql(
        &url,
        "INSERT INTO counters (id) VALUES (1); UPDATE counters SET id = 1",
    );
    assert_eq!(psql(&url, "SELECT n FROM counters").trim(), "1");
    assert_eq!(
        psql(
            &url,
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'counters_n'"
        )
        .trim(),
        "1"
    );
    db.drop_now().await.unwrap();
}

/// Rows the `t_log` trigger writes for one insert into `t`.
async fn trigger_rows(db: &Path) -> i64 {
    use sqlx::Connection;
    let url = format!("sqlite://{}", db.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("INSERT INTO t VALUES (1)")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query_scalar("SELECT count(*) FROM log")
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn golang_migrate_flyway_and_goose_directories_replay_on_sqlite() {
    let work = tempfile::tempdir().unwrap();
    let golang = fixture(
        work.path(),
        "golang",
        &[
            (
                "1_init.up.sql",
                "CREATE TABLE a (id integer PRIMARY KEY);\n",
            ),
            ("1_init.down.sql", "DROP TABLE a;\n"),
            ("2_b.up.sql", "CREATE TABLE b (id integer PRIMARY KEY);\n"),
            (
                "10_c.up.sql",
                "CREATE TABLE c (a_id integer REFERENCES a (id));\n",
            ),
        ],
    );
    import(work.path(), "golang-migrate", &golang, &[]);
    // Padded to one width, so that name order is version order.
    assert_eq!(
        file_names(&work.path().join("out")),
        ["01_init.sql", "02_b.sql", "10_c.sql"]
    );
    apply(work.path(), "sqlite://golang.db");

    let work = tempfile::tempdir().unwrap();
    let flyway = fixture(
        work.path(),
        "sql",
        &[
            (
                "V1__create_people.sql",
                "CREATE TABLE people (id integer PRIMARY KEY);\n",
            ),
            (
                "V1.1__add_name.sql",
                "ALTER TABLE people ADD COLUMN name text;\n",
            ),
            (
                "V1_10__add_email.sql",
                "ALTER TABLE people ADD COLUMN email text;\n",
            ),
            (
                "V1.2__add_age.sql",
                "ALTER TABLE people ADD COLUMN age integer;\n",
            ),
            (
                "U1.1__drop_name.sql",
                "ALTER TABLE people DROP COLUMN name;\n",
            ),
            (
                "V2__index.sql",
                "CREATE INDEX people_email ON people (email);\n",
            ),
        ],
    );
    let stderr = import(work.path(), "flyway", &flyway, &[]);
    assert!(
        stderr.contains("U1.1__drop_name.sql: undo migration skipped"),
        "{stderr}"
    );
    assert_eq!(
        file_names(&work.path().join("out")),
        [
            "100_create_people.sql",
            "101_add_name.sql",
            "102_add_age.sql",
            "110_add_email.sql",
            "200_index.sql"
        ]
    );
    apply(work.path(), "sqlite://flyway.db");

    // A SQLite trigger in a goose block: read with the default (PostgreSQL) flavour its body
    // would split, so the file gets its own delimiter; with --dialect sqlite it is kept as is.
    let trigger = "-- +goose Up\nCREATE TABLE log (n integer);\nCREATE TABLE t (n integer);\n-- +goose StatementBegin\nCREATE TRIGGER t_log AFTER INSERT ON t BEGIN\n  INSERT INTO log VALUES (NEW.n);\n  INSERT INTO log VALUES (NEW.n + 1);\nEND;\n-- +goose StatementEnd\n-- +goose Down\nDROP TABLE t;\n";
    for (dialect, delimited) in [(None, true), (Some("sqlite"), false)] {
        let work = tempfile::tempdir().unwrap();
        let goose = fixture(work.path(), "goose", &[("1_trigger.sql", trigger)]);
        let flags: Vec<&str> = dialect.map(|d| vec!["--dialect", d]).unwrap_or_default();
        import(work.path(), "goose", &goose, &flags);
        let file = std::fs::read_to_string(work.path().join("out/1_trigger.sql")).unwrap();
        assert_eq!(
            file.contains("-- atlas:delimiter -- end"),
            delimited,
            "{file}"
        );
        apply(work.path(), "sqlite://goose.db");
        assert_eq!(trigger_rows(&work.path().join("goose.db")).await, 2);
    }
}

#[test]
fn an_output_directory_that_holds_migrations_is_refused_and_left_alone() {
    let work = tempfile::tempdir().unwrap();
    let source = fixture(
        work.path(),
        "src",
        &[("1_a.up.sql", "CREATE TABLE a (id int);\n")],
    );
    std::fs::create_dir_all(work.path().join("out")).unwrap();
    std::fs::write(work.path().join("out/1_mine.sql"), "SELECT 1;\n").unwrap();
    let args = [
        "migrate",
        "import",
        "--from",
        "golang-migrate",
        source.to_str().unwrap(),
        "--dir",
        "file://out",
    ];
    refused(schemactl(work.path(), &args), "already holds migrations");
    assert_eq!(listing(&work.path().join("out")), ["1_mine.sql"]);
}

#[test]
fn go_migrations_bad_names_and_unknown_tools_are_refused_with_nothing_written() {
    let work = tempfile::tempdir().unwrap();
    let source = fixture(
        work.path(),
        "goose",
        &[
            ("00001_a.sql", "-- +goose Up\nCREATE TABLE a (id int);\n"),
            ("00002_backfill.go", "package migrations\n"),
        ],
    );
    let run = |tool: &str, source: &str| {
        schemactl(
            work.path(),
            &[
                "migrate",
                "import",
                "--from",
                tool,
                source,
                "--dir",
                "file://out",
            ],
        )
    };
    refused(run("goose", source.to_str().unwrap()), "00002_backfill.go");
    refused(run("liquibase", source.to_str().unwrap()), "unknown tool");
    refused(run("dbmate", "missing"), "no such directory");
    let flyway = fixture(
        work.path(),
        "flyway",
        &[("V1__a.sql", "SELECT 1;"), ("R__views.sql", "SELECT 2;")],
    );
    refused(run("flyway", flyway.to_str().unwrap()), "R__views.sql");
    let twice = fixture(
        work.path(),
        "twice",
        &[("1_a.up.sql", "SELECT 1;"), ("01_b.up.sql", "SELECT 2;")],
    );
    refused(
        run("golang-migrate", twice.to_str().unwrap()),
        "version 1 is used by both",
    );
    assert!(!work.path().join("out").exists());
}

#[test]
fn a_failing_alembic_is_shown_and_nothing_is_written() {
    require_alembic();
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("alembic");
    copy_dir(&alembic_project(), &project);
    // A revision whose upgrade raises in offline mode: alembic exits non-zero mid-import.
    std::fs::write(
        project.join("versions/aa11bb22cc33_broken.py"),
        "\"\"\"broken\"\"\"\nrevision = \"aa11bb22cc33\"\ndown_revision = \"0f1f3d5a7c10\"\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    raise RuntimeError(\"this revision cannot be rendered\")\n\n\ndef downgrade():\n    pass\n",
    )
    .unwrap();
    let out = schemactl(
        work.path(),
        &["migrate", "import", "--from", "alembic", "alembic"],
    );
    let stderr = refused(out, "this revision cannot be rendered");
    assert!(
        stderr.contains("alembic upgrade 0f1f3d5a7c10:aa11bb22cc33 --sql"),
        "{stderr}"
    );
    assert!(!work.path().join("migrations").exists());

    // No alembic on PATH: said so.
    let out = Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(work.path())
        .env("PATH", "/nonexistent")
        .args(["migrate", "import", "--from", "alembic", "alembic"])
        .output()
        .unwrap();
    refused(out, "alembic is not on PATH");

    // No config file: named.
    std::fs::remove_file(project.join("alembic.ini")).unwrap();
    let out = schemactl(
        work.path(),
        &["migrate", "import", "--from", "alembic", "alembic"],
    );
    refused(out, "alembic.ini");
    assert!(!work.path().join("migrations").exists());
}
