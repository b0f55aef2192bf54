#!/usr/bin/env bash
# npm run test:prod — the production topology on this machine (test/prod/run.ts). Builds what
# is missing first: npm packages and Debian tools (setup.sh), the Temporal server and
# temporal-sql-tool (prod-tools.sh, go install, once), examflow (tsc).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Debian's PostgreSQL (Temporal's persistence and visibility, examflow's records).
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "[test:prod] installing postgresql from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
bash scripts/prod-tools.sh
npx tsc -p tsconfig.json
node dist/test/prod/run.js
