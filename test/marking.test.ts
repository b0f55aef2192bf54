import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradeExam, judgeAnswer } from '../domain/grade';
import { markingFor } from '../domain/marking';
import type { ParsedExam } from '../domain/paper';
import { fullScore, templateSchema, type Template, type TemplateQuestion } from '../domain/template';

// Marking rules (per template and per section), the Chinese multi-select rule, double marks
// and questions named by section + number.

function parsed(
  answers: { number: string; section?: string; answer: string | null; flags?: ParsedExam['answers'][number]['flags'] }[],
  missing: string[] = [],
): ParsedExam {
  return {
    title: null,
    student: { name: null, class: null, id: null },
    answers: answers.map((a) => ({ confidence: 0.99, page: 0, ...a })),
    missing,
  };
}

const q = (number: string, rest: Omit<TemplateQuestion, 'number'>): TemplateQuestion => ({ number, ...rest });

test('marking: defaults are today’s rules (points, 0, 0, half for a correct subset)', () => {
  assert.deepEqual(markingFor({}, { points: 6 }), { correct: 6, incorrect: 0, unmarked: 0, multiPartial: 3 });
  assert.deepEqual(
    markingFor({}, { points: 0.5 }),
    { correct: 0.5, incorrect: 0, unmarked: 0, multiPartial: 0 },
    'half of 0.5 never rounds up to full',
  );
});

test('marking: a section’s rules win field by field over the template’s', () => {
  const t = { marking: { correct: 4, incorrect: -1 }, sections: { 二: { marking: { incorrect: -2, multiPartial: 2 } } } };
  assert.deepEqual(markingFor(t, { points: 9 }), { correct: 4, incorrect: -1, unmarked: 0, multiPartial: 2 });
  assert.deepEqual(markingFor(t, { points: 9, section: '一' }), { correct: 4, incorrect: -1, unmarked: 0, multiPartial: 2 });
  assert.deepEqual(markingFor(t, { points: 9, section: '二' }), { correct: 4, incorrect: -2, unmarked: 0, multiPartial: 2 });
  assert.equal(
    markingFor({ marking: { correct: 2, multiPartial: 5 } }, { points: 9 }).multiPartial,
    2,
    'a partial award never exceeds a correct one',
  );
});

test('negative marking: correct, incorrect, unmarked and missing answers', () => {
  const t: Template = {
    id: 't',
    title: 'T',
    subject: 'math',
    language: 'en',
    marking: { correct: 4, incorrect: -1, unmarked: 0 },
    questions: [
      q('1', { type: 'choice', points: 1, answer: 'A' }),
      q('2', { type: 'choice', points: 1, answer: 'B' }),
      q('3', { type: 'choice', points: 1, answer: 'C' }),
      q('4', { type: 'choice', points: 1, answer: 'D' }),
    ],
  };
  const g = gradeExam(
    t,
    parsed(
      [
        { number: '1', answer: 'A' },
        { number: '2', answer: 'C' },
        { number: '3', answer: null },
      ],
      ['4'],
    ),
  );
  assert.deepEqual(
    g.questions.map((x) => x.awarded),
    [4, -1, 0, 0],
    'a question the reader did not find is never penalised',
  );
  assert.deepEqual(
    g.questions.map((x) => x.points),
    [4, 4, 4, 4],
    'points are the rule’s points for a right answer',
  );
  assert.equal(g.score, 3);
  assert.equal(g.fullScore, 16);
  assert.equal(fullScore(t), 16);
});

test('unmarked answers can cost points too', () => {
  const t: Template = {
    id: 't',
    title: 'T',
    subject: 'math',
    language: 'en',
    marking: { unmarked: -0.5 },
    questions: [q('1', { type: 'truefalse', points: 2, answer: 'T' })],
  };
  assert.equal(gradeExam(t, parsed([{ number: '1', answer: null }])).score, -0.5);
});

test('Chinese multi-select rule: all right → full, a correct subset → multiPartial, any wrong letter → incorrect', () => {
  const t: Template = {
    id: 't',
    title: 'T',
    subject: 'math',
    language: 'zh',
    marking: { multiPartial: 2, incorrect: 0 },
    questions: [
      q('1', { type: 'multi', points: 5, answer: 'ACD' }),
      q('2', { type: 'multi', points: 5, answer: 'ACD' }),
      q('3', { type: 'multi', points: 5, answer: 'ACD' }),
      q('4', { type: 'multi', points: 5, answer: 'ACD' }),
    ],
  };
  const g = gradeExam(
    t,
    parsed([
      { number: '1', answer: 'DCA' },
      { number: '2', answer: 'AD' },
      { number: '3', answer: 'ACB' },
      { number: '4', answer: 'ABCD' },
    ]),
  );
  assert.deepEqual(
    g.questions.map((x) => x.awarded),
    [5, 2, 0, 0],
  );
  assert.deepEqual(
    g.questions.map((x) => x.correct),
    [true, false, false, false],
  );
  const negative = { ...t, marking: { multiPartial: 2, incorrect: -1 } };
  assert.deepEqual(
    gradeExam(
      negative,
      parsed([
        { number: '1', answer: 'ACB' },
        { number: '2', answer: 'C' },
      ]),
    ).questions.map((x) => x.awarded),
    [-1, 2, 0, 0],
  );
});

test('a double mark on a single choice (or on true/false) scores as incorrect and is flagged', () => {
  assert.deepEqual(judgeAnswer(q('1', { type: 'choice', points: 3, answer: 'A' }), 'AC'), { outcome: 'incorrect', flags: ['double'] });
  assert.deepEqual(judgeAnswer(q('1', { type: 'truefalse', points: 3, answer: 'T' }), 'TF'), { outcome: 'incorrect', flags: ['double'] });
  assert.deepEqual(judgeAnswer(q('1', { type: 'choice', points: 3, answer: 'A' }), 'A'), { outcome: 'correct' });
  const t: Template = {
    id: 't',
    title: 'T',
    subject: 'math',
    language: 'en',
    marking: { incorrect: -1 },
    questions: [q('1', { type: 'choice', points: 3, answer: 'A' }), q('2', { type: 'choice', points: 3, answer: 'B' })],
  };
  const g = gradeExam(
    t,
    parsed([
      { number: '1', answer: 'AC', flags: ['double'] },
      { number: '2', answer: 'B', flags: ['erased', 'faint'] },
    ]),
  );
  assert.equal(g.questions[0]!.awarded, -1);
  assert.deepEqual(g.questions[0]!.flags, ['double'], 'the reader’s and the grader’s flags are merged, once each');
  assert.equal(g.questions[1]!.awarded, 3);
  assert.deepEqual(g.questions[1]!.flags, ['erased', 'faint'], 'the reader’s flags reach the result');
});

test('sections: numbers restart per section, answers are matched by section + number', () => {
  const t = templateSchema.parse({
    id: 't',
    title: 'T',
    subject: 'math',
    language: 'zh',
    sections: { 一: { title: '选择题' }, 二: { title: '判断题', marking: { correct: 1, incorrect: -1 } } },
    questions: [
      { number: '1', section: '一', type: 'choice', points: 3, answer: 'A' },
      { number: '2', section: '一', type: 'choice', points: 3, answer: 'B' },
      { number: '1', section: '二', type: 'truefalse', points: 2, answer: 'T' },
      { number: '2', section: '二', type: 'truefalse', points: 2, answer: 'F' },
    ],
  });
  const g = gradeExam(
    t,
    parsed([
      { number: '1', section: '一', answer: 'A' },
      { number: '2', section: '一', answer: 'C' },
      { number: '1', section: '二', answer: 'T' },
      { number: '2', section: '二', answer: 'T' },
    ]),
  );
  assert.deepEqual(
    g.questions.map((x) => [x.section, x.number, x.awarded]),
    [
      ['一', '1', 3],
      ['一', '2', 0],
      ['二', '1', 1],
      ['二', '2', -1],
    ],
  );
  assert.equal(g.score, 3);
  assert.equal(g.fullScore, 8);
  const missing = gradeExam(t, parsed([{ number: '1', section: '一', answer: 'A' }], ['一/2', '二/1', '二/2']));
  assert.deepEqual(
    missing.questions.map((x) => x.missing),
    [false, true, true, true],
    'missing questions are named by section + number',
  );
});

test('a template without sections keeps its result shape: section null, no flags', () => {
  const t: Template = {
    id: 't',
    title: 'T',
    subject: 'math',
    language: 'en',
    questions: [q('1', { type: 'choice', points: 3, answer: 'A' })],
  };
  const [only] = gradeExam(t, parsed([{ number: '1', answer: 'A' }])).questions;
  assert.ok(only);
  assert.equal(only.section, null);
  assert.deepEqual(only.flags, []);
  assert.equal(only.awarded, 3);
});

test('open answers: a partial keyword share is partial credit of the rule’s points; none found is incorrect', () => {
  const t: Template = {
    id: 't',
    title: 'T',
    subject: 'math',
    language: 'zh',
    marking: { correct: 10, incorrect: -2 },
    questions: [
      q('1', { type: 'open', points: 4, answer: 'x', keywords: ['勾股定理', '直角'] }),
      q('2', { type: 'open', points: 4, answer: 'x', keywords: ['勾股定理', '直角'] }),
    ],
  };
  const g = gradeExam(
    t,
    parsed([
      { number: '1', answer: '勾股定理' },
      { number: '2', answer: '不会' },
    ]),
  );
  assert.deepEqual(
    g.questions.map((x) => x.awarded),
    [5, -2],
  );
});
