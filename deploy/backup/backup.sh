#!/usr/bin/env bash
# One backup run: a pg_dump (custom format, compressed) of each database into
# $BACKUP_DIR/<UTC timestamp>/, then a <timestamp>.ok marker once every dump succeeded.
# Dumps older than BACKUP_KEEP_DAYS go. Connects with PGHOST/PGPORT/PGUSER/PGPASSWORD.
set -euo pipefail
dir="${BACKUP_DIR:?set BACKUP_DIR}"
keep_days="${BACKUP_KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dir/$stamp"
# Every database the backup covers that exists: Temporal's two and examflow's records.
databases="${BACKUP_DATABASES:-temporal temporal_visibility examflow}"
for db in $databases; do
  if [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    echo "[backup] $db does not exist, skipped"
    continue
  fi
  pg_dump --format=custom --compress=6 --file="$dir/$stamp/$db.dump" "$db"
done
# Roles and their grants (not in a per-database dump); passwords are set again by the init jobs.
pg_dumpall --roles-only --no-role-passwords > "$dir/$stamp/roles.sql"
touch "$dir/$stamp.ok"
echo "[backup] $dir/$stamp: $(ls "$dir/$stamp" | tr '\n' ' ')"
find "$dir" -mindepth 1 -maxdepth 1 -mtime +"$keep_days" -exec rm -rf {} +
