#!/bin/sh
# One-shot job (compose's temporal-setup; `npm run test:prod` runs the same file): waits for
# the frontend, creates examflow's namespace with the configured retention (or brings the
# retention of an existing one up to date) and registers the custom search attributes.
# Idempotent: "already exists" is success; any other error fails the job, so the API and
# the workers, which wait for this job, never start against a half-set-up namespace.
set -eu

temporal="${TEMPORAL_CLI:-temporal}"
address="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
retention_days="${EXAMFLOW_HISTORY_RETENTION_DAYS:-7}"
# examflow's custom search attributes (workflows/search-attributes.ts; test/compose.test.ts
# checks this list against it).
search_attributes="ExamStatus:Keyword ExamStep:Keyword Subject:Keyword TenantId:Keyword TemplateId:Keyword StudentId:Keyword ExamScore:Double"

say() { echo "[temporal-setup] $*"; }
t() { "$temporal" --address "$address" "$@"; }

tries=0
until t operator cluster health >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 90 ]; then say "the Temporal frontend at $address did not answer within 3 minutes"; exit 1; fi
  sleep 2
done

case "$retention_days" in ''|*[!0-9]*) say "EXAMFLOW_HISTORY_RETENTION_DAYS must be a whole number of days, not '$retention_days'"; exit 1;; esac
if t operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  t operator namespace update --namespace "$namespace" --retention "${retention_days}d" >/dev/null
  say "namespace $namespace: retention ${retention_days}d"
else
  t operator namespace create --namespace "$namespace" --retention "${retention_days}d" >/dev/null
  say "namespace $namespace created, retention ${retention_days}d"
fi

# A namespace created a moment ago may not be known to every service yet: retry for a while,
# but only on errors other than "already exists".
for sa in $search_attributes; do
  name="${sa%%:*}"; type="${sa##*:}"
  tries=0
  while :; do
    if out=$(t operator search-attribute create --namespace "$namespace" --name "$name" --type "$type" 2>&1); then break; fi
    case "$out" in *"already exists"*|*"AlreadyExists"*) break;; esac
    tries=$((tries + 1))
    if [ "$tries" -ge 15 ]; then say "cannot register search attribute $name ($type): $out"; exit 1; fi
    sleep 2
  done
done

# Check the outcome rather than trust it: every attribute is there with its type.
listed=$(t operator search-attribute list --namespace "$namespace")
for sa in $search_attributes; do
  name="${sa%%:*}"; type="${sa##*:}"
  if ! echo "$listed" | grep -E "^[[:space:]]*$name[[:space:]]+$type[[:space:]]*$" >/dev/null; then
    say "search attribute $name is missing or not of type $type:"; echo "$listed"; exit 1
  fi
done
say "search attributes registered: $search_attributes"
