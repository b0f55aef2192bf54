import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { activities as realActivities, type Activities } from '../activities';
import { config, ocrSlots } from '../lib/config';
import { examflowDataConverter } from '../lib/payload-codec';
import { ocrTaskQueue } from '../workflows/task-queues';

export interface ExamWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  role?: 'all' | 'ocr' | 'default';
  /** a prebuilt bundle (tests build it once); by default the workflows are bundled at start */
  workflowBundle?: WorkflowBundleOption;
  /** stand-ins for the real activities (workflow tests) */
  activities?: Activities;
}

/**
 * The two workers one process runs: OCR on its own queue, and the workflows plus light
 * activities on the base queue. OCR takes twice as many pages as there are recognisers by
 * default: while one page is recognised the next is cleaned up on a thread, so no
 * recogniser waits (waiting pages keep heartbeating on their timer).
 */
export async function createExamWorkers(options: ExamWorkerOptions): Promise<Worker[]> {
  const cfg = config();
  const taskQueue = options.taskQueue ?? cfg.EXAMFLOW_TASK_QUEUE;
  const role = options.role ?? cfg.EXAMFLOW_WORKER_ROLE;
  const common = { connection: options.connection, namespace: options.namespace ?? cfg.TEMPORAL_NAMESPACE, shutdownGraceTime: '20 seconds' as const, dataConverter: examflowDataConverter(cfg) };
  const { ocrPage, ...lightActivities } = options.activities ?? realActivities;
  const workers: Promise<Worker>[] = [];
  if (role !== 'ocr') {
    workers.push(
      Worker.create({
        ...common,
        taskQueue,
        ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
        activities: lightActivities,
        maxConcurrentActivityTaskExecutions: cfg.EXAMFLOW_ACTIVITY_CONCURRENCY,
      }),
    );
  }
  if (role !== 'default') {
    workers.push(
      Worker.create({
        ...common,
        taskQueue: ocrTaskQueue(taskQueue),
        activities: { ocrPage },
        maxConcurrentActivityTaskExecutions: ocrSlots(cfg),
        // Heartbeats reach the server within 2 s, and with them a cancellation reaches the page.
        maxHeartbeatThrottleInterval: '2 seconds',
      }),
    );
  }
  return Promise.all(workers);
}
