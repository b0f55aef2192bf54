#!/usr/bin/env bash
# Restores one backup (a folder that backup.sh wrote) into a PostgreSQL server, and the
# object store's mirrored files when given:
#
#   deploy/backup/restore.sh /backups/postgres/20261130T020000Z [/backups/objects]
#
# with PGHOST/PGPORT/PGUSER/PGPASSWORD of an admin of the target server. Stop the API, the
# workers and Temporal first (docker compose stop api worker-ocr worker-default temporal).
# Each database is dropped and recreated from its dump, so the result is exactly the backup.
# Objects go back with `weed filer.copy` to OBJECT_STORE_FILER (default object-store:8888).
set -euo pipefail
backup="${1:?usage: restore.sh <backup folder> [<mirrored objects folder>]}"
objects="${2:-}"
[ -f "$backup.ok" ] || { echo "[restore] $backup has no .ok marker: that run did not finish, pick another" >&2; exit 1; }

if [ -f "$backup/roles.sql" ]; then
  # Existing roles make CREATE ROLE fail harmlessly; everything else must succeed.
  psql -d postgres -q -f "$backup/roles.sql" 2>&1 | grep -v 'already exists' || true
fi
for dump in "$backup"/*.dump; do
  db="$(basename "$dump" .dump)"
  echo "[restore] $db from $dump"
  psql -d postgres -v ON_ERROR_STOP=1 -q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
  # --create: the database comes back with its owner and settings, then its contents.
  pg_restore --exit-on-error --create -d postgres "$dump"
done

if [ -n "$objects" ]; then
  filer="${OBJECT_STORE_FILER:-object-store:8888}"
  echo "[restore] objects from $objects to $filer"
  weed filer.copy -include='*' "$objects/buckets/examflow/" "http://$filer/buckets/examflow/"
fi
echo "[restore] done. Logins come back without passwords: run the init jobs again"
echo "[restore] (docker compose up -d examflow-db-init), then start temporal, the API and the workers"
