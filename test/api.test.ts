import './helpers/env';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { StatusDocument } from '../domain/documents';
import { templateSchema } from '../domain/template';
import { signWebhook } from '../lib/webhooks/webhooks';
import { chooseAnswers } from './fixtures/answers';
import { renderExamPaper } from './fixtures/generator';
import { apiClient, examForm, startStack, type Stack } from './helpers/stack';

// Every route of the API against the real stack: listing, statistics, queue, events,
// control, idempotency, batch, webhooks, tenancy and the generated OpenAPI document.

const template = templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')));
let stack: Stack;
let a: ReturnType<typeof apiClient>;
let b: ReturnType<typeof apiClient>;
let admin: ReturnType<typeof apiClient>;
let pages: Buffer[];
const deliveries: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let receiver: http.Server;

before(async () => {
  stack = await startStack();
  a = apiClient(stack.baseUrl, 'token-school-a');
  b = apiClient(stack.baseUrl, 'token-school-b');
  admin = apiClient(stack.baseUrl, 'token-admin-0');
  pages = (
    await renderExamPaper({
      template,
      student: { name: '张伟', class: '八(3)班', id: '2023101' },
      answers: chooseAnswers(template, 1, 21),
      seed: 21,
    })
  ).pages;
  receiver = http.createServer((req, res) => {
    let body = '';
    req
      .on('data', (c) => (body += c))
      .on('end', () => {
        deliveries.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  assert.equal((await a.postJson('/v1/templates', template)).status, 201);
});
after(async () => {
  receiver?.close();
  await stack?.stop();
});

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
async function submit(fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.baseUrl}/v1/exams`, {
    method: 'POST',
    headers: { authorization: `Bearer token-school-a`, ...headers },
    body: examForm(template.id, pages, fields),
  });
  return { res, body: await json<{ examId: string; statusUrl: string }>(res) };
}
async function waitClosed(examId: string, client = a): Promise<StatusDocument> {
  for (;;) {
    const doc = await json<StatusDocument>(await client.get(`/v1/exams/${examId}`));
    if (['completed', 'failed', 'cancelled'].includes(doc.status)) return doc;
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('templates: list, and a changed template under a used id is refused', async () => {
  const list = await json<{ templates: { id: string; questions: number }[] }>(await a.get('/v1/templates'));
  assert.deepEqual(
    list.templates.map((t) => t.id),
    [template.id],
  );
  assert.equal(list.templates[0]!.questions, template.questions.length);
  const changed = await a.postJson('/v1/templates', { ...template, title: 'changed' });
  assert.equal(changed.status, 409);
  assert.equal((await json<{ error: { code: string } }>(changed)).error.code, 'template_exists');
  assert.deepEqual(
    (await json<{ templates: unknown[] }>(await b.get('/v1/templates'))).templates,
    [],
    'tenant b sees none of a’s templates',
  );
});

test('webhook: set, read without its secret, and a signed delivery per closed exam', async () => {
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const set = await fetch(`${stack.baseUrl}/v1/webhook`, {
    method: 'PUT',
    headers: { authorization: 'Bearer token-school-a', 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  assert.equal(set.status, 200);
  const { secret } = await json<{ secret: string }>(set);
  assert.ok(secret.length >= 16);
  const read = await json<Record<string, unknown>>(await a.get('/v1/webhook'));
  assert.equal(read.url, url);
  assert.equal(read.secret, undefined);

  const { body } = await submit();
  const status = await waitClosed(body.examId);
  assert.equal(status.status, 'completed');
  for (let i = 0; i < 100 && !deliveries.some((d) => d.body.includes(body.examId)); i++) await new Promise((r) => setTimeout(r, 100));
  const delivery = deliveries.find((d) => d.body.includes(body.examId));
  assert.ok(delivery, 'the webhook received the completed exam');
  assert.equal(delivery.headers['x-examflow-event'], 'exam.completed');
  const timestamp = String(delivery.headers['x-examflow-timestamp']);
  assert.equal(delivery.headers['x-examflow-signature'], signWebhook(secret, timestamp, delivery.body));
  const payload = JSON.parse(delivery.body) as { status: StatusDocument };
  assert.equal(payload.status.status, 'completed');
  assert.equal(deliveries.filter((d) => d.body.includes(body.examId)).length, 1, 'exactly one delivery for the run');
  assert.equal(
    (await fetch(`${stack.baseUrl}/v1/webhook`, { method: 'DELETE', headers: { authorization: 'Bearer token-school-a' } })).status,
    204,
  );
});

test('list: newest first, filters, opaque page tokens, tenant scoped; admin sees all', async () => {
  const list = await json<{
    exams: { examId: string; status: string; subject: string; score: number | null }[];
    nextPageToken: string | null;
  }>(await a.get('/v1/exams?status=completed&subject=math&limit=100'));
  assert.ok(list.exams.length >= 1);
  assert.ok(list.exams.every((e) => e.status === 'completed' && e.subject === 'math' && typeof e.score === 'number'));
  const first = await json<{ exams: unknown[]; nextPageToken: string | null }>(await a.get('/v1/exams?limit=1'));
  assert.equal(first.exams.length, 1);
  if (list.exams.length > 1) assert.ok(first.nextPageToken);
  assert.deepEqual((await json<{ exams: unknown[] }>(await b.get('/v1/exams'))).exams, [], 'tenant b lists nothing of a’s');
  assert.ok((await json<{ exams: unknown[] }>(await admin.get('/v1/exams'))).exams.length >= list.exams.length);
  assert.equal((await a.get('/v1/exams?limit=0')).status, 400);
  assert.equal((await a.get("/v1/exams?subject=x'%20OR%201=1")).status, 400, 'no quote reaches a visibility query');
  assert.equal((await a.get('/v1/exams?status=weird')).status, 400);
});

test('events: the SSE stream pushes status documents until the exam closes', async () => {
  const { body } = await submit();
  const res = await fetch(`${stack.baseUrl}/v1/exams/${body.examId}/events`, { headers: { authorization: 'Bearer token-school-a' } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const text = await res.text(); // the server ends the stream when the exam closes
  const docs = text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)) as StatusDocument);
  assert.ok(docs.length >= 2, `${docs.length} events`);
  assert.equal(docs.at(-1)!.status, 'completed');
  assert.ok(docs.some((d) => d.status === 'processing' || d.status === 'pending'));
});

test('cancel and retry: a cancelled exam runs again as a new run and completes', async () => {
  const { body } = await submit();
  const cancel = await a.postJson(`/v1/exams/${body.examId}/cancel`, {});
  assert.equal(cancel.status, 202);
  assert.equal((await waitClosed(body.examId)).status, 'cancelled');
  assert.equal((await a.postJson(`/v1/exams/${body.examId}/cancel`, {})).status, 409, 'nothing left to cancel');
  assert.equal((await b.postJson(`/v1/exams/${body.examId}/retry`, {})).status, 404, 'another tenant cannot retry it');
  const retry = await a.postJson(`/v1/exams/${body.examId}/retry`, {});
  assert.equal(retry.status, 202);
  const final = await waitClosed(body.examId);
  assert.equal(final.status, 'completed', final.error ?? '');
  assert.equal((await a.postJson(`/v1/exams/${body.examId}/retry`, {})).status, 409, 'a completed exam is not retried');
  const result = await a.get(`/v1/exams/${body.examId}/result`);
  assert.equal(result.status, 200);
});

test('idempotent submit: the same Idempotency-Key names the same exam', async () => {
  const key = `upload-${Date.now()}`;
  const first = await submit({}, { 'idempotency-key': key });
  const second = await submit({}, { 'idempotency-key': key });
  assert.equal(first.res.status, 202);
  assert.equal(second.res.status, 200);
  assert.equal(second.body.examId, first.body.examId);
  await waitClosed(first.body.examId);
});

test('batch submit: each exam gets its own result', async () => {
  const form = new FormData();
  form.set(
    'manifest',
    JSON.stringify([
      { templateId: template.id, pages: 1 },
      { templateId: 'nope', pages: 1 },
    ]),
  );
  for (const page of [pages[0]!, pages[0]!]) form.append('pages', new Blob([new Uint8Array(page)], { type: 'image/png' }), 'p.png');
  const res = await a.postForm('/v1/exams/batch', form);
  assert.equal(res.status, 200);
  const { results } = await json<{ results: { index: number; status: number; examId?: string; error?: { code: string } }[] }>(res);
  assert.equal(results[0]!.status, 202);
  assert.equal(results[1]!.status, 400);
  assert.equal(results[1]!.error!.code, 'unknown_template');
  await waitClosed(results[0]!.examId!);
});

test('statistics and queue', async () => {
  const stats = await json<{
    total: number;
    byStatus: Record<string, number>;
    successRate: number | null;
    window: { processingMs: { p95: number | null; sampled: number } };
    hourlyTrend: unknown[];
  }>(await a.get('/v1/exams/statistics'));
  assert.ok(stats.byStatus.completed! >= 4);
  assert.equal(stats.byStatus.cancelled, 0, 'statistics count exams in their final state: the cancelled exam was retried and completed');
  assert.equal(
    stats.total,
    Object.values(stats.byStatus).reduce((s, n) => s + n, 0),
  );
  assert.equal(stats.successRate, 100, 'no run failed');
  assert.ok(stats.window.processingMs.sampled >= 4 && stats.window.processingMs.p95! > 0);
  assert.equal(stats.hourlyTrend.length, 24);
  const queue = await json<{ stages: { stage: string; pollers: number; concurrencyLimit: number }[]; admissionLimit: number }>(
    await a.get('/v1/queue'),
  );
  assert.deepEqual(
    queue.stages.map((s) => s.stage),
    ['ocr', 'default'],
  );
  assert.ok(queue.stages.every((s) => s.pollers >= 1 && s.concurrencyLimit >= 1));
  assert.ok(queue.admissionLimit > 0);
});

test('tenancy: another tenant’s exam is a 404 everywhere; an admin can read it but not create', async () => {
  const [exam] = (await json<{ exams: { examId: string }[] }>(await a.get('/v1/exams?limit=1'))).exams;
  for (const p of ['', '/result', '/report.pdf', '/report.html', '/events'])
    assert.equal((await b.get(`/v1/exams/${exam!.examId}${p}`)).status, 404, p);
  assert.equal((await b.postJson(`/v1/exams/${exam!.examId}/cancel`, {})).status, 404);
  assert.equal((await admin.get(`/v1/exams/${exam!.examId}`)).status, 200);
  assert.equal((await admin.postJson('/v1/templates', template)).status, 403);
  assert.equal((await a.get('/v1/exams/not-a-uuid')).status, 400);
  assert.equal((await a.get('/v1/exams/00000000-0000-4000-8000-000000000000')).status, 404);
});

test('OpenAPI document, docs page and security headers', async () => {
  const res = await fetch(`${stack.baseUrl}/openapi.json`);
  const doc = await json<{ openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>(res);
  assert.equal(doc.openapi, '3.1.0');
  for (const p of [
    '/v1/exams',
    '/v1/exams/{examId}',
    '/v1/exams/{examId}/events',
    '/v1/exams/statistics',
    '/v1/queue',
    '/v1/templates',
    '/v1/webhook',
  ])
    assert.ok(doc.paths[p], p);
  assert.ok(doc.components.schemas.StatusDocument && doc.components.schemas.ResultDocument);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  const docs = await fetch(`${stack.baseUrl}/docs`);
  assert.match(await docs.text(), /swagger-ui-bundle\.js/);
  assert.equal((await fetch(`${stack.baseUrl}/docs/assets/swagger-ui-bundle.js`)).status, 200);
});
