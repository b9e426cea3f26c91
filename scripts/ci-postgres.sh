#!/usr/bin/env bash
# Install (if needed) and start a local PostgreSQL server for the storage tests, then print
#   export ATMPNAV_TEST_POSTGRES_URL=postgresql+psycopg://USER:PASSWORD@127.0.0.1:PORT/DB
# as the last line of stdout (everything else goes to stderr), so callers can do
#   eval "$(bash scripts/ci-postgres.sh | tail -n 1)"
#
# For a fresh Debian machine running as root (CI). Idempotent: run it again and it reuses the
# installed package, the cluster, the role and the database. Uses Debian's postgresql package
# and its cluster tools (pg_lsclusters / pg_createcluster / pg_ctlcluster).
#
# Settings (environment): ATMPNAV_PG_USER (atmpnav_test), ATMPNAV_PG_PASSWORD (atmpnav_test),
# ATMPNAV_PG_DB (atmpnav_test), ATMPNAV_PG_PORT (port of the cluster; default: the existing
# cluster's port, else 5432).
set -euo pipefail

PG_USER="${ATMPNAV_PG_USER:-atmpnav_test}"
PG_PASSWORD="${ATMPNAV_PG_PASSWORD:-atmpnav_test}"
PG_DB="${ATMPNAV_PG_DB:-atmpnav_test}"

log() { printf 'ci-postgres: %s\n' "$*" >&2; }

if [[ "$(id -u)" != 0 ]]; then
  log "must run as root (installs packages and manages the cluster as the postgres user)"
  exit 1
fi

# 1. The package.
if ! command -v pg_lsclusters >/dev/null 2>&1 || ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
  log "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
CLUSTER="main"

# 2. The cluster (Debian's postinst usually creates "main"; create it if it does not exist).
if ! pg_lsclusters --no-header 2>/dev/null | awk '{print $1" "$2}' | grep -qx "${VERSION} ${CLUSTER}"; then
  log "creating cluster ${VERSION}/${CLUSTER}"
  pg_createcluster ${ATMPNAV_PG_PORT:+--port "$ATMPNAV_PG_PORT"} "$VERSION" "$CLUSTER" >&2
fi
PORT="$(pg_lsclusters --no-header | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $3}')"

# Listen on the loopback address only.
CONF="/etc/postgresql/${VERSION}/${CLUSTER}/postgresql.conf"
if ! grep -qE "^listen_addresses *= *'127.0.0.1'" "$CONF"; then
  printf "\nlisten_addresses = '127.0.0.1'\n" >>"$CONF"
fi

# 3. Start it (pg_ctlcluster works without systemd, e.g. in containers).
STATUS="$(pg_lsclusters --no-header | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}')"
if [[ "$STATUS" != online* ]]; then
  log "starting cluster ${VERSION}/${CLUSTER} on port ${PORT}"
  pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi
for _ in $(seq 1 30); do
  if runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 1
done
runuser -u postgres -- pg_isready -h 127.0.0.1 -p "$PORT" >&2

# 4. The test role and database (password authentication over TCP is Debian's default: scram-sha-256).
psql_admin() { runuser -u postgres -- psql -p "$PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }
if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '${PG_USER}'")" != 1 ]]; then
  log "creating role ${PG_USER}"
  psql_admin -c "CREATE ROLE \"${PG_USER}\" LOGIN PASSWORD '${PG_PASSWORD}'" >&2
else
  psql_admin -c "ALTER ROLE \"${PG_USER}\" LOGIN PASSWORD '${PG_PASSWORD}'" >&2
fi
if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '${PG_DB}'")" != 1 ]]; then
  log "creating database ${PG_DB}"
  psql_admin -c "CREATE DATABASE \"${PG_DB}\" OWNER \"${PG_USER}\"" >&2
fi
# The tests create one schema per test in this database.
psql_admin -d "$PG_DB" -c "GRANT CREATE ON DATABASE \"${PG_DB}\" TO \"${PG_USER}\"" >&2

# A second login role for the test that runs the app with INSERT and SELECT only on the record tables
# (the test grants it those rights on its own schema; the role itself owns nothing).
APP_USER="${PG_USER}_app"
if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '${APP_USER}'")" != 1 ]]; then
  log "creating role ${APP_USER}"
  psql_admin -c "CREATE ROLE \"${APP_USER}\" LOGIN PASSWORD '${APP_USER}'" >&2
fi
psql_admin -d "$PG_DB" -c "GRANT CONNECT ON DATABASE \"${PG_DB}\" TO \"${APP_USER}\"" >&2

log "PostgreSQL ${VERSION} ready on 127.0.0.1:${PORT}, database ${PG_DB}"
echo "export ATMPNAV_TEST_POSTGRES_URL=postgresql+psycopg://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${PORT}/${PG_DB}"
