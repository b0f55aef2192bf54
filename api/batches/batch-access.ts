import { classStatisticsByTemplate } from '../../domain/class-statistics';
import type { ResultDocument } from '../../domain/documents';
import { questionTable, scoreTable } from '../../domain/score-table';
import { batchExamRows, findBatch } from '../../records/batches';
import type { BatchRow } from '../../records/schema';
import { tenantScope } from '../http/auth';
import { batchIdSchema } from './batch-schemas';
import type { RouteContext } from '../deps';
import { ApiError, validate } from '../http/errors';

// How the batch routes find the batch a request names (always within the caller's tenant),
// and the score tables its exports are made of.

export async function findOwnBatch(ctx: RouteContext): Promise<BatchRow> {
  const batchId = validate(batchIdSchema, ctx.params.batchId, 'batch id');
  const row = await findBatch(batchId, tenantScope(ctx.state));
  if (!row) throw new ApiError(404, 'batch_not_found', `no batch ${batchId}`);
  return row;
}

/** The class report exists once every exam of the batch has closed. */
export async function completedBatch(ctx: RouteContext): Promise<BatchRow & { report: NonNullable<BatchRow['report']> }> {
  const row = await findOwnBatch(ctx);
  if (row.status !== 'completed' || !row.report) {
    const why = `batch ${row.batch_id} is ${row.status}${row.error ? `: ${row.error}` : ''}`;
    throw new ApiError(409, 'batch_not_completed', `${why}; the class report exists once every exam has closed`);
  }
  return row as BatchRow & { report: NonNullable<BatchRow['report']> };
}

/** The scores and question statistics of a batch, from its exams' records. */
export async function scoreTables(row: BatchRow) {
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
