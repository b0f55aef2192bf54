import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { templateSchema, type Template } from '../../domain/template';
import { closeSharedBrowser } from '../../lib/documents/browser';
import { chooseAnswers } from '../../test/fixtures/answers';
import { renderExamPaper } from '../../test/fixtures/generator';

// Shared by scripts/loadtest.ts and bench/run.ts: latency statistics kept in a Float64Array
// (no per-request objects), error counters in a Map, a bounded concurrency pool over plain
// fetch, and the generated page(s) every submission reuses.

/** The repository root, from dist/scripts/loadtest/ (compiled) — where test/fixtures lives. */
const repoRoot = path.resolve(__dirname, '..', '..', '..');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Every fixture template, by id (test/fixtures/templates/*.json). */
export function fixtureTemplates(): Map<string, Template> {
  const dir = path.join(repoRoot, 'test', 'fixtures', 'templates');
  const out = new Map<string, Template>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const t = templateSchema.parse(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    out.set(t.id, t);
  }
  return out;
}

/** Renders `pages` pages of one synthetic paper of the template (Chromium), then closes the browser. */
export async function renderPages(template: Template, pages: number, seed = 1): Promise<Buffer[]> {
  try {
    const paper = await renderExamPaper({
      template,
      student: { name: 'Load Test', class: '8B', id: `L${seed}` },
      answers: chooseAnswers(template, 1, seed),
      pages,
      seed,
    });
    return paper.pages;
  } finally {
    await closeSharedBrowser();
  }
}

// ── latency and error statistics ─────────────────────────────────────────────

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
}

/** Latencies in ms, preallocated: 8 bytes per request, nothing else kept. */
export class Latencies {
  private values: Float64Array;
  private n = 0;
  constructor(capacity: number) {
    this.values = new Float64Array(Math.max(16, capacity));
  }
  add(ms: number): void {
    if (this.n === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.n++] = ms;
  }
  get count(): number {
    return this.n;
  }
  summary(): LatencySummary {
    const n = this.n;
    if (!n) return { count: 0, min: NaN, mean: NaN, median: NaN, p95: NaN, p99: NaN, max: NaN };
    const sorted = this.values.slice(0, n).sort();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i]!;
    const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
    return { count: n, min: sorted[0]!, mean: sum / n, median: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[n - 1]! };
  }
}

export class ErrorCounts {
  readonly byKind = new Map<string, number>();
  total = 0;
  add(kind: string): void {
    this.total++;
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
  }
  top(n = 10): [string, number][] {
    return [...this.byKind].sort((a, b) => b[1] - a[1]).slice(0, n);
  }
}

/** A network failure's kind: the undici cause code (ECONNREFUSED, ECONNRESET, …), or timeout. */
export function networkErrorKind(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'network: timeout';
  const code = e?.cause?.code ?? e?.code ?? e?.cause?.name ?? e?.name ?? 'unknown';
  return `network: ${code}`;
}

export const fmtMs = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : '—');

// ── submissions ──────────────────────────────────────────────────────────────

export type SubmitOutcome = { ok: true; examId: string } | { ok: false; kind: string };

/** One POST /v1/exams with the given pages; never throws. */
export async function submitOnce(
  baseUrl: string,
  token: string,
  templateId: string,
  pages: Blob[],
  timeoutMs: number,
): Promise<SubmitOutcome> {
  const form = new FormData();
  form.set('templateId', templateId);
  pages.forEach((blob, i) => form.append('pages', blob, `page-${i + 1}.png`));
  try {
    const res = await fetch(`${baseUrl}/v1/exams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      body: form,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: { examId?: string; error?: { code?: string } } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: the status alone names the error
    }
    if ((res.status === 202 || res.status === 200) && body.examId) return { ok: true, examId: body.examId };
    return { ok: false, kind: `HTTP ${res.status} ${body.error?.code ?? 'no_code'}` };
  } catch (err) {
    return { ok: false, kind: networkErrorKind(err) };
  }
}

/** PNG bytes as a Blob, made once and reused by every request. */
export const pngBlob = (png: Buffer) => new Blob([new Uint8Array(png)], { type: 'image/png' });

/**
 * Runs task(i) for i in [0, total) with at most `concurrency` at once; stops starting new
 * ones once shouldStop() is true. Resolves with how many were started.
 */
export async function runPool(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < total && !shouldStop()) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, lane));
  return next;
}

/** Ensures the template exists for the token's tenant: GET, and POST the fixture if missing. */
export async function ensureTemplate(baseUrl: string, token: string, template: Template): Promise<'existed' | 'created'> {
  const headers = { authorization: `Bearer ${token}` };
  const got = await fetch(`${baseUrl}/v1/templates/${encodeURIComponent(template.id)}`, { headers });
  if (got.ok) return 'existed';
  const res = await fetch(`${baseUrl}/v1/templates`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(template),
  });
  if (!res.ok) throw new Error(`POST /v1/templates ${template.id}: ${res.status} ${await res.text()}`);
  return 'created';
}
