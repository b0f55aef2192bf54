import './helpers/env';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApiDeps } from '../api/deps';
import { examIdFor, submitExam } from '../api/exams/start-exam';
import { templateSchema } from '../domain/template';
import type { examWorkflow } from '../workflows/exam-workflow';
import { config } from '../lib/config';
import { closeSharedBrowser, sharedChromium } from '../lib/documents/browser';
import { freePort } from '../lib/free-port';
import { chooseAnswers } from './fixtures/answers';
import { renderExamPaper } from './fixtures/generator';
import { useTestRecords } from './helpers/records';
import { startTemporal } from './helpers/temporal';

// A worker started while the Temporal server is down (restarting, or compose starting everything
// at once) waits for it and then works, instead of exiting and leaving every exam without a worker.

const template = templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')));
let env: TestWorkflowEnvironment | undefined;

after(async () => {
  await closeSharedBrowser();
  await env?.teardown();
});

test('a worker started before the Temporal server waits for it, then grades an exam', async () => {
  await useTestRecords(); // the worker reads its database URL from the environment
  const port = await freePort();
  const taskQueue = `worker-start-${Date.now()}`;
  const worker = spawn(process.execPath, [path.resolve(__dirname, '../worker/main.js')], {
    env: { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, EXAMFLOW_TASK_QUEUE: taskQueue, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
  try {
    const waiting = await new Promise<string>((resolve, reject) => {
      createInterface({ input: worker.stdout }).on('line', (line) => {
        if (line.includes('cannot be reached yet')) resolve(line);
      });
      void exited.then((code) => reject(new Error(`the worker exited (${code}) instead of waiting for the server`)));
    });
    assert.match(waiting, new RegExp(`127\\.0\\.0\\.1:${port}`), 'the log says which server it waits for');

    env = await startTemporal(port);
    const paper = await renderExamPaper({
      template,
      student: { name: '林晓', class: '1', id: '7' },
      answers: chooseAnswers(template, 0, 7),
      pages: 1,
      seed: 7,
    });
    const examId = examIdFor('school-a', undefined);
    await submitExam(createApiDeps(env.client, config(), sharedChromium()), {
      examId,
      tenantId: 'school-a',
      template,
      pages: paper.pages,
      priority: 'normal',
      taskQueue,
    });
    const result = await env.client.workflow.getHandle<typeof examWorkflow>(examId).result();
    assert.ok(result.fullScore > 0);
  } finally {
    worker.kill('SIGTERM');
    await exited;
  }
});
