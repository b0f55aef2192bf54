import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import type { Context } from 'koa';
import type { ExamStatus, ResultDocument } from '../domain/documents';
import { artifacts, examKeys } from '../lib/artifacts/artifacts';
import { config } from '../lib/config';
import { eraseExam } from '../lib/artifacts/exam-erasure';
import { InvalidCursor } from '../records/exam-cursor';
import { listExamRecords } from '../records/exam-reads';
import { recordCancelRequest } from '../records/exam-writes';
import { markForErasure } from '../records/erasure';
import { requireTenant, tenantScope, type AuthState } from './auth';
import { admitExams } from './admission';
import { requireMultipart } from './content-types';
import { ApiError, validate } from './errors';
import { streamExamEvents } from './events';
import { examStatus, isCompleted, lookupExam, type FoundExam } from './exam-lookup';
import { describeExam } from './exam-status';
import { queueStatus } from './queue';
import {
  batchManifestSchema,
  examIdSchema,
  idempotencyKeySchema,
  listExamsQuerySchema,
  statisticsQuerySchema,
  submitExamFieldsSchema,
  type SubmitExamResponse,
} from './schemas';
import { examIdFor, retryExam, submitExam } from './start-exam';
import { cachedStatistics } from './statistics';
import { examTemplate } from './sheet-intake';
import { checkPages, pagesUpload } from './uploads';

type Ctx = Context & { state: AuthState; params: Record<string, string> };
const isClosed = (status: ExamStatus) => status === 'completed' || status === 'failed' || status === 'cancelled';

export function examRoutes(client: Client): Router<AuthState> {
  const cfg = config();
  const router = new Router<AuthState>();
  const upload = pagesUpload({ maxBytes: cfg.EXAMFLOW_MAX_UPLOAD_BYTES, maxPages: cfg.EXAMFLOW_MAX_PAGES });
  const uploadedFiles = (ctx: Ctx) => (ctx.request.files ?? []) as Express.Multer.File[];

  /** The exam of the caller's tenant; another tenant's exam does not exist for this caller. */
  async function findExam(ctx: Ctx): Promise<FoundExam> {
    const examId = validate(examIdSchema, ctx.params.examId, 'exam id');
    const found = await lookupExam(client, examId, tenantScope(ctx.state));
    if (!found) throw new ApiError(404, 'exam_not_found', `no exam ${examId}`);
    return found;
  }

  /** Result and report exist once the exam completed; before that say where it stands. */
  async function completedExam(ctx: Ctx) {
    const found = await findExam(ctx);
    // A workflow reports itself completed (its report is stored) a moment before its record says so.
    const status = isCompleted(found) ? null : await examStatus(client, found);
    if (status && status.status !== 'completed') {
      throw new ApiError(409, 'exam_not_completed', `exam ${found.examId} is ${status.status}${status.error ? `: ${status.error}` : ''}`, status);
    }
    return { found, keys: examKeys(found.examId) };
  }

  /**
   * A repeated idempotent submission: the exam exists once its workflow started. A record
   * alone (left pending when the start failed and the database could not be told) is not
   * an accepted exam: the repeat submits it again.
   */
  async function alreadyAccepted(examId: string, tenantId: string): Promise<boolean> {
    const found = await lookupExam(client, examId, tenantId);
    return !!found && (found.description !== null || found.record.status !== 'pending');
  }

  const accepted = (examId: string): SubmitExamResponse => ({ examId, status: 'pending', statusUrl: `/v1/exams/${examId}` });

  router.post('/v1/exams', requireTenant(), requireMultipart(), upload, async (ctx) => {
    const tenantId = ctx.state.tenantId;
    const fields = validate(submitExamFieldsSchema, ctx.request.body ?? {}, 'exam submission');
    const idempotencyKey = ctx.get('idempotency-key') ? validate(idempotencyKeySchema, ctx.get('idempotency-key'), 'Idempotency-Key header') : undefined;
    const examId = examIdFor(tenantId, idempotencyKey);
    // A repeated idempotent submission answers with the exam it already created.
    if (idempotencyKey && (await alreadyAccepted(examId, tenantId))) {
      ctx.status = 200;
      ctx.body = accepted(examId);
      return;
    }
    const files = uploadedFiles(ctx);
    await checkPages(files);
    // Without templateId the answer sheet's own code names the template.
    const { template, sheet } = await examTemplate(tenantId, fields.templateId, files[0]!.buffer);
    await admitExams(client, tenantId, 1);
    const created = await submitExam(client, { examId, tenantId, template, sheet, pages: files.map((f) => f.buffer), student: fields.student, priority: fields.priority });
    ctx.status = created ? 202 : 200;
    ctx.set('Location', `/v1/exams/${examId}`);
    ctx.body = accepted(examId);
  });

  router.post('/v1/exams/batch', requireTenant(), requireMultipart(), upload, async (ctx) => {
    const tenantId = ctx.state.tenantId;
    const body = (ctx.request.body ?? {}) as { manifest?: string };
    let manifestJson: unknown;
    try {
      manifestJson = JSON.parse(body.manifest ?? '');
    } catch {
      throw new ApiError(400, 'invalid_request', 'manifest must be a JSON array: [{"templateId":"…","pages":2}, …], with the pages of all exams in order as "pages" files');
    }
    const manifest = validate(batchManifestSchema, manifestJson, 'batch manifest');
    const files = uploadedFiles(ctx);
    const expected = manifest.reduce((n, m) => n + m.pages, 0);
    if (files.length !== expected) throw new ApiError(400, 'invalid_upload', `the manifest lists ${expected} pages but ${files.length} were uploaded`);
    await admitExams(client, tenantId, manifest.length);
    let offset = 0;
    const results = [];
    for (const [index, entry] of manifest.entries()) {
      const pages = files.slice(offset, (offset += entry.pages));
      try {
        await checkPages(pages);
        const { template, sheet } = await examTemplate(tenantId, entry.templateId, pages[0]!.buffer);
        const examId = examIdFor(tenantId, undefined);
        await submitExam(client, { examId, tenantId, template, sheet, pages: pages.map((f) => f.buffer), student: entry.student, priority: entry.priority });
        results.push({ index, status: 202 as const, examId, statusUrl: `/v1/exams/${examId}` });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        results.push({ index, status: err.status, error: { code: err.code, message: err.message } });
      }
    }
    ctx.status = 200;
    ctx.body = { results };
  });

  router.get('/v1/exams', async (ctx) => {
    const q = validate(listExamsQuerySchema, ctx.query, 'list query');
    const filter = {
      scope: tenantScope(ctx.state),
      status: q.status,
      subject: q.subject,
      studentId: q.studentId,
      templateId: q.templateId,
      createdFrom: q.createdFrom ? new Date(q.createdFrom) : undefined,
      createdTo: q.createdTo ? new Date(q.createdTo) : undefined,
    };
    try {
      ctx.body = await listExamRecords(filter, q.limit, q.pageToken);
    } catch (err) {
      if (err instanceof InvalidCursor) throw new ApiError(400, 'invalid_page_token', err.message);
      throw err;
    }
  });

  const statistics = cachedStatistics();
  router.get('/v1/exams/statistics', async (ctx) => {
    const q = validate(statisticsQuerySchema, ctx.query, 'statistics query');
    ctx.body = await statistics(tenantScope(ctx.state), q.windowHours);
  });

  router.get('/v1/queue', async (ctx) => {
    ctx.body = await queueStatus(client, tenantScope(ctx.state));
  });

  router.get('/v1/exams/:examId', async (ctx) => {
    ctx.body = await examStatus(client, await findExam(ctx));
  });

  router.get('/v1/exams/:examId/events', async (ctx) => {
    const found = await findExam(ctx);
    streamExamEvents(ctx, client, found.examId, tenantScope(ctx.state), await examStatus(client, found));
  });

  router.get('/v1/exams/:examId/result', async (ctx) => {
    const { found, keys } = await completedExam(ctx);
    ctx.body = (found.record.result as ResultDocument | null) ?? (await artifacts().getJson<ResultDocument>(keys.result));
  });

  router.get('/v1/exams/:examId/report.pdf', async (ctx) => {
    const { keys } = await completedExam(ctx);
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `inline; filename="exam-${ctx.params.examId}.pdf"`);
    ctx.body = await artifacts().get(keys.reportPdf);
  });

  router.get('/v1/exams/:examId/report.html', async (ctx) => {
    const { keys } = await completedExam(ctx);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = await artifacts().get(keys.reportHtml);
  });

  router.post('/v1/exams/:examId/cancel', async (ctx) => {
    const found = await findExam(ctx);
    const status = await examStatus(client, found);
    if (isClosed(status.status) || !found.description) throw new ApiError(409, 'exam_closed', `exam ${found.examId} is already ${status.status}; nothing to cancel`);
    await recordCancelRequest(found.examId, ctx.state.tenantId);
    await client.workflow.getHandle(found.examId).cancel();
    ctx.status = 202;
    ctx.body = { examId: found.examId, accepted: 'cancel', statusUrl: `/v1/exams/${found.examId}` };
  });

  router.post('/v1/exams/:examId/retry', async (ctx) => {
    const found = await settled(await findExam(ctx));
    const status = await examStatus(client, found);
    if (status.status !== 'failed' && status.status !== 'cancelled') {
      throw new ApiError(409, 'exam_not_retryable', `exam ${found.examId} is ${status.status}: only a failed or cancelled exam can be retried`);
    }
    await admitExams(client, found.record.tenant_id, 1);
    await retryExam(client, found.examId, ctx.state.tenantId);
    ctx.status = 202;
    ctx.body = { examId: found.examId, accepted: 'retry', statusUrl: `/v1/exams/${found.examId}` };
  });

  // A student's right to erasure: the record, the artifacts and the workflow histories, or
  // (on a failure half-way) a 503 and a mark that hides the exam until a retry or the next
  // purge finishes the job.
  router.delete('/v1/exams/:examId', async (ctx) => {
    const examId = validate(examIdSchema, ctx.params.examId, 'exam id');
    const runIds = await markForErasure(examId, tenantScope(ctx.state));
    if (!runIds) throw new ApiError(404, 'exam_not_found', `no exam ${examId}`);
    try {
      await eraseExam(client, artifacts(), examId, runIds);
    } catch (err) {
      throw new ApiError(503, 'erasure_incomplete', `exam ${examId} is hidden but not yet fully erased (${err instanceof Error ? err.message : String(err)}): send DELETE again, or the next purge finishes it`, undefined, { 'Retry-After': '5' });
    }
    ctx.status = 204;
  });

  /**
   * An exam reports itself failed or cancelled a moment before its workflow closes (the
   * record, the cleanup and the notice run last); wait that moment out rather than refuse a retry.
   */
  async function settled(found: FoundExam): Promise<FoundExam> {
    const description = found.description ?? (await describeExam(client, found.examId, null));
    if (description?.status.name !== 'RUNNING' || !isClosed((await examStatus(client, found)).status)) return found;
    const handle = client.workflow.getHandle(found.examId);
    await Promise.race([handle.result().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    return (await lookupExam(client, found.examId, null)) ?? found;
  }

  return router;
}
