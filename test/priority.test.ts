import './helpers/env';
import { sharedChromium } from '../lib/documents/browser';
import { examflowDataConverter } from '../lib/temporal/payload-codec';
import { config } from '../lib/config';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createApiDeps } from '../api/deps';
import { examIdFor, submitExam, type Priority } from '../api/exams/start-exam';
import type { Template } from '../domain/template';
import { createExamWorkers } from '../worker/workers';
import { ocrTaskQueue } from '../workflows/task-queues';
import { fakeActivities } from './helpers/fake-activities';
import { startTemporal, workflowBundle } from './helpers/temporal';

// An urgent exam submitted behind a backlog of normal ones is picked first: Temporal task
// priority (priorityKey 1 vs 3), inherited by the exam's activities.

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

const template: Template = {
  id: 'p',
  title: 'P',
  subject: 'math',
  language: 'en',
  questions: [{ number: '1', type: 'choice', points: 1, answer: 'A' }],
};

test('an urgent exam overtakes a backlog of normal exams', async () => {
  const taskQueue = `priority-${Date.now()}`;
  const submitted: { examId: string; priority: Priority }[] = [];
  const deps = createApiDeps(env.client, config(), sharedChromium());
  // The backlog builds while no worker runs.
  for (const priority of ['normal', 'normal', 'normal', 'normal', 'normal', 'urgent'] as Priority[]) {
    const examId = examIdFor('school-a', undefined);
    await submitExam(deps, { examId, tenantId: 'school-a', template, pages: [Buffer.from('x')], priority, taskQueue });
    submitted.push({ examId, priority });
  }
  const order: string[] = [];
  const activities = fakeActivities({
    ocrPage: async (input) => {
      order.push(input.examId);
      return { ocrKey: 'k', confidence: 1, characters: 1 };
    },
  });
  const all = Promise.all(submitted.map((s) => env.client.workflow.getHandle(s.examId).result()));
  // Workflows run first, so every exam's OCR task waits on the OCR queue; then one OCR slot
  // drains that backlog and must take the urgent exam first.
  const [workflowWorker] = await createExamWorkers({
    connection: env.nativeConnection,
    cfg: config(),
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    role: 'default',
  });
  const workflowsRunning = workflowWorker!.runUntil(all);
  await waitForOcrBacklog(
    submitted.map((s) => s.examId),
    ocrTaskQueue(taskQueue),
  );
  const ocrWorker = await Worker.create({
    connection: env.nativeConnection,
    dataConverter: examflowDataConverter(config()),
    taskQueue: ocrTaskQueue(taskQueue),
    activities: { ocrPage: activities.ocrPage },
    maxConcurrentActivityTaskExecutions: 1,
  });
  await Promise.all([ocrWorker.runUntil(all), workflowsRunning]);
  const urgent = submitted.find((s) => s.priority === 'urgent')!.examId;
  assert.equal(order[0], urgent, `OCR order: ${order.map((id) => submitted.find((s) => s.examId === id)!.priority).join(', ')}`);
});

async function waitForOcrBacklog(examIds: string[], ocrQueue: string): Promise<void> {
  for (;;) {
    const descriptions = await Promise.all(examIds.map((id) => env.client.workflow.getHandle(id).describe()));
    const backlog = await env.client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: ocrQueue, kind: 1 },
      taskQueueType: 2,
      reportStats: true,
    });
    if (
      descriptions.every((d) => (d.raw.pendingActivities ?? []).length > 0) &&
      Number(backlog.stats?.approximateBacklogCount ?? 0) >= examIds.length
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
