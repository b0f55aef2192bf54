import './helpers/env-review';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { ResultDocument, StatusDocument } from '../domain/documents';
import { gradeExam } from '../domain/grade';
import { questionKey, templateSchema, type Template } from '../domain/template';
import { chooseAnswers } from './fixtures/answers';
import { renderExamPaper } from './fixtures/generator';
import { filledSheetImages, type SheetTruth } from './fixtures/sheet-filler';
import { apiClient, examForm, startStack, type Stack } from './helpers/stack';

// Teacher review end to end through the HTTP API on the real stack (dev server, real workers,
// OCR, sheet reading, PostgreSQL): an exam stops in needs_review, is in the tenant's review
// queue, shows each item with its image, refuses an out-of-range award, takes the teacher's
// decisions and completes with the teacher's score.

const load = (file: string) =>
  templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates', file), 'utf8')));
// Question 8 (a fill answer, 10 points) is the teacher's to score.
const math: Template = (() => {
  const t = load('zh-math.json');
  return { ...t, id: 'g8-math-review', questions: t.questions.map((q) => (q.number === '8' ? { ...q, scoredBy: 'teacher' as const } : q)) };
})();
const quiz = load('zh-sheet-quiz.json');

interface ReviewDoc {
  examId: string;
  status: string;
  waiting: boolean;
  deadline: string | null;
  items: {
    itemId: string;
    number: string;
    section: string | null;
    type: string;
    points: number;
    reason: string;
    machineAnswer: string | null;
    confidence: number;
    imageUrl: string;
    decision: unknown;
  }[];
}

let stack: Stack;
let api: ReturnType<typeof apiClient>;
before(async () => {
  stack = await startStack();
  api = apiClient(stack.baseUrl, 'token-school-a');
  for (const t of [math, quiz]) assert.ok([200, 201].includes((await api.postJson('/v1/templates', t)).status));
});
after(async () => {
  await stack?.stop();
});

async function waitForStatus(examId: string, wanted: string[], timeoutMs = 180_000): Promise<StatusDocument> {
  const deadline = Date.now() + timeoutMs;
  let last: StatusDocument | undefined;
  while (Date.now() < deadline) {
    last = (await (await api.get(`/v1/exams/${examId}`)).json()) as StatusDocument;
    if (wanted.includes(last.status)) return last;
    if (['failed', 'cancelled'].includes(last.status)) assert.fail(`exam ${examId} ${last.status}: ${last.error}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`exam ${examId} never reached ${wanted.join('/')}; last ${JSON.stringify(last)}`);
}

async function waitingReview(examId: string): Promise<ReviewDoc> {
  const status = await waitForStatus(examId, ['needs_review']);
  assert.equal(status.step, 'review');
  assert.ok(status.review && status.review.items > 0 && status.review.decided === 0, JSON.stringify(status.review));
  const queue = (await (await api.get('/v1/reviews')).json()) as { exams: { examId: string; items: number }[] };
  assert.ok(
    queue.exams.some((e) => e.examId === examId && e.items === status.review!.items),
    'the exam is in the tenant’s review queue',
  );
  const other = (await (await apiClient(stack.baseUrl, 'token-school-b').get('/v1/reviews')).json()) as { exams: unknown[] };
  assert.equal(other.exams.length, 0, 'another tenant’s queue does not show it');
  const res = await api.get(`/v1/exams/${examId}/review`);
  assert.equal(res.status, 200);
  return (await res.json()) as ReviewDoc;
}

async function assertImage(url: string): Promise<void> {
  const res = await api.get(url);
  assert.equal(res.status, 200, url);
  assert.equal(res.headers.get('content-type'), 'image/png');
  const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
  assert.ok((meta.width ?? 0) > 20 && (meta.height ?? 0) > 10, `an image of the answer region: ${meta.width}×${meta.height}`);
  assert.equal((await apiClient(stack.baseUrl, 'token-school-b').get(url)).status, 404, 'another tenant cannot see it');
}

async function decide(examId: string, decisions: unknown[]): Promise<Response> {
  return api.postJson(`/v1/exams/${examId}/review`, { decisions, teacher: 'ms-li' });
}

test('a scoredBy: teacher question stops the exam in needs_review until the teacher scores it', async () => {
  const paper = await renderExamPaper({
    template: math,
    student: { name: '李明', class: '八(2)班', id: '2023017' },
    answers: chooseAnswers(math, 1, 31),
    pages: 1,
    seed: 31,
  });
  const submitted = await api.postForm('/v1/exams', examForm(math.id, paper.pages));
  assert.equal(submitted.status, 202);
  const { examId } = (await submitted.json()) as { examId: string };

  const review = await waitingReview(examId);
  const teacherItem = review.items.find((i) => i.number === '8')!;
  assert.ok(teacherItem, JSON.stringify(review.items));
  assert.equal(teacherItem.reason, 'scored_by_teacher');
  assert.equal(teacherItem.points, 10);
  await assertImage(teacherItem.imageUrl);

  const outOfRange = await decide(examId, [{ itemId: teacherItem.itemId, awarded: 11 }]);
  assert.equal(outOfRange.status, 400);
  const refused = (await outOfRange.json()) as { error: { code: string; message: string } };
  assert.equal(refused.error.code, 'invalid_decision');
  assert.match(refused.error.message, /from 0 to 10/);
  const unknown = await decide(examId, [{ itemId: 'q99', awarded: 1 }]);
  assert.equal(unknown.status, 400);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'invalid_decision');
  const tooMuchForThisQuestion = await decide(
    examId,
    review.items
      .filter((i) => i.points < 10)
      .slice(0, 1)
      .map((i) => ({ itemId: i.itemId, awarded: i.points + 1 })),
  );
  if (review.items.some((i) => i.points < 10)) assert.equal(tooMuchForThisQuestion.status, 400);

  // The teacher reads every other waiting answer off the paper (the ground truth) and gives question 8 seven points.
  const truth = new Map(paper.truth.answers.map((a) => [a.number, a.answer]));
  const decisions = review.items.map((i) =>
    i.number === '8'
      ? { itemId: i.itemId, awarded: 7 }
      : truth.get(i.number)
        ? { itemId: i.itemId, answer: truth.get(i.number) }
        : { itemId: i.itemId, awarded: 0 },
  );
  const decided = await decide(examId, decisions);
  assert.equal(decided.status, 200, await decided.clone().text());
  assert.ok(['processing', 'completed'].includes(((await decided.json()) as StatusDocument).status));
  const again = await decide(examId, [{ itemId: teacherItem.itemId, awarded: 1 }]);
  assert.equal(again.status, 409, 'an exam that no longer waits takes no decision');

  await waitForStatus(examId, ['completed']);
  const result = (await (await api.get(`/v1/exams/${examId}/result`)).json()) as ResultDocument;
  const q8 = result.questions.find((q) => q.number === '8')!;
  assert.equal(q8.awarded, 7);
  assert.equal(q8.review?.status, 'decided');
  assert.equal(q8.review?.decidedBy, 'ms-li');
  assert.ok(q8.review?.decidedAt);
  const perfect = gradeExam(math, {
    title: null,
    student: paper.truth.student,
    answers: paper.truth.answers.map((a) => ({ ...a, confidence: 1, page: 0 })),
    missing: [],
  });
  const expected = perfect.questions.reduce((s, q) => s + (q.number === '8' ? 7 : q.awarded), 0);
  assert.equal(result.score, expected, 'the teacher’s score');
  assert.deepEqual(result.review, { status: 'reviewed', items: review.items.length, decided: review.items.length });
  const html = await (await api.get(`/v1/exams/${examId}/report.html`)).text();
  assert.ok(html.includes('老师已复核'), 'the report says the teacher checked it');
  const after = (await (await api.get(`/v1/exams/${examId}/review`)).json()) as ReviewDoc;
  assert.equal(after.waiting, false);
  assert.ok(
    after.items.every((i) => i.decision !== null),
    'the decisions stay visible after completion',
  );

  // After completion the teacher still corrects an answer: result, report and record change, the change is kept.
  const q1 = result.questions.find((q) => q.number === '1')!;
  const wrongLetter = q1.correctAnswer === 'A' ? 'C' : 'A';
  const corrected = await api.postJson(`/v1/exams/${examId}/corrections`, { number: '1', answer: wrongLetter, teacher: 'mr-wang' });
  assert.equal(corrected.status, 200, await corrected.clone().text());
  const fixed = (await corrected.json()) as ResultDocument;
  assert.equal(fixed.score, result.score - q1.awarded);
  assert.deepEqual(
    fixed.corrections?.map((c) => [c.number, c.by, c.before.answer, c.after.answer, c.after.awarded]),
    [['1', 'mr-wang', q1.studentAnswer, wrongLetter, 0]],
  );
  const reread = (await (await api.get(`/v1/exams/${examId}/result`)).json()) as ResultDocument;
  assert.equal(reread.score, fixed.score, 'the record holds the corrected result');
  assert.equal(reread.questions.find((q) => q.number === '8')!.awarded, 7, 'the teacher’s review stays');
  assert.ok((await (await api.get(`/v1/exams/${examId}/report.html`)).text()).includes('老师已更正'), 'the report shows the correction');
  const list = (await (await api.get(`/v1/exams?limit=5`)).json()) as { exams: { examId: string; score: number }[] };
  assert.equal(list.exams.find((e) => e.examId === examId)?.score, fixed.score);
  const outOfRangeFix = await api.postJson(`/v1/exams/${examId}/corrections`, { number: '1', awarded: 6 });
  assert.equal(outOfRangeFix.status, 400);
  const unknownQuestion = await api.postJson(`/v1/exams/${examId}/corrections`, { number: '42', awarded: 1 });
  assert.equal(unknownQuestion.status, 400);
});

test('a double mark on an answer sheet waits for the teacher, who reads the intended letter', async () => {
  const truth: SheetTruth = {
    studentNumber: '20230418',
    answers: {
      '一/1': 'A',
      '一/2': 'BC',
      '一/3': 'BD',
      '一/4': 'ACD',
      '二/1': 'T',
      '二/2': 'T',
      '二/3': '42',
      '二/4': '3.5',
      '二/5': '12',
    },
  };
  const pages = await filledSheetImages(quiz, truth, { style: 'scan', seed: 41 });
  const form = new FormData();
  pages.forEach((bytes, i) => form.append('pages', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), `sheet-${i + 1}.png`));
  const submitted = await api.postForm('/v1/exams', form);
  assert.equal(submitted.status, 202);
  const { examId } = (await submitted.json()) as { examId: string };

  const review = await waitingReview(examId);
  const double = review.items.find((i) => i.section === '一' && i.number === '2')!;
  assert.ok(double, JSON.stringify(review.items));
  assert.equal(double.reason, 'double');
  assert.equal(double.machineAnswer, 'BC');
  await assertImage(double.imageUrl);
  const early = await api.postJson(`/v1/exams/${examId}/corrections`, { number: '2', section: '一', answer: 'B' });
  assert.equal(early.status, 409, 'an exam waiting for review is decided, not corrected');
  const bad = await decide(examId, [{ itemId: double.itemId, awarded: 4 }]);
  assert.equal(bad.status, 400, 'a 3-point question takes at most 3 points');

  // First the double mark alone (a partial decision is kept), then the rest as written.
  assert.equal((await decide(examId, [{ itemId: double.itemId, answer: 'B' }])).status, 200);
  const partial = (await (await api.get(`/v1/exams/${examId}`)).json()) as StatusDocument;
  if (review.items.length > 1) {
    assert.equal(partial.status, 'needs_review');
    assert.equal(partial.review?.decided, 1);
    const rest = review.items
      .filter((i) => i !== double)
      .map((i) => ({
        itemId: i.itemId,
        ...(truth.answers[`${i.section}/${i.number}`] ? { answer: truth.answers[`${i.section}/${i.number}`]! } : { awarded: 0 }),
      }));
    assert.equal((await decide(examId, rest)).status, 200);
  }
  await waitForStatus(examId, ['completed']);
  const result = (await (await api.get(`/v1/exams/${examId}/result`)).json()) as ResultDocument;
  const q = result.questions.find((x) => questionKey(x) === '一/2')!;
  assert.equal(q.studentAnswer, 'B');
  assert.equal(q.awarded, 3, 'the teacher’s reading is graded as usual: B is right');
  assert.equal(q.review?.machineAnswer, 'BC');
  assert.equal(result.score, 3 + 3 + 4 + 4 + 2 + 2 + 5 + 5 + 5);
});

test('the review routes are in /openapi.json, and bad input is refused before any exam is read', async () => {
  const doc = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  for (const route of [
    '/v1/reviews',
    '/v1/exams/{examId}/review',
    '/v1/exams/{examId}/review/{itemId}/image.png',
    '/v1/exams/{examId}/corrections',
  ])
    assert.ok(doc.paths[route], route);
  const examId = '00000000-0000-4000-8000-000000000000';
  const cases: [string, unknown, number][] = [
    ['no decisions', { decisions: [] }, 400],
    ['neither answer nor points', { decisions: [{ itemId: 'q1' }] }, 400],
    ['negative points', { decisions: [{ itemId: 'q1', awarded: -1 }] }, 400],
    ['a malformed item id', { decisions: [{ itemId: '../q1', awarded: 1 }] }, 400],
    ['an unknown field', { decisions: [{ itemId: 'q1', awarded: 1 }], extra: true }, 400],
    ['an exam that does not exist', { decisions: [{ itemId: 'q1', awarded: 1 }] }, 404],
  ];
  for (const [what, body, status] of cases) assert.equal((await api.postJson(`/v1/exams/${examId}/review`, body)).status, status, what);
  assert.equal((await api.get(`/v1/exams/${examId}/review`)).status, 404);
  assert.equal((await api.get(`/v1/reviews?limit=0`)).status, 400);
  assert.equal((await api.get(`/v1/reviews?pageToken=not-ours`)).status, 400);
});
