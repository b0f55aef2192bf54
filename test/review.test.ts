import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradeExam } from '../domain/grade';
import type { ParsedExam } from '../domain/paper';
import { applyDecisions, correctAnswer, reviewItems } from '../domain/review';
import { allDecided, decisionProblems, type Decision } from '../domain/review-decisions';
import { templateSchema } from '../domain/template';

// Which answers wait for a teacher, the validator's checks, and the exam regraded with the
// teacher's decisions: pure domain logic, every rule pinned.

const template = templateSchema.parse({
  id: 'review-quiz',
  title: 'Review quiz',
  subject: 'math',
  language: 'en',
  questions: [
    { number: '1', type: 'choice', points: 4, answer: 'B' },
    { number: '2', type: 'choice', points: 4, answer: 'C' },
    { number: '3', type: 'fill', points: 5, answer: '12' },
    { number: '4', type: 'open', points: 10, answer: 'a²+b²=c²', keywords: ['Pythagoras'], scoredBy: 'teacher' },
    { number: '5', type: 'truefalse', points: 2, answer: 'T' },
  ],
});

const parsed: ParsedExam = {
  title: null,
  student: { name: null, class: null, id: null },
  answers: [
    { number: '1', answer: 'B', confidence: 0.95, page: 0 },
    { number: '2', answer: 'AC', confidence: 0.9, page: 0, flags: ['double'] },
    { number: '3', answer: '17', confidence: 0.42, page: 0 },
    { number: '4', answer: 'the sides squared add up', confidence: 0.9, page: 0 },
  ],
  missing: ['5'],
};
const graded = gradeExam(template, parsed);
const items = reviewItems(template, graded, { below: 0.6 });

test('a teacher question, a double mark, a doubtful reading and a question not found wait; a clear answer does not', () => {
  assert.deepEqual(
    items.map((i) => [i.itemId, i.reason]),
    [
      ['q2', 'double'],
      ['q3', 'low_confidence'],
      ['q4', 'scored_by_teacher'],
      ['q5', 'not_found'],
    ],
  );
  assert.equal(items[1]!.machineAnswer, '17');
  assert.equal(items[1]!.points, 5);
  assert.deepEqual(
    reviewItems(template, graded, { below: 0.4 }).map((i) => i.itemId),
    ['q2', 'q4', 'q5'],
  );
});

test('the validator refuses unknown items, points out of range and empty decisions', () => {
  assert.deepEqual(
    decisionProblems(items, [
      { itemId: 'q3', answer: '12' },
      { itemId: 'q4', awarded: 10 },
    ]),
    [],
  );
  assert.match(decisionProblems(items, [{ itemId: 'q1', awarded: 1 }])[0]!, /unknown item q1/);
  assert.match(decisionProblems(items, [{ itemId: 'q4', awarded: 11 }])[0]!, /from 0 to 10/);
  assert.match(decisionProblems(items, [{ itemId: 'q4', awarded: -1 }])[0]!, /from 0 to 10/);
  assert.match(decisionProblems(items, [{ itemId: 'q4' }])[0]!, /corrected answer or the points/);
  assert.match(decisionProblems(items, [])[0]!, /no decisions/);
});

test('decisions regrade the exam: a corrected reading by the rules, points as given; the machine reading is kept beside them', () => {
  const at = '2026-11-30T10:00:00.000Z';
  const decisions: Decision[] = [
    { itemId: 'q2', answer: 'C', decidedBy: 'ms-li', decidedAt: at },
    { itemId: 'q3', answer: '12', decidedBy: 'ms-li', decidedAt: at },
    { itemId: 'q4', awarded: 7.5, decidedBy: 'ms-li', decidedAt: at },
    { itemId: 'q5', answer: 'F', decidedBy: 'ms-li', decidedAt: at },
  ];
  assert.equal(allDecided(items, new Map(decisions.map((d) => [d.itemId, d]))), true);
  const reviewed = applyDecisions(template, graded, items, decisions);
  assert.equal(graded.score, 4 + 0 + 0 + 0 + 0);
  assert.equal(reviewed.score, 4 + 4 + 5 + 7.5 + 0);
  assert.deepEqual(reviewed.review, { status: 'reviewed', items: 4, decided: 4 });
  const q3 = reviewed.questions[2]!;
  assert.equal(q3.studentAnswer, '12');
  assert.equal(q3.correct, true);
  assert.deepEqual(q3.review, {
    status: 'decided',
    reason: 'low_confidence',
    machineAnswer: '17',
    machineAwarded: 0,
    answer: '12',
    decidedBy: 'ms-li',
    decidedAt: at,
  });
  assert.equal(reviewed.questions[3]!.awarded, 7.5);
  assert.equal(reviewed.questions[4]!.missing, false);
  assert.equal(reviewed.questions[0]!.review, undefined);
});

test('at the deadline, undecided items keep the machine reading and are marked unreviewed', () => {
  const decisions: Decision[] = [{ itemId: 'q4', awarded: 10, decidedBy: 'school-a', decidedAt: '2026-11-30T10:00:00.000Z' }];
  const reviewed = applyDecisions(template, graded, items, decisions);
  assert.deepEqual(reviewed.review, { status: 'unreviewed', items: 4, decided: 1 });
  assert.equal(reviewed.questions[2]!.review?.status, 'unreviewed');
  assert.equal(reviewed.questions[2]!.awarded, 0);
  assert.equal(reviewed.score, 4 + 10);
});

test('a correction after completion changes one answer and keeps who, when, before and after', () => {
  const corrected = correctAnswer(template, graded, {
    number: '1',
    section: null,
    answer: 'D',
    by: 'mr-wang',
    at: '2026-12-01T08:00:00.000Z',
  });
  assert.equal(corrected.score, graded.score - 4);
  assert.deepEqual(corrected.corrections, [
    {
      number: '1',
      section: null,
      by: 'mr-wang',
      at: '2026-12-01T08:00:00.000Z',
      before: { answer: 'B', awarded: 4 },
      after: { answer: 'D', awarded: 0 },
    },
  ]);
  const again = correctAnswer(template, corrected, {
    number: '1',
    section: null,
    awarded: 2,
    by: 'mr-wang',
    at: '2026-12-01T08:05:00.000Z',
  });
  assert.equal(again.corrections!.length, 2);
  assert.equal(again.questions[0]!.awarded, 2);
  assert.throws(() => correctAnswer(template, graded, { number: '9', section: null, awarded: 1, by: 'x', at: 'y' }), /not in template/);
});
