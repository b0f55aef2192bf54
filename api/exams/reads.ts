import type { ResultDocument } from '../../domain/documents';
import { InvalidCursor } from '../../records/exam-cursor';
import { pageTokens } from '../../lib/page-token';
import { listExamRecords } from '../../records/exam-reads';
import { tenantScope } from '../http/auth';
import type { ApiDeps, Handler } from '../deps';
import { ApiError, validate } from '../http/errors';
import { streamExamEvents } from './events';
import { examStatus } from './exam-lookup';
import { queueStatus } from './queue';
import { listExamsQueryFor, statisticsQuerySchema } from '../schemas';
import { cachedStatistics } from './statistics';
import { completedExam, findExam } from './exam-access';

// What a caller reads about exams: the list, the statistics, the queue, one exam's status
// (once or as a stream of events), and a completed exam's result and reports.

/** GET /v1/exams: newest first, from the records database, a cursor per page. */
export function listExamsHandler({ cfg }: ApiDeps): Handler {
  const tokens = pageTokens(cfg.EXAMFLOW_PAYLOAD_KEY);
  const query = listExamsQueryFor(tokens);
  return async (ctx) => {
    const q = validate(query, ctx.query, 'list query');
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
      ctx.body = await listExamRecords(tokens, filter, q.limit, q.pageToken);
    } catch (err) {
      if (err instanceof InvalidCursor) throw new ApiError(400, 'invalid_page_token', err.message);
      throw err;
    }
  };
}

/** GET /v1/exams/statistics, cached a moment per tenant and window. */
export function statisticsHandler(): Handler {
  const statistics = cachedStatistics();
  return async (ctx) => {
    const q = validate(statisticsQuerySchema, ctx.query, 'statistics query');
    ctx.body = await statistics(tenantScope(ctx.state), q.windowHours);
  };
}

/** GET /v1/queue */
export const queueHandler =
  (deps: ApiDeps): Handler =>
  async (ctx) => {
    ctx.body = await queueStatus(deps, tenantScope(ctx.state));
  };

/** GET /v1/exams/:examId */
export const examStatusHandler =
  ({ client }: ApiDeps): Handler =>
  async (ctx) => {
    ctx.body = await examStatus(client, await findExam(client, ctx));
  };

/** GET /v1/exams/:examId/events: Server-Sent Events until the exam closes. */
export const examEventsHandler =
  ({ client }: ApiDeps): Handler =>
  async (ctx) => {
    const found = await findExam(client, ctx);
    streamExamEvents(ctx, client, found.examId, tenantScope(ctx.state), await examStatus(client, found));
  };

/** GET /v1/exams/:examId/result: from the record, or the artifact store for older exams. */
export const resultHandler =
  ({ client, store }: ApiDeps): Handler =>
  async (ctx) => {
    const { found, keys } = await completedExam(client, ctx);
    ctx.body = found.record.result ?? (await store.getJson<ResultDocument>(keys.result));
  };

/** GET /v1/exams/:examId/report.pdf */
export const reportPdfHandler =
  ({ client, store }: ApiDeps): Handler =>
  async (ctx) => {
    const { keys } = await completedExam(client, ctx);
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `inline; filename="exam-${ctx.params.examId}.pdf"`);
    ctx.body = await store.get(keys.reportPdf);
  };

/** GET /v1/exams/:examId/report.html */
export const reportHtmlHandler =
  ({ client, store }: ApiDeps): Handler =>
  async (ctx) => {
    const { keys } = await completedExam(client, ctx);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = await store.get(keys.reportHtml);
  };
