"""What is printed: enums, sequences, comments, indexes, schemas, extensions, cycles, order."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, run_provider


@pytest.fixture(scope="module")
def features_pg():
    result = run_provider("--path", "features/features", "--dialect", "postgresql", cwd=FIXTURES)
    assert result.returncode == 0, result.stderr
    return result.stdout


def statements(ddl: str) -> list[str]:
    assert ddl.endswith(";\n\n")
    return [s for s in ddl.split(";\n\n") if s]


def test_every_statement_ends_with_a_semicolon_and_a_blank_line(features_pg):
    for statement in statements(features_pg):
        assert not statement.startswith("\n") and not statement.endswith("\n"), statement


def test_enum_types_are_created_once_before_their_tables(features_pg):
    assert features_pg.count("CREATE TYPE mood AS ENUM ('happy', 'sad')") == 1
    assert features_pg.index("CREATE TYPE color AS ENUM ('red', 'green')") < features_pg.index("CREATE TABLE widgets")


def test_enum_in_a_schema_is_qualified(features_pg):
    assert "CREATE TYPE billing.invoice_color AS ENUM ('red', 'green')" in features_pg


def test_sequences_are_created(features_pg):
    assert "CREATE SEQUENCE invoice_numbers START WITH 1000" in features_pg
    assert "CREATE SEQUENCE widget_ids" in features_pg
    assert features_pg.index("CREATE SEQUENCE invoice_numbers") < features_pg.index("CREATE TABLE billing.invoices")


def test_comments_use_comment_on(features_pg):
    assert "COMMENT ON TABLE widgets IS 'Things we sell'" in features_pg
    assert "COMMENT ON COLUMN widgets.name IS 'Display name'" in features_pg


def test_indexes_follow_their_table_sorted_by_name(features_pg):
    names = [s.split(" ON ")[0].split()[-1] for s in statements(features_pg) if "INDEX ix_widgets" in s]
    assert names == ["ix_widgets_alpha", "ix_widgets_email", "ix_widgets_mid", "ix_widgets_zeta"]
    assert "CREATE UNIQUE INDEX ix_widgets_mid ON widgets (mood)" in features_pg
    assert features_pg.index("CREATE TABLE widgets") < features_pg.index("CREATE INDEX ix_widgets_alpha")


def test_non_default_schema_is_created_first(features_pg):
    assert "CREATE SCHEMA IF NOT EXISTS billing" in features_pg
    assert features_pg.index("CREATE SCHEMA IF NOT EXISTS billing") < features_pg.index("CREATE TYPE billing.invoice_color")
    assert "CREATE TABLE billing.invoices (" in features_pg


def test_extensions_declared_and_detected_come_first_sorted(features_pg):
    extensions = [s for s in statements(features_pg) if s.startswith("CREATE EXTENSION")]
    assert extensions == [
        "CREATE EXTENSION IF NOT EXISTS btree_gist",  # metadata.info
        "CREATE EXTENSION IF NOT EXISTS citext",  # CITEXT column
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",  # __schemactl_extensions__
        'CREATE EXTENSION IF NOT EXISTS "uuid-ossp"',  # uuid_generate_v4() default
    ]
    assert statements(features_pg)[: len(extensions)] == extensions


def test_foreign_key_cycle_is_closed_with_alter_table(features_pg):
    alter = "ALTER TABLE nodes ADD CONSTRAINT fk_nodes_head_edge FOREIGN KEY(head_edge_id) REFERENCES edges (id)"
    assert alter in features_pg
    assert features_pg.index("CREATE TABLE edges") < features_pg.index(alter)


@pytest.mark.parametrize("seed", ["1", "2", "12345"])
def test_output_is_byte_identical_across_runs_and_hash_seeds(provider, features_pg, seed):
    again = provider("--path", "features/features", "--dialect", "postgresql", hash_seed=seed).stdout
    assert again == features_pg


def test_mixed_output_is_deterministic(provider):
    runs = {provider("--path", "mixed/mixed", "--dialect", "postgresql", hash_seed=s).stdout for s in ("3", "4", "5")}
    assert len(runs) == 1


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        ("postgresql", "CREATE TABLE members ("),
        ("sqlite", "CREATE TABLE members ("),
        ("mysql", "CREATE TABLE members ("),
        ("mariadb", "CREATE TABLE members ("),
    ],
)
def test_each_dialect_produces_output(provider, dialect, expected):
    out = provider("--path", "future_ann", "--dialect", dialect).stdout
    assert expected in out
    assert out.count("CREATE TABLE") == 2


def test_mysql_keeps_comments_inline_and_has_no_extensions(provider):
    out = provider("--path", "features/features", "--dialect", "mysql").stdout
    assert "COMMENT='Things we sell'" in out or "COMMENT 'Things we sell'" in out
    assert "CREATE EXTENSION" not in out
    assert "CREATE SCHEMA" not in out


def test_sqlite_renders_enums_without_create_type(provider, tmp_path):
    (tmp_path / "small.py").write_text(
        "from sqlalchemy import Column, Enum, Integer, MetaData, Table\n"
        "md = MetaData()\n"
        "t = Table('t', md, Column('id', Integer, primary_key=True),\n"
        "          Column('mood', Enum('happy', 'sad', name='mood', create_constraint=True)))\n"
    )
    out = provider("--path", str(tmp_path), "--dialect", "sqlite").stdout
    assert "CREATE TYPE" not in out
    assert "mood VARCHAR(5)" in out
    assert "CHECK (mood IN ('happy', 'sad'))" in out


def test_models_printing_on_import_do_not_corrupt_stdout(provider, tmp_path):
    (tmp_path / "noisy.py").write_text(
        "from sqlalchemy import Column, Integer, MetaData, Table\n"
        "print('hello from the models')\n"
        "md = MetaData()\n"
        "t = Table('t', md, Column('id', Integer, primary_key=True))\n"
    )
    result = provider("--path", str(tmp_path), "--dialect", "postgresql", cwd=FIXTURES)
    assert result.stdout.startswith("CREATE TABLE t (")
    assert "hello from the models" in result.stderr
