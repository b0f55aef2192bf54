#!/bin/sh
# Worker Versioning rollout step (compose's worker-rollout job; `npm run test:prod` runs the
# same file): once the new build's workers poll every task queue of the deployment, make
# their version current, so new exams and running (auto-upgrade) exams move to it. Until
# then the previous version keeps serving. Waits up to 5 minutes; fails otherwise.
set -eu
temporal="${TEMPORAL_CLI:-temporal}"
address="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
deployment="${EXAMFLOW_DEPLOYMENT_NAME:-examflow}"
: "${EXAMFLOW_BUILD_ID:?set EXAMFLOW_BUILD_ID to the build id to roll out (the image tag)}"

tries=0
until out=$("$temporal" --address "$address" --namespace "$namespace" worker deployment set-current-version \
  --deployment-name "$deployment" --build-id "$EXAMFLOW_BUILD_ID" --yes 2>&1); do
  tries=$((tries + 1))
  if [ "$tries" -ge 150 ]; then echo "[worker-rollout] $deployment.$EXAMFLOW_BUILD_ID did not become current: $out"; exit 1; fi
  sleep 2
done
echo "[worker-rollout] $deployment.$EXAMFLOW_BUILD_ID is the current version"
