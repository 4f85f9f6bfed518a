"""The PostgreSQL output loads into a real PostgreSQL server (the project's test server)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
import subprocess
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from conftest import FIXTURES

DEFAULT_URL = "postgres://postgres@127.0.0.1:54329/postgres"
TESTDATA = FIXTURES.parents[3] / "testdata" / "sqlalchemy"
SHOP = TESTDATA / "shop"

pytestmark = pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")


def _psql(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, *args],
        input=stdin, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def scratch_db():
    """A uniquely named database, dropped afterwards. Skips when the default server is down;
    fails when SCHEMACTL_TEST_PG_URL was set explicitly."""
    url = os.environ.get("SCHEMACTL_TEST_PG_URL", DEFAULT_URL)
    probe = _psql(url, "-c", "SELECT 1")
    if probe.returncode != 0:
        if "SCHEMACTL_TEST_PG_URL" in os.environ:
            pytest.fail(f"test server {url} unreachable: {probe.stderr}")
        pytest.skip(f"no PostgreSQL test server at {url}")
    name = f"schemactl_sqla_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    assert _psql(url, "-c", f'CREATE DATABASE "{name}"').returncode == 0
    parts = urlsplit(url)
    yield urlunsplit(parts._replace(path=f"/{name}"))
    _psql(url, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize(
    ("path", "cwd"),
    [("features/features", FIXTURES), ("mixed/mixed", FIXTURES), ("future_ann", FIXTURES), ("./models", SHOP)],
)
def test_postgresql_output_loads(provider, scratch_db, path, cwd):
    ddl = provider("--path", path, "--dialect", "postgresql", cwd=cwd).stdout
    loaded = _psql(scratch_db, stdin=ddl)
    assert loaded.returncode == 0, loaded.stderr
    tables = _psql(scratch_db, "-At", "-c", "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
    assert int(tables.stdout.strip()) == ddl.count("CREATE TABLE ")


def shop_at(version: int, into: Path) -> Path:
    """The shop project with `versions/v2..vN` copied over its models, as the end-to-end test does."""
    project = into / "shop"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns("__pycache__"))
    for step in range(2, version + 1):
        for module in sorted((TESTDATA / "versions" / f"v{step}").glob("*.py")):
            shutil.copy(module, project / "models" / module.name)
    return project


@pytest.mark.parametrize("version", [1, 2, 3])
def test_every_shop_version_loads(provider, scratch_db, tmp_path, version):
    project = shop_at(version, tmp_path)
    ddl = provider("--path", "./models", "--dialect", "postgresql", cwd=project).stdout
    loaded = _psql(scratch_db, stdin=ddl)
    assert loaded.returncode == 0, loaded.stderr
    expected = {1: "'shipped');", 2: "'cancelled');", 3: "'cancelled');"}[version]
    assert expected in ddl
    assert ("CREATE TABLE reviews" in ddl) == (version >= 2)
    assert ("phone VARCHAR(32)" in ddl) == (version >= 3)
