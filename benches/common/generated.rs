//! The generated project the migrate_diff and cache benchmarks plan: a SQLAlchemy model set
//! of `tables` tables and a hand-written-looking migration directory of `files` files that
//! lacks the last `missing_tables` tables and some columns (see [`has_note`]).

use super::write;
use std::fmt::Write as _;
use std::path::Path;

pub const TABLES_PER_MODULE: usize = 50;

/// The size of a generated project.
pub struct Shape {
    pub tables: usize,
    pub files: usize,
    /// Tables created by the first migration file; the rest arrive in small steps.
    pub first_file_tables: usize,
    /// The last tables of the models that the directory does not have yet.
    pub missing_tables: usize,
}

impl Shape {
    /// A models package: modules of 50 declarative classes (half of them with postponed
    /// annotations), each table with a foreign key to the previous one, an index on it, a composite
    /// index, a check, a shared enum, numeric, timestamptz, boolean and jsonb columns; every 10th
    /// table has a unique code, every 50th (from the 8th) a text note.
    pub fn write_models(&self, dir: &Path) {
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
        let modules = self.tables / TABLES_PER_MODULE;
        let mut init = format!("\"\"\"{} generated tables.\"\"\"\n\n", self.tables);
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

    /// The migration directory, written by hand as a team would: file 1 creates the enum and 200
    /// tables; files 2..300 create the next 295 tables, each in three steps (the table, a later
    /// `ADD COLUMN payload`, a later composite index). It lacks the last 5 tables and the 10 notes.
    pub fn write_migrations(&self, dir: &Path) {
        std::fs::create_dir_all(dir).expect("create migrations dir");
        let mut first =
            String::from("CREATE TYPE record_status AS ENUM ('new', 'active', 'closed');\n");
        for i in 0..self.first_file_tables {
            first.push_str(&create_table_sql(i, true));
            first.push_str(&composite_index_sql(i));
        }
        let mut steps: Vec<String> = Vec::new();
        for i in self.first_file_tables..self.tables - self.missing_tables {
            steps.push(create_table_sql(i, false));
            steps.push(format!(
                "ALTER TABLE {} ADD COLUMN payload jsonb;\n",
                table(i)
            ));
            steps.push(composite_index_sql(i));
        }
        let mut files = vec![first];
        let later = self.files - 1;
        for k in 0..later {
            let (from, to) = (k * steps.len() / later, (k + 1) * steps.len() / later);
            files.push(steps[from..to].concat());
        }
        for (n, sql) in files.iter().enumerate() {
            let version = format!("20240101{:02}{:02}00", n / 60, n % 60);
            write(&dir.join(format!("{version}_step_{:03}.sql", n + 1)), sql);
        }
    }
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
pub fn has_note(i: usize) -> bool {
    i % 50 == 7
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
