import './helpers/env';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { OcrPageOutput } from '../activities/ocr-page';
import { templateSchema } from '../domain/template';
import { examKeys } from '../lib/artifacts/artifacts';
import { closeSharedBrowser } from '../lib/documents/browser';
import { chooseAnswers } from './fixtures/answers';
import { renderExamPaper } from './fixtures/generator';
import { testActivities } from './helpers/activities';

// The OCR activity's durability: a retry resumes from the heartbeat once the page text was
// stored, and a cancellation stops the activity while the recogniser is still reading.

const { activities, deps, close } = testActivities();
const { ocrPage } = activities;
const store = deps.store;

after(async () => {
  await Promise.allSettled([close(), closeSharedBrowser()]);
});

test('a retried OCR activity resumes from its heartbeat instead of reading the page again', async () => {
  const examId = 'resume-exam';
  const done = { ocrKey: examKeys(examId).ocr(0), confidence: 0.9, characters: 42 };
  await store.putJson(done.ocrKey, { pageIndex: 0, text: 'x', lines: [], confidence: 0.9 });
  const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { pageIndex: 0, done } });
  // The page image does not exist: reading it would fail, so success proves the resume.
  const out = await env.run(ocrPage, { examId, pageIndex: 0, pageKey: 'exams/resume-exam/pages/missing.img', language: 'zh' as const });
  assert.deepEqual(out, done);
});

test('a first attempt reads the page, stores it and heartbeats the stored key', async () => {
  const template = templateSchema.parse(
    JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')),
  );
  const [png] = (
    await renderExamPaper({ template, student: { name: '李明', class: '1', id: '2' }, answers: chooseAnswers(template, 0, 2), seed: 2 })
  ).pages;
  const pageKey = await store.put('exams/first/pages/001.img', png!);
  const env = new MockActivityEnvironment();
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  const out: OcrPageOutput = await env.run(ocrPage, { examId: 'first', pageIndex: 0, pageKey, language: 'zh' as const });
  assert.ok(out.characters > 50);
  assert.ok(await store.exists(out.ocrKey));
  assert.deepEqual((beats.at(-1) as { done: unknown }).done, out);

  // The same page again, cancelled while the recogniser reads it.
  const cancelled = new MockActivityEnvironment();
  const running = cancelled.run(ocrPage, { examId: 'second', pageIndex: 0, pageKey, language: 'zh' as const });
  setTimeout(() => cancelled.cancel(), 50);
  const started = Date.now();
  await assert.rejects(running, (err: unknown) => err instanceof CancelledFailure);
  assert.ok(Date.now() - started < 500, 'cancellation did not wait for the page');
  assert.equal(await store.exists(examKeys('second').ocr(0)), false);
});
