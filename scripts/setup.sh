#!/usr/bin/env bash
# Idempotent setup for a fresh machine that reaches only the npm registry, Debian's
# packages and the Go module proxy. `npm start` and `npm test` run it; it does only what
# is missing, so a second run takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION=v1.5.1   # later tags carry a `replace` directive that `go install` refuses
say() { printf '[setup] %s\n' "$*"; }

# 1. npm packages, exactly as locked. .puppeteerrc.cjs stops puppeteer downloading a browser;
#    ONNXRUNTIME_NODE_INSTALL=skip stops onnxruntime-node's installer fetching GPU extras (its
#    CPU build ships in the package). Not an .npmrc setting: npm warns on every command about it.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
fi

# 2. Chromium (fixtures, the web page tests) and its headless shell (reports), CJK fonts and poppler's pdftoppm (PDF uploads), from Debian.
missing=()
command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
# its headless shell prints the PDFs (lib/documents/browser.ts, pdfChromium)
[ -x "${CHROMIUM_HEADLESS_SHELL_PATH:-/usr/bin/chromium-headless-shell}" ] || missing+=(chromium-headless-shell)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# (grep without -q: an early exit would SIGPIPE fc-list and fail the pipeline under pipefail)
fc-list 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null || missing+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -i 'Liberation Sans' >/dev/null || missing+=(fonts-liberation)
# Handwriting fonts: training data of the handwriting classifier (npm run train:marks) and the
# held-out handwriting of its tests and the answer-table fixtures (scripts/marks/glyph-sources.ts).
command -v dpkg-query >/dev/null 2>&1 && for pkg in fonts-breip fonts-femkeklaver fonts-rufscript fonts-kristi fonts-sjfonts fonts-comic-neue fonts-dancingscript fonts-bwht fonts-kiloji fonts-arphic-ukai fonts-dkg-handwriting fonts-humor-sans fonts-klee fonts-seto \
    fonts-nanum-extra fonts-tlwg-purisa-ttf fonts-sil-andika fonts-kaushanscript fonts-lxgw-wenkai fonts-opendyslexic fonts-arphic-gkai00mp \
    fonts-ecolier-court fonts-fantasque-sans fonts-cwtex-kai; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep 'ok installed' >/dev/null || missing+=("$pkg")
done
# redis-server (tag cache test) and docker-compose (validates docker-compose.yml) for the tests.
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# jemalloc, which the workers run on (lib/allocator.ts; redis-server depends on it too).
ls /usr/lib/*-linux-gnu/libjemalloc.so.2 >/dev/null 2>&1 || missing+=(libjemalloc2)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
# PostgreSQL, the records database that npm start and the tests run locally (any version:
# the code finds the newest /usr/lib/postgresql/<version>/bin).
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing ${missing[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
  else
    say "missing ${missing[*]}: run 'sudo apt-get install -y ${missing[*]}'"; exit 1
  fi
fi

# 3. The Temporal CLI (dev server + Web UI), pinned.
gobin() { echo "$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"; }
if [ -n "${TEMPORAL_CLI:-}" ] && [ -x "$TEMPORAL_CLI" ]; then :
elif command -v temporal >/dev/null 2>&1; then :
elif command -v go >/dev/null 2>&1 && [ -x "$(gobin)/temporal" ]; then :
else
  command -v go >/dev/null 2>&1 || { say "the Temporal CLI is missing and there is no Go toolchain to build it: install Go, or put 'temporal' on PATH"; exit 1; }
  say "building the Temporal CLI $TEMPORAL_CLI_VERSION with go install (a few minutes, once)"
  go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
fi
