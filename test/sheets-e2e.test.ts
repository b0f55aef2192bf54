import './helpers/env';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ExamflowClient, type ResultDocument } from '../client/examflow-client';
import { sheetLayout } from '../domain/sheet-layout';
import { questionKey, templateSchema, type Template } from '../domain/template';
import { renderExamPaper } from './fixtures/generator';
import { filledSheetImages, type SheetTruth } from './fixtures/sheet-filler';
import { apiClient, startStack, type Stack } from './helpers/stack';

// Answer sheets end to end: examflow's own printed sheet, filled by a simulated pencil and
// degraded as a flatbed scan and as a phone photo, submitted WITHOUT a templateId through the
// HTTP API, read and graded by the real workflow on real workers.

const template = templateSchema.parse(
  JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-sheet-quiz.json'), 'utf8')),
);

// What the student marked: a right and a double-marked single choice, a multi subset and a multi
// with a wrong letter, a right and a wrong true/false, two fill boxes written in and one left empty.
const truth: SheetTruth = {
  studentNumber: '20230417',
  answers: { '一/1': 'A', '一/2': 'BC', '一/3': 'B', '一/4': 'ABC', '二/1': 'T', '二/2': 'F', '二/3': '42', '二/4': '3.5', '二/5': null },
};

/**
 * The score by the marking rules, computed here from the truth and the key alone: correct =
 * the question's points, incorrect = -1 (0 in section 二), unmarked = 0, a correct subset of a
 * multi = 2; two letters on a single choice are wrong.
 */
function expectedScore(t: Template, marks: SheetTruth): number {
  let score = 0;
  for (const q of t.questions) {
    const given = marks.answers[questionKey(q)] ?? null;
    const incorrect = q.section === '二' ? 0 : -1;
    if (given === null) continue;
    if (q.type === 'multi') {
      const wrong = [...given].some((l) => !q.answer.includes(l));
      score += wrong ? incorrect : given.length === q.answer.length ? q.points : 2;
    } else score += given === q.answer ? q.points : incorrect;
  }
  return score;
}

let stack: Stack;
let api: ReturnType<typeof apiClient>;
let client: ExamflowClient;

before(async () => {
  stack = await startStack();
  api = apiClient(stack.baseUrl, 'token-school-a');
  client = new ExamflowClient({ baseUrl: stack.baseUrl, token: 'token-school-a' });
  await client.createTemplate(template);
});
after(async () => {
  await stack?.stop();
});

function sheetForm(pages: Buffer[], type: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  pages.forEach((bytes, i) =>
    form.append('pages', new Blob([new Uint8Array(bytes)], { type }), `sheet-${i + 1}.${type === 'image/jpeg' ? 'jpg' : 'png'}`),
  );
  return form;
}

for (const [style, seed, type] of [
  ['scan', 21, 'image/png'],
  ['photo', 22, 'image/jpeg'],
] as const) {
  test(`a ${style} of a filled answer sheet, submitted without a templateId, is graded to the exact score with the bubbled student number`, async () => {
    const pages = await filledSheetImages(template, truth, { style, seed });
    const res = await api.postForm('/v1/exams', sheetForm(pages, type));
    const body = (await res.json()) as { examId: string };
    assert.equal(res.status, 202, JSON.stringify(body));
    const final = await client.waitFor(body.examId, { timeoutMs: 180_000 });
    assert.equal(final.status, 'completed', `exam failed: ${final.error}`);
    assert.deepEqual(final.pages, { total: 1, processed: 1 });

    const result: ResultDocument = await client.getResult(body.examId);
    const byKey = new Map(result.questions.map((q) => [questionKey(q), q]));
    const read = Object.fromEntries(result.questions.map((q) => [questionKey(q), q.studentAnswer]));
    assert.deepEqual(read, truth.answers, 'every mark and box read as the student made it');
    assert.equal(result.templateId, template.id, 'the sheet’s code named the template');
    assert.equal(result.score, expectedScore(template, truth));
    assert.equal(result.fullScore, 33);
    assert.equal(result.student.id, truth.studentNumber);
    assert.ok(byKey.get('一/2')!.flags?.includes('double'), 'the double mark is flagged');
    assert.equal(byKey.get('一/2')!.awarded, -1, 'and scores as incorrect');
    assert.equal(byKey.get('一/3')!.awarded, 2, 'a correct subset of a multi earns the partial points');
    assert.deepEqual([...new Set(result.questions.map((q) => q.section))], ['一', '二']);

    // The record says completed just before the workflow returns: wait for its result.
    const handle = stack.env.client.workflow.getHandle(body.examId);
    await handle.result();
    assert.equal((await handle.describe()).status.name, 'COMPLETED');
    const html = await client.getReportHtml(body.examId);
    assert.ok(html.includes('多涂'), 'the report shows the double mark');
    assert.ok(html.includes('<img class="written"'), 'the report shows the fill boxes as written');
  });
}

test('a sheet submitted with its templateId is read as a sheet; the submitted student id wins over the bubbled number', async () => {
  const pages = await filledSheetImages(template, truth, { style: 'clean', seed: 23 });
  const { examId } = await client.submitExam({ templateId: template.id, pages, student: { id: 'S-override', name: '王芳' } });
  const final = await client.waitFor(examId, { timeoutMs: 180_000 });
  assert.equal(final.status, 'completed', `exam failed: ${final.error}`);
  const result = await client.getResult(examId);
  assert.equal(result.student.id, 'S-override');
  assert.equal(result.student.name, '王芳');
  assert.equal(result.score, expectedScore(template, truth), 'the marks were read, not the page’s text');
});

test('without a templateId: 400 missing_template for a page with no sheet code, 400 unknown_template for another tenant’s sheet', async () => {
  const paper = (
    await renderExamPaper({ template: { ...template, id: 'printed' }, student: { name: 'A', class: 'B', id: 'C' }, answers: {}, seed: 1 })
  ).pages;
  const sheet = await filledSheetImages(template, truth, { style: 'clean', seed: 24 });
  const other = apiClient(stack.baseUrl, 'token-school-b');
  const cases: [string, ReturnType<typeof apiClient>, FormData, string][] = [
    ['a printed paper without templateId', api, sheetForm(paper, 'image/png'), 'missing_template'],
    ['another tenant’s sheet', other, sheetForm(sheet, 'image/png'), 'unknown_template'],
  ];
  for (const [what, caller, form, code] of cases) {
    const res = await caller.postForm('/v1/exams', form);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(res.status, 400, `${what}: ${JSON.stringify(body)}`);
    assert.equal(body.error.code, code, what);
    assert.ok(body.error.message.length > 20, what);
  }
});

test('a sheet submitted under another template’s id is accepted, then fails at once with what to send instead', async () => {
  await client.createTemplate({ ...template, id: 'another-quiz' });
  const pages = await filledSheetImages(template, truth, { style: 'clean', seed: 24 });
  const { examId } = await client.submitExam({ templateId: 'another-quiz', pages });
  const final = await client.waitFor(examId, { timeoutMs: 120_000 });
  assert.equal(final.status, 'failed');
  assert.match(final.error ?? '', /answer sheets of template "g7-unit3-sheet", but templateId says "another-quiz"/);
});

test('the answer sheet of a template, as PDF and as layout, per tenant', async () => {
  const pdf = await client.answerSheetPdf(template.id);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.deepEqual(await client.answerSheetLayout(template.id), JSON.parse(JSON.stringify(sheetLayout(template))));
  const other = apiClient(stack.baseUrl, 'token-school-b');
  for (const route of [
    `/v1/templates/${template.id}/answer-sheet.pdf`,
    `/v1/templates/${template.id}/answer-sheet.json`,
    '/v1/templates/no-such/answer-sheet.pdf',
  ]) {
    const res = await (route.includes('no-such') ? api : other).get(route);
    assert.equal(res.status, 404, route);
  }
  const doc = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  assert.ok(doc.paths['/v1/templates/{id}/answer-sheet.pdf'] && doc.paths['/v1/templates/{id}/answer-sheet.json']);
});
