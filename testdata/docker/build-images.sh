#!/usr/bin/env bash
# Builds, without any registry, the local images the docker tests use, each from the host's own
# Debian packages in a minimal root filesystem:
#   schemactl-test/postgres:15    — PostgreSQL 15 (postgresql-15), with an entrypoint honouring
#     the official `postgres` image's environment contract (POSTGRES_PASSWORD, POSTGRES_USER,
#     POSTGRES_DB, extra `-c` arguments), listening on 5432.
#   schemactl-test/mariadb:10.11  — MariaDB 10.11 (mariadb-server), with an entrypoint honouring
#     the official `mariadb` image's (MARIADB_*/MYSQL_* root password, empty root password,
#     database, user), listening on 3306 on all interfaces.
# Usage: build-images.sh [--force] [postgres] [mariadb]   (no names: both)
# Idempotent: an image whose tag exists is left alone (pass --force to rebuild).
# Needs: docker, the server packages above on the host, dash, sed, ldd; root (file ownership).
set -euo pipefail
PG_TAG=${SCHEMACTL_TEST_PG_IMAGE:-schemactl-test/postgres:15}
MARIADB_TAG=${SCHEMACTL_TEST_MARIADB_IMAGE:-schemactl-test/mariadb:10.11}
PG=/usr/lib/postgresql/15

force=0
wanted=()
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    postgres | mariadb) wanted+=("$arg") ;;
    *) echo "usage: $0 [--force] [postgres] [mariadb]" >&2; exit 2 ;;
  esac
done
[ ${#wanted[@]} -gt 0 ] || wanted=(postgres mariadb)

root=""
trap '[ -z "$root" ] || rm -rf "$root"' EXIT

# Copies a file (following symlinks) to the same path under the root.
put() {
  mkdir -p "$root$(dirname "$1")"
  cp -L "$1" "$root$1"
}

# Copies programs and libraries with every shared library they load (except those under
# $1, copied already), and the loader.
put_with_libs() {
  local skip=$1
  shift
  for file in "$@"; do
    put "$file"
  done
  ldd "$@" 2>/dev/null \
    | grep -oE '/[^ ]+\.so[^ ]*' | sort -u | grep -v "^$skip" \
    | while read -r lib; do put "$lib"; done
  # The loader itself (ldd lists it by its absolute path, caught above) and its lib64 link.
  mkdir -p "$root/lib64"
  cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/" 2>/dev/null || true
}

# Whether image $1 must be built (absent, or --force).
needs_build() {
  if [ "$force" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; then
    echo "$1 exists" >&2
    return 1
  fi
}

# `docker import`s the root as tag $1 with the --change options that follow; a rebuild's old
# image is removed unless a container still uses it.
import_root() {
  local tag=$1
  shift
  local old_id
  old_id=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  local changes=()
  for change in "$@"; do
    changes+=(--change "$change")
  done
  tar -C "$root" -c . | docker import "${changes[@]}" - "$tag" >/dev/null
  if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect --format '{{.Id}}' "$tag")" ]; then
    docker rmi "$old_id" >/dev/null 2>&1 || true
  fi
  rm -rf "$root"
  root=""
  echo "built $tag" >&2
}

build_postgres() {
  needs_build "$PG_TAG" || return 0
  [ -x "$PG/bin/postgres" ] || { echo "postgresql-15 is not installed ($PG/bin/postgres)" >&2; exit 1; }
  root=$(mktemp -d)

  # Programs and the shared libraries they load; llvmjit is left out (the image runs with jit=off).
  programs=("$PG/bin/postgres" "$PG/bin/initdb" /bin/dash /bin/sed /bin/cat)
  libs=()
  for so in "$PG"/lib/*.so; do
    case "$so" in */llvmjit*) continue ;; esac
    libs+=("$so")
  done
  put_with_libs /usr/lib/postgresql/ "${programs[@]}" "${libs[@]}"
  # Data the server reads: share dir (catalog bootstrap files, tsearch data), time zones.
  mkdir -p "$root/usr/share/postgresql" "$root/usr/share/zoneinfo"
  cp -a /usr/share/postgresql/15 "$root/usr/share/postgresql/"
  cp -a /usr/share/zoneinfo/UTC /usr/share/zoneinfo/Etc "$root/usr/share/zoneinfo/" 2>/dev/null || true
  cp -a /usr/share/zoneinfo/tzdata.zi "$root/usr/share/zoneinfo/" 2>/dev/null || true
  ln -s dash "$root/bin/sh"

  # The postgres user (uid 999 as in the official image) owns the data directory.
  mkdir -p "$root/etc" "$root/tmp" "$root/var/lib/postgresql/data" "$root/var/run/postgresql"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\npostgres:x:999:\n' >"$root/etc/group"
  chown -R 999:999 "$root/var/lib/postgresql" "$root/var/run/postgresql"
  chmod 700 "$root/var/lib/postgresql/data"

  mkdir -p "$root/usr/local/bin"
  cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
#!/bin/sh
# Like the official image: initialise the data directory on first start from POSTGRES_USER,
# POSTGRES_PASSWORD and POSTGRES_DB, then exec the server with any extra arguments.
set -eu
PGBIN=/usr/lib/postgresql/15/bin
PGDATA=${PGDATA:-/var/lib/postgresql/data}
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
case "${1:-}" in -*|'') set -- postgres "$@" ;; esac
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    echo "Error: Database is uninitialized and superuser password is not specified." >&2
    echo "       Set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust)." >&2
    exit 1
  fi
  pwfile=/tmp/pwfile
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  "$PGBIN/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 --locale=C \
    --auth-local=trust --auth-host="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" \
    --no-sync >/dev/null
  : >"$pwfile"
  printf 'host all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >>"$PGDATA/pg_hba.conf"
  printf "listen_addresses = '*'\njit = off\n" >>"$PGDATA/postgresql.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    quoted=$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')
    echo "CREATE DATABASE \"$quoted\";" \
      | "$PGBIN/postgres" --single -D "$PGDATA" -j postgres >/dev/null
  fi
  echo "PostgreSQL init process complete; ready for start up." >&2
fi
if [ "$1" = postgres ]; then
  shift
  exec "$PGBIN/postgres" -D "$PGDATA" "$@"
fi
exec "$@"
ENTRY
  chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"

  import_root "$PG_TAG" \
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    'CMD ["postgres"]' \
    'USER postgres' \
    'EXPOSE 5432' \
    'ENV PGDATA=/var/lib/postgresql/data TZ=UTC LANG=C.UTF-8'
}

# The MariaDB image. Its system tables are created here, at build time, with the host's
# mariadb-install-db (a container then starts in about a second, not after an install); the
# entrypoint sets the root password, the database and the user from the environment at first
# start, through an init file the server runs before it serves connections.
MARIADB_PLUGINS=/usr/lib/mysql/plugin
build_mariadb() {
  needs_build "$MARIADB_TAG" || return 0
  [ -x /usr/sbin/mariadbd ] && command -v mariadb-install-db >/dev/null \
    || { echo "mariadb-server is not installed (/usr/sbin/mariadbd, mariadb-install-db)" >&2; exit 1; }
  root=$(mktemp -d)

  # The server, its plugins (PAM's setuid helper left out) and what they load.
  plugins=()
  for so in "$MARIADB_PLUGINS"/*.so; do plugins+=("$so"); done
  put_with_libs "$MARIADB_PLUGINS/" /usr/sbin/mariadbd /bin/dash /bin/sed /bin/cat "${plugins[@]}"
  ln -s dash "$root/bin/sh"

  # Messages and character sets (the share dir's SQL scripts are for the install, done here).
  mkdir -p "$root/usr/share/mysql" "$root/usr/share/zoneinfo"
  cp -a /usr/share/mysql/charsets "$root/usr/share/mysql/"
  for dir in /usr/share/mysql/*/; do
    [ -f "$dir/errmsg.sys" ] && put "$dir/errmsg.sys"
  done
  cp -a /usr/share/zoneinfo/UTC /usr/share/zoneinfo/Etc "$root/usr/share/zoneinfo/" 2>/dev/null || true

  # Settings for a throwaway server: reachable from outside the container, no durability,
  # utf8mb4 as the Debian package and the official image configure it.
  mkdir -p "$root/etc/mysql" "$root/tmp" "$root/run/mysqld" "$root/var/lib/mysql"
  chmod 1777 "$root/tmp"
  cat >"$root/etc/mysql/my.cnf" <<'CNF'
[mariadbd]
datadir = /var/lib/mysql
socket = /run/mysqld/mysqld.sock
pid-file = /run/mysqld/mysqld.pid
port = 3306
bind-address = *
skip-name-resolve
host-cache-size = 0
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
lc-messages-dir = /usr/share/mysql
plugin-dir = /usr/lib/mysql/plugin
innodb-log-file-size = 32M
innodb-flush-log-at-trx-commit = 0
innodb-doublewrite = 0
innodb-use-native-aio = 0
[client]
socket = /run/mysqld/mysqld.sock
CNF

  # The system tables: root@localhost without a password (the entrypoint sets it), no other
  # account of root, no test database, no trace of the build host.
  local cleanup="$root/tmp/cleanup.sql"
  printf '%s\n' \
    "DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost';" \
    "DELETE FROM mysql.proxies_priv WHERE User = 'root' AND Host <> 'localhost';" >"$cleanup"
  # Its own temp dir: the bootstrap server deletes every #sql* file in its tmpdir, which in
  # /tmp would be the temporary tables of a test server running beside the build.
  mariadb-install-db --no-defaults --cross-bootstrap --auth-root-authentication-method=normal \
    --skip-test-db --user=root --datadir="$root/var/lib/mysql" --extra-file="$cleanup" \
    --tmpdir="$root/tmp" \
    --innodb-log-file-size=32M --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_general_ci >"$root/tmp/install.log" 2>&1 \
    || { cat "$root/tmp/install.log" >&2; exit 1; }
  rm -f "$cleanup" "$root/tmp/install.log"

  # The mysql user (uid 999 as in the official image) owns the data and the socket directory.
  printf 'root:x:0:0:root:/root:/bin/sh\nmysql:x:999:999:MariaDB:/var/lib/mysql:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\nmysql:x:999:\n' >"$root/etc/group"
  chown -R 999:999 "$root/var/lib/mysql" "$root/run/mysqld"

  mkdir -p "$root/usr/local/bin"
  cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
#!/bin/sh
# Like the official image: on first start, the root password (MARIADB_ROOT_PASSWORD, or empty
# with MARIADB_ALLOW_EMPTY_ROOT_PASSWORD), root's host (MARIADB_ROOT_HOST, default %), a
# database (MARIADB_DATABASE) and a user with all rights on it (MARIADB_USER,
# MARIADB_PASSWORD); each MARIADB_X may be MYSQL_X (MYSQL_ALLOW_EMPTY_PASSWORD for the empty
# password) or X_FILE naming a file that holds it. Arguments starting with `-` go to mariadbd.
set -eu
DATADIR=/var/lib/mysql
MARKER=$DATADIR/.schemactl-initialised

# The value of MARIADB_$1 or MYSQL_$1 (or their _FILE), first found; $2 is MySQL's own name.
setting() {
  for name in "MARIADB_$1" "${2:-MYSQL_$1}"; do
    eval "file=\${${name}_FILE:-}"
    if [ -n "$file" ]; then cat "$file"; return; fi
    eval "value=\${${name}:-}"
    if [ -n "$value" ]; then printf '%s' "$value"; return; fi
  done
}
# A '…' SQL string's content, and a `…` name's.
sql_string() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g"; }
sql_name() { printf '%s' "$1" | sed -e 's/`/``/g'; }

case "${1:-}" in -*|'') set -- mariadbd "$@" ;; esac
if [ "$1" != mariadbd ] && [ "$1" != mysqld ]; then
  exec "$@"
fi
shift
if [ ! -e "$MARKER" ]; then
  root_password=$(setting ROOT_PASSWORD)
  allow_empty=$(setting ALLOW_EMPTY_ROOT_PASSWORD MYSQL_ALLOW_EMPTY_PASSWORD)
  if [ -z "$root_password" ] && [ -z "$allow_empty" ]; then
    echo "Error: Database is uninitialized and password option is not specified." >&2
    echo "       Set MARIADB_ROOT_PASSWORD (or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1)." >&2
    exit 1
  fi
  root_host=$(setting ROOT_HOST)
  database=$(setting DATABASE)
  user=$(setting USER)
  password=$(setting PASSWORD)
  if [ "$user" = root ]; then
    echo "Error: MARIADB_USER=root: root exists already; set MARIADB_ROOT_PASSWORD instead." >&2
    exit 1
  fi
  pw=$(sql_string "$root_password")
  host=$(sql_string "${root_host:-%}")
  init=/run/mysqld/init.sql
  # printf, not echo: dash's echo would turn the backslashes of an escaped value into escapes.
  {
    printf '%s\n' "ALTER USER 'root'@'localhost' IDENTIFIED BY '$pw';"
    if [ "${root_host:-%}" != localhost ]; then
      printf '%s\n' "CREATE USER 'root'@'$host' IDENTIFIED BY '$pw';"
      printf '%s\n' "GRANT ALL ON *.* TO 'root'@'$host' WITH GRANT OPTION;"
    fi
    if [ -n "$database" ]; then
      printf '%s\n' "CREATE DATABASE IF NOT EXISTS \`$(sql_name "$database")\`;"
    fi
    if [ -n "$user" ]; then
      printf '%s\n' "CREATE USER '$(sql_string "$user")'@'%' IDENTIFIED BY '$(sql_string "$password")';"
      if [ -n "$database" ]; then
        # In GRANT, _ and % in a database name are wildcards unless escaped.
        grant_db=$(sql_name "$database" | sed -e 's/\\/\\\\/g' -e 's/_/\\_/g' -e 's/%/\\%/g')
        printf '%s\n' "GRANT ALL ON \`$grant_db\`.* TO '$(sql_string "$user")'@'%';"
      fi
    fi
  } >"$init"
  # Marked before the server runs the file: a failing statement is in the server's log, and a
  # restart does not run the file again (a throwaway container is removed, not repaired).
  : >"$MARKER"
  echo "MariaDB init: the init file sets up the accounts and the database at this first start." >&2
  set -- --init-file="$init" "$@"
fi
exec /usr/sbin/mariadbd "$@"
ENTRY
  chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"

  import_root "$MARIADB_TAG" \
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    'CMD ["mariadbd"]' \
    'USER mysql' \
    'EXPOSE 3306' \
    'ENV TZ=UTC LANG=C.UTF-8'
}

for image in "${wanted[@]}"; do
  "build_$image"
done
