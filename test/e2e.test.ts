import './helpers/env';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { ResultDocument, StatusDocument } from '../domain/documents';
import { templateSchema } from '../domain/template';
import { closeSharedBrowser } from '../lib/documents/browser';
import { config } from '../lib/config';
import { examflowDataConverter } from '../lib/temporal/payload-codec';
import { chooseAnswers } from './fixtures/answers';
import { expectedScore } from './fixtures/expected';
import { renderExamPaper } from './fixtures/generator';
import { apiClient, examForm, startStack } from './helpers/stack';

// Through the HTTP API against the real stack: real dev server, real workers with real
// OCR and Chromium, a generated two-page Chinese exam, graded to the ground-truth score.
// With EXAMFLOW_E2E_BASE_URL (and TEMPORAL_ADDRESS) the same scenario runs against an
// examflow already running there: `npm run test:prod` points it at the production topology.

const template = templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')));
interface Target {
  baseUrl: string;
  client: Client;
  stop(): Promise<void>;
}
let stack: Target;
let api: ReturnType<typeof apiClient>;

async function startTarget(): Promise<Target> {
  const external = process.env.EXAMFLOW_E2E_BASE_URL;
  if (!external) {
    const local = await startStack();
    return { baseUrl: local.baseUrl, client: local.env.client, stop: () => local.stop() };
  }
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const stop = async () => {
    await Promise.allSettled([connection.close(), closeSharedBrowser()]); // the papers were rendered in Chromium
  };
  return {
    baseUrl: external,
    client: new Client({
      connection,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      dataConverter: examflowDataConverter(config()),
    }),
    stop,
  };
}

before(async () => {
  stack = await startTarget();
  api = apiClient(stack.baseUrl, 'token-school-a');
});
after(async () => {
  await stack?.stop();
});

async function waitForClose(examId: string, timeoutMs = 180_000): Promise<StatusDocument[]> {
  const seen: StatusDocument[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await api.get(`/v1/exams/${examId}`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as StatusDocument;
    seen.push(doc);
    if (['completed', 'failed', 'cancelled'].includes(doc.status)) return seen;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`exam ${examId} did not close within ${timeoutMs} ms; last status ${JSON.stringify(seen.at(-1))}`);
}

test('a two-page Chinese exam goes from upload to a graded PDF report with the ground-truth score', async () => {
  const created = await api.postJson('/v1/templates', template);
  assert.equal(created.status, 201);
  assert.equal((await api.postJson('/v1/templates', template)).status, 200, 'posting the same template again is idempotent');

  const paper = await renderExamPaper({
    template,
    student: { name: '李明', class: '八(2)班', id: '2023017' },
    answers: chooseAnswers(template, 2, 11),
    pages: 2,
    seed: 11,
  });
  assert.equal(paper.pages.length, 2);

  const submitted = await api.postForm('/v1/exams', examForm(template.id, paper.pages));
  assert.equal(submitted.status, 202);
  const { examId, status, statusUrl } = (await submitted.json()) as { examId: string; status: string; statusUrl: string };
  assert.equal(status, 'pending');
  assert.equal(statusUrl, `/v1/exams/${examId}`);

  const history = await waitForClose(examId);
  const final = history.at(-1)!;
  assert.equal(final.status, 'completed', `exam failed: ${final.error}`);
  assert.equal(final.progress, 100);
  assert.deepEqual(final.pages, { total: 2, processed: 2 });
  assert.ok(
    history.some((d) => d.status === 'processing' && d.etaMs !== null),
    'progress with an ETA was visible while running',
  );

  const result = (await (await api.get(`/v1/exams/${examId}/result`)).json()) as ResultDocument;
  assert.equal(result.score, expectedScore(template, paper.truth));
  assert.equal(
    result.fullScore,
    template.questions.reduce((s, q) => s + q.points, 0),
  );
  assert.equal(result.student.name, '李明');
  assert.equal(result.student.id, '2023017');
  assert.equal(result.questions.length, template.questions.length);
  assert.ok(result.diagnosis.summary.length > 0);

  const pdf = await api.get(`/v1/exams/${examId}/report.pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const bytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  assert.ok(bytes.length > 10_000);

  const workflow = await stack.client.workflow.getHandle(examId).describe();
  assert.equal(workflow.status.name, 'COMPLETED');
});

test('requests without a valid token are refused', async () => {
  assert.equal((await fetch(`${stack.baseUrl}/v1/templates/x`)).status, 401);
  const res = await apiClient(stack.baseUrl, 'wrong-token').get('/v1/templates/x');
  assert.equal(res.status, 401);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'unauthorized');
});

test('bad submissions get a clear 4xx and start nothing', async () => {
  const png = (await renderExamPaper({ template, student: { name: 'A', class: 'B', id: 'C' }, answers: {}, seed: 1 })).pages;
  const cases: [string, FormData, number, string][] = [
    ['unknown template', examForm('no-such-template', png), 400, 'unknown_template'],
    ['no pages', examForm(template.id, []), 400, 'no_pages'],
    ['a text file posing as an image', examForm(template.id, [Buffer.from('hello, not an image')]), 415, 'unsupported_media_type'],
    ['a malformed student field', examForm(template.id, png, { student: '{not json' }), 400, 'invalid_request'],
  ];
  for (const [what, form, status, code] of cases) {
    const res = await api.postForm('/v1/exams', form);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(res.status, status, `${what}: ${JSON.stringify(body)}`);
    assert.equal(body.error.code, code, what);
    assert.ok(body.error.message.length > 10, what);
  }
  const invalidTemplate = await api.postJson('/v1/templates', { ...template, id: 'Bad Id!' });
  assert.equal(invalidTemplate.status, 400);
});

test("another tenant's exams and templates do not exist for the caller", async () => {
  const other = apiClient(stack.baseUrl, 'token-school-b');
  assert.equal((await other.get(`/v1/templates/${template.id}`)).status, 404);
  const list = stack.client.workflow.list({ query: `TenantId = 'school-a'` });
  for await (const wf of list) {
    assert.equal((await other.get(`/v1/exams/${wf.workflowId}`)).status, 404);
    break;
  }
});
