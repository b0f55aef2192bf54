import os from 'node:os';
import path from 'node:path';
import { z } from './zod';

// Every setting comes from the environment, read once and validated here; the defaults
// are the embedded single-machine setup that `npm start` runs. Each setting has its own
// error message, so a bad value stops the process with a line an operator can act on.
// The README's "Configuration" table lists them all.

const int = (min: number, max: number | null, fallback: number) => {
  const error = max === null ? `must be a whole number of at least ${min}` : `must be a whole number from ${min} to ${max}`;
  const n = z.coerce.number({ error }).int({ error }).min(min, { error });
  return (max === null ? n : n.max(max, { error })).default(fallback);
};
const text = (fallback: string) => z.string().min(1, { error: 'must not be empty' }).default(fallback);
const url = (fallback: string) =>
  z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL such as http://host:port' }).default(fallback);
const oneOf = <T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` }).default(fallback as never);
const flag = (fallback: boolean) => z.stringbool({ error: 'must be true or false' }).default(fallback);
// Optional settings: an empty variable (compose's `${X:-}`) counts as unset.
const blankIsUnset = (v: unknown) => (v === '' ? undefined : v);
const optionalText = () => z.preprocess(blankIsUnset, z.string().optional());
const optionalUrl = () =>
  z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL such as http://host:port' }).optional());
const optionalPort = () =>
  z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ error: 'must be a port number from 1 to 65535' })
      .int({ error: 'must be a port number from 1 to 65535' })
      .min(1, { error: 'must be a port number from 1 to 65535' })
      .max(65535, { error: 'must be a port number from 1 to 65535' })
      .optional(),
  );

const temporal = {
  TEMPORAL_ADDRESS: text('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: text('default'),
  TEMPORAL_UI_URL: url('http://localhost:8233'),
  // TLS to the frontend: on by itself, or implied by a client certificate or an API key.
  TEMPORAL_TLS: flag(false),
  // mTLS client certificate and key (PEM files), e.g. for a self-hosted cluster or Temporal Cloud.
  TEMPORAL_TLS_CERT_PATH: optionalText(),
  TEMPORAL_TLS_KEY_PATH: optionalText(),
  // CA that signed the server's certificate, when it is not a public one.
  TEMPORAL_TLS_CA_PATH: optionalText(),
  TEMPORAL_TLS_SERVER_NAME: optionalText(),
  // Temporal Cloud API key (instead of mTLS).
  TEMPORAL_API_KEY: optionalText(),
};

const queues = {
  EXAMFLOW_TASK_QUEUE: text('examflow'),
  // Which queues this worker process polls: both (embedded default), or one, to scale OCR apart.
  EXAMFLOW_WORKER_ROLE: oneOf(['all', 'ocr', 'default'] as const, 'all'),
  EXAMFLOW_OCR_WORKERS: int(1, 64, Math.max(1, os.cpus().length)),
  // OCR tasks one worker runs at once (default: twice the recognisers), so a page is cleaned
  // up or read a second time while others are being recognised.
  EXAMFLOW_OCR_SLOTS: int(0, 256, 0), // 0: twice EXAMFLOW_OCR_WORKERS
  // Who reads cut-out lines (answer-sheet fill boxes, doubtful lines read a second time):
  // PP-OCRv4 on onnxruntime (a third of the character errors, bench/PPOCR.md) or tesseract.js's larger model.
  EXAMFLOW_OCR_LINE_READER: oneOf(['ppocr', 'tesseract'] as const, 'tesseract'),
  // Load every recogniser at worker start rather than on the first pages.
  EXAMFLOW_OCR_PREWARM: flag(true),
  // Light activities (parse, analyze, diagnose, report, records) one worker process runs at once.
  // Reports wait for one of Chromium's four pooled pages (lib/documents/page-pool.ts) inside their
  // slot: with 4 slots, 4 waiting reports held up every record write and parse behind them.
  EXAMFLOW_ACTIVITY_CONCURRENCY: int(1, 256, 8),
  // On SIGTERM a worker stops polling and lets running activities finish for this long before it
  // cancels them (they are then retried elsewhere). Keep it under the orchestrator's stop grace
  // period (compose: 30 s) so the process still exits by itself.
  EXAMFLOW_SHUTDOWN_GRACE_SECONDS: int(1, 3600, 20),
  // Worker Versioning: the build id this worker announces (the production image's tag). Set,
  // the worker joins the EXAMFLOW_DEPLOYMENT_NAME deployment and receives tasks only once its
  // version is made current (deploy/temporal/set-current-version.sh). Unset: unversioned.
  EXAMFLOW_BUILD_ID: optionalText(),
  EXAMFLOW_DEPLOYMENT_NAME: text('examflow'),
  // Benchmarks: a file each finished activity attempt appends its wall time and CPU share to
  // (lib/temporal/activity-costs.ts). Unset: no interceptor.
  EXAMFLOW_ACTIVITY_COST_LOG: optionalText(),
};

const api = {
  // Admission control: above this many exams in flight, submissions get 429 + Retry-After.
  EXAMFLOW_MAX_IN_FLIGHT: int(1, null, 500),
  EXAMFLOW_API_HOST: text('0.0.0.0'),
  EXAMFLOW_API_PORT: int(0, 65535, 3000),
  // `tenant:token` pairs, comma-separated. The default is for local development only.
  EXAMFLOW_API_KEYS: text('demo:dev-token'),
  // Requests per minute one token may make; the load tester raises it.
  EXAMFLOW_RATE_LIMIT_PER_MINUTE: int(1, null, 1200),
  // Origins allowed to call the API from a browser, comma-separated; empty: same origin only.
  EXAMFLOW_CORS_ORIGINS: z.string().default(''),
  EXAMFLOW_MAX_UPLOAD_BYTES: int(1, null, 20 * 1024 * 1024),
  EXAMFLOW_MAX_PAGES: int(1, null, 20),
  // A class's stack (POST /v1/batches): pages in all once PDFs are split, and bytes per file.
  EXAMFLOW_MAX_BATCH_PAGES: int(1, 2000, 200),
  EXAMFLOW_MAX_BATCH_UPLOAD_BYTES: int(1, null, 200 * 1024 * 1024),
  // Exams of one batch graded at once (its children in flight); the rest wait their turn.
  EXAMFLOW_BATCH_PARALLELISM: int(1, 500, 16),
  // A tenant may hold at most this share of EXAMFLOW_MAX_IN_FLIGHT, so one school cannot starve the others.
  EXAMFLOW_TENANT_SHARE: z.coerce
    .number({ error: 'must be a number above 0 and at most 1' })
    .gt(0, { error: 'must be a number above 0 and at most 1' })
    .max(1, { error: 'must be a number above 0 and at most 1' })
    .default(0.5),
  // Failed authentications one client address may make a minute before it gets 429.
  EXAMFLOW_AUTH_FAILURES_PER_MINUTE: int(1, null, 30),
  // A request (an upload included) must arrive whole within this time, or it is cut with 408.
  EXAMFLOW_UPLOAD_TIMEOUT_MS: int(1000, null, 60_000),
  // Webhooks to loopback, private and other non-public addresses: local development and tests only.
  EXAMFLOW_WEBHOOK_ALLOW_PRIVATE: flag(false),
};

const storage = {
  EXAMFLOW_DATA_DIR: text(path.resolve('data')),
  // Where page images, OCR text, results and reports live: a folder under the data dir, or S3.
  EXAMFLOW_ARTIFACT_STORE: oneOf(['fs', 's3'] as const, 'fs'),
  // S3-compatible endpoint (MinIO, Ceph…); unset means AWS S3 itself.
  EXAMFLOW_S3_ENDPOINT: optionalUrl(),
  EXAMFLOW_S3_BUCKET: optionalText(),
  EXAMFLOW_S3_REGION: text('us-east-1'),
  // Static credentials; unset means the SDK's default chain (instance role, ~/.aws…).
  EXAMFLOW_S3_ACCESS_KEY_ID: optionalText(),
  EXAMFLOW_S3_SECRET_ACCESS_KEY: optionalText(),
  // http://endpoint/bucket/key addressing, which MinIO needs.
  EXAMFLOW_S3_FORCE_PATH_STYLE: flag(false),
};

const recordsDb = {
  // The system of record (PostgreSQL). Unset: `npm start` runs a local server with its
  // cluster under the data folder and passes its URL to the API and the workers.
  EXAMFLOW_DATABASE_URL: z.preprocess(
    blankIsUnset,
    z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, { error: 'must be a postgres:// or postgresql:// URL' })
      .optional(),
  ),
  // Connections each process keeps to it.
  EXAMFLOW_DATABASE_POOL_SIZE: int(1, 200, 10),
  // How long exam records and their artifacts are kept, in days; 0 keeps them for ever.
  EXAMFLOW_RETENTION_DAYS: int(0, null, 365),
  // How long Temporal keeps a closed workflow's history (the namespace's retention, set at start).
  EXAMFLOW_HISTORY_RETENTION_DAYS: int(1, 3650, 7),
};

const cache = {
  // Knowledge-point/difficulty tags from the LLM are cached per question this long (7 days).
  EXAMFLOW_TAG_CACHE_TTL_HOURS: z.coerce
    .number({ error: 'must be a positive number of hours' })
    .positive({ error: 'must be a positive number of hours' })
    .default(168),
  EXAMFLOW_TAG_CACHE_MAX_ENTRIES: int(1, null, 10_000),
  // In-process (per worker) or shared between all workers through Redis.
  EXAMFLOW_TAG_CACHE: oneOf(['memory', 'redis'] as const, 'memory'),
  EXAMFLOW_REDIS_URL: z.preprocess(
    blankIsUnset,
    z
      .string()
      .regex(/^rediss?:\/\/.+/, { error: 'must be a redis:// or rediss:// URL' })
      .optional(),
  ),
};

const llm = {
  // Optional LLM provider (any OpenAI-compatible chat completions API; DeepSeek by default).
  // Without an API key the provider is disabled and tagging, open-question grading and the
  // diagnosis use the built-in rules only.
  EXAMFLOW_LLM_BASE_URL: url('https://api.deepseek.com'),
  EXAMFLOW_LLM_MODEL: text('deepseek-chat'),
  EXAMFLOW_LLM_API_KEY: z.string().optional(),
  EXAMFLOW_LLM_TIMEOUT_MS: int(100, 600_000, 20_000),
  EXAMFLOW_LLM_MAX_RETRIES: int(0, 5, 2),
};

const review = {
  // Teacher review: an exam whose answers are doubtful, or with a question the template gives
  // to the teacher (scoredBy: teacher), waits for a teacher after grading. `off`: nothing waits.
  EXAMFLOW_REVIEW: oneOf(['on', 'off'] as const, 'on'),
  // An answer read with less confidence than this (0–1) waits for a teacher.
  EXAMFLOW_REVIEW_BELOW: z.coerce
    .number({ error: 'must be a number from 0 to 1' })
    .min(0, { error: 'must be a number from 0 to 1' })
    .max(1, { error: 'must be a number from 0 to 1' })
    .default(0.6),
  // After this many hours without every decision the exam completes with the machine's readings, marked unreviewed.
  EXAMFLOW_REVIEW_TIMEOUT_HOURS: z.coerce
    .number({ error: 'must be a positive number of hours' })
    .positive({ error: 'must be a positive number of hours' })
    .default(168),
};

const security = {
  // AES-256-GCM key for Temporal payloads (workflow inputs, results): students' names and ids
  // never reach Temporal in clear text. Any string (hashed to 256 bits); unset: a fixed
  // development key, fine on one machine only. Production compose requires it.
  EXAMFLOW_PAYLOAD_KEY: optionalText(),
};

const operations = {
  // "production" in the Docker image; refuses development-only settings.
  NODE_ENV: z.string().optional(),
  CHROMIUM_PATH: text('/usr/bin/chromium'),
  // Chromium's headless shell, which prints the PDFs (reports, answer sheets) when installed: the
  // same pages at about half the CPU a PDF. Without it CHROMIUM_PATH prints them.
  CHROMIUM_HEADLESS_SHELL_PATH: text('/usr/bin/chromium-headless-shell'),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  // The `service` field of every log line and the OpenTelemetry service name.
  EXAMFLOW_SERVICE: text('examflow'),
  // Temporal worker runtime metrics in Prometheus format on this port; off when unset.
  EXAMFLOW_WORKER_METRICS_PORT: optionalPort(),
  // OTLP/HTTP collector (e.g. http://otel-collector:4318): traces API → workflow → activities; off when unset.
  EXAMFLOW_OTEL_ENDPOINT: optionalUrl(),
};

// Combinations a single field cannot check.
function checkCombinations(cfg: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const issue = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
  if (cfg.EXAMFLOW_ARTIFACT_STORE === 's3' && !cfg.EXAMFLOW_S3_BUCKET)
    issue('EXAMFLOW_S3_BUCKET', 'is required when EXAMFLOW_ARTIFACT_STORE=s3');
  if (!!cfg.EXAMFLOW_S3_ACCESS_KEY_ID !== !!cfg.EXAMFLOW_S3_SECRET_ACCESS_KEY)
    issue('EXAMFLOW_S3_SECRET_ACCESS_KEY', 'EXAMFLOW_S3_ACCESS_KEY_ID and EXAMFLOW_S3_SECRET_ACCESS_KEY go together: set both or neither');
  if (cfg.EXAMFLOW_TAG_CACHE === 'redis' && !cfg.EXAMFLOW_REDIS_URL)
    issue('EXAMFLOW_REDIS_URL', 'is required when EXAMFLOW_TAG_CACHE=redis');
  if (!!cfg.TEMPORAL_TLS_CERT_PATH !== !!cfg.TEMPORAL_TLS_KEY_PATH)
    issue('TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH go together: set both or neither');
  // The production image (NODE_ENV=production) never lets a tenant's webhook reach private addresses.
  if (cfg.EXAMFLOW_WEBHOOK_ALLOW_PRIVATE === true && cfg.NODE_ENV === 'production') {
    issue('EXAMFLOW_WEBHOOK_ALLOW_PRIVATE', 'must not be true in production (NODE_ENV=production): it lets webhooks reach this network');
  }
}

export const configShape = {
  ...temporal,
  ...queues,
  ...api,
  ...storage,
  ...recordsDb,
  ...cache,
  ...llm,
  ...review,
  ...security,
  ...operations,
};
const configSchema = z.object(configShape).superRefine(checkCombinations);
/** Every setting's name: the compose test checks that each variable it sets is one of these. */
export const configKeys = Object.keys(configShape) as (keyof typeof configShape)[];

export type Config = z.infer<typeof configSchema>;

// Values of these are never echoed back in an error message.
const secret = /KEY|TOKEN|SECRET|PASSWORD/;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = i.path.join('.');
      const value = env[key];
      const shown = value === undefined ? '' : secret.test(key) ? ' (value hidden)' : ` (got ${JSON.stringify(value)})`;
      return `  ${key}: ${i.message}${shown}`;
    });
    throw new Error(`Invalid examflow configuration:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

let cached: Config | undefined;
/** The process-wide configuration, validated on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}

/** The review settings a new exam is submitted with; null when teacher review is off. */
export function reviewSettings(cfg: Config): { below: number; timeoutMs: number } | null {
  if (cfg.EXAMFLOW_REVIEW === 'off') return null;
  return { below: cfg.EXAMFLOW_REVIEW_BELOW, timeoutMs: Math.round(cfg.EXAMFLOW_REVIEW_TIMEOUT_HOURS * 3_600_000) };
}

/** OCR tasks one worker process runs at once. */
export function ocrSlots(cfg: Config): number {
  return cfg.EXAMFLOW_OCR_SLOTS || 2 * cfg.EXAMFLOW_OCR_WORKERS;
}
