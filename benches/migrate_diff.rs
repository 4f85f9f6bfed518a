//! Benchmark: cold `schemactl migrate diff` for a generated 500-table SQLAlchemy model set and
//! a 300-file migration directory, against the sum of its parts run by hand in the same run
//! (the provider alone + `psql` replay of the directory + `psql` load of the provider's DDL).
//!
//! Run: `.ci/test-postgres.sh start && cargo bench --bench migrate_diff`
//! (SCHEMACTL_TEST_PG_URL picks another server; BENCH_RUNS the number of timed runs;
//! BENCH_KEEP=1 only writes the project and keeps it, to time its pieces by hand; BENCH_SHOW=1
//! prints the migration `migrate diff` writes.)
//! Needs `schemactl-sqlalchemy` on PATH, or in target/venv-sqlalchemy/bin or
//! /work/venv-provider/bin.

mod common;

use common::{bench_runs, bench_server, median, migration_files, ratio, run, text, timed, write};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const TABLES: usize = 500;
const FILES: usize = 300;
/// Tables created by the first migration file; the rest arrive in small steps.
const FIRST_FILE_TABLES: usize = 200;
/// The last tables of the models that the directory does not have yet.
const MISSING_TABLES: usize = 5;
const TABLES_PER_MODULE: usize = 50;

fn main() {
    let server = bench_server();
    let runs = bench_runs();
    let path = path_with_provider();
    let bench = Bench {
        server,
        path,
        work: tempfile::tempdir().expect("temp dir"),
    };

    let setup = Instant::now();
    let project = bench.write_project();
    let ddl = bench.provider(&project);
    let desired_sql = bench.work.path().join("desired.sql");
    std::fs::write(&desired_sql, &ddl.stdout).expect("write desired DDL");
    let files = migration_files(&project.join("migrations"));
    assert_eq!(files.len(), FILES, "generated migration files");
    let all_files_sql = bench.work.path().join("all_migrations.sql");
    let concatenated: Vec<u8> = files
        .iter()
        .flat_map(|f| std::fs::read(f).expect("read migration"))
        .collect();
    std::fs::write(&all_files_sql, concatenated).expect("write concatenated migrations");
    let pristine_sum = std::fs::read(project.join("migrations/atlas.sum")).expect("atlas.sum");
    eprintln!(
        "setup: {TABLES} model tables, {FILES} migration files in {:.1}s",
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
    assert_eq!(written.len(), FILES + 1, "migrate diff wrote one file");
    let new_file = std::fs::read_to_string(written.last().unwrap()).expect("read new file");
    let intended = !new_file.contains("DROP")
        && new_file.matches("CREATE TABLE").count() == MISSING_TABLES
        && new_file.matches("ADD COLUMN \"note\"").count()
            == (0..TABLES).filter(|&i| has_note(i)).count();
    assert!(
        intended,
        "the new migration should hold only the missing tables and notes:\n{new_file}"
    );
    if std::env::var_os("BENCH_SHOW").is_some() {
        eprintln!("{new_file}");
    }
    restore_dir(&project, &files, &pristine_sum);

    let migrate_diff = median(runs, || {
        let took = timed(|| {
            bench.migrate_diff(&project);
        });
        restore_dir(&project, &files, &pristine_sum);
        took
    });
    let provider = median(runs, || {
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
    let create_db = median(runs, || {
        timed(|| {
            bench.in_fresh_database(|_| Duration::ZERO);
        })
    });

    let by_hand = provider + replay_each + load_desired;
    let by_hand_tight = provider + replay_one + load_desired;
    println!(
        "migrate diff, {TABLES}-table SQLAlchemy models vs a {FILES}-file directory \
         ({planned} planned statements), median of {runs} runs"
    );
    let row = |label: &str, d: Duration| println!("  {label:<56} {:>8.3}s", d.as_secs_f64());
    row("(a) schemactl migrate diff (cold)", migrate_diff);
    row("(b) schemactl-sqlalchemy alone", provider);
    row(
        "(c) psql -f per migration file (300 processes)",
        replay_each,
    );
    row(
        "(c') psql -f of the 300 files concatenated (1 process)",
        replay_one,
    );
    row("(d) psql -f of the provider's DDL", load_desired);
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
}

struct Bench {
    server: String,
    /// PATH with the provider's directory in front.
    path: String,
    work: tempfile::TempDir,
}

impl Bench {
    fn write_project(&self) -> PathBuf {
        let project = self.work.path().join("project");
        write_models(&project.join("models"));
        write(
            &project.join("schemactl.hcl"),
            "data \"external_schema\" \"sqlalchemy\" {\n  program = [\n    \"schemactl-sqlalchemy\",\n    \
             \"--path\", \"./models\",\n    \"--dialect\", \"postgresql\",\n  ]\n}\n\n\
             env \"bench\" {\n  src = data.external_schema.sqlalchemy.url\n  \
             dev = getenv(\"SCHEMACTL_DEV_URL\")\n  migration {\n    dir = \"file://migrations\"\n  }\n}\n",
        );
        write_migrations(&project.join("migrations"));
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

/// A models package: 10 modules of 50 declarative classes (half of them with postponed
/// annotations), each table with a foreign key to the previous one, an index on it, a composite
/// index, a check, a shared enum, numeric, timestamptz, boolean and jsonb columns; every 10th
/// table has a unique code, every 50th (from the 8th) a text note.
fn write_models(dir: &Path) {
    write(
        &dir.join("base.py"),
        "\"\"\"The declarative base and the enum every table uses.\"\"\"\n\n\
         import enum\n\n\
         from sqlalchemy import Enum, MetaData\n\
         from sqlalchemy.orm import DeclarativeBase\n\n\
         NAMING_CONVENTION = {\n\
         \x20   \"ix\": \"ix_%(table_name)s_%(column_0_N_name)s\",\n\
         \x20   \"uq\": \"uq_%(table_name)s_%(column_0_N_name)s\",\n\
         \x20   \"ck\": \"ck_%(table_name)s_%(constraint_name)s\",\n\
         \x20   \"fk\": \"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s\",\n\
         \x20   \"pk\": \"pk_%(table_name)s\",\n\
         }\n\n\n\
         class Base(DeclarativeBase):\n\
         \x20   metadata = MetaData(naming_convention=NAMING_CONVENTION)\n\n\n\
         class RecordStatus(enum.Enum):\n\
         \x20   new = \"new\"\n\
         \x20   active = \"active\"\n\
         \x20   closed = \"closed\"\n\n\n\
         def record_status():\n\
         \x20   return Enum(RecordStatus, name=\"record_status\", values_callable=lambda e: [m.value for m in e])\n",
    );
    let modules = TABLES / TABLES_PER_MODULE;
    let mut init = String::from("\"\"\"500 generated tables.\"\"\"\n\n");
    for m in 0..modules {
        writeln!(init, "from models import tables_{m:02}  # noqa: F401").unwrap();
        let mut py = String::new();
        if m % 2 == 1 {
            py.push_str("from __future__ import annotations\n\n");
        }
        py.push_str(
            "from datetime import datetime\nfrom decimal import Decimal\nfrom typing import Any, Optional\n\n\
             from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Numeric, String, Text, func, text\n\
             from sqlalchemy.dialects.postgresql import JSONB\n\
             from sqlalchemy.orm import Mapped, mapped_column\n\n\
             from models.base import Base, RecordStatus, record_status\n",
        );
        for i in m * TABLES_PER_MODULE..(m + 1) * TABLES_PER_MODULE {
            write_model_class(&mut py, i);
        }
        write(&dir.join(format!("tables_{m:02}.py")), &py);
    }
    write(&dir.join("__init__.py"), &init);
}

fn write_model_class(py: &mut String, i: usize) {
    let t = table(i);
    writeln!(py, "\n\nclass T{i:03}(Base):").unwrap();
    writeln!(py, "    __tablename__ = \"{t}\"").unwrap();
    writeln!(
        py,
        "    __table_args__ = (\n        CheckConstraint(\"amount >= 0\", name=\"amount_not_negative\"),\n        \
         Index(\"ix_{t}_name_created\", \"name\", \"created_at\"),\n    )\n"
    )
    .unwrap();
    writeln!(py, "    id: Mapped[int] = mapped_column(primary_key=True)").unwrap();
    if i > 0 {
        writeln!(
            py,
            "    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey(\"{}.id\"), index=True)",
            table(i - 1)
        )
        .unwrap();
    }
    py.push_str(
        "    name: Mapped[str] = mapped_column(String(100))\n    \
         status: Mapped[RecordStatus] = mapped_column(record_status(), server_default=\"new\")\n    \
         amount: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2))\n    \
         created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())\n    \
         is_active: Mapped[bool] = mapped_column(server_default=text(\"true\"))\n    \
         payload: Mapped[Optional[dict[str, Any]]] = mapped_column(JSONB)\n",
    );
    if has_code(i) {
        py.push_str("    code: Mapped[str] = mapped_column(String(32), unique=True)\n");
    }
    if has_note(i) {
        py.push_str("    note: Mapped[Optional[str]] = mapped_column(Text)\n");
    }
}

fn table(i: usize) -> String {
    format!("t{i:03}")
}

fn has_code(i: usize) -> bool {
    i.is_multiple_of(10)
}

/// The 10 columns the models have and the directory lacks.
fn has_note(i: usize) -> bool {
    i % 50 == 7
}

/// The migration directory, written by hand as a team would: file 1 creates the enum and 200
/// tables; files 2..300 create the next 295 tables, each in three steps (the table, a later
/// `ADD COLUMN payload`, a later composite index). It lacks the last 5 tables and the 10 notes.
fn write_migrations(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create migrations dir");
    let mut first =
        String::from("CREATE TYPE record_status AS ENUM ('new', 'active', 'closed');\n");
    for i in 0..FIRST_FILE_TABLES {
        first.push_str(&create_table_sql(i, true));
        first.push_str(&composite_index_sql(i));
    }
    let mut steps: Vec<String> = Vec::new();
    for i in FIRST_FILE_TABLES..TABLES - MISSING_TABLES {
        steps.push(create_table_sql(i, false));
        steps.push(format!(
            "ALTER TABLE {} ADD COLUMN payload jsonb;\n",
            table(i)
        ));
        steps.push(composite_index_sql(i));
    }
    let mut files = vec![first];
    let later = FILES - 1;
    for k in 0..later {
        let (from, to) = (k * steps.len() / later, (k + 1) * steps.len() / later);
        files.push(steps[from..to].concat());
    }
    for (n, sql) in files.iter().enumerate() {
        let version = format!("20240101{:02}{:02}00", n / 60, n % 60);
        write(&dir.join(format!("{version}_step_{:03}.sql", n + 1)), sql);
    }
}

fn create_table_sql(i: usize, with_payload: bool) -> String {
    let t = table(i);
    let mut columns = vec!["id serial NOT NULL".to_string()];
    let mut constraints = vec![
        format!("CONSTRAINT pk_{t} PRIMARY KEY (id)"),
        format!("CONSTRAINT ck_{t}_amount_not_negative CHECK (amount >= 0)"),
    ];
    let mut indexes = String::new();
    if i > 0 {
        let parent = table(i - 1);
        columns.push("parent_id integer".into());
        constraints.push(format!(
            "CONSTRAINT fk_{t}_parent_id_{parent} FOREIGN KEY (parent_id) REFERENCES {parent} (id)"
        ));
        writeln!(indexes, "CREATE INDEX ix_{t}_parent_id ON {t} (parent_id);").unwrap();
    }
    columns.extend(
        [
            "name varchar(100) NOT NULL",
            "status record_status NOT NULL DEFAULT 'new'",
            "amount numeric(12,2)",
            "created_at timestamptz NOT NULL DEFAULT now()",
            "is_active boolean NOT NULL DEFAULT true",
        ]
        .map(String::from),
    );
    if with_payload {
        columns.push("payload jsonb".into());
    }
    if has_code(i) {
        columns.push("code varchar(32) NOT NULL".into());
        constraints.push(format!("CONSTRAINT uq_{t}_code UNIQUE (code)"));
    }
    let body: Vec<String> = columns.into_iter().chain(constraints).collect();
    format!(
        "CREATE TABLE {t} (\n  {}\n);\n{indexes}",
        body.join(",\n  ")
    )
}

fn composite_index_sql(i: usize) -> String {
    let t = table(i);
    format!("CREATE INDEX ix_{t}_name_created ON {t} (name, created_at);\n")
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
