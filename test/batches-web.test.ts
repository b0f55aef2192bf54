import './helpers/env';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { ElementHandle, HTTPResponse, Page } from 'puppeteer';
import { ExamflowClient } from '../client/examflow-client';
import { closeSharedBrowser, sharedBrowser } from '../lib/documents/browser';
import { expectedScore, oneSheetTemplate, studentSheets, type StackStudent } from './fixtures/class-stack';
import { scannedStackPdf } from './fixtures/scan-pdf';
import { closePopupOf, openDesktopPage } from './helpers/web-page';
import { startStack, type Stack } from './helpers/stack';

// The web page's class batches in headless Chromium against the real stack: upload a class's
// PDF, follow the batch live until completed, open the class report, download the scores.

const quiz = oneSheetTemplate();
const screenshot = path.join(__dirname, '../../docs/screenshots/web-batches.png');
let stack: Stack;
let students: StackStudent[];
let pdfPath: string;
let page: Page | undefined;
const problems: string[] = [];

before(async () => {
  stack = await startStack();
  await new ExamflowClient({ baseUrl: stack.baseUrl, token: 'token-school-a' }).createTemplate(quiz);
  students = await Promise.all([401, 402, 403].map((seed) => studentSheets(quiz, seed, 'scan')));
  pdfPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'examflow-web-batch-')), 'class.pdf');
  writeFileSync(pdfPath, await scannedStackPdf(students.flatMap((s) => s.pages)));
});
after(async () => {
  await page?.close().catch(() => undefined);
  await closeSharedBrowser();
  await stack?.stop();
});

/** A blob URL's bytes, read from a page of the same origin that bypasses the app's CSP. */
async function blobBytes(url: string): Promise<Buffer> {
  const checker = await (await sharedBrowser()).newPage();
  try {
    await checker.setBypassCSP(true);
    await checker.goto(`${stack.baseUrl}/health`);
    const bytes = await checker.evaluate(async (u) => Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer())), url);
    return Buffer.from(bytes);
  } finally {
    await checker.close();
  }
}

test('upload a class PDF, follow the batch live, open the class report and download the scores', async () => {
  page = await openDesktopPage(problems, 120_000);
  const p = page;
  // What the page asked the API for, for a failure message.
  const requests: string[] = [];
  p.on('request', (r) => r.url().includes('/v1/batches/') && requests.push(`→ ${r.url().split('/v1/')[1]}`));
  p.on(
    'requestfinished',
    (r) => r.url().includes('/v1/batches/') && requests.push(`✓ ${r.url().split('/v1/')[1]} ${r.response()?.status()}`),
  );
  p.on('requestfailed', (r) => requests.push(`✗ ${r.url()} ${r.failure()?.errorText}`));
  await p.goto(stack.baseUrl, { waitUntil: 'networkidle0' });
  await p.evaluate(() => sessionStorage.setItem('examflow.token', 'token-school-a'));
  await p.reload({ waitUntil: 'networkidle0' });
  await p.waitForSelector('#app:not([hidden]) #batches-panel');

  const input = (await p.$('#batch-file-input')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(pdfPath);
  await p.type('#batch-name', '八(3)班 周测');
  await p.click('#batch-submit');
  await p.waitForSelector('#batch-message[data-batch-id]');
  const batchId = await p.$eval('#batch-message', (el) => (el as HTMLElement).dataset.batchId!);
  const rowOf = `tr[data-batch-id="${batchId}"]`;
  await p.waitForSelector(rowOf);

  // Live: the row moves on by itself (no reload) until the batch has completed.
  const seen: string[] = [];
  const deadline = Date.now() + 300_000;
  for (;;) {
    const state = await p.$eval(
      rowOf,
      (tr) => `${(tr as HTMLElement).dataset.status}:${tr.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')}`,
    );
    if (seen.at(-1) !== state) seen.push(state);
    if (state.startsWith('completed')) break;
    assert.ok(!state.startsWith('failed') && Date.now() < deadline, `batch ${state}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(
    seen.some((s) => s.startsWith('processing')),
    `followed live: ${seen.join(' → ')}`,
  );
  assert.equal(seen.at(-1), 'completed:100');
  assert.match(await p.$eval(rowOf, (tr) => tr.textContent ?? ''), /3\/3 graded/);

  // The class report: fetched with the token, offered as a PDF.
  const report = p.waitForResponse((r: HTTPResponse) => r.url().endsWith(`/v1/batches/${batchId}/report.pdf`));
  const popup = closePopupOf(p);
  // DOM clicks: the list is redrawn every few seconds, so a held element handle may be stale.
  await p.$eval(`${rowOf} button[data-action="report"]`, (b) => b.click());
  assert.equal((await report).status(), 200);
  await p.waitForSelector(`${rowOf} a[data-file="report.pdf"]:not([hidden])`);
  const reportUrl = await p.$eval(`${rowOf} a[data-file="report.pdf"]`, (a) => a.href);
  assert.equal((await blobBytes(reportUrl)).subarray(0, 5).toString(), '%PDF-');
  await Promise.race([popup, new Promise((r) => setTimeout(r, 3_000))]);
  await p.bringToFront();

  // The scores spreadsheet: every student's number and exact score.
  await p.$eval(`${rowOf} button[data-action="scores"]`, (b) => b.click());
  await p.waitForSelector(`${rowOf} a[data-file="scores.xlsx"]:not([hidden])`, { timeout: 15_000 }).catch(async () => {
    // A second click, as a teacher would, when the first was lost (two runs in six saw no link after one).
    await p.$eval(`${rowOf} button[data-action="scores"]`, (b) => b.click());
  });
  await p
    .waitForSelector(`${rowOf} a[data-file="scores.xlsx"]:not([hidden])`, { timeout: 30_000 })
    .catch(async (err: Error) =>
      assert.fail(
        `${err.message}: ${await p.$eval('#upload-message', (el) => el.textContent)} ${problems.join('; ')} ${requests.slice(-8).join(' ')}`,
      ),
    );
  const scoresUrl = await p.$eval(`${rowOf} a[data-file="scores.xlsx"]`, (a) => a.href);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await blobBytes(scoresUrl)) as never);
  const rows: unknown[][] = [];
  book.worksheets[0]!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
  for (const s of students)
    assert.equal(rows.find((r) => r[1] === s.truth.studentNumber)?.[5], expectedScore(quiz, s.truth), s.truth.studentNumber);
  assert.deepEqual(problems, [], 'no console errors or CSP violations');
  mkdirSync(path.dirname(screenshot), { recursive: true });
  await (await p.$('#batches-panel'))!.screenshot({ path: screenshot });
});
