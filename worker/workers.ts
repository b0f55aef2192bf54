import { NativeConnection, Worker, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import type { Activities } from '../activities';
import { ocrSlots, type Config } from '../lib/config';
import { activityCostInterceptors } from '../lib/temporal/activity-costs';
import { examflowDataConverter } from '../lib/temporal/payload-codec';
import { ocrTaskQueue } from '../workflows/task-queues';

export interface ExamWorkerOptions {
  connection: NativeConnection;
  /** the process's configuration: namespace, queue, role, concurrency, versioning */
  cfg: Config;
  /** createActivities(deps), or stand-ins (workflow tests) */
  activities: Activities;
  /** overrides of the configured task queue and role (tests) */
  taskQueue?: string;
  role?: 'all' | 'ocr' | 'default';
  /** a prebuilt bundle (tests build it once); by default the workflows are bundled at start */
  workflowBundle?: WorkflowBundleOption;
}

/**
 * The two workers one process runs: OCR and answer-sheet reading on their own queue, and the workflows plus light
 * activities on the base queue. OCR takes twice as many pages as there are recognisers by
 * default: while one page is recognised the next is cleaned up on a thread, so no
 * recogniser waits (waiting pages keep heartbeating on their timer).
 */
export async function createExamWorkers(options: ExamWorkerOptions): Promise<Worker[]> {
  const { cfg } = options;
  const taskQueue = options.taskQueue ?? cfg.EXAMFLOW_TASK_QUEUE;
  const role = options.role ?? cfg.EXAMFLOW_WORKER_ROLE;
  const common = {
    connection: options.connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    shutdownGraceTime: cfg.EXAMFLOW_SHUTDOWN_GRACE_SECONDS * 1000,
    dataConverter: examflowDataConverter(cfg),
    interceptors: { activity: activityCostInterceptors(cfg.EXAMFLOW_ACTIVITY_COST_LOG) },
    ...workerVersioning(cfg),
  };
  const { identifySheet, ocrPage, readSheetPage, splitBatch, ...lightActivities } = options.activities;
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
        activities: { identifySheet, ocrPage, readSheetPage, splitBatch },
        maxConcurrentActivityTaskExecutions: ocrSlots(cfg),
        // Heartbeats reach the server within 2 s, and with them a cancellation reaches the page.
        maxHeartbeatThrottleInterval: '2 seconds',
      }),
    );
  }
  return Promise.all(workers);
}

/**
 * Worker Versioning (Worker Deployments) when a build id is set. Exams auto-upgrade: a running
 * exam moves to the new current version at its next workflow task, so workflow changes still
 * sit behind patched() and the replay tests; versioning adds the explicit, reversible cut-over.
 */
function workerVersioning(cfg: Config): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!cfg.EXAMFLOW_BUILD_ID) return {};
  return {
    workerDeploymentOptions: {
      version: { deploymentName: cfg.EXAMFLOW_DEPLOYMENT_NAME, buildId: cfg.EXAMFLOW_BUILD_ID },
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    },
  };
}
