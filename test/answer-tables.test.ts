import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { preprocessPage } from '../reading/preprocess/preprocess';
import { parseExam } from '../domain/parse';
import { tableAnswers } from '../domain/table-answers';
import { questionKey, templateSchema } from '../domain/template';
import { readAnswerTables } from '../reading/handwriting/answer-tables';
import { TABLE_SHAPES } from './fixtures/answer-table-paper';
import { tablePaper } from './fixtures/table-class';

// Answer tables found and read without a layout, on generated papers of every table shape.

const load = (file: string) =>
  templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates', file), 'utf8')));
const sectioned = load('zh-answer-table.json');
const flat = load('zh-answer-table-flat.json');

for (const shape of TABLE_SHAPES) {
  test(`answer tables of shape "${shape}" are found and every question's cell is read (scan)`, async () => {
    const template = shape === 'continuous' ? flat : sectioned;
    const paper = await tablePaper(template, shape, 'scan', 11);
    const { image } = await preprocessPage(paper.image, 'page 1');
    const read = tableAnswers([{ tables: await readAnswerTables(image) }], template);
    assert.equal(read.size, template.questions.length, 'a cell for every question');
    let right = 0;
    for (const q of template.questions) if (read.get(questionKey(q))!.answer === (paper.answers.get(questionKey(q)) ?? null)) right++;
    assert.ok(right >= template.questions.length - 2, `${right}/${template.questions.length} right`);
    for (const a of read.values()) assert.ok(a.confidence >= 0 && a.confidence <= 1);
  });
}

test('table answers win over the text parse, and numbering that restarts maps to the next section', () => {
  const probs = (label: string) => {
    const p = new Array<number>(24).fill(0);
    p[['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'T', '√', '×'].indexOf(label)] = 1;
    return p;
  };
  const tables = [
    ...Array.from({ length: 10 }, (_, i) => ({ group: 0, number: String(i + 1), whole: probs('C'), parts: [probs('C')], ink: 0.1 })),
    ...Array.from({ length: 5 }, (_, i) => ({ group: 1, number: String(i + 1), whole: probs('√'), parts: [probs('√')], ink: 0.1 })),
  ];
  const parsed = parseExam([{ pageIndex: 0, text: '一、选择题\n1. (A)', lines: [], confidence: 0.9, tables }], sectioned);
  assert.deepEqual(parsed.missing, []);
  const byKey = new Map(parsed.answers.map((a) => [questionKey(a), a]));
  assert.equal(byKey.get('一/1')!.answer, 'C');
  assert.equal(byKey.get('二/3')!.answer, 'T');
  assert.equal(byKey.get('二/3')!.section, '二');
});

test('a sectioned template numbered on across sections (一 1–3, 二 4–5) maps each number to its one question', () => {
  const t = templateSchema.parse({
    ...sectioned,
    id: 'numbered-on',
    questions: sectioned.questions.slice(0, 5).map((q, i) => ({ ...q, number: String(i + 1), section: i < 3 ? '一' : '二' })),
  });
  const p = new Array(24).fill(0);
  p[2] = 1; // C
  const tables = Array.from({ length: 5 }, (_, i) => ({ group: 0, number: String(i + 1), whole: p, parts: [p], ink: 0.1 }));
  const read = tableAnswers([{ tables }], t);
  assert.deepEqual([...read.keys()], ['一/1', '一/2', '一/3', '二/4', '二/5']);
});

test('a printed section heading over a table names its section, whatever the numbering did', () => {
  const p = new Array(24).fill(0);
  p[9] = 1; // √
  // a page that starts with the true/false section: numbering alone would map it to 一
  const tables = Array.from({ length: 5 }, (_, i) => ({
    group: 0,
    number: String(i + 1),
    whole: p,
    parts: [p],
    ink: 0.1,
    heading: '二、判断题（每题2分）',
  }));
  const read = tableAnswers([{ tables }], sectioned);
  assert.deepEqual([...read.keys()], ['二/1', '二/2', '二/3', '二/4', '二/5']);
  assert.equal(read.get('二/2')!.answer, 'T');
  // a heading that names no section of the template leaves the numbering to decide
  const other = tables.map((c) => ({ ...c, heading: '十一、附加题' }));
  assert.deepEqual([...tableAnswers([{ tables: other }], sectioned).keys()], ['一/1', '一/2', '一/3', '一/4', '一/5']);
});

test('a true/false cell is as sure as its value: unsure between × and F is still surely false', () => {
  const p = new Array(24).fill(0);
  p[5] = 0.45; // F
  p[10] = 0.5; // ×
  p[8] = 0.05; // T
  const tables = [
    { group: 1, number: '1', whole: p, parts: [p], ink: 0.1 },
    { group: 0, number: '1', whole: p, parts: [p], ink: 0.1 },
  ];
  const read = tableAnswers([{ tables: tables.reverse() }], sectioned);
  assert.equal(read.get('二/1')!.answer, 'F');
  assert.equal(read.get('二/1')!.confidence, 0.95);
  assert.equal(read.get('二/1')!.flags, undefined);
});

test('the OCR line printed just above a table heads its cells; lines elsewhere do not', async () => {
  const paper = await tablePaper(sectioned, 'rows', 'clean', 12);
  const { image } = await preprocessPage(paper.image, 'page 1');
  const plain = await readAnswerTables(image);
  const first = plain[0]!.box!,
    last = plain.at(-1)!.box!;
  assert.ok(plain.every((c) => c.heading === undefined));
  const line = (text: string, y: number) => ({ text, box: { x0: first.x - 40, y0: y - 40, x1: first.x + 300, y1: y } });
  // the 题号 row sits above the answer row: a heading goes above both
  const headed = await readAnswerTables(image, [
    line('一、选择题', first.y - first.h),
    line('二、判断题', last.y - last.h * 0.8),
    line('姓名：', first.y - 400),
    line('1. 注意', last.y + 300),
  ]);
  assert.equal(headed.length, plain.length);
  assert.deepEqual([...new Set(headed.map((c) => c.heading))], ['一、选择题', '二、判断题']);
  const read = tableAnswers([{ tables: headed }], sectioned);
  assert.equal(read.size, sectioned.questions.length);
});
