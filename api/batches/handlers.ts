import { WorkflowNotFoundError } from '@temporalio/client';
import { isClosedPhase } from '../../domain/batch-status';
import { toCsv } from '../../domain/score-table';
import { scoreWorkbook } from '../../lib/documents/score-workbook';
import { batchExamRows, listBatches } from '../../records/batches';
import { admitExams } from '../exams/admission';
import { tenantScope } from '../http/auth';
import { checkStack, submitBatch, type UploadedFile } from './batch-intake';
import { listBatchesQuerySchema, submitBatchFieldsSchema } from './batch-schemas';
import { batchStatusDocument, batchSummary } from './batch-status';
import type { ApiDeps, Handler } from '../deps';
import { ApiError, validate } from '../http/errors';
import { completedBatch, findOwnBatch, scoreTables } from './batch-access';

// A class's stack of sheets → one exam per student, the class report and the score exports.

/** POST /v1/batches: the stack is checked, stored and handed to the batch workflow (202). */
export const submitBatchHandler =
  (deps: ApiDeps): Handler =>
  async (ctx) => {
    const { cfg } = deps;
    const fields = validate(submitBatchFieldsSchema, ctx.request.body ?? {}, 'batch submission');
    const files = (ctx.request.files ?? []) as UploadedFile[];
    await checkStack(files, cfg);
    // A tenant with as many exams in flight as it may have gets 429 for a new class too.
    await admitExams(deps, ctx.state.tenantId, 1);
    const batchId = await submitBatch(deps, { tenantId: ctx.state.tenantId, files, ...fields });
    ctx.status = 202;
    ctx.set('Location', `/v1/batches/${batchId}`);
    ctx.body = { batchId, status: 'processing', statusUrl: `/v1/batches/${batchId}` };
  };

/** GET /v1/batches */
export const listBatchesHandler = (): Handler => async (ctx) => {
  const q = validate(listBatchesQuerySchema, ctx.query, 'list query');
  const batches = await listBatches(tenantScope(ctx.state), q.limit);
  ctx.body = { batches: batches.map(({ row, counts }) => batchSummary(row, counts, row.started_at?.getTime() ?? null)) };
};

/** GET /v1/batches/:batchId */
export const batchStatusHandler =
  ({ client }: ApiDeps): Handler =>
  async (ctx) => {
    const row = await findOwnBatch(ctx);
    ctx.body = await batchStatusDocument(client, row, await batchExamRows(row.batch_id));
  };

/** POST /v1/batches/:batchId/cancel */
export const cancelBatchHandler =
  ({ client }: ApiDeps): Handler =>
  async (ctx) => {
    const row = await findOwnBatch(ctx);
    if (isClosedPhase(row.status)) {
      throw new ApiError(409, 'batch_closed', `batch ${row.batch_id} is already ${row.status}; nothing to cancel`);
    }
    try {
      await client.workflow.getHandle(row.batch_id).cancel();
    } catch (err) {
      // It closed between the read and the cancel.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      throw new ApiError(409, 'batch_closed', `batch ${row.batch_id} has just closed; nothing to cancel`);
    }
    ctx.status = 202;
    ctx.body = { batchId: row.batch_id, accepted: 'cancel', statusUrl: `/v1/batches/${row.batch_id}` };
  };

/** GET /v1/batches/:batchId/report.html */
export const classReportHtmlHandler =
  ({ store }: ApiDeps): Handler =>
  async (ctx) => {
    const row = await completedBatch(ctx);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = await store.get(row.report.reportHtmlKey);
  };

/** GET /v1/batches/:batchId/report.pdf */
export const classReportPdfHandler =
  ({ store }: ApiDeps): Handler =>
  async (ctx) => {
    const row = await completedBatch(ctx);
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `inline; filename="class-${row.batch_id}.pdf"`);
    ctx.body = await store.get(row.report.reportPdfKey);
  };

/** GET /v1/batches/:batchId/scores.csv */
export const scoresCsvHandler = (): Handler => async (ctx) => {
  const row = await findOwnBatch(ctx);
  const { scores } = await scoreTables(row);
  ctx.type = 'text/csv; charset=utf-8';
  ctx.set('Content-Disposition', `attachment; filename="scores-${row.batch_id}.csv"`);
  ctx.body = toCsv(scores);
};

/** GET /v1/batches/:batchId/scores.xlsx */
export const scoresXlsxHandler = (): Handler => async (ctx) => {
  const row = await findOwnBatch(ctx);
  const { scores, questions } = await scoreTables(row);
  ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  ctx.set('Content-Disposition', `attachment; filename="scores-${row.batch_id}.xlsx"`);
  ctx.body = await scoreWorkbook(scores, questions);
};
