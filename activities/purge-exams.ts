import { Context } from '@temporalio/activity';
import { eraseExam } from '../lib/artifacts/exam-erasure';
import { batchKeys } from '../lib/artifacts/artifacts';
import { deleteBatch, expiredBatches } from '../records/batches';
import { markForErasure, purgeCandidates } from '../records/erasure';
import type { ActivityDeps } from './deps';

export interface PurgeExamsInput {
  /** records older than this are erased; 0 keeps them (only unfinished erasures are completed) */
  retentionDays: number;
  batchSize: number;
}

const dayMs = 86_400_000;

/**
 * One bounded batch of the retention purge: exams closed and older than the retention,
 * and erasures that did not finish, each erased everywhere (history, artifacts, record).
 * Idempotent: a retried batch finds what is left and goes on.
 */
export async function purgeExams({ store }: Pick<ActivityDeps, 'store'>, input: PurgeExamsInput): Promise<{ purged: number }> {
  const context = Context.current();
  const before = input.retentionDays > 0 ? new Date(Date.now() - input.retentionDays * dayMs) : new Date(0);
  const candidates = await purgeCandidates(before, input.batchSize);
  for (const { examId } of candidates) {
    const runIds = await markForErasure(examId, null);
    if (runIds) await eraseExam(context.client, store, examId, runIds);
    context.heartbeat(examId);
  }
  // Once the old exams are gone, the class batches they came in: the stack as scanned, the class report, the row.
  if (candidates.length < input.batchSize && input.retentionDays > 0) {
    for (const batchId of await expiredBatches(before, input.batchSize)) {
      await store.remove(batchKeys(batchId).root);
      await deleteBatch(batchId);
      context.heartbeat(batchId);
    }
  }
  return { purged: candidates.length };
}
