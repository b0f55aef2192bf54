import type { Diagnosis, GradedQuestion, KnowledgePointMastery } from './documents';
import type { GradedExam } from './grade';
import type { QuestionType, Template } from './template';
import { cleanNumber } from './normalize';

// The rule-based diagnosis: always available, no model needed (the LLM path, when
// configured, replaces it and falls back to it). Written for a parent to read.

export const WEAK_BELOW = 0.6;
export const STRONG_FROM = 0.85;

type Lang = 'zh' | 'en';

/** 85, 85.5 — never 85.50000000001. */
export function formatScore(x: number): string {
  return String(cleanNumber(x));
}

export function percentOf(score: number, fullScore: number): number {
  return fullScore > 0 ? Math.round((score / fullScore) * 100) : 0;
}

function numberList(numbers: string[], lang: Lang): string {
  if (lang === 'zh') return `第 ${numbers.join('、')} 题`;
  if (numbers.length === 1) return `question ${numbers[0]}`;
  return `questions ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}

// One concrete habit per question type, for the type the student lost most points on.
const tips: Record<Lang, Record<QuestionType, string>> = {
  zh: {
    choice: '做选择题时逐项排除，并说出每个错误选项错在哪里',
    multi: '多选题要逐个判断每个选项，没有把握的选项宁可不选',
    truefalse: '判断题先圈出题干中的关键词，判断“错”时试着举出反例',
    fill: '填空题写出计算过程，做完后代入检验，注意单位和书写规范',
    open: '解答题要写出完整步骤和所用的定理、依据',
  },
  en: {
    choice: 'for multiple choice, rule out options one by one and say why each wrong option is wrong',
    multi: 'for multiple-select questions, judge each option separately and leave out any option you are unsure of',
    truefalse: 'for true/false, underline the key words and try to find a counter-example before answering "false"',
    fill: 'for fill-in questions, show the working and check the answer by substituting it back, minding units',
    open: 'for open questions, write out every step and name the rule or theorem being used',
  },
};

function mostLostType(lost: GradedQuestion[]): QuestionType {
  const byType = new Map<QuestionType, number>();
  for (const q of lost) byType.set(q.type, (byType.get(q.type) ?? 0) + q.points - q.awarded);
  return [...byType.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

function recommendation(kp: KnowledgePointMastery, questions: GradedQuestion[], lang: Lang): string {
  const lost = questions.filter((q) => q.knowledgePoints.includes(kp.name) && q.awarded < q.points);
  const wrong = lost.filter((q) => !q.missing);
  const unread = lost.filter((q) => q.missing).map((q) => q.number);
  const pct = Math.round(kp.mastery * 100);
  if (wrong.length === 0) {
    return lang === 'zh'
      ? `「${kp.name}」：${numberList(unread, lang)}的答案未能识别，请老师核对原卷后再判断是否需要加强。`
      : `${kp.name}: the answer to ${numberList(unread, lang)} could not be read; a teacher should check the paper before drawing conclusions.`;
  }
  const nums = numberList(
    wrong.map((q) => q.number),
    lang,
  );
  const tip = tips[lang][mostLostType(wrong)];
  if (lang === 'zh') {
    const extra = unread.length ? `另有${numberList(unread, lang)}未能识别，请老师核对。` : '';
    return `「${kp.name}」（掌握度 ${pct}%，${nums}失分）：先复习课本中这一知识点的概念和例题，再做 5–10 道同类练习，订正${nums}并说出错因；${tip}。${extra}`;
  }
  const extra = unread.length ? ` The answer to ${numberList(unread, lang)} could not be read; a teacher should check the paper.` : '';
  return `${kp.name} (mastery ${pct}%, points lost on ${nums}): review the notes and worked examples for this topic, then do 5–10 similar practice problems and redo ${nums}, explaining each mistake. Tip: ${tip}.${extra}`;
}

function level(pct: number, lang: Lang): string {
  const zh = pct >= 90 ? '成绩优秀' : pct >= 75 ? '成绩良好' : pct >= 60 ? '成绩及格' : '还有较大提升空间';
  const en = pct >= 90 ? 'an excellent result' : pct >= 75 ? 'a good result' : pct >= 60 ? 'a pass' : 'there is clear room to improve';
  return lang === 'zh' ? zh : en;
}

function summary(
  template: Template,
  graded: GradedExam,
  weak: KnowledgePointMastery[],
  strong: KnowledgePointMastery[],
  lang: Lang,
): string {
  const pct = percentOf(graded.score, graded.fullScore);
  const score = `${formatScore(graded.score)} / ${formatScore(graded.fullScore)}`;
  const missing = graded.questions.filter((q) => q.missing).map((q) => q.number);
  const allCorrect = graded.questions.every((q) => q.correct);
  const noneRight = graded.questions.every((q) => q.awarded <= 0); // negative marking can go below 0
  const parts: string[] = [];
  if (lang === 'zh') {
    parts.push(
      `本次《${template.title}》得分 ${score}（${pct}%）${allCorrect ? '，全部答对，取得满分，祝贺！请继续保持认真的学习习惯，可以尝试更有挑战性的题目。' : `，${level(pct, lang)}。`}`,
    );
    if (!allCorrect && noneRight && missing.length < graded.questions.length)
      parts.push('本次暂未得分，不必灰心：建议在老师的帮助下从基础概念学起，逐题订正，每天坚持少量练习。');
    if (!allCorrect && strong.length) parts.push(`掌握较好的知识点：${strong.map((k) => k.name).join('、')}。`);
    if (weak.length)
      parts.push(`需要加强的知识点：${weak.map((k) => `${k.name}（${Math.round(k.mastery * 100)}%）`).join('、')}，具体建议见下方。`);
    else if (!allCorrect) parts.push('没有明显的薄弱知识点，订正做错的题目、继续巩固即可。');
    if (missing.length) parts.push(`注意：${numberList(missing, lang)}的答案未能识别，暂按 0 分计算，请老师核对原卷后确认成绩。`);
    return parts.join('');
  }
  parts.push(
    allCorrect
      ? `Score ${score} (${pct}%): every question answered correctly. Congratulations! Keep up the good habits and try some more challenging problems.`
      : `Score ${score} (${pct}%): ${level(pct, lang)}.`,
  );
  if (!allCorrect && noneRight && missing.length < graded.questions.length)
    parts.push(
      'No points this time, which is a reason to start from the basics with the teacher, correct each question and practise a little every day.',
    );
  if (!allCorrect && strong.length) parts.push(`Went well: ${strong.map((k) => k.name).join(', ')}.`);
  if (weak.length)
    parts.push(`To work on: ${weak.map((k) => `${k.name} (${Math.round(k.mastery * 100)}%)`).join(', ')}; see the recommendations below.`);
  else if (!allCorrect) parts.push('No topic stands out as weak: correcting the mistakes and regular practice is enough.');
  if (missing.length)
    parts.push(
      `Note: the answers to ${numberList(missing, lang)} could not be read and count as 0 for now; a teacher should check the paper and confirm the score.`,
    );
  return parts.join(' ');
}

/** Rule-based diagnosis of a graded paper, in the paper's language ('zh+en' reads Chinese). */
export function diagnose(template: Template, graded: GradedExam): Diagnosis {
  const lang: Lang = template.language === 'en' ? 'en' : 'zh';
  // Stable sorts keep template order among equal mastery.
  const weak = graded.knowledgePoints.filter((k) => k.mastery < WEAK_BELOW).sort((a, b) => a.mastery - b.mastery);
  const strong = graded.knowledgePoints.filter((k) => k.mastery >= STRONG_FROM).sort((a, b) => b.mastery - a.mastery);
  return {
    summary: summary(template, graded, weak, strong, lang),
    weakPoints: weak.map((k) => k.name),
    strengths: strong.map((k) => k.name),
    recommendations: weak.map((k) => recommendation(k, graded.questions, lang)),
    source: 'rules',
    degraded: false,
  };
}
