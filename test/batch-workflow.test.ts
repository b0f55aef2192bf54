import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Activities } from '../activities';
import { batchProgressQuery, type BatchExamPlan, type BatchWorkflowInput } from '../workflows/batch-definitions';
import { fakeActivities } from './helpers/fake-activities';
import { startTemporal, withExamWorkers } from './helpers/temporal';
import { batchWorkflow } from '../workflows/batch-workflow';

// The batch workflow's orchestration on a real dev server with stand-in activities: children
// bounded by the parallelism, each recorded before it starts, an exam's failure never fails the
// batch, the class report once all have closed, and a batch with nothing graded fails.

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

const withWorkers = <T>(activities: Activities, fn: (taskQueue: string) => Promise<T>) => withExamWorkers(env, activities, fn);

function plan(n: number): BatchExamPlan[] {
  return Array.from({ length: n }, (_, position) => {
    const examId = randomUUID();
    return {
      examId,
      position,
      subject: 'math',
      input: {
        examId,
        tenantId: 'school-a',
        templateId: 't1',
        templateKey: 'templates/t1.json',
        language: 'zh',
        pageKeys: ['p/0'],
        sheet: true,
        createdAt: new Date().toISOString(),
      },
    };
  });
}

const input = (parallelism: number): BatchWorkflowInput => ({
  batchId: randomUUID(),
  tenantId: 'school-a',
  files: 1,
  createdAt: new Date().toISOString(),
  parallelism,
});

test('children bounded by the parallelism, each recorded first; a failed exam does not fail the batch; one class report', async () => {
  const exams = plan(5);
  const events: string[] = [];
  let running = 0;
  let most = 0;
  const phases: string[] = [];
  const activities = fakeActivities({
    splitBatch: async () => ({ pages: 6, exams, skipped: [{ page: 3, reason: 'blank page' }], unplaced: [] }),
    recordBatch: async (u) => void phases.push(u.status),
    recordBatchExam: async ({ exam }) => void events.push(`record:${exam.position}`),
    readSheetPage: async (i) => {
      events.push(`read:${exams.findIndex((e) => e.examId === i.examId)}`);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 300));
      running--;
      return { sheetKey: 'k', answers: 1, studentNumber: null };
    },
    analyzeAnswers: async (i) => {
      if (i.examId === exams[2]!.examId) throw ApplicationFailure.nonRetryable('the sheet does not match', 'BadInput');
      return { gradedKey: 'graded', score: 15, fullScore: 20 };
    },
    buildClassReport: async () => (events.push('report'), { reportHtmlKey: 'r.html', reportPdfKey: 'r.pdf' }),
  });
  const batch = input(2);
  const result = await withWorkers(activities, async (taskQueue) => {
    const handle = await env.client.workflow.start(batchWorkflow, { workflowId: batch.batchId, taskQueue, args: [batch] });
    const out = await handle.result();
    const progress = await handle.query(batchProgressQuery);
    assert.deepEqual(progress.examsClosed, { completed: 4, failed: 1, cancelled: 0 });
    return out;
  });
  assert.deepEqual(result, { batchId: batch.batchId, status: 'completed', exams: 5, completed: 4 });
  assert.equal(most, 2, 'never more than two exams at once');
  for (let i = 0; i < 5; i++)
    assert.ok(events.indexOf(`record:${i}`) < events.indexOf(`read:${i}`), `exam ${i} recorded before it started`);
  assert.equal(events.at(-1), 'report');
  assert.equal(events.filter((e) => e === 'report').length, 1);
  assert.deepEqual(phases, ['splitting', 'processing', 'reporting', 'completed']);
});

test('a batch in which nothing could be graded fails with a message, without a report', async () => {
  let reported = false;
  const phases: string[] = [];
  const activities = fakeActivities({
    splitBatch: async () => ({
      pages: 2,
      exams: [],
      skipped: [],
      unplaced: [
        { page: 1, reason: 'no answer-sheet code' },
        { page: 2, reason: 'no answer-sheet code' },
      ],
    }),
    recordBatch: async (u) => void phases.push(`${u.status}${u.error ? `:${u.error}` : ''}`),
    buildClassReport: async () => ((reported = true), { reportHtmlKey: 'x', reportPdfKey: 'y' }),
  });
  const batch = input(4);
  await withWorkers(activities, async (taskQueue) => {
    const handle = await env.client.workflow.start(batchWorkflow, { workflowId: batch.batchId, taskQueue, args: [batch] });
    await assert.rejects(
      handle.result(),
      (err) => err instanceof WorkflowFailedError && /nothing in this batch could be graded/.test(String(err.cause?.message)),
    );
  });
  assert.equal(reported, false);
  assert.match(phases.at(-1)!, /^failed:nothing in this batch could be graded: no student’s sheet/);
});
