import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradeExam } from '../domain/grade';
import { sheetExam, type SheetPage } from '../domain/sheet-exam';
import { templateSchema } from '../domain/template';

// The parse step of an answer-sheet exam: sheet readings → the ParsedExam grading takes.

const template = templateSchema.parse({
  id: 'sheet-t',
  title: '单元测验',
  subject: 'math',
  language: 'zh',
  questions: [
    { number: '1', section: '一', type: 'choice', points: 3, answer: 'A' },
    { number: '2', section: '一', type: 'multi', points: 4, answer: 'BD' },
    { number: '1', section: '二', type: 'fill', points: 5, answer: '12' },
    { number: '2', section: '二', type: 'open', points: 10, answer: 'x=3', keywords: ['x=3'] },
    { number: '3', section: '二', type: 'truefalse', points: 2, answer: 'F' },
  ],
});

function page(pageIndex: number, sheetPage: number, extra: Partial<SheetPage>): SheetPage {
  return {
    pageIndex,
    sheetPage,
    templateId: template.id,
    studentNumber: null,
    studentNumberConfidence: 0,
    answers: [],
    boxes: [],
    registration: { method: 'markers', rotation: 0 },
    ...extra,
  };
}

test('marks and boxes of every page become answers named by section + number, in template order', () => {
  const pages = [
    page(1, 1, {
      boxes: [
        { number: '1', section: '二', type: 'fill', imageKey: 'k/fill', text: ' 12 ', confidence: 0.93 },
        { number: '2', section: '二', type: 'open', imageKey: 'k/open', text: '解得 x=3', confidence: 0.55 },
      ],
      answers: [{ number: '3', section: '二', type: 'truefalse', answer: null, confidence: 0.99, flags: [] }],
    }),
    page(0, 0, {
      studentNumber: '20230017',
      studentNumberConfidence: 0.98,
      answers: [
        { number: '1', section: '一', type: 'choice', answer: 'AC', confidence: 0.97, flags: ['double'] },
        { number: '2', section: '一', type: 'multi', answer: 'B', confidence: 0.9, flags: ['erased'] },
      ],
    }),
  ];
  const parsed = sheetExam(pages, template);
  assert.equal(parsed.student.id, '20230017');
  assert.deepEqual(parsed.missing, []);
  assert.deepEqual(
    parsed.answers.map((a) => [a.section, a.number, a.answer, a.flags, a.imageKey ?? null]),
    [
      ['一', '1', 'AC', ['double'], null],
      ['一', '2', 'B', ['erased'], null],
      ['二', '1', '12', [], 'k/fill'],
      ['二', '2', '解得 x=3', ['low_confidence'], 'k/open'],
      ['二', '3', null, [], null],
    ],
  );
  const graded = gradeExam(template, parsed);
  assert.deepEqual(
    graded.questions.map((q) => q.awarded),
    [0, 2, 5, 10, 0],
  );
});

test('a sheet page that was not uploaded leaves its questions missing, never blank; a page uploaded twice counts once', () => {
  const first = page(0, 0, { answers: [{ number: '1', section: '一', type: 'choice', answer: 'A', confidence: 1, flags: [] }] });
  const again = page(1, 0, { answers: [{ number: '1', section: '一', type: 'choice', answer: 'B', confidence: 1, flags: [] }] });
  const parsed = sheetExam([again, first], template);
  assert.equal(parsed.answers[0]!.answer, 'A');
  assert.deepEqual(parsed.missing, ['一/2', '二/1', '二/2', '二/3']);
  assert.equal(parsed.student.id, null);
});

test('an empty box is a blank answer, not a doubtful one', () => {
  const parsed = sheetExam(
    [page(0, 1, { boxes: [{ number: '1', section: '二', type: 'fill', imageKey: 'k', text: null, confidence: 1 }] })],
    template,
  );
  assert.deepEqual(
    parsed.answers.map((a) => [a.answer, a.flags]),
    [[null, []]],
  );
});
