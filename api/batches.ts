import Router from '@koa/router';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Context } from 'koa';
import { classStatisticsByTemplate } from '../domain/class-statistics';
import type { ResultDocument } from '../domain/documents';
import { questionTable, scoreTable, toCsv } from '../domain/score-table';
import { artifacts } from '../lib/artifacts/artifacts';
import { scoreWorkbook } from '../lib/documents/score-workbook';
import { batchExamRows, findBatch, listBatches } from '../records/batches';
import type { BatchRow } from '../records/schema';
import { admitExams } from './admission';
import { requireTenant, tenantScope, type AuthState } from './auth';
import { checkStack, stackUpload, submitBatch, type UploadedFile } from './batch-intake';
import { batchIdSchema, listBatchesQuerySchema, submitBatchFieldsSchema } from './batch-schemas';
import { batchStatusDocument, batchSummary } from './batch-status';
import { requireMultipart } from './content-types';
import { ApiError, validate } from './errors';
import { isClosedPhase } from '../domain/batch-status';

type Ctx = Context & { state: AuthState; params: Record<string, string> };

// A class's stack of sheets → one exam per student, the class report and the score exports.
export function batchRoutes(client: Client): Router<AuthState> {
  const router = new Router<AuthState>();

  async function findOwnBatch(ctx: Ctx): Promise<BatchRow> {
    const batchId = validate(batchIdSchema, ctx.params.batchId, 'batch id');
    const row = await findBatch(batchId, tenantScope(ctx.state));
    if (!row) throw new ApiError(404, 'batch_not_found', `no batch ${batchId}`);
    return row;
  }

  async function completedBatch(ctx: Ctx): Promise<BatchRow> {
    const row = await findOwnBatch(ctx);
    if (row.status !== 'completed' || !row.report) {
      throw new ApiError(409, 'batch_not_completed', `batch ${row.batch_id} is ${row.status}${row.error ? `: ${row.error}` : ''}; the class report exists once every exam has closed`);
    }
    return row;
  }

  /** The scores and question statistics of a batch, from its exams' records. */
  async function scoreTables(row: BatchRow) {
    const exams = await batchExamRows(row.batch_id);
    const results = exams.filter((e) => e.status === 'completed' && e.result).map((e) => e.result as ResultDocument);
    if (results.length === 0) throw new ApiError(409, 'batch_not_graded', `no exam of batch ${row.batch_id} has been graded yet`);
    const students = exams.map((e) => {
      const result = e.status === 'completed' ? (e.result as ResultDocument | null) : null;
      return {
        position: e.batch_position ?? 0,
        templateId: e.template_id,
        status: e.status,
        student: result?.student ?? { id: e.student_id, name: e.student_name, class: e.student_class },
        score: e.score,
        fullScore: e.full_score,
        questions: result?.questions ?? null,
      };
    });
    return { scores: scoreTable(students), questions: questionTable(classStatisticsByTemplate(results)) };
  }

  router.post('/v1/batches', requireTenant(), requireMultipart(), stackUpload(), async (ctx) => {
    const fields = validate(submitBatchFieldsSchema, ctx.request.body ?? {}, 'batch submission');
    const files = (ctx.request.files ?? []) as UploadedFile[];
    await checkStack(files);
    // A tenant with as many exams in flight as it may have gets 429 for a new class too.
    await admitExams(client, ctx.state.tenantId, 1);
    const batchId = await submitBatch(client, { tenantId: ctx.state.tenantId, files, ...fields });
    ctx.status = 202;
    ctx.set('Location', `/v1/batches/${batchId}`);
    ctx.body = { batchId, status: 'processing', statusUrl: `/v1/batches/${batchId}` };
  });

  router.get('/v1/batches', async (ctx) => {
    const q = validate(listBatchesQuerySchema, ctx.query, 'list query');
    const batches = await listBatches(tenantScope(ctx.state), q.limit);
    ctx.body = { batches: batches.map(({ row, counts }) => batchSummary(row, counts, row.started_at?.getTime() ?? null)) };
  });

  router.get('/v1/batches/:batchId', async (ctx) => {
    const row = await findOwnBatch(ctx);
    ctx.body = await batchStatusDocument(client, row, await batchExamRows(row.batch_id));
  });

  router.post('/v1/batches/:batchId/cancel', async (ctx) => {
    const row = await findOwnBatch(ctx);
    if (isClosedPhase(row.status)) {
      throw new ApiError(409, 'batch_closed', `batch ${row.batch_id} is already ${row.status}; nothing to cancel`);
    }
    try {
      await client.workflow.getHandle(row.batch_id).cancel();
    } catch (err) {
      // It closed between the read and the cancel.
      if (err instanceof WorkflowNotFoundError) throw new ApiError(409, 'batch_closed', `batch ${row.batch_id} has just closed; nothing to cancel`);
      throw err;
    }
    ctx.status = 202;
    ctx.body = { batchId: row.batch_id, accepted: 'cancel', statusUrl: `/v1/batches/${row.batch_id}` };
  });

  router.get('/v1/batches/:batchId/report.html', async (ctx) => {
    const row = await completedBatch(ctx);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = await artifacts().get(row.report!.reportHtmlKey);
  });

  router.get('/v1/batches/:batchId/report.pdf', async (ctx) => {
    const row = await completedBatch(ctx);
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `inline; filename="class-${row.batch_id}.pdf"`);
    ctx.body = await artifacts().get(row.report!.reportPdfKey);
  });

  router.get('/v1/batches/:batchId/scores.csv', async (ctx) => {
    const row = await findOwnBatch(ctx);
    const { scores } = await scoreTables(row);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="scores-${row.batch_id}.csv"`);
    ctx.body = toCsv(scores);
  });

  router.get('/v1/batches/:batchId/scores.xlsx', async (ctx) => {
    const row = await findOwnBatch(ctx);
    const { scores, questions } = await scoreTables(row);
    ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    ctx.set('Content-Disposition', `attachment; filename="scores-${row.batch_id}.xlsx"`);
    ctx.body = await scoreWorkbook(scores, questions);
  });

  return router;
}
