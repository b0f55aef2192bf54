import './helpers/env-tight-limits';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Server } from 'node:http';
import sharp from 'sharp';
import type { Template } from '../domain/template';
import { apiClient, examForm, listenApi } from './helpers/stack';
import { startTemporal } from './helpers/temporal';

// Limits against a real dev server with no worker running, so accepted exams stay in
// flight: admission control (429 + Retry-After), the per-token rate limit, upload limits.

let env: TestWorkflowEnvironment;
let server: Server;
let baseUrl: string;
const template: Template = {
  id: 'limits',
  title: 'L',
  subject: 'math',
  language: 'en',
  questions: [{ number: '1', type: 'choice', points: 1, answer: 'A' }],
};
let page: Buffer;

before(async () => {
  env = await startTemporal();
  ({ server, baseUrl } = await listenApi(env));
  page = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#fff' } })
    .png()
    .toBuffer();
  assert.equal((await apiClient(baseUrl, 'token-school-a').postJson('/v1/templates', template)).status, 201);
});
after(async () => {
  server?.closeAllConnections();
  server?.close();
  await env?.teardown();
});

test('above the in-flight limit a submission gets 429 with Retry-After, and nothing is started', async () => {
  const a = apiClient(baseUrl, 'token-school-a');
  assert.equal((await a.postForm('/v1/exams', examForm(template.id, [page]))).status, 202);
  assert.equal((await a.postForm('/v1/exams', examForm(template.id, [page]))).status, 202);
  await new Promise((r) => setTimeout(r, 1100)); // past the admission count's one-second reuse
  const refused = await a.postForm('/v1/exams', examForm(template.id, [page]));
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers.get('retry-after')) >= 5);
  const body = (await refused.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'too_many_exams_in_flight');
  assert.doesNotMatch(body.error.message, /\d+ exams|limit \d/, 'the 429 names no load figures');
  assert.equal((await env.client.workflow.count(`WorkflowType = 'examWorkflow'`)).count, 2);
});

test('one tenant at its share of the admission limit does not starve another; queue figures are per tenant', async () => {
  const a = apiClient(baseUrl, 'token-school-a');
  const b = apiClient(baseUrl, 'token-school-b');
  const seenByA = (await (await a.get('/v1/queue')).json()) as { inFlight: number; maxInFlight: number; admissionLimit: number };
  assert.equal(seenByA.inFlight, 2);
  assert.equal(seenByA.admissionLimit, 2, 'half of EXAMFLOW_MAX_IN_FLIGHT=4');
  const seenByB = (await (await b.get('/v1/queue')).json()) as {
    inFlight: number;
    maxInFlight: number;
    pending: number;
    stages: { inFlight: number; maxInFlightSeen: number }[];
  };
  assert.equal(seenByB.inFlight, 0, 'school-a’s exams are not in school-b’s figures');
  assert.equal(seenByB.pending, 0);
  assert.equal(seenByB.maxInFlight, 0, 'nor in its maxima');
  assert.ok(seenByB.stages.every((s) => s.inFlight === 0 && s.maxInFlightSeen === 0));
  await b.postJson('/v1/templates', template);
  const accepted = await b.postForm('/v1/exams', examForm(template.id, [page]));
  assert.equal(accepted.status, 202, 'school-b is admitted while school-a is at its share');
});

test('uploads over the size or page limit get 413 and 400 with clear messages', async () => {
  const a = apiClient(baseUrl, 'token-school-b');
  const big = Buffer.alloc(600 * 1024, 1);
  const tooBig = await a.postForm('/v1/exams', examForm(template.id, [big]));
  assert.equal(tooBig.status, 413);
  assert.match(((await tooBig.json()) as { error: { message: string } }).error.message, /larger than the upload limit/);
  const tooMany = await a.postForm('/v1/exams', examForm(template.id, [page, page, page, page]));
  assert.equal(tooMany.status, 400);
  assert.match(((await tooMany.json()) as { error: { message: string } }).error.message, /too many pages/);
});

test('a token over its rate limit gets 429 with Retry-After; other tokens are unaffected', async () => {
  const b = apiClient(baseUrl, 'token-school-b');
  let limited: Response | undefined;
  for (let i = 0; i < 60 && !limited; i++) {
    const res = await b.get('/v1/templates');
    if (res.status === 429) limited = res;
  }
  assert.ok(limited, 'the limit was reached');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'rate_limited');
  assert.equal((await apiClient(baseUrl, 'token-admin-0').get('/v1/exams')).status, 200);
});
