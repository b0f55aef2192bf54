import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitStack, type PageFinding } from '../domain/batch-split';
import { batchEtaMs, batchProgress, batchStatus, examCounts } from '../domain/batch-status';
import {
  classStatistics,
  classStatisticsByTemplate,
  median,
  rankStudents,
  standardDeviation,
  type ClassResult,
} from '../domain/class-statistics';
import { renderClassReportHtml } from '../domain/class-report-html';
import { questionTable, scoreTable, toCsv } from '../domain/score-table';

// The pure parts of class batches: splitting a stack, the batch status, class statistics
// (checked against hand-computed figures), the score table and its CSV.

const sheet = (templateId: string, pageIndex: number, pageCount: number): PageFinding => ({
  kind: 'sheet',
  templateId,
  pageIndex,
  pageCount,
});
const blank: PageFinding = { kind: 'blank' };
const other: PageFinding = { kind: 'other' };

test('a stack of sheets splits into students in any order, each student’s pages together in any order', () => {
  const plan = splitStack([
    sheet('a', 0, 1),
    sheet('b', 1, 2),
    sheet('b', 0, 2),
    blank,
    sheet('a', 0, 1),
    sheet('b', 0, 2),
    sheet('b', 1, 2),
  ]);
  assert.deepEqual(plan.exams, [
    { templateId: 'a', sheet: true, stackPages: [0] },
    { templateId: 'b', sheet: true, stackPages: [2, 1] },
    { templateId: 'a', sheet: true, stackPages: [4] },
    { templateId: 'b', sheet: true, stackPages: [5, 6] },
  ]);
  assert.deepEqual(plan.skipped, [{ page: 4, reason: 'blank page' }]);
  assert.deepEqual(plan.unplaced, []);
});

test('nothing is dropped silently: a foreign page, a lone page of a two-page sheet and another template’s sheet are reported', () => {
  const plan = splitStack([sheet('b', 0, 2), other, sheet('b', 0, 2), sheet('b', 1, 2), sheet('c', 0, 1)], {
    templateId: 'b',
    pagesPerStudent: 1,
  });
  assert.deepEqual(plan.exams, [{ templateId: 'b', sheet: true, stackPages: [2, 3] }]);
  assert.deepEqual(
    plan.unplaced.map((u) => u.page),
    [1, 2, 5],
  );
  assert.match(plan.unplaced[0]!.reason, /without its student's page 2/);
  assert.match(plan.unplaced[1]!.reason, /no answer-sheet code/);
  assert.match(plan.unplaced[2]!.reason, /template "c", not of "b"/);
  const trailing = splitStack([sheet('b', 0, 2)]);
  assert.equal(trailing.exams.length, 0);
  assert.equal(trailing.unplaced.length, 1, 'a last page without its partner is reported too');
});

test('printed papers without codes are split by the template’s page count; a short last paper is reported', () => {
  const plan = splitStack([other, other, blank, other, other, other], { templateId: 'p', pagesPerStudent: 2 });
  assert.deepEqual(plan.exams, [
    { templateId: 'p', sheet: false, stackPages: [0, 1] },
    { templateId: 'p', sheet: false, stackPages: [3, 4] },
  ]);
  assert.deepEqual(
    plan.unplaced.map((u) => u.page),
    [6],
  );
  assert.deepEqual(splitStack([other, other]).unplaced.length, 2, 'without a template nothing can be placed');
});

test('batch status: needs_review while any exam waits, progress and ETA from the exams done', () => {
  const counts = examCounts({ completed: 3, processing: 1, needs_review: 1 });
  assert.equal(batchStatus('processing', counts), 'needs_review');
  assert.equal(batchStatus('processing', examCounts({ processing: 2 })), 'processing');
  assert.equal(batchStatus('completed', counts), 'completed');
  assert.equal(batchProgress('splitting', null, counts), 5);
  assert.equal(batchProgress('processing', 10, examCounts({ completed: 5 })), 52.5);
  assert.equal(batchProgress('completed', 10, counts), 100);
  assert.equal(batchEtaMs('processing', 10, examCounts({ completed: 4 }), 0, 8_000), 12_000, '2 s an exam, 6 to go');
  assert.equal(batchEtaMs('processing', 10, examCounts({}), 0, 8_000), null);
});

const q = (
  number: string,
  type: 'choice' | 'multi' | 'fill',
  studentAnswer: string | null,
  correctAnswer: string,
  awarded: number,
  points: number,
  kp: string,
) => ({
  number,
  section: null,
  type,
  studentAnswer,
  correctAnswer,
  correct: awarded === points,
  missing: false,
  awarded,
  points,
  confidence: 1,
  knowledgePoints: [kp],
  difficulty: null,
});

function result(examId: string, id: string, answers: [string | null, string | null]): ClassResult {
  const q1 = q('1', 'choice', answers[0], 'B', answers[0] === 'B' ? 4 : 0, 4, '函数');
  const q2 = q('2', 'multi', answers[1], 'AC', answers[1] === 'AC' ? 6 : answers[1] === 'A' ? 3 : 0, 6, '几何');
  const score = q1.awarded + q2.awarded;
  const kps = [
    { name: '函数', awarded: q1.awarded, points: 4, mastery: q1.awarded / 4 },
    { name: '几何', awarded: q2.awarded, points: 6, mastery: q2.awarded / 6 },
  ];
  return {
    examId,
    templateId: 'unit-test',
    title: '八年级数学 期中',
    student: { id, name: `学生${id}`, class: '八(2)班' },
    score,
    fullScore: 10,
    questions: [q1, q2],
    knowledgePoints: kps,
  };
}

const classResults = [
  result('e1', '01', ['B', 'AC']), // 10
  result('e2', '02', ['B', 'A']), // 7
  result('e3', '03', ['C', 'AC']), // 6
  result('e4', '04', ['A', 'A']), // 3
  result('e5', '05', ['C', null]), // 0
];

test('class statistics: distribution, ranking, item analysis with distractors, mastery, students below the line', () => {
  const s = classStatistics(classResults);
  assert.equal(s.students, 5);
  assert.equal(s.mean, 5.2);
  assert.equal(s.median, 6);
  assert.equal(s.highest, 10);
  assert.equal(s.lowest, 0);
  assert.equal(s.standardDeviation, 3.43); // sqrt((4.8² + 1.8² + 0.8² + 2.2² + 5.2²) / 5) = sqrt(11.76)
  assert.deepEqual(
    s.histogram.map((b) => b.count),
    [1, 0, 0, 1, 0, 0, 1, 1, 0, 1],
  );
  assert.deepEqual(
    s.ranking.map((r) => [r.rank, r.studentId]),
    [
      [1, '01'],
      [2, '02'],
      [3, '03'],
      [4, '04'],
      [5, '05'],
    ],
  );
  const [q1, q2] = s.questions;
  assert.equal(q1!.correctRate, 0.4);
  assert.equal(q1!.difficulty, 0.4);
  // 27% of 5 → groups of 1: the top student got it, the bottom one did not.
  assert.equal(q1!.discrimination, 1);
  assert.deepEqual(q1!.options, [
    { option: 'A', share: 0.2, correct: false },
    { option: 'B', share: 0.4, correct: true },
    { option: 'C', share: 0.4, correct: false },
  ]);
  assert.equal(q2!.blankRate, 0.2);
  assert.equal(q2!.difficulty, 0.6); // (6 + 3 + 6 + 3 + 0) / 5 / 6
  assert.deepEqual(
    s.knowledgePoints.map((k) => [k.name, k.mastery]),
    [
      ['函数', 0.4],
      ['几何', 0.6],
    ],
  );
  assert.deepEqual(
    s.below.map((b) => b.studentId),
    ['04', '05'],
  );
  assert.deepEqual(
    s.sharedWeakPoints,
    [
      { name: '几何', students: 2 },
      { name: '函数', students: 2 },
    ].sort((a, b) => a.name.localeCompare(b.name)),
  );
  assert.equal(median([3, 1, 2, 4]), 2.5);
  assert.equal(standardDeviation([2, 2, 2]), 0);
  assert.deepEqual(
    rankStudents([classResults[1]!, { ...classResults[2]!, score: 7 }]).map((r) => r.rank),
    [1, 1],
    'equal scores share a rank',
  );
});

test('the class report names every student with their score; the CSV opens in Excel (BOM) and never runs a formula', () => {
  const sections = classStatisticsByTemplate([...classResults, { ...classResults[0]!, examId: 'e6', templateId: 'other', title: '物理' }]);
  assert.deepEqual(
    sections.map((p) => [p.templateId, p.stats.students]),
    [
      ['unit-test', 5],
      ['other', 1],
    ],
    'one part per template, the larger first',
  );
  const html = renderClassReportHtml(sections, {
    batchId: 'b1',
    name: '八(2)班 期中',
    language: 'zh',
    createdAt: '2026-11-30T00:00:00Z',
    skippedPages: 1,
    unplacedPages: 0,
    examsNotGraded: 0,
  });
  for (const r of classResults) assert.ok(html.includes(`<td>${r.student.id}</td>`) && html.includes(`${r.score} / 10`), r.student.id!);
  assert.ok(!/<script/i.test(html));
  const table = scoreTable(
    classResults.map((r, i) => ({
      position: i,
      templateId: r.templateId,
      status: 'completed',
      student: { ...r.student, name: i === 0 ? '=HYPERLINK("x")' : r.student.name },
      score: r.score,
      fullScore: r.fullScore,
      questions: r.questions,
    })),
  );
  const csv = toCsv(table);
  assert.ok(csv.startsWith('\uFEFF#,'));
  assert.ok(csv.includes(`"'=HYPERLINK(""x"")"`), 'a formula-looking name is written as text');
  assert.equal(table.rows[1]![5], 7);
  assert.deepEqual(table.rows[4]!.slice(7), ['unit-test', 'C', 0, '', 0]);
  assert.equal(questionTable(sections).rows.length, 4);
  assert.ok(html.includes('<h1 class="part">物理</h1>'), 'a heading per template');
});
