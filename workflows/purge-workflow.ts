import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PurgeExamsInput } from '../activities/purge-exams';
import { activityPolicies } from './policies';

const { purgeExams } = proxyActivities<Activities>(activityPolicies.purgeExams);

/** Batches per run before the history is handed on to a fresh run (keeps each history short). */
const batchesPerRun = 100;

/**
 * The retention purge that the `examflow-purge` Schedule starts: bounded batches until one
 * comes back short. Resumable: a new run (or the next scheduled one) continues from what
 * is left, since each batch is chosen afresh from the records.
 */
export async function purgeRecordsWorkflow(input: PurgeExamsInput): Promise<{ purged: number }> {
  let purged = 0;
  for (let batch = 0; batch < batchesPerRun; batch++) {
    const result = await purgeExams(input);
    purged += result.purged;
    if (result.purged < input.batchSize) return { purged };
  }
  return continueAsNew<typeof purgeRecordsWorkflow>(input);
}
