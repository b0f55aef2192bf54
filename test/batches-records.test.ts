import './helpers/env';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { batchKeys } from '../lib/artifacts/artifacts';
import { findBatch, insertBatch, updateBatch } from '../records/batches';
import { recordSubmission } from '../records/exam-writes';
import { testActivities } from './helpers/activities';
import { useTestRecords } from './helpers/records';

const { activities, deps } = testActivities();
const artifacts = () => deps.store;

// Batch records on a real PostgreSQL: phases never reopen a closed batch, and the retention
// purge removes an old batch (its stack as scanned, its report, its row) once its exams are gone.

before(() => useTestRecords());

async function oldBatch(daysAgo: number): Promise<string> {
  const batchId = randomUUID();
  await insertBatch({
    batchId,
    tenantId: 'school-a',
    name: '八(1)班',
    templateId: null,
    files: 1,
    createdAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
  });
  await artifacts().put(batchKeys(batchId).upload(0), Buffer.from('%PDF- the class'));
  return batchId;
}

test('a closed batch is never reopened by a late phase update', async () => {
  const batchId = await oldBatch(0);
  await updateBatch(batchId, {
    status: 'processing',
    pages: 3,
    examsPlanned: 1,
    skipped: [{ page: 2, reason: 'blank page' }],
    unplaced: [],
  });
  await updateBatch(batchId, { status: 'cancelled', finishedAt: new Date().toISOString() });
  await updateBatch(batchId, { status: 'reporting' });
  const row = await findBatch(batchId, 'school-a');
  assert.equal(row?.status, 'cancelled');
  assert.deepEqual(row?.skipped, [{ page: 2, reason: 'blank page' }]);
  assert.equal(await findBatch(batchId, 'school-b'), undefined, 'another tenant’s batch is not found');
});

test('the retention purge removes old closed batches whose exams are gone, and keeps the others', async () => {
  const expired = await oldBatch(400);
  await updateBatch(expired, { status: 'completed', finishedAt: new Date().toISOString() });
  const withExam = await oldBatch(400);
  await updateBatch(withExam, { status: 'completed' });
  await recordSubmission({
    examId: randomUUID(),
    tenantId: 'school-a',
    templateId: 't',
    subject: 'math',
    priority: 'normal',
    pages: 1,
    createdAt: new Date().toISOString(),
    batchId: withExam,
    batchPosition: 0,
  });
  const recent = await oldBatch(1);
  await updateBatch(recent, { status: 'completed' });
  await new MockActivityEnvironment().run(activities.purgeExams, { retentionDays: 365, batchSize: 50 });
  assert.equal(await findBatch(expired, null), undefined);
  await assert.rejects(artifacts().get(batchKeys(expired).upload(0)), 'its stack is erased');
  assert.ok(await findBatch(withExam, null), 'a batch with an exam left stays');
  assert.ok(await findBatch(recent, null), 'a recent batch stays');
  assert.ok((await artifacts().get(batchKeys(recent).upload(0))).length > 0);
});
