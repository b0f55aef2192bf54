import './capture-review-env';
import '../test/helpers/env';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import sharp from 'sharp';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createActivities } from '../activities';
import { examIdFor, submitExam } from '../api/exams/start-exam';
import { closeSharedBrowser, sharedChromium } from '../lib/documents/browser';
import { saveWebhook } from '../lib/webhooks/webhooks';
import { templateSchema, type Template } from '../domain/template';
import { config } from '../lib/config';
import { createActivityDeps } from '../worker/activity-deps';
import { createExamWorkers } from '../worker/workers';
import { chooseAnswers } from '../test/fixtures/answers';
import { renderExamPaper } from '../test/fixtures/generator';
import { filledSheetImages } from '../test/fixtures/sheet-filler';
import { startTemporal, workflowBundle } from '../test/helpers/temporal';
import { captureReview, reviewTemplate } from './capture-review';
import { submitBatch } from '../api/batches/batch-intake';
import { createApiDeps, type ApiDeps } from '../api/deps';
import { insertTemplate } from '../records/templates';
import { oneSheetTemplate, studentSheets } from '../test/fixtures/class-stack';
import { scannedStackPdf } from '../test/fixtures/scan-pdf';
import { batchProgressQuery } from '../workflows/batch-definitions';

// npm run capture-histories -- <version> [sheet]: real runs of the current workflow code (real
// OCR, real Chromium, a real dev server) in the situations the replay test must keep
// covering, saved as test/histories/<version>-<name>.json. After a workflow change
// (behind patched()), capture a new version and commit it beside the old ones: the replay
// test then proves the code runs both the histories before and after the change.
// With `sheet`, answer-sheet exams instead, saved as <version>-sheet-<name>.json.
// With `review`, teacher review (scripts/capture-review.ts): <version>-review-<name>.json.
// With `identify`, exams submitted with a templateId whose first page the workflow looks at
// (identifySheet): <version>-identify-<name>.json.
// With `batch`, class batches (the parent workflow; its exams' children are saved beside it), as
// <version>-<name>.json.

const out = path.resolve(__dirname, '../../test/histories');
const loadTemplate = (file: string): Template =>
  templateSchema.parse(JSON.parse(readFileSync(path.resolve(__dirname, '../../test/fixtures/templates', file), 'utf8')));

async function paper(template: Template, pages: number, seed: number): Promise<Buffer[]> {
  return (
    await renderExamPaper({
      template,
      student: { name: '王芳', class: '八(1)班', id: '2023008' },
      answers: chooseAnswers(template, 1, seed),
      pages,
      seed,
    })
  ).pages;
}

function blankPage(): Promise<Buffer> {
  return sharp({ create: { width: 1240, height: 1754, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
}

async function save(client: Client, name: string, examId: string, wait = true): Promise<void> {
  const handle = client.workflow.getHandle(examId);
  if (wait) await handle.result().catch(() => undefined);
  writeFileSync(path.join(out, `${version}-${name}.json`), historyToJSON(await handle.fetchHistory()));
  console.log(`captured ${name} (${(await handle.describe()).status.name})`);
}

const version = process.argv[2] ?? '';
const sheetSet = process.argv[3] === 'sheet';
const reviewSet = process.argv[3] === 'review';
const batchSet = process.argv[3] === 'batch';
const identifySet = process.argv[3] === 'identify';

async function main(): Promise<void> {
  if (!/^v[0-9]+(-[a-z0-9-]+)?$/.test(version) || (process.argv[3] !== undefined && !sheetSet && !reviewSet && !batchSet && !identifySet))
    throw new Error('usage: npm run capture-histories -- v<N>[-<change>] [sheet|review|batch|identify]');
  const env = await startTemporal();
  // The school's webhook receiver, on loopback: the success histories include a delivery.
  const receiver = http.createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await saveWebhook('school-a', `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/exam-events`);
  // A transient fault on the first parse attempt of exams marked "flaky", so one history
  // shows an activity retried by the policy.
  let flakyFailures = 0;
  const owned = createActivityDeps(config());
  const activities = createActivities(owned.deps);
  const parseExam: typeof activities.parseExam = async (input) => {
    if (input.student.name === 'flaky' && flakyFailures++ === 0) throw new Error('injected transient fault: disk busy');
    return activities.parseExam(input);
  };
  const workers = await createExamWorkers({
    connection: env.nativeConnection,
    cfg: config(),
    workflowBundle: await workflowBundle(),
    activities: { ...activities, parseExam },
  });
  const running = workers.map((w) => w.run());
  const client = env.client;
  const apiDeps = createApiDeps(client, config(), sharedChromium());
  const zh = loadTemplate('zh-math.json');
  const submit = async (template: Template, pages: Buffer[], student = {}, sheet = false, identify = false) => {
    const examId = examIdFor('school-a', undefined);
    await submitExam(apiDeps, { examId, tenantId: 'school-a', template, pages, student, priority: 'normal', sheet, identify });
    return examId;
  };
  try {
    if (reviewSet) {
      await captureReview({
        client,
        submit: (pages, student) => submit(reviewTemplate(zh), pages, student),
        paper: (seed) => paper(reviewTemplate(zh), 1, seed),
        save: (name, examId, wait) => save(client, name, examId, wait),
      });
      return;
    }
    if (batchSet) {
      await captureBatches(apiDeps);
      return;
    }
    if (identifySet) {
      // Submitted with a templateId: a printed paper, a sheet of that template, a sheet of another one (BadInput).
      const quiz = loadTemplate('zh-sheet-quiz.json');
      const truth = { studentNumber: '20230417', answers: { '一/1': 'A', '一/2': 'B', '二/1': 'T' } };
      const sheet = await filledSheetImages(quiz, truth, { style: 'clean', seed: 9 });
      await save(client, 'identify-paper', await submit(zh, await paper(zh, 1, 10), {}, false, true));
      await save(client, 'identify-sheet', await submit(quiz, sheet, {}, false, true));
      await save(client, 'identify-other-template', await submit({ ...quiz, id: 'another-quiz' }, sheet, {}, false, true));
      return;
    }
    if (sheetSet) {
      // Answer sheets: a phone photo graded, a page that is no sheet (BadInput), a cancellation.
      const quiz = loadTemplate('zh-sheet-quiz.json');
      const truth = { studentNumber: '20230417', answers: { '一/1': 'A', '一/2': 'B', '一/3': 'BD', '二/1': 'T', '二/3': '42' } };
      const photo = await filledSheetImages(quiz, truth, { style: 'photo', seed: 8 });
      await save(client, 'sheet-success-photo', await submit(quiz, photo, {}, true));
      await save(client, 'sheet-failure-not-a-sheet', await submit(quiz, [photo[0]!, await blankPage()], {}, true));
      const cancelled = await submit(quiz, photo, {}, true);
      await client.workflow.getHandle(cancelled).cancel();
      await save(client, 'sheet-cancelled', cancelled);
      return;
    }
    await save(client, 'success-one-page', await submit(zh, await paper(zh, 1, 3)));
    await save(client, 'success-multi-page', await submit(zh, await paper(zh, 3, 4)));
    // A blank sheet: OCR finds no text and the exam fails without retries (BadInput).
    await save(client, 'failure-blank-page', await submit(zh, [await blankPage()]));
    await save(client, 'retried-activity', await submit(zh, await paper(zh, 1, 6), { name: 'flaky' }));
    const cancelled = await submit(zh, await paper(zh, 2, 7));
    await client.workflow.getHandle(cancelled).cancel();
    await save(client, 'cancelled', cancelled);
  } finally {
    workers.forEach((w) => w.shutdown());
    await Promise.all(running);
    await Promise.allSettled([owned.close(), closeSharedBrowser()]);
    await env.teardown();
    receiver.close();
  }
}

/** A class of two graded sheets and a blank page; a batch cancelled while grading; a stack with nothing to grade. */
async function captureBatches(apiDeps: ApiDeps): Promise<void> {
  const { client } = apiDeps;
  const quiz = oneSheetTemplate();
  await insertTemplate('school-a', quiz);
  const sheets = async (seeds: number[]) =>
    (await Promise.all(seeds.map((seed) => studentSheets(quiz, seed, 'clean')))).flatMap((s) => s.pages);
  const submit = async (pages: Buffer[]) => {
    const files = [{ buffer: await scannedStackPdf(pages), originalname: 'class.pdf' }];
    return submitBatch(apiDeps, { tenantId: 'school-a', files, name: '八(1)班' });
  };
  const graded = await submit([...(await sheets([1])), await blankPage(), ...(await sheets([2]))]);
  await save(client, 'success', graded);
  const cancelled = await submit(await sheets([3, 4, 5, 6]));
  const handle = client.workflow.getHandle(cancelled);
  for (let i = 0; i < 600 && (await handle.query(batchProgressQuery)).examsStarted === 0; i++) await new Promise((r) => setTimeout(r, 100));
  await handle.cancel();
  await save(client, 'cancelled', cancelled);
  await save(client, 'failure-nothing-graded', await submit([await blankPage(), ...(await paper(loadTemplate('zh-math.json'), 1, 9))]));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
