import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pageThreshold, readField, againstEmptyLook } from '../reading/sheets/bubble-thresholds';
import { gridFields, layoutSchema, questionLabels } from '../domain/omr-layout';
import { expandLabels, layoutFromOmrChecker } from '../domain/omrchecker-template';
import { importOmrChecker, parseScore } from '../domain/omrchecker-import';
import { awardFor } from '../domain/grade';
import { markingFor } from '../domain/marking';
import type { TemplateQuestion } from '../domain/template';

// The pure parts of third-party layouts: bubble geometry, thresholds and their flags, the
// OMRChecker formats, and the marking extensions (several correct answers, weighted answers).

test('a bubble grid runs its bubbles along its direction and its fields across it', () => {
  const base = {
    kind: 'bubbles' as const,
    origin: [100, 200] as [number, number],
    bubble: { width: 20, height: 20 },
    bubblesGap: 30,
    labelsGap: 50,
    values: ['A', 'B'],
    labels: ['q1', 'q2'],
  };
  const h = gridFields({ ...base, direction: 'horizontal' });
  assert.deepEqual(
    h.map((f) => f.bubbles.map((b) => [b.x, b.y, b.value])),
    [
      [
        [100, 200, 'A'],
        [130, 200, 'B'],
      ],
      [
        [100, 250, 'A'],
        [130, 250, 'B'],
      ],
    ],
  );
  const v = gridFields({ ...base, direction: 'vertical' });
  assert.deepEqual(
    v.map((f) => f.bubbles.map((b) => [b.x, b.y])),
    [
      [
        [100, 200],
        [100, 230],
      ],
      [
        [150, 200],
        [150, 230],
      ],
    ],
  );
});

test('questions find their fields by label ("q12" answers 12) or by an explicit mapping that joins fields', () => {
  const layout = layoutSchema.parse({
    frame: { width: 500, height: 500 },
    fields: [
      {
        kind: 'bubbles',
        origin: [0, 0],
        bubble: { width: 10, height: 10 },
        bubblesGap: 12,
        labelsGap: 12,
        values: ['0', '1'],
        direction: 'vertical',
        labels: ['q1', '12', 'q5_1', 'q5_2', 'r1'],
      },
    ],
    questions: { '5': ['q5_1', 'q5_2'] },
    studentId: ['r1'],
  });
  assert.deepEqual(
    [...questionLabels(layout, ['1', '12', '5', '7'])],
    [
      ['1', ['q1']],
      ['12', ['12']],
      ['5', ['q5_1', 'q5_2']],
    ],
  );
});

test('thresholds: a light mark that stands clear of its row is read and flagged faint; noise in an empty row is not a mark', () => {
  const rows = [
    [0.05, 0.62, 0.04, 0.06],
    [0.04, 0.05, 0.7, 0.05],
    [0.05, 0.04, 0.05, 0.66],
    [0.05, 0.21, 0.05, 0.04],
    [0.05, 0.07, 0.04, 0.06],
    [0.6, 0.05, 0.05, 0.58],
  ];
  const page = pageThreshold(rows.flat());
  assert.ok(page.threshold > 0.3 && page.threshold < 0.55, `page threshold ${page.threshold}`);
  const read = rows.map((r) => readField(r, page));
  assert.deepEqual(
    read.map((r) => r.marked.map(Number).join('')),
    ['0100', '0010', '0001', '0100', '0000', '1001'],
  );
  assert.equal(read[3]!.faint, true, 'the light mark is faint');
  assert.equal(read[0]!.faint, false);
  assert.ok(read[0]!.confidence > 0.9 && read[3]!.confidence < read[0]!.confidence);
});

test('thresholds: a sheet with no marks at all reads blank; a printed letter is subtracted as the empty look of its value', () => {
  const blank = [0.04, 0.05, 0.06, 0.05, 0.03, 0.07, 0.05, 0.04];
  const page = pageThreshold(blank);
  assert.ok(blank.every((_, i) => !readField(blank.slice(i, i + 1), page).marked[0]));
  // "B" prints darker than the other letters: against its own empty look it is no mark
  const darkness = [0.1, 0.18, 0.1, 0.1, 0.18, 0.1, 0.1, 0.18, 0.1, 0.1, 0.18, 0.1, 0.1, 0.18, 0.7];
  const keys = darkness.map((_, i) => ['A', 'B', 'C'][i % 3]!);
  const adjusted = againstEmptyLook(darkness, keys);
  assert.ok(adjusted[1]! < 0.12 && adjusted[14]! > 0.5, `${adjusted[1]} ${adjusted[14]}`);
});

test('OMRChecker formats: label ranges, fractions, field types, pre-processors, and refusals with a reason', () => {
  assert.deepEqual(expandLabels(['q1..3', 'roll', 'q10_1']), ['q1', 'q2', 'q3', 'roll', 'q10_1']);
  assert.equal(parseScore('-2/3', 'x'), -2 / 3);
  assert.equal(parseScore(' 3/2 ', 'x'), 1.5);
  assert.throws(() => parseScore('two', 'marking_schemes.DEFAULT.correct'), /DEFAULT.correct: "two"/);
  const t = {
    pageDimensions: [600, 800],
    bubbleDimensions: [20, 20],
    preProcessors: [
      { name: 'MedianBlur', options: { kSize: 5 } },
      { name: 'Levels', options: { low: 0.2, high: 0.9, gamma: 1.2 } },
      { name: 'CropPage', options: { morphKernel: [10, 10] } },
    ],
    fieldBlocks: { a: { fieldType: 'QTYPE_MCQ5_RTL', fieldLabels: ['q1..2'], origin: [10, 10], bubblesGap: 30, labelsGap: 30 } },
  };
  const { layout } = layoutFromOmrChecker(t);
  assert.deepEqual(layout.registration, [{ method: 'outline' }]);
  assert.deepEqual(layout.filters, [
    { op: 'medianBlur', kernel: 5 },
    { op: 'levels', low: 0.2, high: 0.9, gamma: 1.2 },
  ]);
  assert.deepEqual((layout.fields[0] as { values: string[] }).values, ['E', 'D', 'C', 'B', 'A']);
  assert.throws(() => layoutFromOmrChecker({ ...t, preProcessors: [{ name: 'FeatureBasedAlignment' }] }), /reference scan/);
  assert.throws(
    () =>
      layoutFromOmrChecker({
        ...t,
        fieldBlocks: { a: { fieldType: 'QTYPE_X', fieldLabels: ['q1'], origin: [0, 0], bubblesGap: 1, labelsGap: 1 } },
      }),
    /unknown fieldType "QTYPE_X"/,
  );
  const base = { id: 'x', title: 'x', subject: 'x', language: 'en' as const, template: t };
  assert.throws(
    () =>
      importOmrChecker({
        ...base,
        evaluation: {
          options: { questions_in_order: ['q1..2'], answers_in_order: ['A', 'B'] },
          marking_schemes: { DEFAULT: { correct: 1 } },
          extra: 1,
        },
        answerKeyCsv: 'Roll,3',
      }),
    /"Roll", which is no field/,
  );
  const weighted = importOmrChecker({
    ...base,
    evaluation: {
      options: {
        questions_in_order: ['q1..2'],
        answers_in_order: [
          ['A', 'C'],
          [
            ['B', 2],
            ['C', '3/2'],
          ],
        ],
      },
      marking_schemes: { DEFAULT: { correct: '3', incorrect: '-1', unmarked: '0' } },
    },
  });
  assert.deepEqual(
    weighted.questions.map((q) => [q.type, q.answer, q.accept ?? null, q.answerPoints ?? null]),
    [
      ['choice', 'A', ['C'], null],
      ['choice', 'B', null, { B: 2, C: 1.5 }],
    ],
  );
});

test('marking: accepted alternatives are right answers even as two marks; weighted answers earn their own points', () => {
  const q: TemplateQuestion = { number: '7', type: 'choice', points: 3, answer: 'B', accept: ['C', 'BC'] };
  const m = { correct: 3, incorrect: -1, unmarked: 0, multiPartial: 0 };
  assert.deepEqual(
    ['B', 'C', 'BC', 'CB', 'A', 'AB'].map((a) => awardFor(q, a, m)),
    [3, 3, 3, 3, -1, -1],
  );
  const w: TemplateQuestion = { number: '4', type: 'choice', points: 3, answer: 'B', answerPoints: { B: 2, C: 1.5 } };
  assert.deepEqual(
    ['B', 'C', 'A'].map((a) => awardFor(w, a, m)),
    [2, 1.5, -1],
  );
  assert.equal(markingFor({ marking: { correct: 2, incorrect: -2 / 3 } }, { points: 2 }).incorrect, -2 / 3);
});
