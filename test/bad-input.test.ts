import './helpers/env-hostile';
import { sharedChromium } from '../lib/documents/browser';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import sharp from 'sharp';
import { testActivities } from './helpers/activities';
import { createApiDeps } from '../api/deps';
import { submitExam, type Submission } from '../api/exams/start-exam';
import { examKeys } from '../lib/artifacts/artifacts';
import { postToWebhook } from '../lib/webhooks/webhook-target';
import { removeWebhook, saveWebhook } from '../lib/webhooks/webhooks';
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
// Deliveries as production makes them: only public addresses.
const hostileActivities = testActivities({ postWebhook: (url, post) => postToWebhook(url, post, { allowPrivate: false }) }).activities;
let api: ReturnType<typeof apiClient>;
let goodPage: Buffer;

before(async () => {
  stack = await startStack();
  api = apiClient(stack.baseUrl, 'token-school-a');
  assert.equal((await api.postJson('/v1/templates', template)).status, 201);
  assert.equal(
    (await apiClient(stack.baseUrl, 'token-school-b').postJson('/v1/templates', { ...template, id: 'school-b-only' })).status,
    201,
  );
  goodPage = (
    await renderExamPaper({
      template,
      student: { name: '赵磊', class: '八(4)班', id: '2023222' },
      answers: chooseAnswers(template, 0, 31),
      seed: 31,
    })
  ).pages[0]!;
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
  if (expected.message) assert.match(body.error.message, expected.message, name);
}

const post = (body: BodyInit, headers: Record<string, string> = {}, token = 'token-school-a') =>
  fetch(`${stack.baseUrl}/v1/exams`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });
const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#ffffff' }, limitInputPixels: false })
    .png({ compressionLevel: 9 })
    .toBuffer();
const withFile = (data: Buffer, name: string, type: string, templateId = template.id) => {
  const form = new FormData();
  form.set('templateId', templateId);
  form.append('pages', new Blob([new Uint8Array(data)], { type }), name);
  return form;
};
const rawMultipart = (parts: string, boundary = 'XyZ') => post(parts, { 'content-type': `multipart/form-data; boundary=${boundary}` });

test('authentication: missing, wrong and malformed tokens', async () => {
  await expectError('no token', fetch(`${stack.baseUrl}/v1/exams`), { status: 401, code: 'unauthorized' });
  await expectError(
    'wrong token',
    api.get('/v1/exams').then(() => fetch(`${stack.baseUrl}/v1/exams`, { headers: { authorization: 'Bearer nope-nope-nope' } })),
    { status: 401, code: 'unauthorized' },
  );
  await expectError('Basic scheme', fetch(`${stack.baseUrl}/v1/exams`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), {
    status: 401,
    code: 'unauthorized',
  });
});

test('pages that are not images, or are empty, too small, too large or too many', async () => {
  await expectError('no pages', post(examForm(template.id, [])), { status: 400, code: 'no_pages' });
  await expectError('zero-byte file', post(withFile(Buffer.alloc(0), 'p.png', 'image/png')), {
    status: 400,
    code: 'invalid_page',
    message: /empty/,
  });
  await expectError('text with a .png name', post(withFile(Buffer.from('just some text, honestly'), 'p.png', 'image/png')), {
    status: 415,
    code: 'unsupported_media_type',
  });
  await expectError('HTML with a .jpg name', post(withFile(Buffer.from('<html><body>hi</body></html>'), 'p.jpg', 'image/jpeg')), {
    status: 415,
    code: 'unsupported_media_type',
  });
  await expectError('an executable', post(withFile(Buffer.from('\x7fELF\x02\x01\x01\x00garbage'), 'p.png', 'image/png')), {
    status: 415,
    code: 'unsupported_media_type',
  });
  await expectError(
    'a GIF',
    post(
      withFile(
        await sharp({ create: { width: 300, height: 300, channels: 3, background: '#fff' } })
          .gif()
          .toBuffer(),
        'p.gif',
        'image/gif',
      ),
    ),
    {
      status: 415,
      code: 'unsupported_media_type',
    },
  );
  await expectError('a tiny image', post(withFile(await png(100, 100), 'p.png', 'image/png')), {
    status: 400,
    code: 'invalid_page',
    message: /too small/,
  });
  await expectError('a decompression bomb (30000×30000 white PNG)', post(withFile(await png(30000, 30000), 'bomb.png', 'image/png')), {
    status: 413,
    code: 'image_too_large',
  });
  await expectError(
    'a 100-megapixel JPEG',
    post(
      withFile(
        await sharp({ create: { width: 10000, height: 10000, channels: 3, background: '#eee' }, limitInputPixels: false })
          .jpeg()
          .toBuffer(),
        'big.jpg',
        'image/jpeg',
      ),
    ),
    {
      status: 413,
      code: 'image_too_large',
    },
  );
  const fiftyMegabytes = Buffer.concat([goodPage, Buffer.alloc(50 * 1024 * 1024 - goodPage.length)]);
  await expectError('a 50 MB upload', post(withFile(fiftyMegabytes, 'huge.png', 'image/png')), { status: 413, code: 'payload_too_large' });
  await expectError(
    '200 pages',
    post(
      examForm(
        template.id,
        Array.from({ length: 200 }, () => goodPage),
      ),
    ),
    { status: 400, code: 'invalid_upload', message: /too many pages/ },
  );
  await expectError('a corrupt PDF', post(withFile(Buffer.from('%PDF-1.7\nthis is not really a pdf'), 'scan.pdf', 'application/pdf')), {
    status: 400,
    code: 'invalid_page',
  });
});

test('wrong content types and malformed bodies', async () => {
  await expectError('JSON sent to the upload', post(JSON.stringify({ templateId: template.id }), { 'content-type': 'application/json' }), {
    status: 415,
    code: 'unsupported_media_type',
  });
  await expectError(
    'malformed multipart (no closing boundary)',
    rawMultipart('--XyZ\r\nContent-Disposition: form-data; name="templateId"\r\n\r\ng8'),
    { status: 400, code: 'invalid_upload' },
  );
  await expectError('multipart without a boundary', post('garbage', { 'content-type': 'multipart/form-data' }), {
    status: 400,
    code: 'invalid_upload',
  });
  const misnamed = examForm(template.id, []);
  misnamed.append('photos', new Blob([new Uint8Array(goodPage)]), 'p.png');
  await expectError('a file under an unexpected field', post(misnamed), { status: 400, code: 'invalid_upload', message: /"pages"/ });
  const json = (body: string, type = 'application/json') =>
    fetch(`${stack.baseUrl}/v1/templates`, {
      method: 'POST',
      headers: { authorization: 'Bearer token-school-a', 'content-type': type },
      body,
    });
  await expectError('template as text/plain', json(JSON.stringify(template), 'text/plain'), {
    status: 415,
    code: 'unsupported_media_type',
  });
  await expectError('invalid JSON', json('{"id": "x", '), { status: 400, code: 'invalid_request' });
  await expectError('oversized JSON (2 MB)', json(JSON.stringify({ ...template, title: 'x'.repeat(2 * 1024 * 1024) })), {
    status: 413,
    code: 'payload_too_large',
  });
  await expectError('a template with an unknown field', api.postJson('/v1/templates', { ...template, id: 'extra', owner: 'me' }), {
    status: 400,
    code: 'invalid_request',
    message: /owner|unrecognized/i,
  });
  await expectError(
    'duplicate question numbers',
    api.postJson('/v1/templates', { ...template, id: 'dupes', questions: [template.questions[0], template.questions[0]] }),
    { status: 400, code: 'invalid_request', message: /twice/ },
  );
  await expectError(
    'a choice answer that is not a letter',
    api.postJson('/v1/templates', { ...template, id: 'badkey', questions: [{ ...template.questions[0]!, answer: 'Z' }] }),
    {
      status: 400,
      code: 'invalid_request',
      message: /one letter/,
    },
  );
});

test('form fields: unknown, malformed, or naming what the caller may not use', async () => {
  await expectError('an unknown form field', post(examForm(template.id, [goodPage], { grade: 'A+' })), {
    status: 400,
    code: 'invalid_request',
  });
  await expectError('student that is not JSON', post(examForm(template.id, [goodPage], { student: 'Li Ming' })), {
    status: 400,
    code: 'invalid_request',
    message: /JSON object/,
  });
  await expectError('student with an unknown key', post(examForm(template.id, [goodPage], { student: '{"name":"李","age":14}' })), {
    status: 400,
    code: 'invalid_request',
  });
  await expectError('an unknown priority', post(examForm(template.id, [goodPage], { priority: 'asap' })), {
    status: 400,
    code: 'invalid_request',
  });
  await expectError('an invalid Idempotency-Key', post(examForm(template.id, [goodPage]), { 'idempotency-key': 'spaces and ümlauts' }), {
    status: 400,
    code: 'invalid_request',
  });
  await expectError('an unknown template', post(examForm('no-such-template', [goodPage])), { status: 400, code: 'unknown_template' });
  await expectError('another tenant’s template', post(examForm('school-b-only', [goodPage])), { status: 400, code: 'unknown_template' });
  await expectError('a confusable template id (Cyrillic а)', post(examForm('g8-mаth-midterm', [goodPage])), {
    status: 400,
    code: 'invalid_request',
  });
  await expectError('a path-traversal template id', post(examForm('../../etc/passwd', [goodPage])), {
    status: 400,
    code: 'invalid_request',
  });
  await expectError('a path-traversal exam id', api.get('/v1/exams/..%2F..%2Fetc%2Fpasswd'), { status: 400, code: 'invalid_request' });
  await expectError('a confusable exam id (full-width digits)', api.get('/v1/exams/０0000000-0000-4000-8000-000000000000'), {
    status: 400,
    code: 'invalid_request',
  });
  await expectError('an exam that does not exist', api.get('/v1/exams/00000000-0000-4000-8000-000000000000/result'), {
    status: 404,
    code: 'exam_not_found',
  });
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

/**
 * The text of every payload (inputs, results, memo) in a history, search attributes aside:
 * those are the visibility index, kept in clear text for filtering.
 */
function payloadTexts(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => payloadTexts(n, into));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'searchAttributes') continue;
      if (key === 'data' && typeof value === 'string') into.push(Buffer.from(value, 'base64').toString('utf8'));
      else payloadTexts(value, into);
    }
  }
  return into;
}

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
    const attempts =
      history.events?.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt) ?? [];
    assert.ok(
      attempts.every((a) => a === 1),
      `${name}: never retried`,
    );
  }
});

// ---- issue 13: every finding of the outside probe, so none can come back -------------------

/** Records a case that is not a plain error answer (a refused delivery, a timing, a header). */
function record(name: string, status: number, code: string, message = ''): void {
  results.push({ name, status, code, message });
}

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request from a chosen local address (127.0.0.x): a client the address limits treat apart. */
function requestFrom(localAddress: string, pathname: string, headers: Record<string, string>): Promise<RawAnswer> {
  const url = new URL(stack.baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: pathname, headers, localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes raw bytes on a TCP connection and collects what comes back until the server closes it (or `waitMs` passes). */
function rawExchange(head: string, waitMs: number, body = ''): Promise<{ text: string; closedAfterMs: number }> {
  const url = new URL(stack.baseUrl);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(head + body));
    let text = '';
    socket.on('data', (c) => (text += c.toString('latin1')));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
  });
}

/** The JSON error in a raw HTTP answer. */
function rawError(text: string): { status: number; code: string; message: string } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
  const body = JSON.parse(json || '{}') as { error?: { code: string; message: string } };
  return { status, code: body.error?.code ?? '', message: body.error?.message ?? '' };
}

/** A minimal valid PDF whose pages have these media boxes (and optionally smaller crop boxes), in points. */
function pdfWithPages(pages: { width: number; height: number; crop?: [number, number] }[]): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${i + 3} 0 R`).join(' ')}] /Count ${pages.length} >>`,
  ];
  for (const p of pages)
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${p.width} ${p.height}]${p.crop ? ` /CropBox [0 0 ${p.crop[0]} ${p.crop[1]}]` : ''} >>`,
    );
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const a4 = { width: 595, height: 842 };
const putWebhook = (url: string, token = 'token-school-a') =>
  fetch(`${stack.baseUrl}/v1/webhook`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  });

test('webhook SSRF: loopback, private, link-local, shared, reserved and credentialled targets are refused at PUT', async () => {
  const refused = [
    'http://127.0.0.1:7233/',
    'http://[::1]:8233/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://0.0.0.0/',
    'http://localhost:3000/',
    'http://LOCALHOST./hook',
    'http://127.1/',
    'http://0177.0.0.1/',
    'http://127.0.0.1.nip.invalid.localhost/',
    'http://192.168.1.1/',
    'http://172.16.0.1/',
    'http://100.64.0.1/',
    'http://[fe80::1]/',
    'http://[fd12:3456::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'https://[::ffff:10.0.0.1]/',
    'http://[::]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::1]/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://240.0.0.1/',
    'http://198.18.0.1/',
    'http://192.0.2.1/',
  ];
  for (const url of refused)
    await expectError(`webhook ${url}`, putWebhook(url), {
      status: 400,
      code: 'unsafe_webhook_url',
      message: /public internet addresses|does not resolve/,
    });
  for (const url of ['http://user:pass@93.184.215.14/hook', 'https://token@93.184.215.14/hook']) {
    await expectError(`webhook with credentials ${url}`, putWebhook(url), {
      status: 400,
      code: 'unsafe_webhook_url',
      message: /user name or password/,
    });
  }
  await expectError('webhook ftp://', putWebhook('ftp://93.184.215.14/'), { status: 400, code: 'invalid_request' });
  await expectError('webhook javascript:', putWebhook('javascript:alert(1)'), { status: 400, code: 'invalid_request' });
  const publicTarget = await putWebhook('https://93.184.215.14/hook');
  assert.equal(publicTarget.status, 200, 'a public address is still accepted');
  assert.equal(
    (await fetch(`${stack.baseUrl}/v1/webhook`, { method: 'DELETE', headers: { authorization: 'Bearer token-school-a' } })).status,
    204,
  );
});

test('webhook SSRF: a target that turns private after it was set is refused at delivery, at once and for good', async () => {
  let hits = 0;
  const receiver = http.createServer((_req, res) => {
    hits++;
    res.end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;
  try {
    // As if DNS had changed since PUT: the stored URL now leads to this machine.
    for (const url of [`http://127.0.0.1:${port}/hook`, `http://localhost:${port}/hook`]) {
      await saveWebhook('school-b', url);
      const delivery = {
        tenantId: 'school-b',
        examId: randomUUID(),
        runId: 'r',
        event: 'exam.completed',
        status: {},
      } as unknown as Parameters<typeof hostileActivities.deliverWebhook>[0];
      const err = await hostileActivities.deliverWebhook(delivery).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof ApplicationFailure && err.nonRetryable, `${url}: refused without retries`);
      assert.match(err.message, /loopback/);
      record(`delivery to ${url}`, 400, 'WebhookTargetRefused', err.message);
    }
    assert.equal(hits, 0, 'nothing was sent to the internal address');
  } finally {
    await removeWebhook('school-b');
    receiver.close();
  }
});

test('PDFs: every page of every file is counted and measured before anything is rendered', async () => {
  const pdfPost = (files: Buffer[]) => {
    const form = new FormData();
    form.set('templateId', template.id);
    files.forEach((f, i) => form.append('pages', new Blob([new Uint8Array(f)], { type: 'application/pdf' }), `scan-${i + 1}.pdf`));
    return post(form);
  };
  const timed = async (name: string, files: Buffer[], expected: Expect, maxMs: number) => {
    const started = Date.now();
    await expectError(name, pdfPost(files), expected);
    const ms = Date.now() - started;
    assert.ok(ms < maxMs, `${name}: answered in ${ms} ms, so nothing was rendered`);
  };
  await timed(
    'PDF whose page 2 is 5000×5000 pt',
    [pdfWithPages([a4, { width: 5000, height: 5000 }])],
    { status: 413, code: 'image_too_large', message: /page 2 .*5000×5000 pt/ },
    1500,
  );
  await timed(
    'PDF with a 14 400 pt page',
    [pdfWithPages([{ width: 14400, height: 14400 }])],
    { status: 413, code: 'image_too_large', message: /megapixels/ },
    1500,
  );
  await timed(
    'PDF with a small crop box over a huge media box',
    [pdfWithPages([a4, { width: 9000, height: 9000, crop: [595, 842] }])],
    { status: 413, code: 'image_too_large', message: /page 2/ },
    1500,
  );
  const twenty = pdfWithPages(Array.from({ length: 20 }, () => a4));
  await timed('two 20-page PDFs in one upload', [twenty, twenty], { status: 400, code: 'too_many_pages', message: /40 pages/ }, 1000);
  await timed(
    'a 20-page PDF after an oversized one-page PDF',
    [pdfWithPages([{ width: 6000, height: 6000 }]), twenty],
    { status: 400, code: 'too_many_pages' },
    1000,
  );
});

test('list and statistics queries: malformed tokens, impossible dates and fractional windows are 400 at once', async () => {
  const quick = async (name: string, pathname: string, message?: RegExp) => {
    const started = Date.now();
    await expectError(name, api.get(pathname), { status: 400, code: 'invalid_request', message });
    assert.ok(Date.now() - started < 2000, `${name}: answered at once, not after the client's retries`);
  };
  await quick('pageToken AAAA', '/v1/exams?pageToken=AAAA', /page token/);
  await quick('pageToken of plain text', `/v1/exams?pageToken=${Buffer.from('not-json').toString('base64url')}`, /page token/);
  await quick('pageToken of a JSON array', `/v1/exams?pageToken=${Buffer.from('[1,2]').toString('base64url')}`, /page token/);
  await quick(
    'pageToken shaped like Temporal’s, forged',
    `/v1/exams?pageToken=${Buffer.from('{"CloseTime":"x","StartTime":"y","RunID":"z"}').toString('base64url')}`,
    /page token/,
  );
  await quick('pageToken of an empty object', `/v1/exams?pageToken=${Buffer.from('{}').toString('base64url')}`, /page token/);
  await quick('pageToken with a NUL', '/v1/exams?pageToken=%00');
  await quick('pageToken of 5000 characters', `/v1/exams?pageToken=${'A'.repeat(5000)}`);
  await quick('createdTo past the year 9999', `/v1/exams?createdTo=${encodeURIComponent('9999-12-31T23:59:59-23:59')}`, /9999/);
  await quick('createdFrom before the year 1', `/v1/exams?createdFrom=${encodeURIComponent('0000-01-01T00:00:00+23:59')}`, /1970/);
  await quick('createdFrom before 1970', `/v1/exams?createdFrom=${encodeURIComponent('1969-12-31T00:00:00Z')}`);
  await quick('createdFrom without an offset', '/v1/exams?createdFrom=2026-01-01T00:00:00');
  await quick('createdTo that is not a date', '/v1/exams?createdTo=tomorrow');
  await quick('windowHours 1.001', '/v1/exams/statistics?windowHours=1.001', /whole hours/);
  await quick('windowHours 1.5', '/v1/exams/statistics?windowHours=1.5', /whole hours/);
  await quick('windowHours 0', '/v1/exams/statistics?windowHours=0');
  await quick('windowHours 721', '/v1/exams/statistics?windowHours=721');
  await quick('windowHours NaN', '/v1/exams/statistics?windowHours=abc');
  await quick('limit 0', '/v1/exams?limit=0');
  await quick('limit 2.5', '/v1/exams?limit=2.5');
});

test('methods and headers: 405, 501 and 431 answer in the JSON error shape; the admin token lists templates', async () => {
  const call = (method: string, pathname: string) =>
    fetch(`${stack.baseUrl}${pathname}`, { method, headers: { authorization: 'Bearer token-school-a' } });
  await expectError('PATCH /v1/templates', call('PATCH', '/v1/templates'), { status: 405, code: 'method_not_allowed' });
  await expectError('PUT /v1/exams', call('PUT', '/v1/exams'), { status: 405, code: 'method_not_allowed' });
  await expectError('DELETE /v1/exams/:id/result', call('DELETE', '/v1/exams/00000000-0000-4000-8000-000000000000/result'), {
    status: 405,
    code: 'method_not_allowed',
  });
  await expectError('PROPFIND /v1/exams', call('PROPFIND', '/v1/exams'), { status: 501, code: 'not_implemented' });
  const huge = await rawExchange(`GET /v1/exams HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(70_000)}\r\n\r\n`, 5000);
  const headers431 = rawError(huge.text);
  assert.equal(headers431.status, 431);
  assert.equal(headers431.code, 'headers_too_large');
  assert.match(huge.text, /content-type: application\/json/i);
  record('70 kB of headers', headers431.status, headers431.code, headers431.message);
  const listed = await apiClient(stack.baseUrl, 'token-admin-0').get('/v1/templates');
  assert.equal(listed.status, 200, 'the admin token reads /v1/templates');
  const templates = ((await listed.json()) as { templates: { id: string; tenantId: string }[] }).templates;
  assert.ok(templates.some((t) => t.id === template.id && t.tenantId === 'school-a'));
  assert.ok(templates.some((t) => t.id === 'school-b-only' && t.tenantId === 'school-b'));
  record('admin lists templates', listed.status, 'ok');
  const list = await api.get('/v1/exams');
  assert.equal(list.headers.get('cache-control'), 'no-store');
  record('Cache-Control on the list', list.status, 'no-store');
});

test('bodies: Content-Encoding on an uncompressed body, and hostile multipart file names, are 400', async () => {
  for (const encoding of ['gzip', 'deflate', 'br']) {
    await expectError(
      `template JSON sent as Content-Encoding: ${encoding}, uncompressed`,
      fetch(`${stack.baseUrl}/v1/templates`, {
        method: 'POST',
        headers: { authorization: 'Bearer token-school-a', 'content-type': 'application/json', 'content-encoding': encoding },
        body: JSON.stringify(template),
      }),
      { status: 400, code: 'invalid_request', message: /Content-Encoding/ },
    );
    await expectError(
      `upload sent as Content-Encoding: ${encoding}`,
      post(examForm(template.id, [goodPage]), { 'content-encoding': encoding }),
      { status: 400, code: 'invalid_upload', message: /Content-Encoding/ },
    );
  }
  const part = (disposition: string) =>
    `--XyZ\r\nContent-Disposition: form-data; name="templateId"\r\n\r\n${template.id}\r\n--XyZ\r\nContent-Disposition: form-data; name="pages"; ${disposition}\r\nContent-Type: image/png\r\n\r\n` +
    `${goodPage.toString('latin1')}\r\n--XyZ--\r\n`;
  const multipart = (disposition: string) =>
    post(Buffer.from(part(disposition), 'latin1'), { 'content-type': 'multipart/form-data; boundary=XyZ' });
  await expectError('file name with control characters', multipart('filename="a\x01\x1b[31mb.png"'), {
    status: 400,
    code: 'invalid_upload',
    message: /control characters/,
  });
  await expectError('file name of 20 000 characters', multipart(`filename="${'x'.repeat(20_000)}.png"`), {
    status: 400,
    code: 'invalid_upload',
  });
  await expectError('file name of 300 characters', multipart(`filename="${'y'.repeat(300)}.png"`), {
    status: 400,
    code: 'invalid_upload',
    message: /255/,
  });
  await expectError('file name with an encoded BEL', multipart("filename*=UTF-8''a%07b.png"), {
    status: 400,
    code: 'invalid_upload',
    message: /control characters/,
  });
  await expectError('file name with an encoded newline', multipart("filename*=UTF-8''evil%0D%0AX-Injected%3A%201.png"), {
    status: 400,
    code: 'invalid_upload',
    message: /control characters/,
  });
});

test('uploads: an oversized declared length is refused before reading (and before 100 Continue); a slow upload is cut', async () => {
  const head = (extra: string) =>
    `POST /v1/exams HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer token-school-a\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 10000000000\r\n${extra}\r\n`;
  const expect100 = await rawExchange(head('Expect: 100-continue\r\n'), 5000);
  assert.doesNotMatch(expect100.text, /100 Continue/, 'no invitation to send 10 GB');
  const refused = rawError(expect100.text);
  assert.equal(refused.status, 413);
  assert.equal(refused.code, 'payload_too_large');
  record('Expect: 100-continue with 10 GB declared', refused.status, refused.code, refused.message);
  const plain = await rawExchange(head(''), 5000, '--XyZ\r\n');
  assert.equal(rawError(plain.text).status, 413);
  assert.ok(plain.closedAfterMs < 3000, 'answered without waiting for the body');
  record('10 GB declared, no Expect', 413, rawError(plain.text).code);
  const slow = await rawExchange(
    `POST /v1/exams HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer token-school-a\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 100000\r\n\r\n`,
    20_000,
    '--XyZ\r\nContent-Disposition: form-data; name="templateId"\r\n\r\n',
  );
  assert.ok(
    slow.closedAfterMs < 10_000,
    `a stalled upload is cut after EXAMFLOW_UPLOAD_TIMEOUT_MS, not held 300 s (${slow.closedAfterMs} ms)`,
  );
  const cut = rawError(slow.text);
  assert.equal(cut.status, 408);
  record('a stalled upload', cut.status, cut.code, cut.message);
});

test('authentication: failed sign-ins are limited per client address (429 with Retry-After ≥ 1)', async () => {
  let limited: RawAnswer | undefined;
  let tries = 0;
  while (!limited && tries < 300) {
    tries++;
    const answer = await requestFrom('127.0.0.9', '/v1/exams', { authorization: `Bearer wrong-token-${tries}` });
    if (answer.status === 429) limited = answer;
    else assert.equal(answer.status, 401);
  }
  assert.ok(limited, 'after 300 wrong tokens still no 429');
  assert.ok(tries <= 31, `limited after ${tries} tries`);
  assert.ok(Number(limited.headers['retry-after']) >= 1);
  assert.equal((JSON.parse(limited.body) as { error: { code: string } }).error.code, 'rate_limited');
  record('300 wrong tokens from one address', 429, 'rate_limited');
  const validFromThere = await requestFrom('127.0.0.9', '/v1/exams', { authorization: 'Bearer token-school-a' });
  assert.equal(validFromThere.status, 429, 'while limited, a guess that happens to be right is not confirmed');
  record('a valid token from the limited address', validFromThere.status, 'rate_limited');
  const elsewhere = await requestFrom('127.0.0.10', '/v1/exams', { authorization: 'Bearer token-school-a' });
  assert.equal(elsewhere.status, 200, 'other addresses are unaffected');
  record('another address', elsewhere.status, 'ok');
});

test('idempotency: a second submission under the same key never overwrites the first one’s stored files', async () => {
  const otherPage = (
    await renderExamPaper({
      template,
      student: { name: '钱芳', class: '八(1)班', id: '2023111' },
      answers: chooseAnswers(template, 3, 7),
      seed: 7,
    })
  ).pages[0]!;
  // One after the other, below HTTP: the second finds the exam and stores nothing.
  const examId = randomUUID();
  const deps = createApiDeps(stack.env.client, config(), sharedChromium());
  const alice: Submission = { examId, tenantId: 'school-a', template, pages: [goodPage], student: { name: 'Alice' }, priority: 'normal' };
  const first = await submitExam(deps, alice);
  const second = await submitExam(deps, { ...alice, pages: [otherPage, otherPage], student: { name: 'Bob' } });
  assert.deepEqual([first, second], [true, false]);
  const keys = examKeys(examId);
  assert.ok((await stack.store.get(keys.page(0))).equals(goodPage), 'page 1 is still Alice’s');
  assert.equal(await stack.store.exists(keys.page(1)), false, 'Bob’s second page was not stored');
  assert.equal((await stack.store.getJson<{ input: { student: { name: string } } }>(keys.input)).input.student.name, 'Alice');
  record('same exam id submitted twice', 200, 'not_overwritten');
  // Racing over HTTP: one 202, one 200, one exam, and its files all from the same submission.
  const key = `race-${randomUUID()}`;
  const answers = await Promise.all([
    post(examForm(template.id, [goodPage], { student: '{"name":"Alice"}' }), { 'idempotency-key': key }),
    post(examForm(template.id, [otherPage], { student: '{"name":"Bob"}' }), { 'idempotency-key': key }),
  ]);
  assert.deepEqual(answers.map((r) => r.status).sort(), [200, 202]);
  const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { examId: string }).examId));
  assert.equal(ids[0], ids[1]);
  const raceKeys = examKeys(ids[0]!);
  const student = (await stack.store.getJson<{ input: { student: { name: string } } }>(raceKeys.input)).input.student.name;
  const page = await stack.store.get(raceKeys.page(0));
  assert.ok(page.equals(student === 'Alice' ? goodPage : otherPage), `the stored page belongs to ${student}, whose input was kept`);
  record('two racing submissions with one Idempotency-Key', 202, 'one_exam');
  await Promise.all([waitClosed(examId), waitClosed(ids[0]!)]);
});

test('a page of random noise is never scored: the exam fails, saying what was found and what to check', async () => {
  // Scattered, rotated digits, letters and brackets: OCR reads a few "questions" into it.
  const width = 1240;
  const height = 1754;
  let seed = 13;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const glyphs = '1234567890ABCDabcd.、()（）答案：=+-';
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>`;
  for (let i = 0; i < 400; i++) {
    const [x, y, size, angle] = [
      Math.floor(random() * width),
      Math.floor(random() * height),
      10 + Math.floor(random() * 40),
      Math.floor(random() * 360),
    ];
    svg += `<text x="${x}" y="${y}" font-size="${size}" transform="rotate(${angle} ${x} ${y})">${glyphs[Math.floor(random() * glyphs.length)]}</text>`;
  }
  const page = await sharp(Buffer.from(`${svg}</svg>`))
    .png()
    .toBuffer();
  const res = await post(withFile(page, 'noise.png', 'image/png'));
  assert.equal(res.status, 202);
  const doc = await waitClosed(((await res.json()) as { examId: string }).examId);
  assert.equal(doc.status, 'failed', `noise must not complete with a score (${doc.status})`);
  assert.match(doc.error ?? '', /questions of template "g8-math-midterm"/);
  assert.match(doc.error ?? '', /check that the right template was chosen/);
  record('a page of noise', 202, 'failed', doc.error ?? '');
});

test('after all of that the service is up and a real exam still completes', async () => {
  assert.equal((await fetch(`${stack.baseUrl}/health`)).status, 200);
  const res = await post(examForm(template.id, [goodPage], { student: '{"name":"赵磊","id":"2023222"}' }));
  assert.equal(res.status, 202);
  const examId = ((await res.json()) as { examId: string }).examId;
  const doc = await waitClosed(examId);
  assert.equal(doc.status, 'completed', doc.error ?? '');
  // Results and reports are one school's data: never cached on the way.
  for (const what of ['result', 'report.html', 'report.pdf']) {
    const answer = await api.get(`/v1/exams/${examId}/${what}`);
    assert.equal(answer.status, 200, what);
    assert.equal(answer.headers.get('cache-control'), 'no-store', what);
    await answer.arrayBuffer();
    record(`Cache-Control on ${what}`, 200, 'no-store');
  }
  // The student's name and id never reach Temporal in clear text (payload codec).
  const texts = payloadTexts(JSON.parse(historyToJSON(await stack.env.client.workflow.getHandle(examId).fetchHistory())) as unknown);
  assert.ok(texts.length > 5, 'the history has payloads');
  for (const clear of ['赵磊', '2023222'])
    assert.equal(
      texts.some((t) => t.includes(clear)),
      false,
      `${clear} in a workflow payload`,
    );
  record('student data in the workflow history', 200, 'encrypted');
  console.log(`hostile-input suite: ${results.length} cases, every one answered as expected`);
  assert.ok(results.length >= 100, `${results.length} hostile inputs answered`);
});
