#!/bin/sh
# One-shot job (compose's examflow-db-init; `npm run test:prod` runs the same file): gives
# examflow its own login and database on the PostgreSQL server Temporal uses, so the app
# never holds the Temporal superuser's password. Idempotent; the password is (re)set each run.
# Connects with the libpq variables PGHOST, PGPORT, PGUSER (an admin) and PGPASSWORD.
set -eu
: "${EXAMFLOW_DB_PASSWORD:?set EXAMFLOW_DB_PASSWORD for the examflow database user}"
db="${EXAMFLOW_DB_NAME:-examflow}"
user="${EXAMFLOW_DB_USER:-examflow}"

psql -v ON_ERROR_STOP=1 -d postgres -q \
  -v user="$user" -v db="$db" -v password="$EXAMFLOW_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'user') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
ALTER ROLE :"user" WITH LOGIN PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
echo "[examflow-db-init] database $db ready for user $user"
