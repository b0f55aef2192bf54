import { ExamflowApiError, ExamflowTimeoutError, errorFromResponse } from './errors';
import { loadPages, type PageFile } from './pages';
import { readSse } from './sse';
import {
  isClosed,
  type AnswerSheetLayout,
  type BatchResponse,
  type ClassBatchList,
  type ClassBatchStatus,
  type SubmitClassBatchInput,
  type SubmittedClassBatch,
  closedBatchStatuses,
  type ControlResponse,
  type CorrectionRequest,
  type ExamSummary,
  type ListExamsQuery,
  type ListExamsResponse,
  type QueueResponse,
  type ResultDocument,
  type ReviewDecision,
  type ReviewDocument,
  type ReviewQueueQuery,
  type ReviewQueueResponse,
  type StatisticsQuery,
  type StatisticsResponse,
  type StatusDocument,
  type SubmitExamInput,
  type SubmittedExam,
  type Template,
  type TemplateInput,
  type TemplateList,
} from './types';

export * from './errors';
export * from './types';

// A typed client over examflow's HTTP API (GET /openapi.json; README "API"), used by the CLI and the
// tests. It adds no behaviour the API lacks: only retries on 429 for submissions and the
// SSE-with-polling-fallback wait for an exam to close.

export interface ExamflowClientOptions {
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  token: string;
  /** retries of a submission refused with 429 (honouring Retry-After); default 3 */
  maxSubmitRetries?: number;
  /** upper bound of one Retry-After wait, ms; default 60 s */
  maxRetryDelayMs?: number;
}

export interface WaitOptions {
  /** default 10 minutes */
  timeoutMs?: number;
  /** every status document seen, in order */
  onProgress?: (doc: StatusDocument) => void;
  /** polling interval once the event stream has dropped; default 1 s */
  pollIntervalMs?: number;
  signal?: AbortSignal;
  /** also resolve when the exam waits for a teacher (status needs_review) */
  orNeedsReview?: boolean;
}

type Query = Record<string, string | number | undefined | null>;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });

export class ExamflowClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly maxSubmitRetries: number;
  private readonly maxRetryDelayMs: number;

  constructor(options: ExamflowClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.maxSubmitRetries = options.maxSubmitRetries ?? 3;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  }

  // ── templates ──────────────────────────────────────────────────────────────

  /** Creates an answer key; posting identical content again is a no-op (409 if it differs). */
  createTemplate(template: TemplateInput): Promise<Template> {
    return this.json('POST', '/v1/templates', { body: template });
  }

  getTemplate(id: string): Promise<Template> {
    return this.json('GET', `/v1/templates/${encodeURIComponent(id)}`);
  }

  listTemplates(): Promise<TemplateList['templates']> {
    return this.json<TemplateList>('GET', '/v1/templates').then((r) => r.templates);
  }

  /** The printable answer sheet of a template (PDF bytes). */
  async answerSheetPdf(templateId: string): Promise<Buffer> {
    const res = await this.request('GET', `/v1/templates/${encodeURIComponent(templateId)}/answer-sheet.pdf`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** The layout of exactly that PDF: points, origin top-left, y down. */
  answerSheetLayout(templateId: string): Promise<AnswerSheetLayout> {
    return this.json('GET', `/v1/templates/${encodeURIComponent(templateId)}/answer-sheet.json`);
  }

  // ── submission ─────────────────────────────────────────────────────────────

  async submitExam(input: SubmitExamInput): Promise<SubmittedExam> {
    const pages = await loadPages(input.pages);
    const headers: Record<string, string> = input.idempotencyKey ? { 'idempotency-key': input.idempotencyKey } : {};
    const res = await this.withRetryAfter(() =>
      this.request('POST', '/v1/exams', {
        headers,
        form: () => {
          const form = new FormData();
          if (input.templateId) form.set('templateId', input.templateId);
          if (input.student) form.set('student', JSON.stringify(input.student));
          if (input.priority) form.set('priority', input.priority);
          appendPages(form, pages);
          return form;
        },
      }),
    );
    return { ...((await res.json()) as Omit<SubmittedExam, 'created'>), created: res.status === 202 };
  }

  /** Several exams in one request; each gets its own result (an exam id or an error). */
  async submitBatch(exams: Omit<SubmitExamInput, 'idempotencyKey'>[]): Promise<BatchResponse> {
    const loaded = await Promise.all(exams.map((e) => loadPages(e.pages)));
    const manifest = exams.map((e, i) => ({
      templateId: e.templateId,
      student: e.student,
      priority: e.priority,
      pages: loaded[i]!.length,
    }));
    const res = await this.withRetryAfter(() =>
      this.request('POST', '/v1/exams/batch', {
        form: () => {
          const form = new FormData();
          form.set('manifest', JSON.stringify(manifest));
          for (const pages of loaded) appendPages(form, pages);
          return form;
        },
      }),
    );
    return (await res.json()) as BatchResponse;
  }

  // ── reading ────────────────────────────────────────────────────────────────

  getStatus(examId: string): Promise<StatusDocument> {
    return this.json('GET', examPath(examId));
  }

  /** 409 exam_not_completed until the exam has completed. */
  getResult(examId: string): Promise<ResultDocument> {
    return this.json('GET', `${examPath(examId)}/result`);
  }

  async getReportPdf(examId: string): Promise<Buffer> {
    const res = await this.request('GET', `${examPath(examId)}/report.pdf`);
    return Buffer.from(await res.arrayBuffer());
  }

  async getReportHtml(examId: string): Promise<string> {
    return (await this.request('GET', `${examPath(examId)}/report.html`)).text();
  }

  /** One page, newest first; pass `nextPageToken` back as `pageToken` for the next. */
  listExams(filters: ListExamsQuery = {}): Promise<ListExamsResponse> {
    return this.json('GET', '/v1/exams', { query: filters });
  }

  /** Every exam matching the filters, fetching page after page (`limit` is the page size). */
  async *iterateExams(filters: Omit<ListExamsQuery, 'pageToken'> = {}): AsyncGenerator<ExamSummary> {
    let pageToken: string | undefined;
    do {
      const page = await this.listExams({ ...filters, pageToken });
      yield* page.exams;
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
  }

  statistics(query: StatisticsQuery = {}): Promise<StatisticsResponse> {
    return this.json('GET', '/v1/exams/statistics', { query });
  }

  queue(): Promise<QueueResponse> {
    return this.json('GET', '/v1/queue');
  }

  // ── control ────────────────────────────────────────────────────────────────

  cancel(examId: string): Promise<ControlResponse> {
    return this.json('POST', `${examPath(examId)}/cancel`);
  }

  /** A new run of a failed or cancelled exam, with the pages it was submitted with. */
  retry(examId: string): Promise<ControlResponse> {
    return this.json('POST', `${examPath(examId)}/retry`);
  }

  // ── teacher review ─────────────────────────────────────────────────────────

  /** The tenant's exams waiting for a teacher, oldest wait first. */
  listReviews(query: ReviewQueueQuery = {}): Promise<ReviewQueueResponse> {
    return this.json('GET', '/v1/reviews', { query });
  }

  /** What an exam waits (or waited) on; 409 exam_not_waiting for an exam that never had a review. */
  getReview(examId: string): Promise<ReviewDocument> {
    return this.json('GET', `${examPath(examId)}/review`);
  }

  /** The answer region of one review item, as PNG bytes. */
  async getReviewImage(examId: string, itemId: string): Promise<Buffer> {
    const res = await this.request('GET', `${examPath(examId)}/review/${encodeURIComponent(itemId)}/image.png`, {
      headers: { accept: 'image/png' },
    });
    return Buffer.from(await res.arrayBuffer());
  }

  /** Decides some or all items: 400 invalid_decision (unknown item, points out of range), 409 exam_not_waiting. */
  decide(examId: string, decisions: ReviewDecision[], teacher?: string): Promise<StatusDocument> {
    return this.json('POST', `${examPath(examId)}/review`, { body: { decisions, ...(teacher ? { teacher } : {}) } });
  }

  /** Corrects one answer of a completed exam; the corrected result. */
  correct(examId: string, correction: CorrectionRequest): Promise<ResultDocument> {
    return this.json('POST', `${examPath(examId)}/corrections`, { body: correction });
  }

  // ── live status ────────────────────────────────────────────────────────────

  /**
   * The exam's status documents as the API pushes them (SSE), until the exam closes or the
   * stream ends. Aborting `signal` ends the iteration.
   */
  async *events(examId: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<StatusDocument, undefined> {
    const res = await this.request('GET', `${examPath(examId)}/events`, {
      headers: { accept: 'text/event-stream' },
      signal: options.signal,
    });
    if (!res.body) return;
    for await (const event of readSse(res.body)) {
      if (event.event === 'shutdown') return;
      if (event.event !== 'status') continue;
      const doc = JSON.parse(event.data) as StatusDocument;
      yield doc;
      if (isClosed(doc)) return;
    }
  }

  /**
   * Resolves with the final status document once the exam closes (completed, failed or
   * cancelled: check `status`). Follows the event stream; if it drops, polls instead.
   */
  async waitFor(examId: string, options: WaitOptions = {}): Promise<StatusDocument> {
    const timeoutMs = options.timeoutMs ?? 10 * 60_000;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new ExamflowTimeoutError(examId, timeoutMs)), timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    const seen = (doc: StatusDocument) => options.onProgress?.(doc);
    const done = (doc: StatusDocument) => isClosed(doc) || (options.orNeedsReview === true && doc.status === 'needs_review');
    try {
      try {
        for await (const doc of this.events(examId, { signal })) {
          seen(doc);
          if (done(doc)) return doc;
        }
      } catch (err) {
        // An API answer (404, 401) is final; a dropped connection is not.
        if (err instanceof ExamflowApiError && err.status !== 0) throw err;
        if (signal.aborted) throw signal.reason;
      }
      for (;;) {
        const doc = await this.getStatus(examId);
        seen(doc);
        if (done(doc)) return doc;
        await sleep(options.pollIntervalMs ?? 1_000, signal);
      }
    } catch (err) {
      throw signal.aborted ? signal.reason : err;
    } finally {
      clearTimeout(timer);
    }
  }

  // ── class batches ──────────────────────────────────────────────────────────

  /** A class's stack (one PDF or many images) → one exam per student (202 at once; the split runs in the batch workflow). */
  async submitClassBatch(input: SubmitClassBatchInput): Promise<SubmittedClassBatch> {
    const pages = await loadPages(input.pages);
    const res = await this.withRetryAfter(() =>
      this.request('POST', '/v1/batches', {
        form: () => {
          const form = new FormData();
          if (input.templateId) form.set('templateId', input.templateId);
          if (input.name) form.set('name', input.name);
          if (input.pagesPerStudent) form.set('pagesPerStudent', String(input.pagesPerStudent));
          appendPages(form, pages);
          return form;
        },
      }),
    );
    return (await res.json()) as SubmittedClassBatch;
  }

  getBatch(batchId: string): Promise<ClassBatchStatus> {
    return this.json('GET', batchPath(batchId));
  }

  listBatches(query: { limit?: number } = {}): Promise<ClassBatchList['batches']> {
    return this.json<ClassBatchList>('GET', '/v1/batches', { query }).then((r) => r.batches);
  }

  cancelBatch(batchId: string): Promise<{ batchId: string; accepted: 'cancel'; statusUrl: string }> {
    return this.json('POST', `${batchPath(batchId)}/cancel`);
  }

  /** Polls until the batch closes (completed, failed or cancelled: check `status`). */
  async waitForBatch(
    batchId: string,
    options: { timeoutMs?: number; pollIntervalMs?: number; onProgress?: (doc: ClassBatchStatus) => void } = {},
  ): Promise<ClassBatchStatus> {
    const until = Date.now() + (options.timeoutMs ?? 30 * 60_000);
    for (;;) {
      const doc = await this.getBatch(batchId);
      options.onProgress?.(doc);
      if (closedBatchStatuses.includes(doc.status)) return doc;
      if (Date.now() > until) throw new ExamflowTimeoutError(batchId, options.timeoutMs ?? 30 * 60_000);
      await sleep(options.pollIntervalMs ?? 1_000);
    }
  }

  /** The class report, or a score export: 409 batch_not_completed / batch_not_graded until there is one. */
  async batchFile(batchId: string, file: 'report.pdf' | 'report.html' | 'scores.csv' | 'scores.xlsx'): Promise<Buffer> {
    const res = await this.request('GET', `${batchPath(batchId)}/${file}`, { headers: { accept: '*/*' } });
    return Buffer.from(await res.arrayBuffer());
  }

  // ── plumbing ───────────────────────────────────────────────────────────────

  private async json<T>(method: string, path: string, options: { body?: unknown; query?: Query } = {}): Promise<T> {
    const res = await this.request(method, path, options);
    return (await res.json()) as T;
  }

  /** One HTTP call; any non-2xx answer (or no answer) becomes an ExamflowApiError. */
  private async request(
    method: string,
    path: string,
    options: { body?: unknown; form?: () => FormData; query?: Query; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json', ...options.headers };
    let body: string | FormData | undefined;
    if (options.form) body = options.form();
    else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, signal: options.signal });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ExamflowApiError(
        0,
        'unreachable',
        `cannot reach ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      );
    }
    if (!res.ok) throw await errorFromResponse(res);
    return res;
  }

  /** 429 means "not now": wait as told (bounded), a bounded number of times. */
  private async withRetryAfter(send: () => Promise<Response>): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (err) {
        if (!(err instanceof ExamflowApiError) || err.status !== 429 || attempt >= this.maxSubmitRetries) throw err;
        const waitMs = Math.min(this.maxRetryDelayMs, (err.retryAfter ?? 2 ** attempt) * 1000);
        await sleep(waitMs);
      }
    }
  }
}

function examPath(examId: string): string {
  return `/v1/exams/${encodeURIComponent(examId)}`;
}

function batchPath(batchId: string): string {
  return `/v1/batches/${encodeURIComponent(batchId)}`;
}

function appendPages(form: FormData, pages: PageFile[]): void {
  for (const page of pages) form.append('pages', page.blob, page.name);
}
