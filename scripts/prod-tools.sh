#!/usr/bin/env bash
# Builds the Temporal server and temporal-sql-tool of the production images (v1.29.1) with
# `go install`, when they are missing or of another version (about two minutes, once). The
# schema files come with the module, in Go's module cache.
set -euo pipefail
VERSION=v1.29.1
bin="$(go env GOBIN)"; bin="${bin:-$(go env GOPATH)/bin}"
for tool in server:go.temporal.io/server/cmd/server tools/sql:go.temporal.io/server/cmd/tools/sql; do
  pkg="${tool#*:}"; file="$bin/$(basename "${tool%%:*}")"
  if [ -x "$file" ] && go version -m "$file" 2>/dev/null | grep -E "^[[:space:]]+mod[[:space:]]+go.temporal.io/server[[:space:]]+$VERSION\b" >/dev/null; then continue; fi
  echo "[prod-tools] go install $pkg@$VERSION (a few minutes, once)"
  go install "$pkg@$VERSION"
done
