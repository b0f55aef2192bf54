import './helpers/env';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ExamflowClient } from '../client/examflow-client';
import { questionKey, templateSchema, type Template } from '../domain/template';
import type { TableShape } from './fixtures/answer-table-paper';
import { tablePaper, type TableStyle } from './fixtures/table-class';
import { apiClient, startStack, type Stack } from './helpers/stack';

// Handwritten answer tables end to end: a class's papers with printed 题号/答案 tables and
// no layout in the template (一、选择题 1–10, 二、判断题 1–5, numbering restarting), written in
// handwriting the classifier never trained on, scanned or photographed, submitted through
// POST /v1/exams and graded by the real workflow (OCR step reads the tables, parse takes them).

const template = templateSchema.parse(
  JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-answer-table.json'), 'utf8')),
);

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

function expectedScore(t: Template, answers: Map<string, string | null>): number {
  return t.questions.reduce((s, q) => s + (answers.get(questionKey(q)) === q.answer ? q.points : 0), 0);
}

const students: [TableShape, TableStyle, number][] = [
  ['rows', 'scan', 41],
  ['columns', 'scan', 42],
  ['split', 'photo', 43],
  ['rows', 'photo', 44],
];

test('a class of handwritten answer tables (scans and photos, several table shapes) is graded through the API', async () => {
  const submitted = [];
  for (const [shape, style, seed] of students) {
    const paper = await tablePaper(template, shape, style, seed);
    const form = new FormData();
    form.set('templateId', template.id);
    form.append(
      'pages',
      new Blob([new Uint8Array(paper.image)], { type: paper.type }),
      `page-1.${paper.type === 'image/png' ? 'png' : 'jpg'}`,
    );
    const res = await api.postForm('/v1/exams', form);
    const body = (await res.json()) as { examId: string };
    assert.equal(res.status, 202, JSON.stringify(body));
    submitted.push({ examId: body.examId, paper, shape, style });
  }
  let right = 0,
    total = 0,
    flaggedWrong = 0;
  for (const { examId, paper, shape, style } of submitted) {
    const final = await client.waitFor(examId, { timeoutMs: 240_000 });
    assert.equal(final.status, 'completed', `${shape}/${style}: ${final.error}`);
    const result = await client.getResult(examId);
    assert.equal(result.questions.length, 15, 'all 15 questions were found in the tables');
    assert.deepEqual([...new Set(result.questions.map((q) => q.section))], ['一', '二']);
    const read = new Map(result.questions.map((q) => [questionKey(q), q.studentAnswer]));
    for (const q of result.questions) {
      total++;
      if (q.studentAnswer === (paper.answers.get(questionKey(q)) ?? null)) right++;
      else if (q.flags?.includes('low_confidence')) flaggedWrong++;
      assert.ok(q.confidence >= 0 && q.confidence <= 1);
    }
    // graded by the key from what was read: 4 points a right answer, 0 for a wrong or empty one
    assert.equal(result.score, expectedScore(template, read), `${shape}/${style}: the score by the key`);
    if (examId === submitted[0]!.examId) {
      const brief = result.questions.map(
        (q) =>
          `${q.section}/${q.number}=${q.studentAnswer ?? '—'}${q.correct ? '' : '✗'} (${q.confidence}${q.flags?.length ? ` ${q.flags.join(',')}` : ''})`,
      );
      console.log(`${shape}/${style}: score ${result.score}/${result.fullScore}: ${brief.join(' ')}`);
    }
  }
  console.log(
    `answer tables through the API: ${right}/${total} answers right; ${flaggedWrong} of the ${total - right} misreads flagged low_confidence`,
  );
  assert.ok(right / total >= 0.9, `answers right: ${right}/${total}`);
});
