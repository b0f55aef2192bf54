import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { activities as realActivities, type Activities } from '../activities';
import { config } from '../lib/config';
import { ocrTaskQueue } from '../workflows/task-queues';

export interface ExamWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** a prebuilt bundle (tests build it once); by default the workflows are bundled at start */
  workflowBundle?: WorkflowBundleOption;
  /** stand-ins for the real activities (workflow tests) */
  activities?: Activities;
}

/**
 * The two workers one process runs: OCR on its own queue with as many slots as recogniser
 * workers (more would only queue inside tesseract and blow the heartbeat), and the
 * workflows plus light activities on the base queue.
 */
export async function createExamWorkers(options: ExamWorkerOptions): Promise<Worker[]> {
  const cfg = config();
  const taskQueue = options.taskQueue ?? cfg.EXAMFLOW_TASK_QUEUE;
  const namespace = options.namespace ?? cfg.TEMPORAL_NAMESPACE;
  const { ocrPage, ...lightActivities } = options.activities ?? realActivities;
  const workflows = options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') };
  return Promise.all([
    Worker.create({
      connection: options.connection,
      namespace,
      taskQueue,
      ...workflows,
      activities: lightActivities,
      maxConcurrentActivityTaskExecutions: 4,
      shutdownGraceTime: '20 seconds',
    }),
    Worker.create({
      connection: options.connection,
      namespace,
      taskQueue: ocrTaskQueue(taskQueue),
      activities: { ocrPage },
      maxConcurrentActivityTaskExecutions: cfg.EXAMFLOW_OCR_WORKERS,
      shutdownGraceTime: '20 seconds',
    }),
  ]);
}
