import { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { createExamWorkers } from '../../worker/workers';
import { config } from '../../lib/config';
import { configureLogger } from '../../lib/logger';
import { examflowDataConverter } from '../../lib/temporal/payload-codec';
import { devServerDynamicConfigArgs, temporalCliPath } from '../../lib/temporal/temporal-cli';
import { examSearchAttributes } from '../../workflows/search-attributes';
import { useTestRecords } from './records';

/** A real Temporal dev server (the installed CLI, in memory, on `port` or a free one) with examflow's search attributes, and the records database. */
export async function startTemporal(port?: number): Promise<TestWorkflowEnvironment> {
  configureLogger(config());
  // Every test with Temporal has the records database too (the workers write to it).
  const [env] = await Promise.all([createLocal(port), useTestRecords()]);
  return env;
}

function createLocal(port: number | undefined): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    // The client encrypts payloads as the API's does (the workers get the same codec).
    client: { dataConverter: examflowDataConverter(config()) },
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ...(port ? { port } : {}),
      searchAttributes: examSearchAttributes,
      ui: false,
      log: { format: 'pretty', level: 'error' },
      extraArgs: devServerDynamicConfigArgs,
    },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per test process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  return bundle;
}

/**
 * Runs `fn` while the exam workers poll a task queue of their own with the given activities;
 * the workers stop once `fn` has settled, and its outcome is returned.
 */
export async function withExamWorkers<T>(
  env: TestWorkflowEnvironment,
  activities: Activities,
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `wf-test-${randomUUID()}`;
  const workers = await createExamWorkers({
    connection: env.nativeConnection,
    cfg: config(),
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  const run = fn(taskQueue);
  await Promise.all(workers.map((w) => w.runUntil(run.catch(() => undefined))));
  return run;
}
