//! Benchmark: the cache at 2,000 tables / 1,000 migration files (the generated project of
//! benches/migrate_diff.rs scaled up; PostgreSQL dev server). Each warm path is timed as a
//! ratio against the cold `migrate diff --check` of the same run:
//! - nothing changed: both states and the provider's output come from the cache (goal: under
//!   100 ms);
//! - one new migration file: the state of the 1,000 files is copied from the template database
//!   the cold run kept, one file is replayed;
//! - one model changed: the provider runs again, the replayed state is cached;
//! - `migrate lint --latest 1` with the state before the latest file kept, against the same
//!   lint without the cache, which replays every file (goal: at most 0.2).
//!
//! Run: `.ci/test-postgres.sh start && cargo bench --bench cache` (SCHEMACTL_TEST_PG_URL picks
//! another server; BENCH_RUNS the number of timed runs; BENCH_KEEP=1 only writes the project
//! and keeps it). Needs `schemactl-sqlalchemy` on PATH
//! or in target/venv-sqlalchemy/bin.

mod common;

use common::generated::Shape;
use common::{bench_runs, bench_server, median, ratio, text, timed, write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const SHAPE: Shape = Shape {
    tables: 2000,
    files: 1000,
    first_file_tables: 200,
    missing_tables: 5,
};

fn main() {
    let server = bench_server();
    let runs = bench_runs();
    let work = tempfile::tempdir().expect("temp dir");
    let bench = Bench {
        project: work.path().join("project"),
        cache: work.path().join("cache"),
        server,
        path: provider_path(),
    };
    let setup = Instant::now();
    bench.write_project();
    eprintln!(
        "setup: {} model tables, {} migration files in {:.1}s",
        SHAPE.tables,
        SHAPE.files,
        setup.elapsed().as_secs_f64()
    );

    if std::env::var_os("BENCH_KEEP").is_some() {
        let kept = work.keep();
        eprintln!("kept the project in {}; nothing timed", kept.display());
        return;
    }

    let cold = median(runs, || {
        bench.clear();
        timed(|| bench.check())
    });
    let nothing_changed = median(runs, || timed(|| bench.check()));

    let mut round = 0;
    let new_file = median(runs, || {
        round += 1;
        bench.add_file(round);
        timed(|| bench.check())
    });
    // The latest file is the new one; the state before it is the 1,000 files' (kept).
    let lint_kept = median(runs, || timed(|| bench.lint(&[])));
    let lint_full = median(runs, || timed(|| bench.lint(&["--no-cache"])));
    bench.remove_added_files();

    let model_changed = median(runs, || {
        round += 1;
        bench.change_model(round);
        timed(|| bench.check())
    });

    println!(
        "cache, {}-table SQLAlchemy models vs a {}-file directory, median of {runs} runs",
        SHAPE.tables, SHAPE.files
    );
    let row = |label: &str, d: Duration, base: Duration| {
        println!(
            "  {label:<58} {:>8.3}s  ratio {:.3}",
            d.as_secs_f64(),
            ratio(d, base)
        )
    };
    row("cold migrate diff --check (empty cache)", cold, cold);
    row(
        "warm, nothing changed (goal: under 0.1 s)",
        nothing_changed,
        cold,
    );
    row("warm, one new migration file", new_file, cold);
    row(
        "warm, one model changed (provider runs)",
        model_changed,
        cold,
    );
    row(
        "migrate lint --latest 1 without the cache",
        lint_full,
        lint_full,
    );
    row(
        "migrate lint --latest 1, state kept (goal: ratio at most 0.2)",
        lint_kept,
        lint_full,
    );
}

struct Bench {
    project: PathBuf,
    cache: PathBuf,
    server: String,
    path: String,
}

impl Bench {
    fn write_project(&self) {
        SHAPE.write_models(&self.project.join("models"));
        SHAPE.write_migrations(&self.project.join("migrations"));
        write(
            &self.project.join("schemactl.hcl"),
            "data \"external_schema\" \"sqlalchemy\" {\n  \
             program = [\"schemactl-sqlalchemy\", \"--path\", \"./models\", \"--dialect\", \"postgresql\"]\n  \
             inputs = [\"models/**/*.py\"]\n}\n\n\
             env \"bench\" {\n  src = data.external_schema.sqlalchemy.url\n  \
             dev = getenv(\"SCHEMACTL_DEV_URL\")\n  migration {\n    dir = \"file://migrations\"\n  }\n}\n",
        );
        self.hash();
    }

    fn schemactl(&self, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_schemactl"))
            .current_dir(&self.project)
            .env("PATH", &self.path)
            .env("SCHEMACTL_DEV_URL", &self.server)
            .env("SCHEMACTL_CACHE_DIR", &self.cache)
            .env_remove("SCHEMACTL_NO_CACHE")
            .args(args)
            .output()
            .expect("spawn schemactl");
        // --check and lint exit 1 when they find something; 2 and up are failures.
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "schemactl {args:?}: {}",
            text(&out.stderr)
        );
        out
    }

    fn hash(&self) {
        self.schemactl(&["migrate", "hash", "--dir", "file://migrations"]);
    }

    /// An empty cache and no template databases on the dev server.
    fn clear(&self) {
        self.schemactl(&["cache", "clear", "--dev-url", &self.server]);
    }

    fn check(&self) {
        self.schemactl(&["migrate", "diff", "--check", "--env", "bench"]);
    }

    fn lint(&self, extra: &[&str]) {
        let mut args = vec!["migrate", "lint", "--latest", "1", "--env", "bench"];
        args.extend_from_slice(extra);
        self.schemactl(&args);
    }

    fn added(&self, round: usize) -> PathBuf {
        self.project
            .join("migrations")
            .join(format!("20991231{round:06}_added.sql"))
    }

    /// A new last migration file (another one each round, so that each is new to the cache).
    fn add_file(&self, round: usize) {
        for earlier in 1..round {
            std::fs::remove_file(self.added(earlier)).ok();
        }
        write(
            &self.added(round),
            &format!("CREATE TABLE added_{round} (id bigint PRIMARY KEY, note text);\n"),
        );
        self.hash();
    }

    fn remove_added_files(&self) {
        for entry in std::fs::read_dir(self.project.join("migrations")).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.to_string_lossy().ends_with("_added.sql") {
                std::fs::remove_file(path).expect("remove added file");
            }
        }
        self.hash();
    }

    /// One more model class in the first module (another one each round).
    fn change_model(&self, round: usize) {
        let module = self.project.join("models/tables_00.py");
        let mut py = std::fs::read_to_string(&module).expect("read module");
        py.push_str(&format!(
            "\n\nclass Extra{round}(Base):\n    __tablename__ = \"extra_{round}\"\n\n    \
             id: Mapped[int] = mapped_column(primary_key=True)\n"
        ));
        std::fs::write(&module, py).expect("write module");
    }
}

/// PATH with the directory of `schemactl-sqlalchemy` in front.
fn provider_path() -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/venv-sqlalchemy/bin");
    let found = std::env::split_paths(&path)
        .chain([venv])
        .find(|dir| dir.join("schemactl-sqlalchemy").is_file())
        .expect("schemactl-sqlalchemy on PATH or in target/venv-sqlalchemy/bin");
    let mut dirs = vec![found];
    dirs.extend(std::env::split_paths(&path));
    std::env::join_paths(dirs)
        .expect("PATH")
        .into_string()
        .expect("UTF-8 PATH")
}
