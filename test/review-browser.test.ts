import './helpers/env-review';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'puppeteer';
import { ExamflowClient } from '../client/examflow-client';
import { templateSchema, type Template } from '../domain/template';
import { closeSharedBrowser } from '../lib/documents/browser';
import { chooseAnswers } from './fixtures/answers';
import { renderExamPaper } from './fixtures/generator';
import { openDesktopPage } from './helpers/web-page';
import { startStack, type Stack } from './helpers/stack';

// The review screen in headless Chromium against the real stack: an exam with a question the
// teacher scores waits; the teacher opens it from the review queue, sees each answer's image
// and clears every item with the keyboard; the exam completes with the teacher's points.

const base = templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')));
const template: Template = {
  ...base,
  id: 'g8-math-web-review',
  questions: base.questions.map((q) => (q.number === '8' ? { ...q, scoredBy: 'teacher' as const } : q)),
};
const screenshot = path.join(__dirname, '../../docs/screenshots/review.png');
let stack: Stack;
let client: ExamflowClient;
let page: Page | undefined;
const problems: string[] = [];

before(async () => {
  stack = await startStack();
  client = new ExamflowClient({ baseUrl: stack.baseUrl, token: 'token-school-a' });
  await client.createTemplate(template);
});
after(async () => {
  await page?.close().catch(() => undefined);
  await closeSharedBrowser();
  await stack?.stop();
});

async function waitForStatus(examId: string, status: string): Promise<void> {
  for (let i = 0; i < 720; i++) {
    if ((await client.getStatus(examId)).status === status) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`exam ${examId} never became ${status}`);
}

test('a teacher clears a review on the web page with the keyboard', async () => {
  const paper = await renderExamPaper({
    template,
    student: { name: '陈静', class: '八(2)班', id: '2023043' },
    answers: chooseAnswers(template, 1, 43),
    pages: 1,
    seed: 43,
  });
  const { examId } = await client.submitExam({ templateId: template.id, pages: paper.pages, student: { name: '陈静' } });
  await waitForStatus(examId, 'needs_review');

  page = await openDesktopPage(problems, 90_000);
  const p = page;
  await p.goto(stack.baseUrl, { waitUntil: 'networkidle0' });
  await p.waitForSelector('#signin:not([hidden])');
  await p.type('#token-input', 'token-school-a');
  await p.click('#signin-button');
  await p.waitForSelector('#app:not([hidden])');

  // The exam is in the queue and its row offers a review.
  await p.waitForSelector(`#review-queue button[data-exam-id="${examId}"]`);
  await p.waitForSelector(`tr[data-exam-id="${examId}"] button[data-action="review"]`);
  await p.$eval(`#review-queue button[data-exam-id="${examId}"]`, (b) => b.click());
  await p.waitForSelector('#review-item:not([hidden])');

  let decided = 0;
  for (;;) {
    await p.waitForFunction(() => (document.querySelector<HTMLImageElement>('#review-image')?.naturalWidth ?? 0) > 0);
    const where = await p.$eval('#review-where', (el) => el.textContent ?? '');
    const progress = await p.$eval('#review-progress', (el) => el.textContent ?? '');
    if (decided === 0) {
      mkdirSync(path.dirname(screenshot), { recursive: true });
      await (await p.$('#review-panel'))!.screenshot({ path: screenshot });
    }
    // Question 8 is the teacher's: 7 points with one key; every other doubtful reading is accepted with A.
    await p.keyboard.press(/question 8 /.test(where) ? '7' : 'a');
    decided += 1;
    await p.waitForFunction(
      (before) =>
        (document.querySelector('#review-item') as HTMLElement).hidden ||
        document.querySelector('#review-progress')?.textContent !== before,
      {},
      progress,
    );
    if (await p.$eval('#review-item', (el) => (el as HTMLElement).hidden)) break;
  }
  await p.waitForFunction(() => document.querySelector('#review-message')?.textContent?.includes('Review complete'));

  const final = await client.waitFor(examId, { timeoutMs: 120_000 });
  assert.equal(final.status, 'completed', final.error ?? '');
  const result = await client.getResult(examId);
  const q8 = result.questions.find((q) => q.number === '8')!;
  assert.equal(q8.awarded, 7);
  assert.equal(q8.review?.decidedBy, 'school-a');
  assert.equal(result.review?.decided, decided);
  await p.waitForFunction(() => !document.querySelector('#review-queue button'));
  assert.deepEqual(problems, [], 'no console errors or CSP violations');
});
