import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import ExcelJS from 'exceljs';
import { ExamflowClient } from '../client/examflow-client';
import {
  blankScan,
  expectedScore,
  oneSheetTemplate,
  shuffled,
  studentSheets,
  twoSheetTemplate,
  type StackStudent,
} from './fixtures/class-stack';
import { renderExamPaper } from './fixtures/generator';
import { scannedStackPdf } from './fixtures/scan-pdf';
import { apiClient, startStack, type Stack } from './helpers/stack';

// Class batches end to end through the HTTP API on real workers, Temporal, PostgreSQL and
// Chromium: one scanned PDF of a class's filled answer sheets, students shuffled (a two-page
// student's pages reversed), a blank page and a page of another document in the stack, posted
// WITHOUT a templateId → one graded exam per student, the exports and the class report.

let stack: Stack;
let api: ReturnType<typeof apiClient>;
let client: ExamflowClient;
const quiz = oneSheetTemplate();
const final = twoSheetTemplate();

before(async () => {
  stack = await startStack();
  api = apiClient(stack.baseUrl, 'token-school-a');
  client = new ExamflowClient({ baseUrl: stack.baseUrl, token: 'token-school-a' });
  await client.createTemplate(quiz);
  await client.createTemplate(final);
});
after(async () => {
  await stack?.stop();
});

interface BatchDoc {
  batchId: string;
  status: string;
  phase: string;
  progress: number;
  counts: Record<string, number>;
  exams: { examId: string; status: string; studentId: string | null; score: number | null }[];
  skippedPages: { page: number; reason: string }[];
  unplacedPages: { page: number; reason: string }[];
  error: string | null;
}

function stackForm(pdf: Buffer, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.append('pages', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'class.pdf');
  return form;
}

async function batchStatus(batchId: string): Promise<BatchDoc> {
  const res = await api.get(`/v1/batches/${batchId}`);
  assert.equal(res.status, 200);
  return (await res.json()) as BatchDoc;
}

async function waitClosed(batchId: string, timeoutMs: number): Promise<BatchDoc> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const doc = await batchStatus(batchId);
    if (['completed', 'failed', 'cancelled'].includes(doc.status)) return doc;
    assert.ok(Date.now() < until, `batch still ${doc.status} (${doc.phase}, ${doc.progress}%)`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const CSV_TOTAL = 5; // column of the total in scores.csv / the Scores sheet (0-based)

test('a shuffled class stack without a templateId → one graded exam per student, exact scores in CSV, XLSX and the class report', async () => {
  const students: StackStudent[] = [
    await studentSheets(quiz, 101),
    await studentSheets(quiz, 102),
    await studentSheets(final, 103),
    await studentSheets(quiz, 104),
    await studentSheets(final, 105),
  ];
  students[4]!.pages.reverse(); // a two-page student put through the scanner back first
  const foreign = (
    await renderExamPaper({ template: { ...quiz, id: 'printed' }, student: { name: '外来', class: 'X', id: 'X1' }, answers: {}, seed: 3 })
  ).pages[0]!;
  const order = shuffled(students, 17);
  const pages = [
    ...order[0]!.pages,
    await blankScan(5),
    ...order[1]!.pages,
    ...order[2]!.pages,
    foreign,
    ...order.slice(3).flatMap((s) => s.pages),
  ];
  const blankPage = order[0]!.pages.length + 1;
  const foreignPage = blankPage + order[1]!.pages.length + order[2]!.pages.length + 1;
  const pdf = await scannedStackPdf(pages);

  const res = await api.postForm('/v1/batches', stackForm(pdf, { name: '八(2)班 期中' }));
  const accepted = (await res.json()) as { batchId: string; status: string; statusUrl: string };
  assert.equal(res.status, 202, JSON.stringify(accepted));
  assert.equal(accepted.statusUrl, `/v1/batches/${accepted.batchId}`);

  const done = await waitClosed(accepted.batchId, 600_000);
  assert.equal(done.status, 'completed', done.error ?? '');
  assert.equal(done.progress, 100);
  assert.equal(done.exams.length, students.length, 'one exam per student');
  assert.equal(done.counts.completed, students.length);
  assert.deepEqual(
    done.skippedPages.map((p) => p.page),
    [blankPage],
    'the blank page is skipped',
  );
  assert.deepEqual(
    done.unplacedPages.map((p) => p.page),
    [foreignPage],
    'the foreign page is reported',
  );
  assert.match(done.unplacedPages[0]!.reason, /no answer-sheet code/);

  const expected = new Map(students.map((s) => [s.truth.studentNumber, expectedScore(s.template, s.truth)]));
  const graded = new Map(done.exams.map((e) => [e.studentId, e.score]));
  assert.deepEqual(new Map([...graded].sort()), new Map([...expected].sort()), 'every student found by number, with the exact score');

  const csvRes = await api.get(`/v1/batches/${accepted.batchId}/scores.csv`);
  assert.equal(csvRes.status, 200);
  assert.match(csvRes.headers.get('content-type') ?? '', /text\/csv/);
  const csvBytes = Buffer.from(await csvRes.arrayBuffer());
  assert.deepEqual([...csvBytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM');
  const csvRows = csvBytes
    .toString('utf8')
    .slice(1)
    .trim()
    .split('\r\n')
    .map((l) => l.split(','));
  assert.equal(csvRows.length, students.length + 1);
  for (const [number, score] of expected)
    assert.equal(Number(csvRows.find((r) => r[1] === number)?.[CSV_TOTAL]), score, `CSV row of ${number}`);

  const xlsxRes = await api.get(`/v1/batches/${accepted.batchId}/scores.xlsx`);
  assert.equal(xlsxRes.status, 200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await xlsxRes.arrayBuffer()) as never);
  const [scores, questions] = book.worksheets;
  const sheetRows: unknown[][] = [];
  scores!.eachRow((row) => sheetRows.push((row.values as unknown[]).slice(1)));
  for (const [number, score] of expected) assert.equal(sheetRows.find((r) => r[1] === number)?.[CSV_TOTAL], score, `XLSX row of ${number}`);
  assert.ok(questions!.rowCount > quiz.questions.length, 'a sheet of question statistics');

  const html = await (await api.get(`/v1/batches/${accepted.batchId}/report.html`)).text();
  for (const [number, score] of expected)
    assert.match(
      html,
      new RegExp(`<td>${number}</td><td>[^<]*</td><td>[^<]*</td><td>${score} / `),
      `the ranking shows ${number} with ${score}`,
    );
  assert.ok(html.includes('八(2)班 期中') && html.includes('<svg'), 'named, with charts');
  const pdfRes = await api.get(`/v1/batches/${accepted.batchId}/report.pdf`);
  assert.equal(pdfRes.status, 200);
  assert.equal(
    Buffer.from(await pdfRes.arrayBuffer())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );

  const list = (await (await api.get('/v1/batches')).json()) as { batches: { batchId: string; status: string }[] };
  assert.equal(list.batches.find((b) => b.batchId === accepted.batchId)?.status, 'completed');
  const other = apiClient(stack.baseUrl, 'token-school-b');
  assert.equal((await other.get(`/v1/batches/${accepted.batchId}`)).status, 404, 'another tenant’s batch does not exist');

  // The student's history shows the class's average beside each batch exam.
  const average = Math.round(([...expected.values()].reduce((a, b) => a + b, 0) / expected.size) * 100) / 100;
  const [number, score] = [...expected][0]!;
  const history = (await (await api.get(`/v1/students/${number}/exams`)).json()) as {
    exams: { score: number; batchId: string; batchName: string; classAverage: number }[];
  };
  assert.deepEqual(
    history.exams.map((e) => [e.score, e.batchId, e.batchName, e.classAverage]),
    [[score, accepted.batchId, '八(2)班 期中', average]],
  );
});

test('a batch is cancellable: its exams are cancelled and it closes as cancelled', async () => {
  const students = await Promise.all([201, 202, 203, 204, 205, 206].map((seed) => studentSheets(quiz, seed, 'clean')));
  const pdf = await scannedStackPdf(students.flatMap((s) => s.pages));
  const res = await api.postForm('/v1/batches', stackForm(pdf));
  const { batchId } = (await res.json()) as { batchId: string };
  assert.equal(res.status, 202);
  // Cancel once its first exams are under way.
  for (let doc = await batchStatus(batchId); doc.exams.length === 0; doc = await batchStatus(batchId))
    await new Promise((r) => setTimeout(r, 100));
  const cancel = await api.postJson(`/v1/batches/${batchId}/cancel`, {});
  assert.equal(cancel.status, 202);
  const done = await waitClosed(batchId, 120_000);
  assert.equal(done.status, 'cancelled');
  // The batch records itself cancelled, then its workflow closes: the close may come a moment later.
  const handle = stack.env.client.workflow.getHandle(batchId);
  await assert.rejects(handle.result(), (err) => err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure);
  assert.equal((await handle.describe()).status.name, 'CANCELLED');
  // Every exam it started closes: cancelled, or completed if it finished first; none runs on.
  const until = Date.now() + 60_000;
  let exams = done.exams;
  while (exams.some((e) => e.status === 'pending' || e.status === 'processing') && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 300));
    exams = (await batchStatus(batchId)).exams;
  }
  assert.ok(
    exams.every((e) => e.status === 'cancelled' || e.status === 'completed'),
    JSON.stringify(exams),
  );
  assert.ok(exams.length < students.length || exams.some((e) => e.status === 'cancelled'), 'the cancel stopped work that had not finished');
  assert.equal((await api.postJson(`/v1/batches/${batchId}/cancel`, {})).status, 409, 'a closed batch cannot be cancelled again');
});

test('bad stacks: 400 without pages, 400 for an unknown templateId, and a stack with no sheet fails with its pages reported', async () => {
  assert.equal((await api.postForm('/v1/batches', new FormData())).status, 400);
  const paper = (
    await renderExamPaper({ template: { ...quiz, id: 'printed' }, student: { name: 'A', class: 'B', id: 'C' }, answers: {}, seed: 4 })
  ).pages;
  const unknown = await api.postForm('/v1/batches', stackForm(await scannedStackPdf(paper), { templateId: 'no-such-template' }));
  assert.equal(unknown.status, 400);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'unknown_template');
  const res = await api.postForm('/v1/batches', stackForm(await scannedStackPdf(paper)));
  const { batchId } = (await res.json()) as { batchId: string };
  const done = await waitClosed(batchId, 120_000);
  assert.equal(done.status, 'failed');
  assert.match(done.error ?? '', /nothing in this batch could be graded/);
  assert.deepEqual(
    done.unplacedPages.map((p) => p.page),
    paper.map((_, i) => i + 1),
  );
  assert.equal((await api.get(`/v1/batches/${batchId}/report.html`)).status, 409);
});
