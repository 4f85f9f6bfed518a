#!/usr/bin/env bash
# Starts (or stops) the PostgreSQL 15 server the tests talk to: a cluster of its own under
# /tmp, owned by the `postgres` user (the server refuses to run as root), listening on
# 127.0.0.1:${SCHEMACTL_TEST_PG_PORT:-54329}. Idempotent: a running server is left alone.
set -euo pipefail
port=${SCHEMACTL_TEST_PG_PORT:-54329}
data=${SCHEMACTL_TEST_PG_DATA:-/tmp/schemactl-test-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-start}" in
start)
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "test postgres already running on port $port"; exit 0
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"; mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    as_pg "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # A role with a password that needs percent-encoding, for URL and redaction tests.
    cat > "$data/pg_hba.conf" <<HBA
local all all trust
host all schemactl_pw 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 trust
host all all ::1/128 trust
HBA
  fi
  as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c max_locks_per_transaction=4096 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt -c \
    "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='schemactl_pw') THEN CREATE ROLE schemactl_pw LOGIN SUPERUSER PASSWORD 'p@ss/w:rd%1'; END IF; END\$\$;"
  echo "test postgres running: postgres://postgres@127.0.0.1:$port/postgres"
  ;;
stop)
  as_pg "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
