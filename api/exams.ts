import Router from '@koa/router';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import type { Context } from 'koa';
import type { ExamStatus, ResultDocument } from '../domain/documents';
import { artifacts, examKeys } from '../lib/artifacts';
import { config } from '../lib/config';
import { requireTenant, tenantScope, type AuthState } from './auth';
import { admitExams } from './admission';
import { requireMultipart } from './content-types';
import { ApiError, validate } from './errors';
import { streamExamEvents } from './events';
import { listExams } from './exam-list';
import { describeExam, examStatusDocument } from './exam-status';
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
import { TenantIdKey } from '../workflows/search-attributes';
import { loadTemplate } from './templates';
import { checkPages, pagesUpload } from './uploads';

type Ctx = Context & { state: AuthState; params: Record<string, string> };
const isClosed = (status: ExamStatus) => status === 'completed' || status === 'failed' || status === 'cancelled';

export function examRoutes(client: Client): Router<AuthState> {
  const cfg = config();
  const router = new Router<AuthState>();
  const upload = pagesUpload({ maxBytes: cfg.EXAMFLOW_MAX_UPLOAD_BYTES, maxPages: cfg.EXAMFLOW_MAX_PAGES });
  const uploadedFiles = (ctx: Ctx) => (ctx.request.files ?? []) as Express.Multer.File[];

  /** The exam of the caller's tenant; another tenant's exam does not exist for this caller. */
  async function findExam(ctx: Ctx) {
    const examId = validate(examIdSchema, ctx.params.examId, 'exam id');
    const description = await describeExam(client, examId, tenantScope(ctx.state));
    if (!description) throw new ApiError(404, 'exam_not_found', `no exam ${examId}`);
    return description;
  }

  /** Result and report exist once the exam completed; before that say where it stands. */
  async function completedExam(ctx: Ctx) {
    const description = await findExam(ctx);
    if (description.status.name !== 'COMPLETED') {
      const status = await examStatusDocument(client, description);
      throw new ApiError(409, 'exam_not_completed', `exam ${description.workflowId} is ${status.status}${status.error ? `: ${status.error}` : ''}`, status);
    }
    return examKeys(description.workflowId);
  }

  const accepted = (examId: string): SubmitExamResponse => ({ examId, status: 'pending', statusUrl: `/v1/exams/${examId}` });

  router.post('/v1/exams', requireTenant(), requireMultipart(), upload, async (ctx) => {
    const tenantId = ctx.state.tenantId;
    const fields = validate(submitExamFieldsSchema, ctx.request.body ?? {}, 'exam submission');
    const idempotencyKey = ctx.get('idempotency-key') ? validate(idempotencyKeySchema, ctx.get('idempotency-key'), 'Idempotency-Key header') : undefined;
    const examId = examIdFor(tenantId, idempotencyKey);
    // A repeated idempotent submission answers with the exam it already created.
    if (idempotencyKey && (await describeExam(client, examId, tenantId))) {
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
    ctx.body = await listExams(
      client,
      {
        scope: tenantScope(ctx.state),
        status: q.status,
        subject: q.subject,
        studentId: q.studentId,
        templateId: q.templateId,
        createdFrom: q.createdFrom ? new Date(q.createdFrom) : undefined,
        createdTo: q.createdTo ? new Date(q.createdTo) : undefined,
      },
      q.limit,
      q.pageToken,
    );
  });

  const statistics = cachedStatistics(client);
  router.get('/v1/exams/statistics', async (ctx) => {
    const q = validate(statisticsQuerySchema, ctx.query, 'statistics query');
    ctx.body = await statistics(tenantScope(ctx.state), q.windowHours);
  });

  router.get('/v1/queue', async (ctx) => {
    ctx.body = await queueStatus(client, tenantScope(ctx.state));
  });

  router.get('/v1/exams/:examId', async (ctx) => {
    ctx.body = await examStatusDocument(client, await findExam(ctx));
  });

  router.get('/v1/exams/:examId/events', async (ctx) => {
    const description = await findExam(ctx);
    streamExamEvents(ctx, client, description.workflowId, tenantScope(ctx.state), await examStatusDocument(client, description));
  });

  router.get('/v1/exams/:examId/result', async (ctx) => {
    ctx.body = await artifacts().getJson<ResultDocument>((await completedExam(ctx)).result);
  });

  router.get('/v1/exams/:examId/report.pdf', async (ctx) => {
    const keys = await completedExam(ctx);
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `inline; filename="exam-${ctx.params.examId}.pdf"`);
    ctx.body = await artifacts().get(keys.reportPdf);
  });

  router.get('/v1/exams/:examId/report.html', async (ctx) => {
    const keys = await completedExam(ctx);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = await artifacts().get(keys.reportHtml);
  });

  router.post('/v1/exams/:examId/cancel', async (ctx) => {
    const description = await findExam(ctx);
    const status = await examStatusDocument(client, description);
    if (isClosed(status.status)) throw new ApiError(409, 'exam_closed', `exam ${description.workflowId} is already ${status.status}; nothing to cancel`);
    await client.workflow.getHandle(description.workflowId).cancel();
    ctx.status = 202;
    ctx.body = { examId: description.workflowId, accepted: 'cancel', statusUrl: `/v1/exams/${description.workflowId}` };
  });

  router.post('/v1/exams/:examId/retry', async (ctx) => {
    const description = await settled(await findExam(ctx));
    if (description.status.name === 'RUNNING' || description.status.name === 'COMPLETED') {
      throw new ApiError(409, 'exam_not_retryable', `exam ${description.workflowId} is ${description.status.name.toLowerCase()}: only a failed or cancelled exam can be retried`);
    }
    await admitExams(client, description.typedSearchAttributes.get(TenantIdKey) ?? ctx.state.tenantId, 1);
    await retryExam(client, description.workflowId);
    ctx.status = 202;
    ctx.body = { examId: description.workflowId, accepted: 'retry', statusUrl: `/v1/exams/${description.workflowId}` };
  });

  /**
   * An exam reports itself failed or cancelled a moment before its workflow closes (the
   * cleanup and the notice run last); wait that moment out rather than refuse a retry.
   */
  async function settled(description: WorkflowExecutionDescription): Promise<WorkflowExecutionDescription> {
    if (description.status.name !== 'RUNNING' || !isClosed((await examStatusDocument(client, description)).status)) return description;
    const handle = client.workflow.getHandle(description.workflowId);
    await Promise.race([handle.result().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    return handle.describe();
  }

  return router;
}
