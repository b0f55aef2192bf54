import type { z } from '../zod';
import type { LlmSettings } from './settings';

// One JSON-mode chat completion against an OpenAI-compatible API, with a timeout per
// attempt, bounded retries on 429/5xx/network errors (honouring Retry-After) and strict
// output validation. Every failure is an LlmError: callers catch it and use their rules.

export type LlmFailure = 'timeout' | 'http' | 'network' | 'invalid-json' | 'schema' | 'deadline';

export class LlmError extends Error {
  constructor(
    message: string,
    readonly kind: LlmFailure,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export interface ChatOptions {
  /** absolute time (ms since epoch) after which no attempt starts and the current one aborts */
  deadline?: number;
  /** aborts the call, e.g. when the activity is cancelled */
  signal?: AbortSignal;
  maxTokens?: number;
  temperature?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const retryable = (status: number) => status === 429 || status >= 500;

interface Attempt {
  content?: string;
  error?: LlmError;
  /** how long the server asked us to wait before the next attempt */
  waitMs?: number | null;
}

async function attempt(settings: LlmSettings, body: string, timeoutMs: number, signal?: AbortSignal): Promise<Attempt> {
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), timeoutMs);
  const signals = signal ? AbortSignal.any([timer.signal, signal]) : timer.signal;
  try {
    const res = await fetch(`${settings.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${settings.apiKey}` },
      body,
      signal: signals,
    });
    const text = await res.text(); // read under the same timeout: a stalled body is a timeout too
    if (!res.ok) {
      return {
        error: new LlmError(`LLM provider answered HTTP ${res.status}`, 'http', res.status),
        waitMs: retryAfterMs(res.headers.get('retry-after')),
      };
    }
    let content: unknown;
    try {
      content = (JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
    } catch {
      return { error: new LlmError('LLM provider returned a body that is not JSON', 'invalid-json') };
    }
    if (typeof content !== 'string') return { error: new LlmError('LLM response has no choices[0].message.content', 'invalid-json') };
    return { content };
  } catch (err) {
    if (timer.signal.aborted) return { error: new LlmError(`LLM provider did not answer within ${timeoutMs} ms`, 'timeout') };
    if (signal?.aborted) return { error: new LlmError('LLM call cancelled', 'deadline') };
    return { error: new LlmError(`LLM provider unreachable: ${(err as Error).message}`, 'network') };
  } finally {
    clearTimeout(timeout);
  }
}

/**
 * Sends `messages` in JSON mode and returns the model's content parsed and validated by
 * `schema`. Throws LlmError on anything else. A timeout is not retried: a provider that
 * is slow now is slow on the next attempt too, and the activity has a time budget.
 */
export async function chatJson<S extends z.ZodType>(
  settings: LlmSettings,
  messages: ChatMessage[],
  schema: S,
  options: ChatOptions = {},
): Promise<z.infer<S>> {
  const body = JSON.stringify({
    model: settings.model,
    messages,
    response_format: { type: 'json_object' },
    temperature: options.temperature ?? 0,
    ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
  });
  const deadline = options.deadline ?? Infinity;
  const base = settings.retryBaseMs ?? 500;
  // A Retry-After longer than this is cut to it: retries stay bounded.
  const maxWait = 10_000;
  let last: LlmError = new LlmError('LLM call not attempted: no time left', 'deadline');
  for (let n = 0; n <= settings.maxRetries; n++) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const result = await attempt(settings, body, Math.min(settings.timeoutMs, left), options.signal);
    if (result.content !== undefined) return parseContent(result.content, schema);
    last = result.error!;
    const canRetry = last.kind === 'network' || (last.kind === 'http' && retryable(last.status!));
    if (!canRetry || n === settings.maxRetries) break;
    const wait = Math.min(maxWait, result.waitMs ?? base * 2 ** n);
    if (Date.now() + wait >= deadline) break; // the budget would run out while waiting
    await sleep(wait);
  }
  throw last;
}

function parseContent<S extends z.ZodType>(content: string, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw new LlmError('LLM content is not valid JSON', 'invalid-json');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new LlmError(`LLM content does not match the expected shape: ${issues}`, 'schema');
  }
  return parsed.data;
}
