import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradeExam, openNeedsJudgement, partialAward } from '../domain/grade';
import { answersMatch, normalizeAnswer, normalizeTrueFalse, parseNumber, roundHalf, toHalfWidth } from '../domain/normalize';
import type { ParsedExam } from '../domain/paper';
import type { Template, TemplateQuestion } from '../domain/template';

function template(questions: TemplateQuestion[], language: Template['language'] = 'zh'): Template {
  return { id: 't', title: '测试', subject: 'math', language, questions };
}

function parsed(answers: Record<string, string | null>, missing: string[] = [], confidence = 0.95): ParsedExam {
  return {
    title: null,
    student: { name: null, class: null, id: null },
    answers: Object.entries(answers).map(([number, answer]) => ({ number, answer, confidence, page: 0 })),
    missing,
  };
}

type Q = Omit<TemplateQuestion, 'number'>;

/** Awarded points of one question answered with `answer`. */
function award(q: Q, answer: string | null): number {
  return gradeExam(template([{ number: '1', ...q }]), parsed({ 1: answer })).questions[0]!.awarded;
}

test('normalize: full-width, case, whitespace and trailing punctuation', () => {
  assert.equal(toHalfWidth('ＡＢ１２，：'), 'AB12,:');
  assert.equal(normalizeAnswer('  Ｎew   York。 '), 'new york');
  assert.equal(normalizeAnswer('x = 5'), 'x=5');
  assert.equal(normalizeAnswer('勾 股 定 理'), '勾股定理');
  assert.equal(normalizeAnswer('Paris!'), 'paris');
});

test('normalize: numbers, fractions, percentages and Chinese numerals', () => {
  for (const s of ['0.5', '.5', '1/2', '50%', '0.50', '二分之一', '１／２']) assert.equal(parseNumber(s), 0.5, s);
  assert.equal(parseNumber('五'), 5);
  assert.equal(parseNumber('十'), 10);
  assert.equal(parseNumber('十五'), 15);
  assert.equal(parseNumber('三十七'), 37);
  assert.equal(parseNumber('负三'), -3);
  assert.equal(parseNumber('-3/4'), -0.75);
  assert.equal(parseNumber('五五'), null);
  assert.equal(parseNumber('1/0'), null);
  assert.equal(parseNumber('abc'), null);
  assert.equal(parseNumber('5cm'), null);
  assert.ok(answersMatch('0.3', String(0.1 + 0.2)));
  assert.ok(!answersMatch('0.33', '1/3'), 'a rounded decimal is not the fraction');
});

test('normalize: true/false marks and half-step rounding', () => {
  for (const s of ['√', '✓', '对', 'T', 't', '正确', '（√）']) assert.equal(normalizeTrueFalse(s), 'T', s);
  for (const s of ['×', '✗', '错', 'F', 'false', '错误']) assert.equal(normalizeTrueFalse(s), 'F', s);
  assert.equal(normalizeTrueFalse('maybe'), null);
  assert.equal(roundHalf(3.333), 3.5);
  assert.equal(roundHalf(3.2), 3);
  assert.equal(roundHalf(0.1 + 0.2 + 0.2), 0.5);
  assert.equal(partialAward(0.5, 5), 2.5);
  assert.equal(partialAward(0.5, 0.5), 0, 'partial credit never rounds up to full points');
  assert.equal(partialAward(0.9, 1), 0.5);
});

test('choice: exact letter, tolerant of case, brackets and full-width', () => {
  const q: Q = { type: 'choice', points: 5, answer: 'B' };
  assert.equal(award(q, 'B'), 5);
  assert.equal(award(q, 'b'), 5);
  assert.equal(award(q, '（ Ｂ ）'), 5);
  assert.equal(award(q, 'C'), 0);
  assert.equal(award(q, 'AB'), 0, 'two letters on a single-choice question');
});

test('truefalse: paper marks against T/F', () => {
  assert.equal(award({ type: 'truefalse', points: 2, answer: 'T' }, '√'), 2);
  assert.equal(award({ type: 'truefalse', points: 2, answer: 'T' }, '×'), 0);
  assert.equal(award({ type: 'truefalse', points: 2, answer: 'F' }, '错'), 2);
  assert.equal(award({ type: 'truefalse', points: 2, answer: 'F' }, '?'), 0);
});

test('fill: normalised match, accept list and numeric equivalence', () => {
  const q: Q = { type: 'fill', points: 10, answer: '5', accept: ['5.0', '五'] };
  for (const a of ['5', '５', '5.0', '五', '5.00', ' 5 。', '10/2']) assert.equal(award(q, a), 10, a);
  assert.equal(award(q, '6'), 0);
  assert.equal(award({ type: 'fill', points: 4, answer: '1/2' }, '0.5'), 4);
  assert.equal(award({ type: 'fill', points: 4, answer: '0.5' }, '50%'), 4);
  assert.equal(award({ type: 'fill', points: 4, answer: 'Photosynthesis' }, 'photosynthesis.'), 4);
  assert.equal(award({ type: 'fill', points: 4, answer: '北京', accept: ['北京市'] }, '北京市'), 4);
  assert.equal(award({ type: 'fill', points: 4, answer: '北京' }, '南京'), 0);
});

test('multi: order-free, half credit for a correct subset, zero with a wrong letter', () => {
  const q: Q = { type: 'multi', points: 6, answer: 'ACD' };
  assert.equal(award(q, 'DCA'), 6);
  assert.equal(award(q, 'A, C, D'), 6);
  assert.equal(award(q, 'AC'), 3);
  assert.equal(award(q, 'A'), 3);
  assert.equal(award(q, 'ACB'), 0);
  assert.equal(award(q, 'ABCD'), 0);
  assert.equal(award({ type: 'multi', points: 5, answer: 'AC' }, 'C'), 2.5);
  assert.equal(award({ type: 'multi', points: 3, answer: 'AC' }, 'C'), 1.5);
  const graded = gradeExam(template([{ number: '1', type: 'multi', points: 6, answer: 'AC' }]), parsed({ 1: 'A' }));
  assert.equal(graded.questions[0]!.correct, false, 'partial credit is not correct');
});

test('open: keyword share, rounded to 0.5; exact key earns full points', () => {
  const q: Q = { type: 'open', points: 10, answer: 'a²+b²=c²', keywords: ['勾股定理', '直角', '斜边'] };
  assert.equal(award(q, 'a² + b² = c²'), 10);
  assert.equal(award(q, '由勾股定理，直角三角形斜边的平方等于两直角边平方和'), 10);
  assert.equal(award(q, '根据勾 股定理可得'), 3.5, '1/3 of 10 = 3.33 → 3.5');
  assert.equal(award(q, '直角三角形中用勾股定理'), 6.5, '2/3 of 10 = 6.67 → 6.5');
  assert.equal(award(q, '不会'), 0);
  assert.equal(award({ type: 'open', points: 8, answer: 'x=3' }, '解得 x = 3'), 8, 'without keywords the key is the keyword');
});

test('missing and blank answers', () => {
  const t = template([
    { number: '1', type: 'choice', points: 5, answer: 'A' },
    { number: '2', type: 'fill', points: 5, answer: '7' },
    { number: '3', type: 'fill', points: 5, answer: '8' },
  ]);
  const g = gradeExam(t, parsed({ 1: null, 3: '   ' }, ['2']));
  const [blank, missing, spaces] = g.questions;
  assert.ok(blank && missing && spaces);
  assert.deepEqual(
    {
      studentAnswer: blank.studentAnswer,
      awarded: blank.awarded,
      correct: blank.correct,
      missing: blank.missing,
      confidence: blank.confidence,
    },
    { studentAnswer: null, awarded: 0, correct: false, missing: false, confidence: 0.95 },
  );
  assert.deepEqual(
    {
      studentAnswer: missing.studentAnswer,
      awarded: missing.awarded,
      correct: missing.correct,
      missing: missing.missing,
      confidence: missing.confidence,
    },
    { studentAnswer: null, awarded: 0, correct: false, missing: true, confidence: 0 },
  );
  assert.equal(spaces.studentAnswer, null);
  assert.equal(g.score, 0);
  assert.equal(g.fullScore, 15);
});

test('a question neither answered nor listed as missing is treated as missing', () => {
  const g = gradeExam(template([{ number: '1', type: 'choice', points: 5, answer: 'A' }]), parsed({}));
  assert.equal(g.questions[0]!.missing, true);
});

test('knowledge-point mastery, type fallback and difficulty breakdown', () => {
  const t = template([
    { number: '1', type: 'choice', points: 5, answer: 'B', knowledgePoints: ['实数'], difficulty: 'easy' },
    { number: '2', type: 'fill', points: 5, answer: '3', knowledgePoints: ['实数', '方程'], difficulty: 'medium' },
    { number: '3', type: 'fill', points: 10, answer: '4', knowledgePoints: ['方程'], difficulty: 'hard' },
    { number: '4', type: 'choice', points: 4, answer: 'C' },
    { number: '5', type: 'truefalse', points: 2, answer: 'F' },
  ]);
  const g = gradeExam(t, parsed({ 1: 'B', 2: '3', 3: '5', 4: 'C', 5: '√' }));
  assert.equal(g.score, 14);
  assert.equal(g.fullScore, 26);
  assert.deepEqual(g.knowledgePoints, [
    { name: '实数', awarded: 10, points: 10, mastery: 1 },
    { name: '方程', awarded: 5, points: 15, mastery: 0.3333 },
    { name: '选择题', awarded: 4, points: 4, mastery: 1 },
    { name: '判断题', awarded: 0, points: 2, mastery: 0 },
  ]);
  assert.deepEqual(g.questions[3]!.knowledgePoints, ['选择题']);
  assert.deepEqual(g.byDifficulty, [
    { difficulty: 'easy', awarded: 5, points: 5 },
    { difficulty: 'medium', awarded: 5, points: 5 },
    { difficulty: 'hard', awarded: 0, points: 10 },
    { difficulty: 'unspecified', awarded: 4, points: 6 },
  ]);
  const en = gradeExam({ ...t, language: 'en' }, parsed({}));
  assert.deepEqual(en.questions[3]!.knowledgePoints, ['Multiple choice']);
  assert.deepEqual(en.questions[4]!.knowledgePoints, ['True/false']);
});

test('scores carry no floating-point noise', () => {
  const t = template([
    { number: '1', type: 'choice', points: 0.1, answer: 'A' },
    { number: '2', type: 'choice', points: 0.2, answer: 'A' },
  ]);
  const g = gradeExam(t, parsed({ 1: 'A', 2: 'A' }));
  assert.equal(g.score, 0.3);
  assert.equal(g.fullScore, 0.3);
  assert.equal(g.knowledgePoints[0]!.mastery, 1);
});

test('questions come back in template order with template metadata', () => {
  const t = template([
    { number: '2', type: 'choice', points: 5, answer: 'A', difficulty: 'hard' },
    { number: '1', type: 'fill', points: 5, answer: 'x' },
  ]);
  const g = gradeExam(t, parsed({ 1: 'X', 2: 'A' }, [], 0.5));
  assert.deepEqual(
    g.questions.map((q) => [q.number, q.correct, q.correctAnswer, q.difficulty, q.confidence]),
    [
      ['2', true, 'A', 'hard', 0.5],
      ['1', true, 'x', null, 0.5],
    ],
  );
});

test('every question type reports who graded it; the rules by default', () => {
  const t = template([
    { number: '1', type: 'choice', points: 2, answer: 'A' },
    { number: '2', type: 'multi', points: 2, answer: 'AB' },
    { number: '3', type: 'truefalse', points: 2, answer: 'T' },
    { number: '4', type: 'fill', points: 2, answer: '1/2' },
    { number: '5', type: 'open', points: 2, answer: 'x=1', keywords: ['x=1'] },
  ]);
  const g = gradeExam(t, parsed({ 1: 'a', 2: 'BA', 3: '对', 4: '0.5', 5: '解得x = 1' }));
  assert.deepEqual(
    g.questions.map((q) => [q.awarded, q.correct, q.gradedBy, q.degraded]),
    Array(5).fill([2, true, 'rules', undefined]),
  );
  assert.equal(g.degraded, undefined);
});

test('openNeedsJudgement: only non-blank open answers that are not the key verbatim', () => {
  const q: TemplateQuestion = { number: '1', type: 'open', points: 10, answer: 'a²+b²=c²', accept: ['勾股定理'] };
  assert.equal(openNeedsJudgement(q, '因为是直角三角形'), true);
  assert.equal(openNeedsJudgement(q, 'a² + b² = c²'), false);
  assert.equal(openNeedsJudgement(q, '勾股 定理'), false);
  assert.equal(openNeedsJudgement(q, '  '), false);
  assert.equal(openNeedsJudgement(q, null), false);
  assert.equal(openNeedsJudgement({ ...q, type: 'fill' }, 'x'), false);
});

test('LLM rubric verdicts replace keyword credit; a failed rubric keeps keyword credit, marked degraded', () => {
  const t = template([
    { number: '1', type: 'open', points: 10, answer: 'a²+b²=c²', keywords: ['勾股定理', '直角', '斜边'] },
    { number: '2', type: 'open', points: 10, answer: 'a²+b²=c²', keywords: ['勾股定理', '直角', '斜边'] },
    { number: '3', type: 'open', points: 10, answer: 'x=3' },
    { number: '4', type: 'fill', points: 5, answer: '5' },
  ]);
  const p = parsed({ 1: '由勾股定理可得', 2: '由勾股定理可得', 3: 'x=3', 4: '5' });
  const g = gradeExam(t, p, {
    open: { 1: { awarded: 8, feedback: '基本正确' }, 2: 'failed', 3: { awarded: 0, feedback: 'ignored: the key verbatim needs no judge' } },
    tagSources: { 1: 'llm', 2: 'rules', 3: 'template', 4: 'rules' },
    tagsDegraded: ['4'],
  });
  assert.deepEqual(
    g.questions.map((q) => [q.awarded, q.gradedBy, q.feedback, q.degraded, q.tagSource]),
    [
      [8, 'llm', '基本正确', undefined, 'llm'],
      [3.5, 'rules', undefined, true, 'rules'],
      [10, 'rules', undefined, undefined, 'template'],
      [5, 'rules', undefined, true, 'rules'],
    ],
  );
  assert.equal(g.score, 26.5);
  assert.equal(g.degraded, true);
  const full = gradeExam(t, p, { open: { 1: { awarded: 10, feedback: '' } } });
  assert.equal(full.questions[0]!.correct, true, 'full LLM marks count as correct');
});
