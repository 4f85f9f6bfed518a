#!/usr/bin/env bash
# Builds, without any registry, the local images the docker tests use:
#   schemactl-test/postgres:15  — the host's own PostgreSQL 15 (Debian's postgresql-15 package)
#   in a minimal root filesystem, with an entrypoint honouring the official `postgres` image's
#   environment contract (POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB, extra `-c` arguments)
#   and listening on 5432.
# Idempotent: does nothing when the tag exists (pass --force to rebuild).
# Needs: docker, postgresql-15 installed on the host, dash, sed, ldd.
set -euo pipefail
TAG=${SCHEMACTL_TEST_PG_IMAGE:-schemactl-test/postgres:15}
PG=/usr/lib/postgresql/15

if [ "${1:-}" != "--force" ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "$TAG exists" >&2
  exit 0
fi
[ -x "$PG/bin/postgres" ] || { echo "postgresql-15 is not installed ($PG/bin/postgres)" >&2; exit 1; }

old_id=$(docker image inspect --format '{{.Id}}' "$TAG" 2>/dev/null || true)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# Copies a file (following symlinks) to the same path under the root.
put() {
  mkdir -p "$root$(dirname "$1")"
  cp -L "$1" "$root$1"
}

# Programs and the shared libraries they load; llvmjit is left out (the image runs with jit=off).
programs=("$PG/bin/postgres" "$PG/bin/initdb" /bin/dash /bin/sed /bin/cat)
libs=()
for so in "$PG"/lib/*.so; do
  case "$so" in */llvmjit*) continue ;; esac
  libs+=("$so")
done
for file in "${programs[@]}" "${libs[@]}"; do
  put "$file"
done
ldd "${programs[@]}" "${libs[@]}" 2>/dev/null \
  | grep -oE '/[^ ]+\.so[^ ]*' | sort -u | grep -v '/usr/lib/postgresql/' \
  | while read -r lib; do put "$lib"; done
# The loader itself (ldd lists it by its absolute path, caught above) and its lib64 link.
mkdir -p "$root/lib64"
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/" 2>/dev/null || true

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

tar -C "$root" -c . | docker import \
  --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]' \
  --change 'USER postgres' \
  --change 'EXPOSE 5432' \
  --change 'ENV PGDATA=/var/lib/postgresql/data TZ=UTC LANG=C.UTF-8' \
  - "$TAG" >/dev/null
# A rebuild leaves the old image untagged: remove it unless a container still uses it.
if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect --format '{{.Id}}' "$TAG")" ]; then
  docker rmi "$old_id" >/dev/null 2>&1 || true
fi
echo "built $TAG" >&2
