import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Activities } from '../activities';
import { progressQuery, type ExamWorkflowInput } from '../workflows/definitions';
import { ExamScoreKey, ExamStatusKey, ExamStepKey, TenantIdKey } from '../workflows/search-attributes';
import { fakeActivities } from './helpers/fake-activities';
import { startTemporal, withExamWorkers } from './helpers/temporal';
import { examWorkflow } from '../workflows/exam-workflow';

// The workflow's orchestration against a real Temporal dev server, with stand-in
// activities so each path (progress, bad input, transient retry, cancel) is exact.

let env: TestWorkflowEnvironment;
let client: Client;
before(async () => {
  env = await startTemporal();
  client = env.client;
});
after(async () => {
  await env?.teardown();
});

const withWorkers = <T>(activities: Activities, fn: (taskQueue: string) => Promise<T>) => withExamWorkers(env, activities, fn);

function startExam(taskQueue: string, pages = 2, extra: Partial<ExamWorkflowInput> = {}) {
  const examId = randomUUID();
  const input: ExamWorkflowInput = {
    examId,
    tenantId: 'school-a',
    templateId: 't1',
    templateKey: 'templates/t1.json',
    language: 'zh',
    pageKeys: Array.from({ length: pages }, (_, i) => `pages/${i}`),
    createdAt: new Date().toISOString(),
    ...extra,
  };
  return client.workflow.start(examWorkflow, {
    workflowId: examId,
    taskQueue,
    args: [input],
    typedSearchAttributes: [{ key: TenantIdKey, value: 'school-a' }],
  });
}

test('runs every step in order, reports progress, and records the outcome in search attributes', async () => {
  const calls: string[] = [];
  let releaseOcr!: () => void;
  const ocrGate = new Promise<void>((r) => (releaseOcr = r));
  const activities = fakeActivities({
    ocrPage: async (input) => {
      calls.push(`ocr:${input.pageIndex}`);
      await ocrGate;
      return { ocrKey: `ocr/${input.pageIndex}`, confidence: 0.9, characters: 100 };
    },
    parseExam: async (input) => {
      calls.push(`parse:${input.ocrKeys.join(',')}`);
      return { parsedKey: 'parsed', found: 3, missing: 0, studentId: 'S-7' };
    },
  });
  const result = await withWorkers(activities, async (taskQueue) => {
    const handle = await startExam(taskQueue, 2);
    while (calls.length < 2) await new Promise((r) => setTimeout(r, 50));
    const during = await handle.query(progressQuery);
    assert.equal(during.status, 'processing');
    assert.equal(during.step, 'ocr');
    assert.deepEqual(during.pages, { total: 2, processed: 0 });
    assert.ok(during.etaMs! > 0);
    releaseOcr();
    const out = await handle.result();
    const done = await handle.query(progressQuery);
    assert.equal(done.status, 'completed');
    assert.equal(done.progress, 100);
    const attrs = (await handle.describe()).typedSearchAttributes;
    assert.equal(attrs.get(ExamStatusKey), 'completed');
    assert.equal(attrs.get(ExamStepKey), 'done');
    assert.equal(attrs.get(ExamScoreKey), 15);
    return out;
  });
  assert.equal(result.score, 15);
  assert.equal(result.reportPdfKey, 'report.pdf');
  assert.deepEqual(calls.sort(), ['ocr:0', 'ocr:1', 'parse:ocr/0,ocr/1']);
});

test('answer-sheet pages are read for their marks on the OCR queue, and parse gets the readings instead of OCR text', async () => {
  const calls: string[] = [];
  const activities = fakeActivities({
    ocrPage: async (input) => {
      calls.push(`ocr:${input.pageIndex}`);
      return { ocrKey: `ocr/${input.pageIndex}`, confidence: 0.9, characters: 100 };
    },
    readSheetPage: async (input) => {
      calls.push(`sheet:${input.pageIndex}:${input.templateKey}`);
      return { sheetKey: `sheets/${input.pageIndex}`, answers: 12, studentNumber: '20230017' };
    },
    parseExam: async (input) => {
      calls.push(`parse:${input.ocrKeys.join(',')}|${input.sheetKeys?.join(',')}`);
      return { parsedKey: 'parsed', found: 12, missing: 0, studentId: '20230017' };
    },
  });
  await withWorkers(activities, async (taskQueue) => {
    const handle = await startExam(taskQueue, 2, { sheet: true });
    await handle.result();
    const done = await handle.query(progressQuery);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.pages, { total: 2, processed: 2 });
  });
  assert.deepEqual(calls.sort(), ['parse:|sheets/0,sheets/1', 'sheet:0:templates/t1.json', 'sheet:1:templates/t1.json']);
});

test('submitted with a templateId, the first page decides: a sheet is read for its marks, a paper by OCR', async () => {
  for (const sheet of [true, false]) {
    const calls: string[] = [];
    const activities = fakeActivities({
      identifySheet: async (input) => {
        calls.push(`identify:${input.pageKey}:${input.templateId}`);
        return { sheet };
      },
      ocrPage: async (input) => {
        calls.push(`ocr:${input.pageIndex}`);
        return { ocrKey: `ocr/${input.pageIndex}`, confidence: 0.9, characters: 100 };
      },
      readSheetPage: async (input) => {
        calls.push(`sheet:${input.pageIndex}`);
        return { sheetKey: `sheets/${input.pageIndex}`, answers: 12, studentNumber: '20230017' };
      },
    });
    await withWorkers(activities, async (taskQueue) => (await startExam(taskQueue, 2, { identifySheet: true })).result());
    const reads = sheet ? ['sheet:0', 'sheet:1'] : ['ocr:0', 'ocr:1'];
    assert.deepEqual(calls.sort(), ['identify:pages/0:t1', ...reads].sort());
  }
});

test('a sheet of another template under this templateId fails the exam before any reading', async () => {
  let reads = 0;
  const activities = fakeActivities({
    identifySheet: async () => {
      throw ApplicationFailure.nonRetryable('the pages are answer sheets of template "quiz-2", but templateId says "t1"', 'BadInput');
    },
    ocrPage: async () => {
      reads++;
      return { ocrKey: 'ocr/0', confidence: 0.9, characters: 100 };
    },
  });
  await withWorkers(activities, async (taskQueue) => {
    const handle = await startExam(taskQueue, 1, { identifySheet: true });
    const err = await handle.result().then(
      () => assert.fail('the exam should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    assert.match(err.cause?.message ?? '', /^ocr failed: the pages are answer sheets of template "quiz-2"/);
  });
  assert.equal(reads, 0);
});

test('a page that is not a readable answer sheet fails the exam at once with the reader’s message', async () => {
  let attempts = 0;
  const activities = fakeActivities({
    readSheetPage: async () => {
      attempts++;
      throw ApplicationFailure.nonRetryable(
        'page 1: no answer sheet found (no corner markers, no code): photograph the whole sheet',
        'BadInput',
      );
    },
  });
  await withWorkers(activities, async (taskQueue) => {
    const handle = await startExam(taskQueue, 1, { sheet: true });
    const err = await handle.result().then(
      () => assert.fail('the exam should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    assert.match(err.cause?.message ?? '', /^ocr failed: page 1: no answer sheet found/);
  });
  assert.equal(attempts, 1);
});

test('bad input fails the exam at once, without retries, with the teacher-facing message', async () => {
  let attempts = 0;
  const activities = fakeActivities({
    ocrPage: async (input) => {
      if (input.pageIndex === 1) {
        attempts++;
        throw ApplicationFailure.nonRetryable('page 2 is not a readable image', 'BadInput');
      }
      return { ocrKey: 'ocr/0', confidence: 0.9, characters: 10 };
    },
  });
  await withWorkers(activities, async (taskQueue) => {
    const handle = await startExam(taskQueue, 2);
    const err = await handle.result().then(
      () => assert.fail('the exam should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    assert.equal(err.cause?.message, 'ocr failed: page 2 is not a readable image');
    assert.equal((err.cause as ApplicationFailure).type, 'BadInput');
    const status = await handle.query(progressQuery);
    assert.equal(status.status, 'failed');
    assert.equal(status.error, 'ocr failed: page 2 is not a readable image');
    assert.equal((await handle.describe()).typedSearchAttributes.get(ExamStatusKey), 'failed');
  });
  assert.equal(attempts, 1);
});

test('a transient failure is retried by the policy and the exam still completes', async () => {
  let attempts = 0;
  const activities = fakeActivities({
    diagnoseExam: async () => {
      attempts++;
      if (attempts < 2) throw new Error('LLM provider answered 503');
      return { diagnosisKey: 'diagnosis', weakPoints: 0 };
    },
  });
  const result = await withWorkers(activities, async (taskQueue) => (await startExam(taskQueue, 1)).result());
  assert.equal(result.score, 15);
  assert.equal(attempts, 2);
});

test('cancelling a running exam ends it cancelled', async () => {
  // An OCR that never finishes on its own; it stops when its cancellation arrives.
  const activities = fakeActivities({
    ocrPage: async () => {
      const ctx = Context.current();
      for (;;) {
        ctx.heartbeat();
        await ctx.sleep(200);
      }
    },
  });
  await withWorkers(activities, async (taskQueue) => {
    const handle = await startExam(taskQueue, 1);
    while ((await handle.describe()).historyLength < 5) await new Promise((r) => setTimeout(r, 50));
    await handle.cancel();
    await assert.rejects(handle.result());
    const description = await handle.describe();
    assert.equal(description.status.name, 'CANCELLED');
    assert.equal(description.typedSearchAttributes.get(ExamStatusKey), 'cancelled');
  });
});
