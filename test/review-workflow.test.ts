import './helpers/env-review';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Activities } from '../activities';
import type { ApplyReviewInput } from '../activities/apply-review';
import type { RecordExamInput } from '../activities/record-exam';
import type { ReviewItem } from '../domain/review-decisions';
import { INVALID_DECISION, progressQuery, reviewQuery, reviewUpdate, type ExamWorkflowInput } from '../workflows/definitions';
import { ExamStatusKey, ExamStepKey, TenantIdKey } from '../workflows/search-attributes';
import { fakeActivities } from './helpers/fake-activities';
import { startTemporal, withExamWorkers } from './helpers/temporal';
import { examWorkflow } from '../workflows/exam-workflow';

// The review step's orchestration against a real Temporal dev server, with stand-in
// activities: waiting, validated decisions (refused ones never enter history), partial
// decisions kept, the deadline (a short timeout from the input: the time-skipping test
// server is a download, and nothing downloads here), and cancel while waiting.

let env: TestWorkflowEnvironment;
let client: Client;
before(async () => {
  env = await startTemporal();
  client = env.client;
});
after(async () => {
  await env?.teardown();
});

const items: ReviewItem[] = [
  {
    itemId: 'q2',
    number: '2',
    section: null,
    type: 'choice',
    points: 4,
    reason: 'double',
    machineAnswer: 'AC',
    machineAwarded: 0,
    confidence: 0.9,
    imageKey: 'img/q2',
  },
  {
    itemId: 'q4',
    number: '4',
    section: null,
    type: 'open',
    points: 10,
    reason: 'scored_by_teacher',
    machineAnswer: 'text',
    machineAwarded: 3,
    confidence: 0.9,
    imageKey: 'img/q4',
  },
];

interface Seen {
  applied: ApplyReviewInput[];
  records: RecordExamInput[];
}

function reviewActivities(seen: Seen, waitOn: ReviewItem[] = items): Activities {
  return fakeActivities({
    prepareReview: async () => ({ items: waitOn }),
    applyReview: async (input) => {
      seen.applied.push(input);
      return { gradedKey: 'reviewed', score: 11, fullScore: 20 };
    },
    recordExam: async (input) => {
      seen.records.push(input);
    },
  });
}

const withWorkers = <T>(activities: Activities, fn: (taskQueue: string) => Promise<T>) => withExamWorkers(env, activities, fn);

function startExam(taskQueue: string, timeoutMs = 3_600_000) {
  const examId = randomUUID();
  const input: ExamWorkflowInput = {
    examId,
    tenantId: 'school-a',
    templateId: 't1',
    templateKey: 'templates/t1.json',
    language: 'zh',
    pageKeys: ['pages/0'],
    createdAt: new Date().toISOString(),
    review: { below: 0.6, timeoutMs },
  };
  return client.workflow.start(examWorkflow, {
    workflowId: examId,
    taskQueue,
    args: [input],
    typedSearchAttributes: [{ key: TenantIdKey, value: 'school-a' }],
  });
}

async function waitForReview(handle: Awaited<ReturnType<typeof startExam>>) {
  for (let i = 0; i < 200; i++) {
    const status = await handle.query(progressQuery).catch(() => null);
    if (status?.status === 'needs_review') return status;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the exam never waited for a review');
}

async function refusal(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowUpdateFailedError, `expected a refused update, got ${String(err)}`);
  assert.ok(err.cause instanceof ApplicationFailure);
  return err.cause;
}

test('waits in needs_review, refuses bad decisions before history, keeps partial ones, then goes on regraded', async () => {
  const seen: Seen = { applied: [], records: [] };
  const result = await withWorkers(reviewActivities(seen), async (taskQueue) => {
    const handle = await startExam(taskQueue);
    const waiting = await waitForReview(handle);
    assert.equal(waiting.step, 'review');
    assert.equal(waiting.etaMs, null);
    assert.deepEqual({ items: waiting.review?.items, decided: waiting.review?.decided }, { items: 2, decided: 0 });
    const described = await handle.describe();
    assert.equal(described.typedSearchAttributes.get(ExamStatusKey), 'needs_review');
    assert.equal(described.typedSearchAttributes.get(ExamStepKey), 'review');

    const unknown = await refusal(
      handle.executeUpdate(reviewUpdate, { args: [{ decisions: [{ itemId: 'q9', awarded: 1 }], by: 'ms-li' }] }),
    );
    assert.equal(unknown.type, INVALID_DECISION);
    assert.match(unknown.message, /unknown item q9/);
    const tooMany = await refusal(
      handle.executeUpdate(reviewUpdate, { args: [{ decisions: [{ itemId: 'q4', awarded: 11 }], by: 'ms-li' }] }),
    );
    assert.match(tooMany.message, /from 0 to 10/);

    const partial = await handle.executeUpdate(reviewUpdate, { args: [{ decisions: [{ itemId: 'q2', answer: 'C' }], by: 'ms-li' }] });
    assert.equal(partial.waiting, true);
    assert.deepEqual(
      partial.decisions.map((d) => [d.itemId, d.answer, d.decidedBy]),
      [['q2', 'C', 'ms-li']],
    );
    assert.equal((await handle.query(progressQuery)).review?.decided, 1);
    assert.equal((await handle.query(reviewQuery)).items.length, 2);

    await handle.executeUpdate(reviewUpdate, { args: [{ decisions: [{ itemId: 'q4', awarded: 8 }], by: 'mr-wang' }] });
    const done = await handle.result();
    // Refused updates never entered the history; the two accepted ones did.
    const history = await handle.fetchHistory();
    const accepted = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
    assert.equal(accepted, 2);
    const late = await handle.executeUpdate(reviewUpdate, { args: [{ decisions: [{ itemId: 'q2', awarded: 4 }], by: 'x' }] }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(late instanceof Error, 'a closed exam takes no decisions');
    return done;
  });
  assert.equal(result.score, 11);
  assert.equal(seen.applied.length, 1);
  assert.deepEqual(
    seen.applied[0]!.decisions.map((d) => [d.itemId, d.answer ?? d.awarded, d.decidedBy]),
    [
      ['q2', 'C', 'ms-li'],
      ['q4', 8, 'mr-wang'],
    ],
  );
  assert.deepEqual(
    seen.records.map((r) => r.status),
    ['processing', 'needs_review', 'processing', 'completed'],
  );
  assert.equal(seen.records[1]!.reviewItems, 2);
});

test('at the deadline the exam completes with the machine readings (partial decisions kept)', async () => {
  const seen: Seen = { applied: [], records: [] };
  const result = await withWorkers(reviewActivities(seen), async (taskQueue) => {
    const handle = await startExam(taskQueue, 2_000);
    await waitForReview(handle);
    await handle.executeUpdate(reviewUpdate, { args: [{ decisions: [{ itemId: 'q4', awarded: 5 }], by: 'ms-li' }] });
    return handle.result();
  });
  assert.equal(result.score, 11);
  assert.deepEqual(
    seen.applied[0]!.decisions.map((d) => d.itemId),
    ['q4'],
  );
  assert.equal(seen.records.at(-1)!.status, 'completed');
});

test('an exam with nothing doubtful never waits', async () => {
  const seen: Seen = { applied: [], records: [] };
  const result = await withWorkers(reviewActivities(seen, []), async (taskQueue) => (await startExam(taskQueue)).result());
  assert.equal(result.score, 15);
  assert.equal(seen.applied.length, 0);
  assert.deepEqual(
    seen.records.map((r) => r.status),
    ['processing', 'completed'],
  );
});

test('cancelling an exam that waits ends it cancelled, recorded at the review step', async () => {
  const seen: Seen = { applied: [], records: [] };
  await withWorkers(reviewActivities(seen), async (taskQueue) => {
    const handle = await startExam(taskQueue);
    await waitForReview(handle);
    await handle.cancel();
    const err = await handle.result().then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    assert.equal((await handle.describe()).status.name, 'CANCELLED');
    assert.equal((await handle.describe()).typedSearchAttributes.get(ExamStatusKey), 'cancelled');
  });
  assert.equal(seen.applied.length, 0);
  assert.deepEqual(seen.records.map((r) => [r.status, r.step]).at(-1), ['cancelled', 'review']);
});
