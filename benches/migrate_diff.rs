//! Benchmark: cold `schemactl migrate diff` for a generated 500-table SQLAlchemy model set and
//! a 300-file migration directory (BENCH_TABLES / BENCH_FILES choose others), against the sum
//! of its parts run by hand in the same run (the provider alone + `psql` replay of the
//! directory + `psql` load of the provider's DDL), and against its floor: the longer of the
//! provider and schemactl's own replay, each measured alone (the desired side loads while the
//! provider prints, beside the replay). Also schemactl's load of the provider's DDL against
//! `psql -1 -f` of the same file.
//!
//! Run: `.ci/test-postgres.sh start && cargo bench --bench migrate_diff`
//! (SCHEMACTL_TEST_PG_URL picks another server; BENCH_RUNS the number of timed runs;
//! BENCH_KEEP=1 only writes the project and keeps it, to time its pieces by hand; BENCH_SHOW=1
//! prints the migration `migrate diff` writes.)
//! Needs `schemactl-sqlalchemy` on PATH, or in target/venv-sqlalchemy/bin or
//! /work/venv-provider/bin.

mod common;

use common::generated::{Shape, has_note};
use common::{
    bench_runs, bench_server, cores, median, median_with_cpu, migration_files, ratio, run, text,
    timed, write,
};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// 500 tables and 300 files unless BENCH_TABLES / BENCH_FILES say otherwise.
fn shape() -> Shape {
    let number = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let tables = number("BENCH_TABLES", 500);
    Shape {
        tables,
        files: number("BENCH_FILES", 300),
        first_file_tables: (tables * 2 / 5).max(1),
        missing_tables: 5,
    }
}

fn main() {
    let shape = shape();
    let (tables, files_count, missing_tables) = (shape.tables, shape.files, shape.missing_tables);
    common::without_cache();
    let server = bench_server();
    let runs = bench_runs();
    let path = path_with_provider();
    let bench = Bench {
        server,
        path,
        work: tempfile::tempdir().expect("temp dir"),
    };

    let setup = Instant::now();
    let project = bench.write_project(&shape);
    let ddl = bench.provider(&project);
    let desired_sql = bench.work.path().join("desired.sql");
    std::fs::write(&desired_sql, &ddl.stdout).expect("write desired DDL");
    let files = migration_files(&project.join("migrations"));
    assert_eq!(files.len(), files_count, "generated migration files");
    let all_files_sql = bench.work.path().join("all_migrations.sql");
    let concatenated: Vec<u8> = files
        .iter()
        .flat_map(|f| std::fs::read(f).expect("read migration"))
        .collect();
    std::fs::write(&all_files_sql, concatenated).expect("write concatenated migrations");
    let pristine_sum = std::fs::read(project.join("migrations/atlas.sum")).expect("atlas.sum");
    eprintln!(
        "setup: {tables} model tables, {files_count} migration files in {:.1}s",
        setup.elapsed().as_secs_f64()
    );

    if std::env::var_os("BENCH_KEEP").is_some() {
        let kept = bench.work.keep();
        eprintln!("kept the project in {}; nothing timed", kept.display());
        return;
    }

    // One untimed run to check the result: a new file holding only the intended differences.
    let first = bench.migrate_diff(&project);
    let planned = text(&first.stderr)
        .lines()
        .find_map(|l| {
            l.strip_prefix("planned ")?
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .expect("`planned N statement(s)` on stderr");
    let written = migration_files(&project.join("migrations"));
    assert_eq!(
        written.len(),
        files_count + 1,
        "migrate diff wrote one file"
    );
    let new_file = std::fs::read_to_string(written.last().unwrap()).expect("read new file");
    let intended = !new_file.contains("DROP")
        && new_file.matches("CREATE TABLE").count() == missing_tables
        && new_file.matches("ADD COLUMN \"note\"").count()
            == (0..tables).filter(|&i| has_note(i)).count();
    assert!(
        intended,
        "the new migration should hold only the missing tables and notes:\n{new_file}"
    );
    if std::env::var_os("BENCH_SHOW").is_some() {
        eprintln!("{new_file}");
    }
    restore_dir(&project, &files, &pristine_sum);

    let (migrate_diff, migrate_diff_cpu) = median_with_cpu(runs, || {
        let took = timed(|| {
            bench.migrate_diff(&project);
        });
        restore_dir(&project, &files, &pristine_sum);
        took
    });
    let (provider, provider_cpu) = median_with_cpu(runs, || {
        timed(|| {
            bench.provider(&project);
        })
    });
    let replay_each = median(runs, || {
        bench.in_fresh_database(|url| {
            timed(|| {
                for file in &files {
                    bench.psql_file(url, file);
                }
            })
        })
    });
    let replay_one = median(runs, || {
        bench.in_fresh_database(|url| timed(|| bench.psql_file(url, &all_files_sql)))
    });
    let load_desired = median(runs, || {
        bench.in_fresh_database(|url| timed(|| bench.psql_file(url, &desired_sql)))
    });
    // schemactl's own pieces, alone: the replay (`migrate validate`, no cache) and the load
    // of the provider's DDL (`schema inspect` of the file), both with their inspection.
    let (replay_alone, replay_alone_cpu) = median_with_cpu(runs, || {
        timed(|| {
            run(bench.schemactl(&project).args([
                "--no-cache",
                "migrate",
                "validate",
                "--env",
                "bench",
            ]));
        })
    });
    let (load_alone, load_alone_cpu) = median_with_cpu(runs, || {
        timed(|| {
            run(bench
                .schemactl(&project)
                .args([
                    "--no-cache",
                    "schema",
                    "inspect",
                    "--dev-url",
                    &bench.server,
                    "--url",
                ])
                .arg(format!("file://{}", desired_sql.display())));
        })
    });
    let load_psql_one = median(runs, || {
        bench.in_fresh_database(|url| timed(|| bench.psql_file_one_transaction(url, &desired_sql)))
    });
    let create_db = median(runs, || {
        timed(|| {
            bench.in_fresh_database(|_| Duration::ZERO);
        })
    });

    let by_hand = provider + replay_each + load_desired;
    let by_hand_tight = provider + replay_one + load_desired;
    println!(
        "migrate diff, {tables}-table SQLAlchemy models vs a {files_count}-file directory \
         ({planned} planned statements), median of {runs} runs"
    );
    let row = |label: &str, d: Duration| println!("  {label:<56} {:>8.3}s", d.as_secs_f64());
    row("(a) schemactl migrate diff (cold)", migrate_diff);
    row("(b) schemactl-sqlalchemy alone", provider);
    row(
        &format!("(c) psql -f per migration file ({files_count} processes)"),
        replay_each,
    );
    row(
        &format!("(c') psql -f of the {files_count} files concatenated (1 process)"),
        replay_one,
    );
    row("(d) psql -f of the provider's DDL", load_desired);
    row("(d') psql -1 -f of the provider's DDL", load_psql_one);
    row(
        "(e) schemactl migrate validate (replay + inspect)",
        replay_alone,
    );
    row(
        "(f) schemactl schema inspect of the DDL (load + inspect)",
        load_alone,
    );
    row("    (not counted: CREATE + DROP DATABASE)", create_db);
    println!(
        "  ratio a / (b + c + d)  = {:.2}   (by hand: {:.3}s)",
        ratio(migrate_diff, by_hand),
        by_hand.as_secs_f64()
    );
    println!(
        "  ratio a / (b + c' + d) = {:.2}   (by hand: {:.3}s)",
        ratio(migrate_diff, by_hand_tight),
        by_hand_tight.as_secs_f64()
    );
    let floor = provider.max(replay_alone);
    println!(
        "  ratio a / max(b, e)    = {:.2}   (the floor: {:.3}s; goal at most 1.2)",
        ratio(migrate_diff, floor),
        floor.as_secs_f64()
    );
    println!(
        "  ratio f / d'           = {:.2}   (schemactl's load and inspection against psql -1)",
        ratio(load_alone, load_psql_one)
    );
    // The floor max(b, e) gives each part the whole machine; run together they share its
    // cores, so the CPU they need bounds (a) too.
    let cores = cores();
    let parts_cpu = provider_cpu + replay_alone_cpu + load_alone_cpu;
    println!(
        "  busy CPU (every process, the server's included), {cores} cores: a {migrate_diff_cpu:.1} s \
         ({:.2} cores busy); b {provider_cpu:.1} + e {replay_alone_cpu:.1} + f {load_alone_cpu:.1} \
         = {parts_cpu:.1} s, which {cores} cores need at least {:.3}s for; a / max(b, e, that) = {:.2}",
        migrate_diff_cpu / migrate_diff.as_secs_f64(),
        parts_cpu / cores as f64,
        migrate_diff.as_secs_f64() / (parts_cpu / cores as f64).max(floor.as_secs_f64()),
    );
}

struct Bench {
    server: String,
    /// PATH with the provider's directory in front.
    path: String,
    work: tempfile::TempDir,
}

impl Bench {
    fn write_project(&self, shape: &Shape) -> PathBuf {
        let project = self.work.path().join("project");
        shape.write_models(&project.join("models"));
        write(
            &project.join("schemactl.hcl"),
            "data \"external_schema\" \"sqlalchemy\" {\n  program = [\n    \"schemactl-sqlalchemy\",\n    \
             \"--path\", \"./models\",\n    \"--dialect\", \"postgresql\",\n  ]\n}\n\n\
             env \"bench\" {\n  src = data.external_schema.sqlalchemy.url\n  \
             dev = getenv(\"SCHEMACTL_DEV_URL\")\n  migration {\n    dir = \"file://migrations\"\n  }\n}\n",
        );
        shape.write_migrations(&project.join("migrations"));
        run(self
            .schemactl(&project)
            .args(["migrate", "hash", "--dir", "file://migrations"]));
        project
    }

    fn schemactl(&self, project: &Path) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_schemactl"));
        command
            .current_dir(project)
            .env("PATH", &self.path)
            .env("SCHEMACTL_DEV_URL", &self.server);
        command
    }

    fn migrate_diff(&self, project: &Path) -> Output {
        run(self
            .schemactl(project)
            .args(["migrate", "diff", "bench", "--env", "bench"]))
    }

    fn provider(&self, project: &Path) -> Output {
        run(Command::new("schemactl-sqlalchemy")
            .current_dir(project)
            .env("PATH", &self.path)
            .args(["--path", "./models", "--dialect", "postgresql"]))
    }

    /// Runs `f` with the URL of a new, empty database, dropped afterwards; returns what `f` timed.
    fn in_fresh_database(&self, f: impl FnOnce(&str) -> Duration) -> Duration {
        let name = format!("schemactl_bench_md_{}", std::process::id());
        let (base, _) = self.server.rsplit_once('/').expect("URL with a database");
        self.psql(&self.server, &format!("DROP DATABASE IF EXISTS {name}"));
        self.psql(&self.server, &format!("CREATE DATABASE {name}"));
        let took = f(&format!("{base}/{name}"));
        self.psql(&self.server, &format!("DROP DATABASE {name}"));
        took
    }

    fn psql(&self, url: &str, sql: &str) {
        run(Command::new("psql").args(["-qX", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]));
    }

    fn psql_file_one_transaction(&self, url: &str, file: &Path) {
        run(Command::new("psql")
            .args(["-qX1", "-v", "ON_ERROR_STOP=1", "-d", url, "-f"])
            .arg(file));
    }

    fn psql_file(&self, url: &str, file: &Path) {
        run(Command::new("psql")
            .args(["-qX", "-v", "ON_ERROR_STOP=1", "-d", url, "-f"])
            .arg(file));
    }
}

/// PATH with the directory of `schemactl-sqlalchemy` in front: found on PATH, else in CI's or
/// the dev machine's virtualenv.
fn path_with_provider() -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    let fallbacks = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/venv-sqlalchemy/bin"),
        PathBuf::from("/work/venv-provider/bin"),
    ];
    let found = std::env::split_paths(&path)
        .chain(fallbacks)
        .find(|dir| dir.join("schemactl-sqlalchemy").is_file());
    let Some(dir) = found else {
        panic!(
            "schemactl-sqlalchemy not found on PATH, in target/venv-sqlalchemy/bin or in \
             /work/venv-provider/bin: install it with `pip install ./providers/sqlalchemy`"
        );
    };
    let mut dirs = vec![dir];
    dirs.extend(std::env::split_paths(&path));
    std::env::join_paths(dirs)
        .expect("PATH")
        .into_string()
        .expect("UTF-8 PATH")
}

/// Removes what `migrate diff` wrote, so that the next run is cold and writes again.
fn restore_dir(project: &Path, files: &[PathBuf], sum: &[u8]) {
    let dir = project.join("migrations");
    for path in migration_files(&dir) {
        if !files.contains(&path) {
            std::fs::remove_file(&path).expect("remove written migration");
        }
    }
    std::fs::write(dir.join("atlas.sum"), sum).expect("restore atlas.sum");
}
