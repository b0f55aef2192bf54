#!/bin/sh
# One-shot job (compose's temporal-schema; `npm run test:prod` runs the same file): creates
# Temporal's two PostgreSQL databases when missing and brings their schemas to the versions
# the server binary needs. Run it before every server upgrade: update-schema applies only the
# versions not applied yet, so a second run changes nothing. Real errors fail the job.
set -eu

tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
schema_dir="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS to the PostgreSQL host}"
: "${POSTGRES_USER:?set POSTGRES_USER}"
: "${POSTGRES_PWD:?set POSTGRES_PWD}"
# temporal-sql-tool reads the password from SQL_PASSWORD (kept off the command line).
export SQL_PASSWORD="$POSTGRES_PWD"

say() { echo "[temporal-schema] $*"; }
sql() { "$tool" --plugin postgres12 --endpoint "$POSTGRES_SEEDS" --port "${DB_PORT:-5432}" --user "$POSTGRES_USER" "$@"; }

# "already exists" is the idempotent case; anything else is a real error.
tolerate_exists() {
  if out=$("$@" 2>&1); then return 0; fi
  case "$out" in *"already exists"*) return 0;; esac
  echo "$out" >&2
  return 1
}

for pair in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  db="${pair%%:*}"; kind="${pair##*:}"
  # The first call doubles as the wait for PostgreSQL (up to 2 minutes after the container starts).
  tries=0
  until tolerate_exists sql --database "$db" create-database 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then tolerate_exists sql --database "$db" create-database; exit 1; fi
    sleep 2
  done
  tolerate_exists sql --database "$db" setup-schema --version 0.0
  sql --database "$db" update-schema --schema-dir "$schema_dir/$kind/versioned"
  say "$db: schema up to date ($kind)"
done
