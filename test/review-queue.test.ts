import './helpers/env';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, test } from 'node:test';
import { closeRecords } from '../records/database';
import { InvalidCursor } from '../records/exam-cursor';
import { recordRun, recordSubmission, type Submission } from '../records/exam-writes';
import { recordStatistics } from '../records/exam-statistics';
import { listWaitingExams } from '../records/review-queue';
import { pageTokens } from '../lib/page-token';
import { useTestRecords } from './helpers/records';

// The review queue over the records (real PostgreSQL, migration 0004): a tenant's waiting
// exams, oldest wait first, page by page; closed and other tenants' exams never in it.

before(async () => {
  await useTestRecords();
});
process.once('beforeExit', () => void closeRecords());

async function exam(tenantId: string, status: 'processing' | 'needs_review' | 'completed', items = 2): Promise<string> {
  const submission: Submission = {
    examId: randomUUID(),
    tenantId,
    templateId: 't1',
    subject: 'math',
    priority: 'normal',
    pages: 1,
    createdAt: new Date().toISOString(),
  };
  await recordSubmission(submission);
  const runId = randomUUID();
  const startedAt = new Date().toISOString();
  await recordRun({ examId: submission.examId, runId, status: 'processing', step: 'ocr', startedAt }, submission);
  if (status !== 'processing')
    await recordRun(
      { examId: submission.examId, runId, status: 'needs_review', step: 'review', startedAt, reviewItems: items },
      submission,
    );
  if (status === 'completed')
    await recordRun(
      {
        examId: submission.examId,
        runId,
        status: 'completed',
        step: 'done',
        startedAt,
        finishedAt: new Date().toISOString(),
        score: 1,
        fullScore: 2,
      },
      submission,
    );
  await new Promise((r) => setTimeout(r, 5)); // distinct waiting times
  return submission.examId;
}

test('waiting exams of one tenant, oldest first, in pages; closed, running and foreign ones are not listed', async () => {
  const waiting = [];
  for (let i = 0; i < 5; i++) waiting.push(await exam('queue-a', 'needs_review', i + 1));
  await exam('queue-a', 'completed');
  await exam('queue-a', 'processing');
  await exam('queue-b', 'needs_review');

  const tokens = pageTokens('a test key');
  const first = await listWaitingExams(tokens, 'queue-a', 2);
  assert.deepEqual(
    first.exams.map((e) => e.examId),
    waiting.slice(0, 2),
  );
  assert.deepEqual(
    first.exams.map((e) => e.items),
    [1, 2],
  );
  assert.equal(first.exams[0]!.reviewUrl, `/v1/exams/${waiting[0]}/review`);
  const second = await listWaitingExams(tokens, 'queue-a', 2, first.nextPageToken!);
  const third = await listWaitingExams(tokens, 'queue-a', 2, second.nextPageToken!);
  assert.deepEqual(
    [...second.exams, ...third.exams].map((e) => e.examId),
    waiting.slice(2),
  );
  assert.equal(third.nextPageToken, null);
  assert.equal((await listWaitingExams(tokens, null, 100)).exams.length, 6, 'an admin sees every tenant’s');
  await assert.rejects(listWaitingExams(tokens, 'queue-a', 2, 'bm90LW91cnM'), InvalidCursor);

  const stats = await recordStatistics('queue-a', 24);
  assert.equal(stats.byStatus.needs_review, 5);
  assert.equal(stats.total, 7);
});
