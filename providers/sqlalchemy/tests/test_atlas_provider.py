"""Atlas's PyPI provider (`atlas-provider-sqlalchemy`) runs as a program on the same kind of
models and its output (with `-- atlas:pos` comment lines) is plain SQL that loads as is."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from test_postgres import _psql, scratch_db  # noqa: F401 - fixture

# Installed beside this interpreter (the venv ci-setup.sh makes), or anywhere on PATH.
_BESIDE = Path(sys.executable).parent / "atlas-provider-sqlalchemy"
ATLAS = str(_BESIDE) if _BESIDE.exists() else shutil.which("atlas-provider-sqlalchemy")
pytestmark = pytest.mark.skipif(ATLAS is None, reason="atlas-provider-sqlalchemy is not installed")


def run_atlas(path: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ATLAS, "--path", path, "--dialect", "postgresql"],
        cwd=FIXTURES, capture_output=True, text=True, timeout=120,
    )


def test_atlas_provider_output_has_position_comments_and_the_same_tables(provider):
    atlas = run_atlas("atlas_compatible")
    assert atlas.returncode == 0, atlas.stderr
    assert "-- atlas:pos accounts[type=table] " in atlas.stdout
    ours = provider("--path", "atlas_compatible", "--dialect", "postgresql").stdout
    for statement in ("CREATE TYPE plan AS ENUM ('free', 'pro')", "CREATE INDEX ix_projects_account_id ON projects (account_id)"):
        assert statement in atlas.stdout and statement in ours


@pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")
def test_atlas_provider_output_loads_into_postgresql(scratch_db):  # noqa: F811
    atlas = run_atlas("atlas_compatible")
    assert atlas.returncode == 0, atlas.stderr
    loaded = _psql(scratch_db, stdin=atlas.stdout)
    assert loaded.returncode == 0, loaded.stderr


def test_atlas_provider_fails_on_postponed_annotations_where_ours_works(provider):
    atlas = run_atlas("future_ann")
    assert "Could not interpret annotation" in atlas.stdout + atlas.stderr
    assert "CREATE TABLE members" not in atlas.stdout
    assert "CREATE TABLE members" in provider("--path", "future_ann", "--dialect", "postgresql").stdout
