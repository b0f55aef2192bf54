import { isClosedStatus } from '../../domain/exam-states';
import { eraseExam } from '../../lib/artifacts/exam-erasure';
import { markForErasure } from '../../records/erasure';
import { recordCancelRequest } from '../../records/exam-writes';
import { admitExams } from './admission';
import { tenantScope } from '../http/auth';
import type { ApiDeps, Handler } from '../deps';
import { ApiError, validate } from '../http/errors';
import { examStatus } from './exam-lookup';
import { examIdSchema } from '../schemas';
import { retryExam } from './start-exam';
import { findExam, settledExam } from './exam-access';

// What a caller does to an exam after submitting it: cancel it, run it again, erase it.

/** POST /v1/exams/:examId/cancel */
export const cancelHandler =
  ({ client }: ApiDeps): Handler =>
  async (ctx) => {
    const found = await findExam(client, ctx);
    const status = await examStatus(client, found);
    if (isClosedStatus(status.status) || !found.description) {
      throw new ApiError(409, 'exam_closed', `exam ${found.examId} is already ${status.status}; nothing to cancel`);
    }
    await recordCancelRequest(found.examId, ctx.state.tenantId);
    await client.workflow.getHandle(found.examId).cancel();
    ctx.status = 202;
    ctx.body = { examId: found.examId, accepted: 'cancel', statusUrl: `/v1/exams/${found.examId}` };
  };

/** POST /v1/exams/:examId/retry: a new run of a failed or cancelled exam. */
export const retryHandler =
  (deps: ApiDeps): Handler =>
  async (ctx) => {
    const { client } = deps;
    const found = await settledExam(client, await findExam(client, ctx));
    const status = await examStatus(client, found);
    if (status.status !== 'failed' && status.status !== 'cancelled') {
      const why = `exam ${found.examId} is ${status.status}: only a failed or cancelled exam can be retried`;
      throw new ApiError(409, 'exam_not_retryable', why);
    }
    await admitExams(deps, found.record.tenant_id, 1);
    await retryExam(deps, found.examId, ctx.state.tenantId);
    ctx.status = 202;
    ctx.body = { examId: found.examId, accepted: 'retry', statusUrl: `/v1/exams/${found.examId}` };
  };

/**
 * DELETE /v1/exams/:examId — a student's right to erasure: the record, the artifacts and the
 * workflow histories, or (on a failure half-way) a 503 and a mark that hides the exam until a
 * retry or the next purge finishes the job.
 */
export const eraseHandler =
  ({ client, store }: ApiDeps): Handler =>
  async (ctx) => {
    const examId = validate(examIdSchema, ctx.params.examId, 'exam id');
    const runIds = await markForErasure(examId, tenantScope(ctx.state));
    if (!runIds) throw new ApiError(404, 'exam_not_found', `no exam ${examId}`);
    try {
      await eraseExam(client, store, examId, runIds);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const message = `exam ${examId} is hidden but not yet fully erased (${why}): send DELETE again, or the next purge finishes it`;
      throw new ApiError(503, 'erasure_incomplete', message, undefined, { 'Retry-After': '5' });
    }
    ctx.status = 204;
  };
