import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { msNumberToTs } from '@temporalio/common/lib/time';
import type { Config } from '../config';
import { logger } from '../logger';
import { purgeRecordsWorkflow } from '../../workflows/purge-workflow';

// Retention, applied when the API starts: how long Temporal keeps closed histories (the
// namespace's retention), and the Schedule that purges exam records and artifacts past
// EXAMFLOW_RETENTION_DAYS (visible in the Web UI under Schedules).

export const purgeScheduleId = 'examflow-purge';
const dayMs = 86_400_000;

export async function applyHistoryRetention(client: Client, cfg: Config): Promise<void> {
  try {
    await client.workflowService.updateNamespace({
      namespace: cfg.TEMPORAL_NAMESPACE,
      config: { workflowExecutionRetentionTtl: msNumberToTs(cfg.EXAMFLOW_HISTORY_RETENTION_DAYS * dayMs) },
    });
  } catch (err) {
    // A managed namespace (e.g. Temporal Cloud) may not let the API change it: say so and go on.
    logger.warn(
      { err, days: cfg.EXAMFLOW_HISTORY_RETENTION_DAYS },
      'could not set the namespace history retention; set it on the namespace itself',
    );
  }
}

/** Creates the hourly purge Schedule, or brings an existing one up to date. */
export async function ensurePurgeSchedule(client: Client, cfg: Config, batchSize = 500): Promise<void> {
  const options: ScheduleOptions = {
    scheduleId: purgeScheduleId,
    spec: { intervals: [{ every: '1 hour' }] },
    action: {
      type: 'startWorkflow',
      workflowType: purgeRecordsWorkflow,
      taskQueue: cfg.EXAMFLOW_TASK_QUEUE,
      args: [{ retentionDays: cfg.EXAMFLOW_RETENTION_DAYS, batchSize }],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  };
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(purgeScheduleId)
      .update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: options.policies }));
  }
}
