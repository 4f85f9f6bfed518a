#!/usr/bin/env bash
# Creates (or updates) a virtualenv with schemactl's SQLAlchemy provider installed editable, its
# test dependencies, Atlas's PyPI provider for compatibility tests, and Alembic with psycopg2 for
# `migrate import --from alembic` tests. Idempotent.
#
#   providers/sqlalchemy/ci-setup.sh VENV_DIR
#
# Afterwards: VENV_DIR/bin/schemactl-sqlalchemy, VENV_DIR/bin/atlas-provider-sqlalchemy and
# VENV_DIR/bin/alembic exist;
# put VENV_DIR/bin on PATH for schemactl to find them; run the tests with
#   VENV_DIR/bin/pytest -q providers/sqlalchemy/tests
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 VENV_DIR" >&2
  exit 2
fi
venv=$1
here=$(cd "$(dirname "$0")" && pwd)

# Versions the tests were written against; bump deliberately.
SQLALCHEMY_VERSION=2.0.58
PYTEST_VERSION=9.2.0
ATLAS_PROVIDER_VERSION=0.5.2
ALEMBIC_VERSION=1.20.1
PSYCOPG2_VERSION=2.9.13

python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)
"${pip[@]}" install \
  "SQLAlchemy==$SQLALCHEMY_VERSION" \
  "pytest==$PYTEST_VERSION" \
  "atlas-provider-sqlalchemy==$ATLAS_PROVIDER_VERSION" \
  "alembic==$ALEMBIC_VERSION" \
  "psycopg2-binary==$PSYCOPG2_VERSION"
# atlas-provider-sqlalchemy accepts any SQLAlchemy; keep ours pinned after it resolved.
"${pip[@]}" install -e "$here[test]" "SQLAlchemy==$SQLALCHEMY_VERSION"

"$venv/bin/schemactl-sqlalchemy" --help >/dev/null
echo "schemactl-sqlalchemy installed in $venv (SQLAlchemy $("$venv/bin/python" -c 'import sqlalchemy; print(sqlalchemy.__version__)'))"
