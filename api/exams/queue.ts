import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { ocrSlots } from '../../lib/config';
import type { ApiDeps } from '../deps';
import { ocrTaskQueue } from '../../workflows/task-queues';
import type { QueueResponse } from '../schemas';
import { tenantAdmissionLimit } from './admission';
import { examQuery } from './visibility';
import { gradingSteps } from '../../domain/eta';

// GET /v1/queue: what waits and what runs, per stage, from the task queues' own statistics
// and visibility counts; the maxima are this API process's since it started. The task
// queues are shared, so backlog, dispatch rate and the wait estimate are the service's;
// in-flight and pending counts, their maxima and the admission limit are the caller's own
// (its tenant's, or everything for an admin), so no tenant sees another's load.

const { TaskQueueType } = temporal.api.enums.v1;
/** Expected cost of one task, for a wait estimate before the server has measured a dispatch rate. */
const expectedTaskMs = { ocr: 4000, default: 500 };

const since = new Date().toISOString();
const newMaxima = () => ({ ocr: { backlog: 0, inFlight: 0 }, default: { backlog: 0, inFlight: 0 }, inFlight: 0 });
/** per scope ("*" for admins); bounded by the tenants in EXAMFLOW_API_KEYS */
const maximaByScope = new Map<string, ReturnType<typeof newMaxima>>();

async function taskQueueStats(client: Client, name: string, types: temporal.api.enums.v1.TaskQueueType[]) {
  const results = await Promise.all(
    types.map((taskQueueType) =>
      client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name, kind: 1 },
        taskQueueType,
        reportStats: true,
      }),
    ),
  );
  let backlog = 0;
  let backlogAgeMs = 0;
  let dispatchRate = 0;
  const pollers = new Set<string>();
  for (const r of results) {
    backlog += Number(r.stats?.approximateBacklogCount ?? 0);
    backlogAgeMs = Math.max(backlogAgeMs, r.stats?.approximateBacklogAge ? tsToMs(r.stats.approximateBacklogAge) : 0);
    dispatchRate += r.stats?.tasksDispatchRate ?? 0;
    for (const p of r.pollers ?? []) if (p.identity) pollers.add(p.identity);
  }
  return { backlog, backlogAgeMs, dispatchRate, pollers: pollers.size };
}

export async function queueStatus({ client, cfg }: Pick<ApiDeps, 'client' | 'cfg'>, scope: string | null): Promise<QueueResponse> {
  const maxima = maximaByScope.get(scope ?? '*') ?? newMaxima();
  maximaByScope.set(scope ?? '*', maxima);
  const count = async (query: string) => (await client.workflow.count(query)).count;
  const running = examQuery({ scope, status: 'processing' });
  const [ocr, light, ocrInFlight, lightInFlight, pending] = await Promise.all([
    taskQueueStats(client, ocrTaskQueue(cfg.EXAMFLOW_TASK_QUEUE), [TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]),
    taskQueueStats(client, cfg.EXAMFLOW_TASK_QUEUE, [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]),
    count(`${running} AND ExamStep = 'ocr'`),
    count(`${running} AND ExamStep IN (${gradingSteps.map((s) => `'${s}'`).join(', ')})`),
    count(examQuery({ scope, status: 'pending' })),
  ]);

  const stage = (name: 'ocr' | 'default', taskQueue: string, stats: typeof ocr, inFlight: number, limit: number) => {
    maxima[name].backlog = Math.max(maxima[name].backlog, stats.backlog);
    maxima[name].inFlight = Math.max(maxima[name].inFlight, inFlight);
    const perSecond = stats.dispatchRate > 0 ? stats.dispatchRate : (Math.max(1, stats.pollers) * limit * 1000) / expectedTaskMs[name];
    return {
      stage: name,
      taskQueue,
      backlog: stats.backlog,
      backlogAgeMs: stats.backlogAgeMs,
      inFlight,
      concurrencyLimit: limit,
      pollers: stats.pollers,
      dispatchRatePerSecond: Math.round(stats.dispatchRate * 100) / 100,
      estimatedWaitMs: Math.round((stats.backlog / perSecond) * 1000),
      maxBacklogSeen: maxima[name].backlog,
      maxInFlightSeen: maxima[name].inFlight,
    };
  };
  const inFlight = ocrInFlight + lightInFlight + pending;
  maxima.inFlight = Math.max(maxima.inFlight, inFlight);
  return {
    stages: [
      stage('ocr', ocrTaskQueue(cfg.EXAMFLOW_TASK_QUEUE), ocr, ocrInFlight, ocrSlots(cfg)),
      stage('default', cfg.EXAMFLOW_TASK_QUEUE, light, lightInFlight, cfg.EXAMFLOW_ACTIVITY_CONCURRENCY),
    ],
    pending,
    inFlight,
    maxInFlight: maxima.inFlight,
    admissionLimit: scope === null ? cfg.EXAMFLOW_MAX_IN_FLIGHT : tenantAdmissionLimit(cfg),
    since,
  };
}
