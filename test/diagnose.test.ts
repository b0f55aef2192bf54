import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../domain/diagnose';
import { gradeExam } from '../domain/grade';
import type { ParsedExam } from '../domain/paper';
import type { Template } from '../domain/template';

const zh: Template = {
  id: 'g8-math',
  title: '八年级数学 期中考试',
  subject: 'math',
  language: 'zh',
  questions: [
    { number: '1', type: 'choice', points: 10, answer: 'B', knowledgePoints: ['实数'] },
    { number: '2', type: 'fill', points: 10, answer: '5', knowledgePoints: ['实数'] },
    { number: '3', type: 'fill', points: 10, answer: '3', knowledgePoints: ['一元一次方程'] },
    { number: '4', type: 'open', points: 10, answer: 'x=2', knowledgePoints: ['一元一次方程'] },
    { number: '5', type: 'choice', points: 10, answer: 'C', knowledgePoints: ['勾股定理'] },
  ],
};
const en: Template = {
  ...zh,
  id: 'g8-math-en',
  title: 'Grade 8 Math Midterm',
  language: 'en',
  questions: zh.questions.map((q, i) => ({
    ...q,
    knowledgePoints: [['Real numbers', 'Real numbers', 'Linear equations', 'Linear equations', 'Pythagoras'][i]!],
  })),
};

function paper(answers: Record<string, string | null>, missing: string[] = []): ParsedExam {
  return {
    title: null,
    student: { name: '张三', class: '8-2', id: '007' },
    answers: Object.entries(answers).map(([number, answer]) => ({ number, answer, confidence: 0.9, page: 0 })),
    missing,
  };
}

const right = { 1: 'B', 2: '5', 3: '3', 4: 'x=2', 5: 'C' };
const wrong = { 1: 'A', 2: '6', 3: '1', 4: 'x=9', 5: 'D' };
const mixed = { ...right, 3: '4', 4: '不会' }; // equations lost: 0 / 20

test('zh: weak points, strengths and a recommendation naming the lost questions', () => {
  const d = diagnose(zh, gradeExam(zh, paper(mixed)));
  assert.equal(d.source, 'rules');
  assert.equal(d.degraded, false);
  assert.deepEqual(d.weakPoints, ['一元一次方程']);
  assert.deepEqual(d.strengths, ['实数', '勾股定理']);
  assert.equal(d.recommendations.length, 1);
  assert.match(d.recommendations[0]!, /一元一次方程/);
  assert.match(d.recommendations[0]!, /第 3、4 题/);
  assert.match(d.summary, /30 \/ 50（60%）/);
  assert.match(d.summary, /掌握较好的知识点：实数、勾股定理/);
  assert.match(d.summary, /需要加强的知识点：一元一次方程（0%）/);
});

test('weak points are sorted weakest first, with the mastery thresholds 0.6 and 0.85', () => {
  const t: Template = {
    ...zh,
    questions: [
      { number: '1', type: 'fill', points: 10, answer: '1', knowledgePoints: ['A'] },
      { number: '2', type: 'fill', points: 10, answer: '1', knowledgePoints: ['A', 'B'] },
      { number: '3', type: 'multi', points: 10, answer: 'AB', knowledgePoints: ['B'] },
      { number: '4', type: 'fill', points: 10, answer: '1', knowledgePoints: ['C'] },
    ],
  };
  // A: 10/20 = 0.5, B: 15/20 = 0.75 (neither), C: 0/10
  const d = diagnose(t, gradeExam(t, paper({ 1: '0', 2: '1', 3: 'A', 4: '2' })));
  assert.deepEqual(d.weakPoints, ['C', 'A']);
  assert.deepEqual(d.strengths, []);
  const d2 = diagnose(t, gradeExam(t, paper({ 1: '1', 2: '0', 3: 'A', 4: '1' })));
  // A: 10/20 = 0.5, B: 5/20 = 0.25, C: 1
  assert.deepEqual(d2.weakPoints, ['B', 'A']);
  assert.deepEqual(d2.strengths, ['C']);
});

test('en: English text throughout', () => {
  const d = diagnose(en, gradeExam(en, paper(mixed)));
  assert.deepEqual(d.weakPoints, ['Linear equations']);
  assert.deepEqual(d.strengths, ['Real numbers', 'Pythagoras']);
  assert.match(d.summary, /^Score 30 \/ 50 \(60%\)/);
  assert.match(d.recommendations[0]!, /questions 3 and 4/);
  assert.doesNotMatch(d.summary + d.recommendations.join(''), /[\u4e00-\u9fff]/);
});

test('all correct: no weak points and a congratulating summary', () => {
  for (const t of [zh, en]) {
    const d = diagnose(t, gradeExam(t, paper(right)));
    assert.deepEqual(d.weakPoints, []);
    assert.deepEqual(d.recommendations, []);
    assert.equal(d.strengths.length, 3);
    assert.match(d.summary, t.language === 'zh' ? /满分.*祝贺/ : /Congratulations/);
  }
});

test('all wrong: every point weak, an encouraging summary, one recommendation each', () => {
  for (const t of [zh, en]) {
    const d = diagnose(t, gradeExam(t, paper(wrong)));
    assert.equal(d.weakPoints.length, 3);
    assert.equal(d.recommendations.length, 3);
    assert.deepEqual(d.strengths, []);
    assert.match(d.summary, t.language === 'zh' ? /0 \/ 50（0%）.*从基础/ : /0 \/ 50 \(0%\).*basics/);
  }
});

test('missing questions: the summary asks a teacher to check the paper', () => {
  const zhD = diagnose(zh, gradeExam(zh, paper({ 1: 'B', 2: '5', 3: '3', 4: 'x=2' }, ['5'])));
  assert.match(zhD.summary, /第 5 题的答案未能识别.*请老师核对原卷/);
  assert.deepEqual(zhD.weakPoints, ['勾股定理']);
  assert.match(zhD.recommendations[0]!, /未能识别/, 'a point lost only to an unread answer is not called a knowledge gap');
  assert.doesNotMatch(zhD.recommendations[0]!, /练习/);

  const enD = diagnose(en, gradeExam(en, paper({ 1: 'B', 2: '6' }, ['3', '4', '5'])));
  assert.match(enD.summary, /questions 3, 4 and 5 could not be read.*teacher should check/);
});

test('zh+en papers are diagnosed in Chinese', () => {
  const t: Template = { ...zh, language: 'zh+en' };
  assert.match(diagnose(t, gradeExam(t, paper(mixed))).summary, /得分/);
});

test('recommendations give a habit for the question type that lost the most points', () => {
  const t: Template = {
    ...zh,
    questions: [
      { number: '1', type: 'multi', points: 10, answer: 'AC', knowledgePoints: ['多选'] },
      { number: '2', type: 'truefalse', points: 10, answer: 'T', knowledgePoints: ['判断'] },
      { number: '3', type: 'open', points: 10, answer: 'x=2', keywords: ['x=2'], knowledgePoints: ['解答'] },
      { number: '4', type: 'choice', points: 10, answer: 'B', knowledgePoints: ['选择'] },
      { number: '5', type: 'fill', points: 10, answer: '1/2', knowledgePoints: ['填空'] },
    ],
  };
  const d = diagnose(t, gradeExam(t, paper({ 1: 'AB', 2: '×', 3: '不会', 4: 'A', 5: '0.3' })));
  assert.deepEqual(d.weakPoints, ['多选', '判断', '解答', '选择', '填空']);
  const tips = [/多选题要逐个判断/, /判断题先圈出/, /解答题要写出完整步骤/, /选择题时逐项排除/, /填空题写出计算过程/];
  tips.forEach((tip, i) => assert.match(d.recommendations[i]!, tip));
  const enT: Template = { ...t, language: 'en' };
  const e = diagnose(enT, gradeExam(enT, paper({ 1: 'AB', 2: '×', 3: '不会', 4: 'A', 5: '0.3' })));
  assert.match(e.recommendations[0]!, /multiple-select/);
  assert.match(e.recommendations[2]!, /open questions/);
});

test('a rule diagnosis is never degraded by itself (the activity sets it when an LLM step failed)', () => {
  const d = diagnose(zh, { ...gradeExam(zh, paper(mixed)), degraded: true });
  assert.deepEqual([d.source, d.degraded], ['rules', false]);
});
