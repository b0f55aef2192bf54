# syntax=docker/dockerfile:1
# examflow API and workers: one image, the compose command picks the role.
# Build: docker compose build (examflow:<package.json version>, the same value as the
# Worker Versioning build id EXAMFLOW_BUILD_ID). Node 22 LTS (Node 20 ended 2026-04-30).

# --- build: compile the TypeScript, then keep production packages only -------------------
FROM node:22.20.0-bookworm-slim AS build
WORKDIR /app
# Reports use Debian's Chromium (below): puppeteer must not download its own.
ENV PUPPETEER_SKIP_DOWNLOAD=true
# onnxruntime-node's CPU build ships in its npm package; its installer must not fetch CUDA extras.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .puppeteerrc.cjs ./
RUN npm ci --no-audit --no-fund
# The app only (.dockerignore keeps tests, benchmarks, dev scripts and secrets out).
COPY . .
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

# --- runtime: Debian with Chromium and its headless shell (reports), CJK fonts (Chinese reports), poppler (PDF uploads) and
# jemalloc, which the workers preload (lib/allocator.ts: glibc's arenas kept their RSS high)
FROM node:22.20.0-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium chromium-headless-shell fonts-noto-cjk fonts-liberation fontconfig poppler-utils tini ca-certificates libjemalloc2 \
 && ln -s "$(ls /usr/lib/*-linux-gnu/libjemalloc.so.2)" /usr/local/lib/libjemalloc.so.2 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The Worker Versioning build id: the image's tag, given by compose as a build argument.
ARG EXAMFLOW_BUILD_ID
ENV EXAMFLOW_BUILD_ID=${EXAMFLOW_BUILD_ID} \
    NODE_ENV=production \
    CHROMIUM_PATH=/usr/bin/chromium \
    CHROMIUM_HEADLESS_SHELL_PATH=/usr/bin/chromium-headless-shell \
    EXAMFLOW_DATA_DIR=/data \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY web web
COPY models models
# Non-root: a fixed uid so volume permissions are predictable.
RUN useradd --create-home --uid 10001 examflow && mkdir -p /data && chown examflow /data
USER examflow
EXPOSE 3000 9464
# The API's readiness (Temporal reachable). Compose overrides it for the workers, which
# have no HTTP server but serve Prometheus metrics on EXAMFLOW_WORKER_METRICS_PORT.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.EXAMFLOW_API_PORT||3000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# tini reaps Chromium's children and forwards SIGTERM, so workers drain on `docker stop`.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/api/main.js"]
