import './helpers/env';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { StatusDocument } from '../domain/documents';
import { templateSchema } from '../domain/template';
import { config } from '../lib/config';
import { chooseAnswers } from './fixtures/answers';
import { renderExamPaper } from './fixtures/generator';
import { apiClient, examForm, startStack, type Stack } from './helpers/stack';

// Hostile and broken inputs through the HTTP API against the real stack. Each gets the
// right 4xx with a message a teacher can act on, or an exam that fails at once (no
// retries) with such a message; the service stays up and the next real exam succeeds.

const template = templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')));
let stack: Stack;
let api: ReturnType<typeof apiClient>;
let goodPage: Buffer;

before(async () => {
  stack = await startStack();
  api = apiClient(stack.baseUrl, 'token-school-a');
  assert.equal((await api.postJson('/v1/templates', template)).status, 201);
  assert.equal((await apiClient(stack.baseUrl, 'token-school-b').postJson('/v1/templates', { ...template, id: 'school-b-only' })).status, 201);
  goodPage = (await renderExamPaper({ template, student: { name: '赵磊', class: '八(4)班', id: '2023222' }, answers: chooseAnswers(template, 0, 31), seed: 31 })).pages[0]!;
});
after(async () => {
  await stack?.stop();
});

type Expect = { status: number; code: string; message?: RegExp };
const results: { name: string; status: number; code: string; message: string }[] = [];

async function expectError(name: string, response: Promise<Response>, expected: Expect): Promise<void> {
  const res = await response;
  const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  results.push({ name, status: res.status, code: body.error?.code ?? '', message: body.error?.message ?? '' });
  assert.equal(res.status, expected.status, `${name}: ${JSON.stringify(body)}`);
  assert.equal(body.error?.code, expected.code, name);
  assert.ok((body.error?.message.length ?? 0) >= 15, `${name}: the message says what to do`);
  if (expected.message) assert.match(body.error!.message, expected.message, name);
}

const post = (body: BodyInit, headers: Record<string, string> = {}, token = 'token-school-a') =>
  fetch(`${stack.baseUrl}/v1/exams`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });
const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#ffffff' }, limitInputPixels: false }).png({ compressionLevel: 9 }).toBuffer();
const withFile = (data: Buffer, name: string, type: string, templateId = template.id) => {
  const form = new FormData();
  form.set('templateId', templateId);
  form.append('pages', new Blob([new Uint8Array(data)], { type }), name);
  return form;
};
const rawMultipart = (parts: string, boundary = 'XyZ') => post(parts, { 'content-type': `multipart/form-data; boundary=${boundary}` });

test('authentication: missing, wrong and malformed tokens', async () => {
  await expectError('no token', fetch(`${stack.baseUrl}/v1/exams`), { status: 401, code: 'unauthorized' });
  await expectError('wrong token', api.get('/v1/exams').then(() => fetch(`${stack.baseUrl}/v1/exams`, { headers: { authorization: 'Bearer nope-nope-nope' } })), { status: 401, code: 'unauthorized' });
  await expectError('Basic scheme', fetch(`${stack.baseUrl}/v1/exams`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), { status: 401, code: 'unauthorized' });
});

test('pages that are not images, or are empty, too small, too large or too many', async () => {
  await expectError('no pages', post(examForm(template.id, [])), { status: 400, code: 'no_pages' });
  await expectError('zero-byte file', post(withFile(Buffer.alloc(0), 'p.png', 'image/png')), { status: 400, code: 'invalid_page', message: /empty/ });
  await expectError('text with a .png name', post(withFile(Buffer.from('just some text, honestly'), 'p.png', 'image/png')), { status: 415, code: 'unsupported_media_type' });
  await expectError('HTML with a .jpg name', post(withFile(Buffer.from('<html><body>hi</body></html>'), 'p.jpg', 'image/jpeg')), { status: 415, code: 'unsupported_media_type' });
  await expectError('an executable', post(withFile(Buffer.from('\x7fELF\x02\x01\x01\x00garbage'), 'p.png', 'image/png')), { status: 415, code: 'unsupported_media_type' });
  await expectError('a GIF', post(withFile(await sharp({ create: { width: 300, height: 300, channels: 3, background: '#fff' } }).gif().toBuffer(), 'p.gif', 'image/gif')), {
    status: 415,
    code: 'unsupported_media_type',
  });
  await expectError('a tiny image', post(withFile(await png(100, 100), 'p.png', 'image/png')), { status: 400, code: 'invalid_page', message: /too small/ });
  await expectError('a decompression bomb (30000×30000 white PNG)', post(withFile(await png(30000, 30000), 'bomb.png', 'image/png')), { status: 413, code: 'image_too_large' });
  await expectError('a 100-megapixel JPEG', post(withFile(await sharp({ create: { width: 10000, height: 10000, channels: 3, background: '#eee' }, limitInputPixels: false }).jpeg().toBuffer(), 'big.jpg', 'image/jpeg')), {
    status: 413,
    code: 'image_too_large',
  });
  const fiftyMegabytes = Buffer.concat([goodPage, Buffer.alloc(50 * 1024 * 1024 - goodPage.length)]);
  await expectError('a 50 MB upload', post(withFile(fiftyMegabytes, 'huge.png', 'image/png')), { status: 413, code: 'payload_too_large' });
  await expectError('200 pages', post(examForm(template.id, Array.from({ length: 200 }, () => goodPage))), { status: 400, code: 'invalid_upload', message: /too many pages/ });
  await expectError('a corrupt PDF', post(withFile(Buffer.from('%PDF-1.7\nthis is not really a pdf'), 'scan.pdf', 'application/pdf')), { status: 400, code: 'invalid_page' });
});

test('wrong content types and malformed bodies', async () => {
  await expectError('JSON sent to the upload', post(JSON.stringify({ templateId: template.id }), { 'content-type': 'application/json' }), { status: 415, code: 'unsupported_media_type' });
  await expectError('malformed multipart (no closing boundary)', rawMultipart('--XyZ\r\nContent-Disposition: form-data; name="templateId"\r\n\r\ng8'), { status: 400, code: 'invalid_upload' });
  await expectError('multipart without a boundary', post('garbage', { 'content-type': 'multipart/form-data' }), { status: 400, code: 'invalid_upload' });
  const misnamed = examForm(template.id, []);
  misnamed.append('photos', new Blob([new Uint8Array(goodPage)]), 'p.png');
  await expectError('a file under an unexpected field', post(misnamed), { status: 400, code: 'invalid_upload', message: /"pages"/ });
  const json = (body: string, type = 'application/json') => fetch(`${stack.baseUrl}/v1/templates`, { method: 'POST', headers: { authorization: 'Bearer token-school-a', 'content-type': type }, body });
  await expectError('template as text/plain', json(JSON.stringify(template), 'text/plain'), { status: 415, code: 'unsupported_media_type' });
  await expectError('invalid JSON', json('{"id": "x", '), { status: 400, code: 'invalid_request' });
  await expectError('oversized JSON (2 MB)', json(JSON.stringify({ ...template, title: 'x'.repeat(2 * 1024 * 1024) })), { status: 413, code: 'payload_too_large' });
  await expectError('a template with an unknown field', api.postJson('/v1/templates', { ...template, id: 'extra', owner: 'me' }), { status: 400, code: 'invalid_request', message: /owner|unrecognized/i });
  await expectError('duplicate question numbers', api.postJson('/v1/templates', { ...template, id: 'dupes', questions: [template.questions[0], template.questions[0]] }), { status: 400, code: 'invalid_request', message: /twice/ });
  await expectError('a choice answer that is not a letter', api.postJson('/v1/templates', { ...template, id: 'badkey', questions: [{ ...template.questions[0]!, answer: 'Z' }] }), {
    status: 400,
    code: 'invalid_request',
    message: /one letter/,
  });
});

test('form fields: unknown, malformed, or naming what the caller may not use', async () => {
  await expectError('an unknown form field', post(examForm(template.id, [goodPage], { grade: 'A+' })), { status: 400, code: 'invalid_request' });
  await expectError('student that is not JSON', post(examForm(template.id, [goodPage], { student: 'Li Ming' })), { status: 400, code: 'invalid_request', message: /JSON object/ });
  await expectError('student with an unknown key', post(examForm(template.id, [goodPage], { student: '{"name":"李","age":14}' })), { status: 400, code: 'invalid_request' });
  await expectError('an unknown priority', post(examForm(template.id, [goodPage], { priority: 'asap' })), { status: 400, code: 'invalid_request' });
  await expectError('an invalid Idempotency-Key', post(examForm(template.id, [goodPage]), { 'idempotency-key': 'spaces and ümlauts' }), { status: 400, code: 'invalid_request' });
  await expectError('an unknown template', post(examForm('no-such-template', [goodPage])), { status: 400, code: 'unknown_template' });
  await expectError('another tenant’s template', post(examForm('school-b-only', [goodPage])), { status: 400, code: 'unknown_template' });
  await expectError('a confusable template id (Cyrillic а)', post(examForm('g8-mаth-midterm', [goodPage])), { status: 400, code: 'invalid_request' });
  await expectError('a path-traversal template id', post(examForm('../../etc/passwd', [goodPage])), { status: 400, code: 'invalid_request' });
  await expectError('a path-traversal exam id', api.get('/v1/exams/..%2F..%2Fetc%2Fpasswd'), { status: 400, code: 'invalid_request' });
  await expectError('a confusable exam id (full-width digits)', api.get('/v1/exams/０0000000-0000-4000-8000-000000000000'), { status: 400, code: 'invalid_request' });
  await expectError('an exam that does not exist', api.get('/v1/exams/00000000-0000-4000-8000-000000000000/result'), { status: 404, code: 'exam_not_found' });
  await expectError('a route that does not exist', api.get('/v1/nothing-here'), { status: 404, code: 'not_found' });
});

test('a path-traversal file name is stored under the exam’s own key and nothing else', async () => {
  const res = await post(withFile(goodPage, '../../../../tmp/evil.png', 'image/png'));
  assert.equal(res.status, 202);
  const { examId } = (await res.json()) as { examId: string };
  const pagesDir = path.join(config().EXAMFLOW_DATA_DIR, 'artifacts', 'exams', examId, 'pages');
  assert.deepEqual(readdirSync(pagesDir), ['001.img']);
  assert.equal(existsSync('/tmp/evil.png'), false);
  await waitClosed(examId);
});

async function waitClosed(examId: string): Promise<StatusDocument> {
  for (;;) {
    const doc = (await (await api.get(`/v1/exams/${examId}`)).json()) as StatusDocument;
    if (['completed', 'failed', 'cancelled'].includes(doc.status)) return doc;
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('pages that pass the upload check but cannot be read fail the exam at once, with a message', async () => {
  const truncatedPng = goodPage.subarray(0, Math.floor(goodPage.length / 3));
  const jpeg = await sharp(goodPage).jpeg().toBuffer();
  const truncatedJpeg = jpeg.subarray(0, Math.floor(jpeg.length / 3));
  const cases: [string, Buffer, RegExp][] = [
    ['a blank sheet', await png(1240, 1754), /no readable text/],
    ['a truncated PNG', truncatedPng, /page 1/],
    ['a truncated JPEG', truncatedJpeg, /page 1/],
  ];
  for (const [name, data, message] of cases) {
    const res = await post(withFile(data, 'p.img', 'application/octet-stream'));
    if (res.status >= 400) {
      // Refused at the door is as good: still a clear 4xx.
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.ok(res.status < 500 && body.error.message.length >= 15, name);
      continue;
    }
    const { examId } = (await res.json()) as { examId: string };
    const doc = await waitClosed(examId);
    assert.equal(doc.status, 'failed', name);
    assert.match(doc.error ?? '', message, name);
    const history = await stack.env.client.workflow.getHandle(examId).fetchHistory();
    const attempts = history.events?.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt) ?? [];
    assert.ok(attempts.every((a) => a === 1), `${name}: never retried`);
  }
});

test('after all of that the service is up and a real exam still completes', async () => {
  assert.equal((await fetch(`${stack.baseUrl}/health`)).status, 200);
  const res = await post(examForm(template.id, [goodPage]));
  assert.equal(res.status, 202);
  const doc = await waitClosed(((await res.json()) as { examId: string }).examId);
  assert.equal(doc.status, 'completed', doc.error ?? '');
  assert.ok(results.length >= 30, `${results.length} hostile inputs answered with a 4xx`);
});
