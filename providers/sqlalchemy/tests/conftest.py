"""Helpers: run the provider as the program schemactl runs (a fresh interpreter each time)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def run_provider(*args: str, cwd: Path, hash_seed: str = "0") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    return subprocess.run(
        [sys.executable, "-m", "schemactl_sqlalchemy", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def provider():
    def run(*args: str, cwd: Path = FIXTURES, expect_ok: bool = True, hash_seed: str = "0") -> subprocess.CompletedProcess:
        result = run_provider(*args, cwd=cwd, hash_seed=hash_seed)
        if expect_ok:
            assert result.returncode == 0, result.stderr
        return result

    return run
