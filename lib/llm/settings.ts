import type { Config } from '../config';

// The provider's settings, as plain arguments: callers (and tests) pass them explicitly;
// the worker reads them from its configuration (worker/activity-deps.ts).

export interface LlmSettings {
  /** an OpenAI-compatible API root; `/chat/completions` is appended */
  baseUrl: string;
  model: string;
  apiKey: string;
  /** per HTTP attempt */
  timeoutMs: number;
  /** extra attempts after a 429, a 5xx or a network error */
  maxRetries: number;
  /** first backoff step; doubles per retry (default 500 ms) */
  retryBaseMs?: number;
}

/** The configured provider, or null when EXAMFLOW_LLM_API_KEY is unset (rules only). */
export function llmSettings(cfg: Config): LlmSettings | null {
  const apiKey = cfg.EXAMFLOW_LLM_API_KEY?.trim();
  if (!apiKey) return null;
  return {
    baseUrl: cfg.EXAMFLOW_LLM_BASE_URL,
    model: cfg.EXAMFLOW_LLM_MODEL,
    apiKey,
    timeoutMs: cfg.EXAMFLOW_LLM_TIMEOUT_MS,
    maxRetries: cfg.EXAMFLOW_LLM_MAX_RETRIES,
  };
}
