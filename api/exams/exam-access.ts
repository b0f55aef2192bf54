import type { Client } from '@temporalio/client';
import { isClosedStatus } from '../../domain/exam-states';
import { examKeys } from '../../lib/artifacts/artifacts';
import { tenantScope } from '../http/auth';
import type { RouteContext } from '../deps';
import { ApiError, validate } from '../http/errors';
import { examStatus, isCompleted, lookupExam, type FoundExam } from './exam-lookup';
import { describeExam } from './exam-status';
import { examIdSchema } from '../schemas';

// How the exam routes find the exam a request names: always within the caller's tenant.

/** The exam of the caller's tenant; another tenant's exam does not exist for this caller. */
export async function findExam(client: Client, ctx: RouteContext): Promise<FoundExam> {
  const examId = validate(examIdSchema, ctx.params.examId, 'exam id');
  const found = await lookupExam(client, examId, tenantScope(ctx.state));
  if (!found) throw new ApiError(404, 'exam_not_found', `no exam ${examId}`);
  return found;
}

/** Result and report exist once the exam completed; before that say where it stands. */
export async function completedExam(client: Client, ctx: RouteContext) {
  const found = await findExam(client, ctx);
  // A workflow reports itself completed (its report is stored) a moment before its record says so.
  const status = isCompleted(found) ? null : await examStatus(client, found);
  if (status && status.status !== 'completed') {
    const why = status.error ? `: ${status.error}` : '';
    throw new ApiError(409, 'exam_not_completed', `exam ${found.examId} is ${status.status}${why}`, status);
  }
  return { found, keys: examKeys(found.examId) };
}

/**
 * An exam reports itself failed or cancelled a moment before its workflow closes (the
 * record, the cleanup and the notice run last); wait that moment out rather than refuse a retry.
 */
export async function settledExam(client: Client, found: FoundExam): Promise<FoundExam> {
  const description = found.description ?? (await describeExam(client, found.examId, null));
  if (description?.status.name !== 'RUNNING' || !isClosedStatus((await examStatus(client, found)).status)) return found;
  const handle = client.workflow.getHandle(found.examId);
  await Promise.race([handle.result().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
  return (await lookupExam(client, found.examId, null)) ?? found;
}
