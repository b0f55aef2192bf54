import './helpers/env';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ExamflowApiError, ExamflowClient, type StatusDocument } from '../client/examflow-client';
import { templateSchema } from '../domain/template';
import { chooseAnswers } from './fixtures/answers';
import { expectedScore } from './fixtures/expected';
import { renderExamPaper, type RenderedPaper } from './fixtures/generator';
import { startStack, type Stack } from './helpers/stack';

// The typed client against the real stack (dev server, real workers, the API), plus two
// fake servers for what the stack cannot be made to do on demand: 429 and a dropped stream.

const template = templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')));
let stack: Stack;
let client: ExamflowClient;
let paper: RenderedPaper;
let completedExamId: string;
const examIds = new Set<string>();

before(async () => {
  stack = await startStack();
  client = new ExamflowClient({ baseUrl: stack.baseUrl, token: 'token-school-a' });
  paper = await renderExamPaper({
    template,
    student: { name: '王芳', class: '八(1)班', id: '2023101' },
    answers: chooseAnswers(template, 1, 21),
    seed: 21,
  });
});
after(async () => {
  await stack?.stop();
});

/** Visibility is eventually consistent: retry an assertion for a few seconds. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

async function rejectsWith(promise: Promise<unknown>, status: number, code: string): Promise<ExamflowApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ExamflowApiError, `expected ExamflowApiError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code);
    assert.ok(err.message.length > 5);
    return err;
  }
  assert.fail(`expected ${status} ${code}`);
}

test('templates: create (idempotent), get, list', async () => {
  const created = await client.createTemplate(template);
  assert.equal(created.id, template.id);
  assert.deepEqual(await client.createTemplate(template), created, 'posting the same template again is a no-op');
  const changed = { ...template, title: 'another title' };
  await rejectsWith(client.createTemplate(changed), 409, 'template_exists');
  assert.deepEqual(await client.getTemplate(template.id), created);
  const list = await client.listTemplates();
  assert.deepEqual(list, [
    { id: template.id, title: template.title, subject: 'math', grade: '8', language: 'zh', questions: template.questions.length },
  ]);
});

test('submit a one-page exam, waitFor it with progress, read result and reports', async () => {
  const submitted = await client.submitExam({
    templateId: template.id,
    pages: paper.pages,
    student: { name: '王芳', class: '八(1)班', id: '2023101' },
  });
  assert.equal(submitted.status, 'pending');
  assert.equal(submitted.created, true);
  completedExamId = submitted.examId;
  examIds.add(submitted.examId);

  const seen: StatusDocument[] = [];
  const final = await client.waitFor(submitted.examId, { timeoutMs: 180_000, onProgress: (doc) => seen.push(doc) });
  assert.equal(final.status, 'completed', `exam failed: ${final.error}`);
  assert.equal(final.progress, 100);
  assert.deepEqual(final.pages, { total: 1, processed: 1 });
  assert.equal(seen.at(-1), final);
  assert.ok(seen.length >= 2, `progress callbacks: ${seen.length}`);
  assert.ok(
    seen.some((d) => d.status === 'processing' || d.status === 'pending'),
    'saw the exam before it closed',
  );
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.progress >= seen[i - 1]!.progress, 'progress never goes back');

  const result = await client.getResult(submitted.examId);
  assert.equal(result.examId, submitted.examId);
  assert.equal(result.score, expectedScore(template, paper.truth));
  assert.equal(result.fullScore, 55);
  assert.equal(result.student.name, '王芳');
  assert.equal(result.questions.length, template.questions.length);

  const pdf = await client.getReportPdf(submitted.examId);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.ok(pdf.length > 10_000);
  assert.match(await client.getReportHtml(submitted.examId), /<html/i);

  const status = await client.getStatus(submitted.examId);
  assert.equal(status.status, 'completed');
  assert.equal(
    (await client.events(submitted.examId).next()).value?.status,
    'completed',
    'the stream of a closed exam sends its final status',
  );
});

test('cancel right after submit, then retry: the new run completes', async () => {
  const { examId } = await client.submitExam({ templateId: template.id, pages: paper.pages });
  examIds.add(examId);
  await rejectsWith(client.retry(examId), 409, 'exam_not_retryable');
  const cancelled = await client.cancel(examId);
  assert.deepEqual(cancelled, { examId, accepted: 'cancel', statusUrl: `/v1/exams/${examId}` });
  const closed = await client.waitFor(examId, { timeoutMs: 60_000 });
  assert.equal(closed.status, 'cancelled');
  await rejectsWith(client.getResult(examId), 409, 'exam_not_completed');

  // The status says "cancelled" as soon as the workflow caught the cancellation; its run
  // may still be winding down for a moment, and until it has closed a retry is refused.
  const retried = await eventually(() => client.retry(examId), 10_000);
  await rejectsWith(client.cancel('00000000-0000-4000-8000-000000000000'), 404, 'exam_not_found');
  assert.equal(retried.accepted, 'retry');
  const final = await client.waitFor(examId, { timeoutMs: 180_000 });
  assert.equal(final.status, 'completed', `retried exam: ${final.error}`);
  assert.equal((await client.getResult(examId)).score, expectedScore(template, paper.truth));
});

test('an idempotent submit returns the same exam, the second time with 200', async () => {
  const first = await client.submitExam({ templateId: template.id, pages: paper.pages, idempotencyKey: 'client-test-key-1' });
  const second = await client.submitExam({ templateId: template.id, pages: paper.pages, idempotencyKey: 'client-test-key-1' });
  examIds.add(first.examId);
  assert.equal(first.created, true);
  assert.equal(second.created, false);
  assert.equal(second.examId, first.examId);
  await client.waitFor(first.examId, { timeoutMs: 180_000 });
});

test('list: a status filter, limit 1 with pageToken, and the iterator over all pages', async () => {
  const completed = await eventually(async () => {
    const page = await client.listExams({ status: 'completed' });
    assert.ok(page.exams.some((e) => e.examId === completedExamId));
    return page;
  });
  assert.ok(completed.exams.every((e) => e.status === 'completed'));
  const row = completed.exams.find((e) => e.examId === completedExamId)!;
  assert.equal(row.templateId, template.id);
  assert.equal(row.studentId, '2023101');

  const first = await client.listExams({ limit: 1 });
  assert.equal(first.exams.length, 1);
  assert.ok(first.nextPageToken, 'more than one exam: a next page');
  const second = await client.listExams({ limit: 1, pageToken: first.nextPageToken });
  assert.equal(second.exams.length, 1);
  assert.notEqual(second.exams[0]!.examId, first.exams[0]!.examId);

  const all = [];
  for await (const exam of client.iterateExams({ limit: 1 })) all.push(exam.examId);
  assert.deepEqual(new Set(all), examIds, 'every exam, page after page');
  // The records list each exam once, a retried one in its final state.
  assert.equal(all.length, examIds.size);
});

test('statistics count the completed exams; the queue shows both stages', async () => {
  const stats = await eventually(async () => {
    const s = await client.statistics();
    assert.equal(s.byStatus.completed, examIds.size);
    return s;
  });
  // The records count exams in their final state: the retried exam once, completed.
  assert.equal(stats.byStatus.cancelled, 0);
  assert.equal(stats.total, examIds.size);
  assert.equal(stats.byStatus.failed, 0);
  assert.equal(stats.successRate, 100);
  const queue = await client.queue();
  assert.deepEqual(queue.stages.map((s) => s.stage).sort(), ['default', 'ocr']);
});

test('errors: 404, 401, and another tenant gets 404 for the exam', async () => {
  await rejectsWith(client.getStatus('00000000-0000-4000-8000-000000000000'), 404, 'exam_not_found');
  await rejectsWith(client.getTemplate('no-such-template'), 404, 'template_not_found');
  await rejectsWith(new ExamflowClient({ baseUrl: stack.baseUrl, token: 'not-a-token' }).listTemplates(), 401, 'unauthorized');
  const other = new ExamflowClient({ baseUrl: stack.baseUrl, token: 'token-school-b' });
  await rejectsWith(other.getStatus(completedExamId), 404, 'exam_not_found');
  await rejectsWith(other.getResult(completedExamId), 404, 'exam_not_found');
  assert.equal((await other.listExams()).exams.length, 0);
  await rejectsWith(client.submitExam({ templateId: 'no-such-template', pages: paper.pages }), 400, 'unknown_template');
  await rejectsWith(new ExamflowClient({ baseUrl: 'http://127.0.0.1:9', token: 'x' }).queue(), 0, 'unreachable');
});

// ── without the stack ─────────────────────────────────────────────────────────

async function fakeServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const examId = '11111111-1111-4111-8111-111111111111';
const statusDoc = (status: StatusDocument['status'], progress: number): StatusDocument => ({
  examId,
  status,
  step: status === 'completed' ? 'done' : 'ocr',
  progress,
  pages: { total: 1, processed: status === 'completed' ? 1 : 0 },
  createdAt: new Date().toISOString(),
  startedAt: null,
  finishedAt: null,
  elapsedMs: 0,
  etaMs: null,
  error: null,
});

test('submit honours Retry-After on 429, a bounded number of times', async () => {
  let calls = 0;
  let busy = 1;
  const { url, server } = await fakeServer((req, res) => {
    calls++;
    req.resume();
    if (calls <= busy) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      return res.end(
        JSON.stringify({
          error: { code: 'too_many_exams_in_flight', message: 'too many exams in flight', details: { retryAfterSeconds: 1 } },
        }),
      );
    }
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ examId, status: 'pending', statusUrl: `/v1/exams/${examId}` }));
  });
  try {
    const c = new ExamflowClient({ baseUrl: url, token: 'x', maxSubmitRetries: 2 });
    const started = Date.now();
    const ok = await c.submitExam({ templateId: 't', pages: [Buffer.from('89504e47', 'hex')] });
    assert.equal(ok.examId, examId);
    assert.equal(calls, 2);
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After');

    calls = 0;
    busy = 100;
    const err = await rejectsWith(c.submitExam({ templateId: 't', pages: [Buffer.from('x')] }), 429, 'too_many_exams_in_flight');
    assert.equal(err.retryAfter, 1);
    assert.equal(calls, 3, 'one try and two retries');
  } finally {
    server.close();
  }
});

test('waitFor falls back to polling when the event stream drops', async () => {
  let polls = 0;
  const { url, server } = await fakeServer((req, res) => {
    if (req.url?.endsWith('/events')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': keep-alive\n\nretry: 2000\n\n');
      res.write(`id: 1\nevent: status\ndata: ${JSON.stringify(statusDoc('processing', 20))}\n\n`);
      return res.end(); // dropped before the exam closed
    }
    polls++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(polls < 2 ? statusDoc('processing', 60) : statusDoc('completed', 100)));
  });
  try {
    const seen: number[] = [];
    const final = await new ExamflowClient({ baseUrl: url, token: 'x' }).waitFor(examId, {
      pollIntervalMs: 50,
      onProgress: (d) => seen.push(d.progress),
    });
    assert.equal(final.status, 'completed');
    assert.deepEqual(seen, [20, 60, 100]);
  } finally {
    server.close();
  }
});
