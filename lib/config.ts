import os from 'node:os';
import path from 'node:path';
import { z } from './zod';

// Every setting comes from the environment, read once and validated here; the defaults
// are the embedded single-machine setup that `npm start` runs.
const configSchema = z.object({
  EXAMFLOW_DATA_DIR: z.string().min(1).default(path.resolve('data')),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_URL: z.string().url().default('http://localhost:8233'),
  EXAMFLOW_TASK_QUEUE: z.string().min(1).default('examflow'),
  EXAMFLOW_OCR_TASK_QUEUE: z.string().min(1).default('examflow-ocr'),
  // Which queues this worker process polls: both (embedded default), or one, to scale OCR apart.
  EXAMFLOW_WORKER_ROLE: z.enum(['all', 'ocr', 'default']).default('all'),
  EXAMFLOW_OCR_WORKERS: z.coerce.number().int().min(1).max(64).default(Math.max(1, os.cpus().length)),
  // Light activities (parse, analyze, diagnose, report) one worker process runs at once.
  EXAMFLOW_ACTIVITY_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  // Admission control: above this many exams in flight, submissions get 429 + Retry-After.
  EXAMFLOW_MAX_IN_FLIGHT: z.coerce.number().int().min(1).default(500),
  EXAMFLOW_API_HOST: z.string().min(1).default('0.0.0.0'),
  EXAMFLOW_API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // `tenant:token` pairs, comma-separated. The default is for local development only.
  EXAMFLOW_API_KEYS: z.string().min(1).default('demo:dev-token'),
  // Requests per minute one token may make; the load tester raises it.
  EXAMFLOW_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  // Origins allowed to call the API from a browser, comma-separated; empty: same origin only.
  EXAMFLOW_CORS_ORIGINS: z.string().default(''),
  EXAMFLOW_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  EXAMFLOW_MAX_PAGES: z.coerce.number().int().positive().default(20),
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Optional LLM provider (any OpenAI-compatible chat completions API; DeepSeek by default).
  // Without an API key the provider is disabled and tagging, open-question grading and the
  // diagnosis use the built-in rules only.
  EXAMFLOW_LLM_BASE_URL: z.string().url().default('https://api.deepseek.com'),
  EXAMFLOW_LLM_MODEL: z.string().min(1).default('deepseek-chat'),
  EXAMFLOW_LLM_API_KEY: z.string().optional(),
  EXAMFLOW_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  EXAMFLOW_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  // Knowledge-point/difficulty tags from the LLM are cached per question this long (7 days).
  EXAMFLOW_TAG_CACHE_TTL_HOURS: z.coerce.number().positive().default(168),
  EXAMFLOW_TAG_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(10_000),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid examflow configuration:\n${problems}`);
  }
  return parsed.data;
}

let cached: Config | undefined;
/** The process-wide configuration, validated on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
