#!/usr/bin/env bash
# Starts (or stops) the MariaDB server the tests talk to: a data directory of its own under
# /tmp, run as the `mysql` user, listening on 127.0.0.1:${SCHEMACTL_TEST_MYSQL_PORT:-33069}
# with a socket beside its data. Idempotent: a running server is left alone. Settings favour
# speed over durability (it is thrown away).
set -euo pipefail
port=${SCHEMACTL_TEST_MYSQL_PORT:-33069}
data=${SCHEMACTL_TEST_MYSQL_DATA:-/tmp/schemactl-test-mariadb}
socket="$data.sock"
as_mysql() { if [ "$(id -u)" = 0 ]; then runuser -u mysql -- "$@"; else "$@"; fi; }
client() { mariadb --protocol=socket -S "$socket" -uroot "$@"; }

case "${1:-start}" in
start)
  if client -e 'SELECT 1' >/dev/null 2>&1; then
    echo "test mariadb already running on port $port"; exit 0
  fi
  if [ ! -d "$data/mysql" ]; then
    rm -rf "$data"; mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown mysql:mysql "$data"
    as_mysql mariadb-install-db --no-defaults --datadir="$data" --auth-root-authentication-method=normal \
      --skip-test-db >"$data.install.log" 2>&1
  fi
  (as_mysql mariadbd --no-defaults --datadir="$data" --socket="$socket" --port="$port" \
     --bind-address=127.0.0.1 --pid-file="$data.pid" --log-error="$data.err" \
     --innodb-flush-log-at-trx-commit=0 --sync-binlog=0 --innodb-doublewrite=0 \
     --innodb-buffer-pool-size=256M --max-connections=300 --skip-name-resolve \
     --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci >/dev/null 2>&1 &)
  for _ in $(seq 1 120); do client -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.25; done
  client -e 'SELECT 1' >/dev/null 2>&1 || { echo "mariadb did not start; see $data.err" >&2; exit 1; }
  # root over TCP without a password, and a user whose password needs percent-encoding, for
  # URL and redaction tests.
  client -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
             GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
             CREATE USER IF NOT EXISTS 'schemactl_pw'@'127.0.0.1' IDENTIFIED BY 'p@ss/w:rd%1';
             GRANT ALL ON *.* TO 'schemactl_pw'@'127.0.0.1';"
  echo "test mariadb running: mysql://root@127.0.0.1:$port/"
  ;;
stop)
  if [ -f "$data.pid" ]; then
    kill "$(cat "$data.pid")" 2>/dev/null || true
    for _ in $(seq 1 80); do kill -0 "$(cat "$data.pid" 2>/dev/null)" 2>/dev/null || break; sleep 0.25; done
  fi
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
