import './helpers/env-review';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ExamflowApiError,
  ExamflowClient,
  type ReviewDocument,
  type ReviewQueueResponse,
  type StatusDocument,
} from '../client/examflow-client';
import { templateSchema, type Template } from '../domain/template';
import { chooseAnswers } from './fixtures/answers';
import { renderExamPaper } from './fixtures/generator';
import { runCli } from './helpers/cli';
import { startStack, type Stack } from './helpers/stack';

// The review calls of the typed client and of the compiled `examflow` CLI (a child process)
// against the real stack: an exam waits (submit --wait exits 3), is listed, shown with its
// images, refused an out-of-range award, decided, completed and corrected afterwards.

const base = templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')));
const template: Template = {
  ...base,
  id: 'g8-math-cli-review',
  questions: base.questions.map((q) => (q.number === '8' ? { ...q, scoredBy: 'teacher' as const } : q)),
};
const dir = mkdtempSync(path.join(os.tmpdir(), 'examflow-review-cli-'));
let stack: Stack;
let client: ExamflowClient;

before(async () => {
  stack = await startStack();
  client = new ExamflowClient({ baseUrl: stack.baseUrl, token: 'token-school-a' });
  await client.createTemplate(template);
});
after(async () => {
  await stack?.stop();
});

const examflow = (args: string[]) => runCli(stack.baseUrl, args);

test('review list, show and decide from the CLI and the client; a correction afterwards', async () => {
  const paper = await renderExamPaper({
    template,
    student: { name: '赵强', class: '八(3)班', id: '2023204' },
    answers: chooseAnswers(template, 1, 51),
    pages: 1,
    seed: 51,
  });
  const pagePath = path.join(dir, 'page-1.png');
  writeFileSync(pagePath, paper.pages[0]!);

  const submitted = await examflow(['submit', '--template', template.id, pagePath, '--wait', '--json']);
  assert.equal(submitted.code, 3, `submit --wait stops at the review: ${submitted.stderr}`);
  const { examId, status } = JSON.parse(submitted.stdout) as { examId: string; status: StatusDocument };
  assert.equal(status.status, 'needs_review');

  const listed = await examflow(['review', 'list', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok((JSON.parse(listed.stdout) as ReviewQueueResponse).exams.some((e) => e.examId === examId));
  assert.match((await examflow(['review', 'list'])).stdout, new RegExp(examId));

  const images = path.join(dir, 'images');
  const shown = await examflow(['review', 'show', examId, '-o', images, '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  const review = JSON.parse(shown.stdout) as ReviewDocument & { images: string[] };
  const teacherItem = review.items.find((i) => i.number === '8')!;
  assert.equal(teacherItem.reason, 'scored_by_teacher');
  assert.ok(review.images.every((f) => existsSync(f)) && review.images.length === review.items.length);
  assert.deepEqual(await client.getReviewImage(examId, teacherItem.itemId), readFileSync(path.join(images, `${teacherItem.itemId}.png`)));

  const refused = await examflow(['review', 'decide', examId, `${teacherItem.itemId}:points=11`]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /from 0 to 10/);
  const badSyntax = await examflow(['review', 'decide', examId, 'q8']);
  assert.equal(badSyntax.code, 2);
  const clientRefusal = await client.decide(examId, [{ itemId: 'q99', awarded: 1 }]).catch((e: unknown) => e);
  assert.ok(clientRefusal instanceof ExamflowApiError && clientRefusal.status === 400 && clientRefusal.code === 'invalid_decision');

  // Every doubtful reading as the machine read it; question 8 gets 6 points.
  const decisions = review.items.map((i) =>
    i === teacherItem ? `${i.itemId}:points=6` : i.machineAnswer ? `${i.itemId}=${i.machineAnswer}` : `${i.itemId}:points=0`,
  );
  const decided = await examflow(['review', 'decide', examId, ...decisions, '--teacher', 'ms-zhao']);
  assert.equal(decided.code, 0, decided.stderr);
  assert.match(decided.stdout, /every item decided/);

  const final = await client.waitFor(examId, { timeoutMs: 120_000 });
  assert.equal(final.status, 'completed');
  const result = await client.getResult(examId);
  assert.equal(result.questions.find((q) => q.number === '8')!.review?.decidedBy, 'ms-zhao');
  assert.equal((await client.getReview(examId)).waiting, false);

  const corrected = await examflow(['correct', examId, '8:points=9', '--teacher', 'ms-zhao', '--json']);
  assert.equal(corrected.code, 0, corrected.stderr);
  const after = JSON.parse(corrected.stdout) as typeof result;
  assert.equal(after.score, result.score + 3);
  assert.equal(after.corrections?.[0]?.by, 'ms-zhao');
  const viaClient = await client.correct(examId, { number: '8', awarded: 6 });
  assert.equal(viaClient.score, result.score);
  assert.equal(viaClient.corrections?.length, 2);
  assert.equal(
    (await client.listReviews()).exams.some((e) => e.examId === examId),
    false,
  );
});
