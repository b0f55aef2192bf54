import './helpers/env';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { examWorkflow } from '../workflows/exam-workflow';
import { closeSharedBrowser } from '../lib/documents/browser';
import { freePort } from '../lib/free-port';
import { exited, runDist, submitPaper } from './helpers/dist-process';
import { useTestRecords } from './helpers/records';
import { startTemporal } from './helpers/temporal';

// A worker started while the Temporal server is down (restarting, or compose starting everything
// at once) waits for it and then works, instead of exiting and leaving every exam without a worker.

let env: TestWorkflowEnvironment | undefined;

after(async () => {
  await closeSharedBrowser();
  await env?.teardown();
});

test('a worker started before the Temporal server waits for it, then grades an exam', async () => {
  await useTestRecords(); // the worker reads its database URL from the environment
  const port = await freePort();
  const taskQueue = `worker-start-${Date.now()}`;
  const worker = runDist('worker/main.js', `127.0.0.1:${port}`, { EXAMFLOW_TASK_QUEUE: taskQueue }, 'pipe');
  const workerExit = exited(worker);
  try {
    const waiting = await new Promise<string>((resolve, reject) => {
      createInterface({ input: worker.stdout! }).on('line', (line) => {
        if (line.includes('cannot be reached yet')) resolve(line);
      });
      void workerExit.then((code) => reject(new Error(`the worker exited (${code}) instead of waiting for the server`)));
    });
    assert.match(waiting, new RegExp(`127\\.0\\.0\\.1:${port}`), 'the log says which server it waits for');

    env = await startTemporal(port);
    const examId = await submitPaper(env.client, taskQueue, 7);
    const result = await env.client.workflow.getHandle<typeof examWorkflow>(examId).result();
    assert.ok(result.fullScore > 0);
  } finally {
    worker.kill('SIGTERM');
    await workerExit;
  }
});
