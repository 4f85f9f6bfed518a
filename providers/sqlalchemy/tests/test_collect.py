"""Which models are found: declarative bases, registries, plain Tables, several MetaData."""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURES, run_provider


def created_tables(ddl: str) -> list[str]:
    return re.findall(r"^CREATE TABLE (\S+) \(", ddl, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def mixed_pg():
    result = run_provider("--path", "mixed/mixed", "--dialect", "postgresql", cwd=FIXTURES)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_package_scan_finds_declarative_plain_tables_and_every_metadata(mixed_pg):
    out = mixed_pg
    assert sorted(created_tables(out)) == ["audit_log", "authors", "books", "settings"]


def test_metadata_reached_through_several_modules_is_printed_once(mixed_pg):
    out = mixed_pg
    assert out.count("CREATE TABLE books") == 1
    assert out.count("CREATE TABLE audit_log") == 1


def test_tables_follow_their_foreign_keys(mixed_pg):
    tables = created_tables(mixed_pg)
    assert tables.index("authors") < tables.index("books")


def test_module_option_imports_a_package_and_its_submodules(provider):
    out = provider("--module", "mixed", "--dialect", "sqlite", cwd=FIXTURES / "mixed").stdout
    assert sorted(created_tables(out)) == ["audit_log", "authors", "books", "settings"]


def test_metadata_option_selects_only_the_named_objects(provider):
    out = provider(
        "--metadata", "mixed.plain:audit_metadata", "--dialect", "postgresql", cwd=FIXTURES / "mixed"
    ).stdout
    assert created_tables(out) == ["audit_log"]


def test_metadata_option_accepts_a_declarative_base(provider):
    out = provider(
        "--metadata", "mixed.declarative:Base", "--dialect", "postgresql", cwd=FIXTURES / "mixed"
    ).stdout
    assert created_tables(out) == ["authors", "books"]


def test_future_annotations_and_mapped_columns_load(provider):
    out = provider("--path", "future_ann", "--dialect", "postgresql").stdout
    assert created_tables(out) == ["teams", "members"]
    assert "nickname VARCHAR(30)," in out
    assert "joined DATE NOT NULL" in out


def test_single_file_path_is_accepted(provider):
    out = provider("--path", "future_ann/models.py", "--dialect", "postgresql").stdout
    assert created_tables(out) == ["teams", "members"]


def test_import_error_exits_1_with_the_traceback(provider):
    result = provider("--path", "broken", "--dialect", "postgresql", expect_ok=False)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback (most recent call last)" in result.stderr
    assert "No module named 'no_such_module_for_the_test'" in result.stderr
    assert "importing the models failed" in result.stderr


def test_no_models_exits_1_with_a_message_and_keeps_stdout_clean(provider):
    result = provider("--path", "empty", "--dialect", "postgresql", expect_ok=False)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "no SQLAlchemy models found" in result.stderr


def test_missing_path_is_named(provider):
    result = provider("--path", "nope", "--dialect", "postgresql", expect_ok=False)
    assert result.returncode == 1
    assert "nope does not exist" in result.stderr


def test_unknown_dialect_is_a_usage_error(provider):
    result = provider("--path", "mixed/mixed", "--dialect", "oracle9", expect_ok=False)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
