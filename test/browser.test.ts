import './helpers/env';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ElementHandle, HTTPResponse, Page } from 'puppeteer';
import { ExamflowClient } from '../client/examflow-client';
import { templateSchema } from '../domain/template';
import { closeSharedBrowser, sharedBrowser } from '../lib/documents/browser';
import { chooseAnswers } from './fixtures/answers';
import { expectedScore } from './fixtures/expected';
import { renderExamPaper, type RenderedPaper } from './fixtures/generator';
import { closePopupOf, openDesktopPage } from './helpers/web-page';
import { startStack, type Stack } from './helpers/stack';

// The web page in headless Chromium against the real stack: sign in, upload a generated
// exam, watch it live until completed, open the result and the PDF, keep a screenshot.

const template = templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')));
const screenshot = path.join(__dirname, '../../docs/screenshots/web.png');
let stack: Stack;
let paper: RenderedPaper;
let pagePath: string;
let page: Page | undefined;
const problems: string[] = [];

before(async () => {
  stack = await startStack();
  await new ExamflowClient({ baseUrl: stack.baseUrl, token: 'token-school-a' }).createTemplate(template);
  paper = await renderExamPaper({
    template,
    student: { name: '陈静', class: '八(2)班', id: '2023042' },
    answers: chooseAnswers(template, 2, 42),
    seed: 42,
  });
  pagePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'examflow-web-')), 'page-1.png');
  writeFileSync(pagePath, paper.pages[0]!);
});
after(async () => {
  await page?.close().catch(() => undefined);
  await closeSharedBrowser();
  await stack?.stop();
});

async function rowState(p: Page, examId: string) {
  return p.$eval(`tr[data-exam-id="${examId}"]`, (tr) => ({
    status: (tr as HTMLElement).dataset.status ?? '',
    progress: Number(tr.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') ?? -1),
    text: tr.textContent ?? '',
  }));
}

test('sign in, upload an exam, follow it live, open the result and the PDF', async () => {
  const browser = await sharedBrowser();
  // Generous timeouts: the test files may run side by side, each with its own stack, on two cores.
  // The page must run under the API's helmet CSP: any violation or script error fails the test.
  page = await openDesktopPage(problems, 90_000, /status of 404/);
  const p = page;

  await p.goto(stack.baseUrl, { waitUntil: 'networkidle0' });
  await p.waitForSelector('#signin:not([hidden])');
  await p.type('#token-input', 'wrong-token');
  await p.click('#signin-button');
  await p.waitForFunction(() => document.querySelector('#signin-error')?.textContent?.includes('not accepted'));
  assert.deepEqual(
    problems.splice(0),
    ['Failed to load resource: the server responded with a status of 401 (Unauthorized)'],
    'only the refused token',
  );
  await p.$eval('#token-input', (el) => ((el as HTMLInputElement).value = ''));
  await p.type('#token-input', 'token-school-a');
  await p.click('#signin-button');
  await p.waitForSelector('#app:not([hidden])');
  assert.equal(await p.evaluate(() => sessionStorage.getItem('examflow.token')), 'token-school-a');

  await p.waitForSelector(`#template-select option[value="${template.id}"]`);
  await p.select('#template-select', template.id);
  const input = (await p.$('#file-input')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(pagePath);
  await p.waitForSelector('#page-list li');
  assert.match(await p.$eval('#page-list', (el) => el.textContent ?? ''), /p\.1.*page-1\.png/);
  await p.type('#student-name', '陈静');
  await p.type('#student-class', '八(2)班');
  await p.type('#student-id', '2023042');
  await p.click('#submit-button');
  await p.waitForSelector('#upload-message[data-exam-id]');
  const examId = await p.$eval('#upload-message', (el) => (el as HTMLElement).dataset.examId!);
  await p.waitForSelector(`tr[data-exam-id="${examId}"]`);

  // Live progress through SSE until the row says completed.
  const seen: { status: string; progress: number; text: string }[] = [];
  const deadline = Date.now() + 180_000;
  for (;;) {
    const state = await rowState(p, examId);
    seen.push(state);
    if (state.status === 'completed') break;
    assert.notEqual(state.status, 'failed', state.text);
    assert.ok(Date.now() < deadline, `not completed in time: ${JSON.stringify(seen.at(-1))}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.ok(
    seen.some((s) => s.status === 'processing' && s.progress > 0 && s.progress < 100),
    `saw live progress: ${JSON.stringify(seen.map((s) => `${s.status}:${s.progress}`))}`,
  );
  assert.ok(seen.some((s) => /ETA/.test(s.text)) || seen.some((s) => s.status === 'processing'), 'an ETA or step was shown while running');
  const done = await rowState(p, examId);
  assert.equal(done.progress, 100);
  const expected = expectedScore(template, paper.truth);
  await p.waitForFunction(
    (id, score) => document.querySelector(`tr[data-exam-id="${id}"] .score`)?.textContent === String(score),
    {},
    examId,
    expected,
  );
  const temporalHref = await p.$eval(`tr[data-exam-id="${examId}"] a[href*="/workflows/"]`, (a) => a.href);
  assert.equal(temporalHref, `http://localhost:8233/namespaces/default/workflows/${examId}`);

  // The result as a table.
  await p.click(`tr[data-exam-id="${examId}"] button[data-action="result"]`);
  await p.waitForSelector('#result-panel:not([hidden]) #result-score');
  assert.equal(await p.$eval('#result-score', (el) => el.textContent), `${expected} / 55`);
  assert.equal(await p.$$eval('#result-table tbody tr', (rows) => rows.length), template.questions.length);
  assert.match(await p.$eval('#result-title', (el) => el.textContent ?? ''), /陈静/);

  // The PDF: fetched with the token (200), opened as a blob URL whose bytes are a PDF.
  const pdfResponse = p.waitForResponse((r: HTTPResponse) => r.url().endsWith(`/v1/exams/${examId}/report.pdf`));
  // Only the tab the click opens: the checker page below is a new target as well.
  const popup = closePopupOf(p);
  await p.click('#result-pdf');
  const res = await pdfResponse;
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  await p.waitForSelector('#pdf-link:not([hidden])');
  const href = await p.$eval('#pdf-link', (a) => (a as HTMLAnchorElement).href);
  assert.match(href, /^blob:http:\/\/127\.0\.0\.1:\d+\//);
  // The page's CSP (rightly) lets it fetch nothing but its origin, so read the blob's bytes
  // from a second page of the same origin that bypasses CSP.
  const checker = await browser.newPage();
  await checker.setBypassCSP(true);
  await checker.goto(`${stack.baseUrl}/health`);
  const blobHead = await checker.evaluate(async (url) => {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    return `${url.slice(0, 5)} ${String.fromCharCode(...bytes.slice(0, 5))}`;
  }, href);
  await checker.close();
  assert.equal(blobHead, 'blob: %PDF-');
  await Promise.race([popup, new Promise((r) => setTimeout(r, 3_000))]);
  await p.bringToFront(); // the PDF tab took the front: a hidden page pauses its refreshes

  // Statistics and queue panels filled in.
  await p.waitForFunction(() => document.querySelector('#stats-body .tile.completed .value')?.textContent === '1');
  assert.deepEqual(await p.$$eval('#queue-body tr[data-stage]', (rows) => rows.map((r) => (r as HTMLElement).dataset.stage).sort()), [
    'default',
    'ocr',
  ]);

  mkdirSync(path.dirname(screenshot), { recursive: true });
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: screenshot, fullPage: true });
  assert.deepEqual(problems, [], 'no console errors or CSP violations');
});

test('on a phone (390×844): no sideways scrolling, a camera input, PDFs accepted, and a template’s answer sheet to print', async () => {
  const browser = await sharedBrowser();
  const phone = await browser.newPage();
  try {
    phone.setDefaultTimeout(60_000);
    await phone.setViewport({ width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await phone.goto(stack.baseUrl, { waitUntil: 'networkidle0' });
    await phone.evaluate(() => sessionStorage.setItem('examflow.token', 'token-school-a'));
    await phone.reload({ waitUntil: 'networkidle0' });
    await phone.waitForSelector('#app:not([hidden])').catch((err: Error) => assert.fail(`not signed in: ${err.message}`));
    await phone
      .waitForSelector(`#template-select option[value="${template.id}"]`)
      .catch((err: Error) => assert.fail(`no templates: ${err.message}`));
    // Open a result as well when there is one, so its tables are measured too.
    const resultButton = await phone.$('button[data-action="result"]');
    if (resultButton) {
      // A DOM click: on a phone the button sits in a table that scrolls sideways in its own box.
      await resultButton.evaluate((b) => b.click());
      await phone
        .waitForSelector('#result-panel:not([hidden]) #result-score')
        .catch((err: Error) => assert.fail(`the result did not open: ${err.message}`));
    }
    const widths = await phone.evaluate(() => {
      const wide = Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > 390.5 && !el.closest('.table-wrap, #queue-body, #stats-body'))
        .map(
          (el) =>
            `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}:${Math.round(el.getBoundingClientRect().right)}`,
        );
      return { scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 12) };
    });
    assert.ok(widths.scrollWidth <= 390, `the page is ${widths.scrollWidth} px wide at 390: ${widths.wide.join(', ')}`);

    const camera = await phone.$eval('#camera-input', (el) => ({
      accept: el.getAttribute('accept'),
      capture: el.getAttribute('capture'),
      type: el.getAttribute('type'),
    }));
    assert.deepEqual(camera, { accept: 'image/*', capture: 'environment', type: 'file' });
    assert.match((await phone.$eval('#file-input', (el) => el.getAttribute('accept'))) ?? '', /application\/pdf/);

    // The answer sheet of the chosen template: fetched with the token, a PDF.
    await phone.select('#template-select', template.id);
    const sheet = phone.waitForResponse((r: HTTPResponse) => r.url().endsWith(`/v1/templates/${template.id}/answer-sheet.pdf`));
    const popup = closePopupOf(phone);
    // A DOM click: the panels above refresh every few seconds, and a click by coordinates can land on what moved there.
    await phone.$eval('#sheet-button', (b) => (b as HTMLButtonElement).click());
    const res = await sheet.catch((err: Error) => assert.fail(`no answer-sheet response: ${err.message}`));
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'application/pdf');
    await phone
      .waitForSelector(`#sheet-link[data-template-id="${template.id}"]:not([hidden])`)
      .catch((err: Error) => assert.fail(`no answer-sheet link: ${err.message}`));
    await Promise.race([popup, new Promise((r) => setTimeout(r, 3_000))]);
  } finally {
    await phone.close().catch(() => undefined);
  }
});
