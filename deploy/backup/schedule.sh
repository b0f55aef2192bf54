#!/usr/bin/env bash
# compose's backup service: one backup at start, then one every BACKUP_INTERVAL_HOURS. A
# failed run is logged and retried at the next interval; the healthcheck turns the service
# unhealthy when no run succeeded for longer than the interval.
set -uo pipefail
interval_hours="${BACKUP_INTERVAL_HOURS:-24}"
while :; do
  bash /opt/backup/backup.sh || echo "[backup] FAILED at $(date -u +%FT%TZ); next try in ${interval_hours} h"
  sleep "$((interval_hours * 3600))"
done
