import './helpers/env';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ResultDocument, StatusDocument } from '../domain/documents';
import { templateSchema } from '../domain/template';
import { examKeys } from '../lib/artifacts/artifacts';
import { config } from '../lib/config';
import { ensurePurgeSchedule, purgeScheduleId } from '../lib/artifacts/retention';
import { records } from '../records/database';
import { recordRun, recordSubmission, type Submission } from '../records/exam-writes';
import { chooseAnswers } from './fixtures/answers';
import { renderExamPaper } from './fixtures/generator';
import { apiClient, examForm, startStack, type Stack } from './helpers/stack';
import { purgeRecordsWorkflow } from '../workflows/purge-workflow';

// PostgreSQL as the system of record, against the real stack (dev server, real workers,
// real OCR and Chromium, a real PostgreSQL): an exam outlives its workflow history, is
// erased on request everywhere, and old records are purged in batches by the workflow
// the retention Schedule runs.

const template = templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')));
const studentId = '2024042';
let stack: Stack;
let api: ReturnType<typeof apiClient>;
let completedExam: string;

before(async () => {
  stack = await startStack();
  api = apiClient(stack.baseUrl, 'token-school-a');
  assert.equal((await api.postJson('/v1/templates', template)).status, 201);
});
after(async () => {
  await stack?.stop();
});

async function waitForClose(examId: string, timeoutMs = 180_000): Promise<StatusDocument> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const doc = (await (await api.get(`/v1/exams/${examId}`)).json()) as StatusDocument;
    if (['completed', 'failed', 'cancelled'].includes(doc.status)) return doc;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`exam ${examId} did not close within ${timeoutMs} ms`);
}

async function submit(seed: number): Promise<string> {
  const paper = await renderExamPaper({
    template,
    student: { name: '陈静', class: '八(3)班', id: studentId },
    answers: chooseAnswers(template, 2, seed),
    pages: 1,
    seed,
  });
  const res = await api.postForm(
    '/v1/exams',
    examForm(template.id, paper.pages, { student: JSON.stringify({ name: '陈静', id: studentId }) }),
  );
  assert.equal(res.status, 202);
  return ((await res.json()) as { examId: string }).examId;
}

/** What retention does to a closed workflow: `temporal workflow delete`. */
async function deleteHistory(examId: string): Promise<void> {
  const { client } = stack.env;
  await client.workflowService.deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: { workflowId: examId } });
  await waitUntilGone(examId);
}

/** Deletion is asynchronous on the server: wait until the workflow is gone. */
async function waitUntilGone(examId: string): Promise<void> {
  const { client } = stack.env;
  for (let i = 0; i < 600; i++) {
    try {
      await client.workflow.getHandle(examId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return;
      throw err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`workflow ${examId} was not deleted`);
}

test('an exam whose workflow history was deleted is still read, listed, counted and its report downloaded', async () => {
  completedExam = await submit(21);
  const final = await waitForClose(completedExam);
  assert.equal(final.status, 'completed', `exam failed: ${final.error}`);
  const resultBefore = (await (await api.get(`/v1/exams/${completedExam}/result`)).json()) as ResultDocument;

  await deleteHistory(completedExam);

  const status = await api.get(`/v1/exams/${completedExam}`);
  assert.equal(status.status, 200);
  const doc = (await status.json()) as StatusDocument;
  assert.equal(doc.status, 'completed');
  assert.equal(doc.progress, 100);
  assert.deepEqual(doc.pages, { total: 1, processed: 1 });
  assert.equal(doc.finishedAt, final.finishedAt);

  const result = await api.get(`/v1/exams/${completedExam}/result`);
  assert.equal(result.status, 200);
  assert.deepEqual(await result.json(), resultBefore);

  const pdf = await api.get(`/v1/exams/${completedExam}/report.pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(
    Buffer.from(await pdf.arrayBuffer())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
  assert.equal((await api.get(`/v1/exams/${completedExam}/report.html`)).status, 200);

  const list = (await (await api.get('/v1/exams?status=completed')).json()) as { exams: { examId: string; score: number | null }[] };
  const listed = list.exams.find((e) => e.examId === completedExam);
  assert.ok(listed, 'listed');
  assert.equal(listed.score, resultBefore.score);

  const stats = (await (await api.get('/v1/exams/statistics')).json()) as {
    total: number;
    byStatus: { completed: number };
    window: { completed: number; processingMs: { sampled: number } };
  };
  assert.equal(stats.byStatus.completed, 1);
  assert.equal(stats.window.completed, 1);
  assert.equal(stats.window.processingMs.sampled, 1);

  // Another tenant still sees nothing of it.
  assert.equal((await apiClient(stack.baseUrl, 'token-school-b').get(`/v1/exams/${completedExam}`)).status, 404);
});

test('a student’s exams over time, with scores and knowledge-point mastery', async () => {
  const res = await api.get(`/v1/students/${studentId}/exams`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as {
    student: { name: string };
    exams: { examId: string; score: number }[];
    knowledgePoints: { name: string; history: unknown[] }[];
  };
  assert.equal(body.student.name, '陈静');
  assert.ok(body.exams.some((e) => e.examId === completedExam && typeof e.score === 'number'));
  assert.ok(body.knowledgePoints.length > 0 && body.knowledgePoints.every((k) => k.history.length >= 1));
  assert.equal((await apiClient(stack.baseUrl, 'token-school-b').get(`/v1/students/${studentId}/exams`)).status, 404);
});

test('a page token that was not handed out is a 400 at once', async () => {
  for (const token of ['bm90LWEtY3Vyc29y', 'x', 'MTIzLm5vdC1hLXV1aWQ']) {
    const res = await api.get(`/v1/exams?pageToken=${token}`);
    assert.equal(res.status, 400, token);
  }
});

test('the list pages through every exam once, newest first', async () => {
  const seen: string[] = [];
  let token: string | null = null;
  do {
    const page = (await (await api.get(`/v1/exams?limit=1${token ? `&pageToken=${token}` : ''}`)).json()) as {
      exams: { examId: string; createdAt: string }[];
      nextPageToken: string | null;
    };
    seen.push(...page.exams.map((e) => e.examId));
    token = page.nextPageToken;
  } while (token);
  assert.equal(new Set(seen).size, seen.length);
  assert.ok(seen.includes(completedExam));
});

test('DELETE erases the record, the artifacts and the workflow history, and answers 204', async () => {
  const examId = await submit(22);
  assert.equal((await waitForClose(examId)).status, 'completed');
  const other = await fetch(`${stack.baseUrl}/v1/exams/${examId}`, {
    method: 'DELETE',
    headers: { authorization: 'Bearer token-school-b' },
  });
  assert.equal(other.status, 404, 'another tenant cannot erase it');

  const erased = await fetch(`${stack.baseUrl}/v1/exams/${examId}`, {
    method: 'DELETE',
    headers: { authorization: 'Bearer token-school-a' },
  });
  assert.equal(erased.status, 204);
  assert.equal((await api.get(`/v1/exams/${examId}`)).status, 404);
  assert.equal((await api.get(`/v1/exams/${examId}/report.pdf`)).status, 404);
  assert.equal(await records().selectFrom('exams').select('exam_id').where('exam_id', '=', examId).executeTakeFirst(), undefined);
  assert.equal(await stack.store.exists(examKeys(examId).result), false);
  assert.equal(await stack.store.exists(examKeys(examId).page(0)), false);
  await waitUntilGone(examId);
  const list = (await (await api.get('/v1/exams')).json()) as { exams: { examId: string }[] };
  assert.ok(!list.exams.some((e) => e.examId === examId));
  const again = await fetch(`${stack.baseUrl}/v1/exams/${examId}`, {
    method: 'DELETE',
    headers: { authorization: 'Bearer token-school-a' },
  });
  assert.equal(again.status, 404);
});

async function oldExam(daysAgo: number): Promise<string> {
  const examId = randomUUID();
  const createdAt = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  const submission: Submission = {
    examId,
    tenantId: 'school-a',
    templateId: template.id,
    subject: 'math',
    priority: 'normal',
    pages: 1,
    createdAt,
  };
  await recordSubmission(submission);
  await recordRun(
    { examId, runId: randomUUID(), status: 'completed', step: 'done', startedAt: createdAt, finishedAt: createdAt, score: 1, fullScore: 2 },
    submission,
  );
  await stack.store.put(examKeys(examId).page(0), Buffer.from('page'));
  return examId;
}

test('the retention purge erases old exams in bounded batches and keeps the rest; its Schedule exists', async () => {
  const old = await Promise.all([400, 401, 402, 403, 500].map(oldExam));
  const recent = await oldExam(10);
  const { client } = stack.env;
  const outcome = await client.workflow.execute(purgeRecordsWorkflow, {
    taskQueue: config().EXAMFLOW_TASK_QUEUE,
    workflowId: `purge-test-${randomUUID()}`,
    args: [{ retentionDays: 365, batchSize: 2 }],
  });
  assert.deepEqual(outcome, { purged: old.length });
  const left = await records()
    .selectFrom('exams')
    .select('exam_id')
    .where('exam_id', 'in', [...old, recent])
    .execute();
  assert.deepEqual(
    left.map((r) => r.exam_id),
    [recent],
  );
  for (const examId of old) assert.equal(await stack.store.exists(examKeys(examId).page(0)), false);
  assert.equal(await stack.store.exists(examKeys(recent).page(0)), true);
  assert.equal((await api.get(`/v1/exams/${completedExam}`)).status, 200, 'today’s exam is kept');

  await ensurePurgeSchedule(client, config());
  await ensurePurgeSchedule(client, config()); // idempotent: the second call updates it
  const schedule = await client.schedule.getHandle(purgeScheduleId).describe();
  assert.equal(schedule.action.type, 'startWorkflow');
});

test('records are written once per exam, whatever is retried or replayed', async () => {
  const rows = await records().selectFrom('exams').select(['exam_id', 'status', 'run_ids']).where('tenant_id', '=', 'school-a').execute();
  const byId = new Map(rows.map((r) => [r.exam_id, r]));
  assert.equal(byId.size, rows.length);
  const row = byId.get(completedExam)!;
  assert.equal(row.status, 'completed');
  assert.equal(row.run_ids.length, 1);
});
