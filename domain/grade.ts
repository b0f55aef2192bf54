import type { GradedQuestion, KnowledgePointMastery } from './documents';
import type { ParsedAnswer, ParsedExam } from './paper';
import type { TagSource } from './tagging';
import type { Template, TemplateLanguage, TemplateQuestion, QuestionType } from './template';
import { answersMatch, choiceLetters, cleanNumber, normalizeAnswer, normalizeTrueFalse, roundHalf, toHalfWidth } from './normalize';

// Grading: compares each parsed answer with the template key. Pure and deterministic,
// so the analyze activity can retry it freely and tests pin every rule.

export interface DifficultyBreakdown {
  /** easy | medium | hard, or "unspecified" for questions the template did not rate */
  difficulty: string;
  awarded: number;
  points: number;
}

export interface GradedExam {
  questions: GradedQuestion[];
  score: number;
  fullScore: number;
  knowledgePoints: KnowledgePointMastery[];
  byDifficulty: DifficultyBreakdown[];
  /** some LLM step (tagging, rubric) failed and the rules' result was used instead */
  degraded?: boolean;
}

/** The LLM rubric's award for an open answer (already within 0..points). */
export interface OpenVerdict {
  awarded: number;
  feedback: string;
}

/**
 * What the analyze activity learned from the LLM before grading. Pure data, so grading
 * stays deterministic given its inputs.
 */
export interface GradeOptions {
  /** per open question number: the LLM's verdict, or 'failed' (keyword credit, marked degraded) */
  open?: Record<string, OpenVerdict | 'failed'>;
  /** per question number: where its tags came from */
  tagSources?: Record<string, TagSource>;
  /** question numbers whose LLM tagging failed (tagged by the rules instead) */
  tagsDegraded?: string[];
}

const typeLabels: Record<'zh' | 'en', Record<QuestionType, string>> = {
  zh: { choice: '选择题', multi: '多选题', truefalse: '判断题', fill: '填空题', open: '解答题' },
  en: { choice: 'Multiple choice', multi: 'Multiple select', truefalse: 'True/false', fill: 'Fill in the blank', open: 'Open-ended' },
};

/** The display name of a question type in the paper's language ('zh+en' papers read Chinese). */
export function questionTypeLabel(type: QuestionType, language: TemplateLanguage): string {
  return typeLabels[language === 'en' ? 'en' : 'zh'][type];
}

/**
 * A partial award: fraction × points rounded to the nearest 0.5, but never the full points
 * (rounding must not turn a partly right answer into a correct one: 0.5 of 0.5 points is 0).
 */
export function partialAward(fraction: number, points: number): number {
  if (fraction >= 1) return points;
  if (fraction <= 0) return 0;
  const rounded = roundHalf(fraction * points);
  return rounded < points ? rounded : Math.max(0, roundHalf(points - 0.5));
}

/**
 * Points earned by one non-blank answer. Rules:
 * - choice: the single letter equals the key; truefalse: √/×/对/错/T/F equals the key.
 * - fill: normalised exact match with `answer` or an `accept` entry, or numeric equivalence.
 * - multi: letters order-free; all right = full; a non-empty subset with no wrong letter =
 *   half (partialAward); any wrong letter = 0.
 * - open: full if it equals the key or an `accept` entry; otherwise the share of `keywords`
 *   found in the answer (partialAward). Without keywords the key itself is the one keyword,
 *   so an answer that contains the reference answer verbatim earns full points.
 */
export function awardFor(q: TemplateQuestion, answer: string): number {
  switch (q.type) {
    case 'choice':
      // Exactly one letter: "AB" on a single-choice question is wrong even if it contains the key.
      return toHalfWidth(answer).toUpperCase().replace(/[^A-Z]/g, '') === q.answer ? q.points : 0;
    case 'truefalse':
      return normalizeTrueFalse(answer) === q.answer ? q.points : 0;
    case 'fill':
      return [q.answer, ...(q.accept ?? [])].some((key) => answersMatch(answer, key)) ? q.points : 0;
    case 'multi': {
      const given = choiceLetters(answer);
      const key = new Set(choiceLetters(q.answer));
      if (given === '' || [...given].some((l) => !key.has(l))) return 0;
      return given.length === key.size ? q.points : partialAward(0.5, q.points);
    }
    case 'open': {
      const text = normalizeAnswer(answer);
      if ([q.answer, ...(q.accept ?? [])].some((key) => normalizeAnswer(key) === text)) return q.points;
      const keywords = q.keywords?.length ? q.keywords : [q.answer];
      const found = keywords.filter((k) => text.includes(normalizeAnswer(k))).length;
      return partialAward(found / keywords.length, q.points);
    }
  }
}

/**
 * True when an open answer needs judging beyond the key: it is not blank and not the key
 * or an `accept` entry verbatim (those earn full points without asking anyone).
 */
export function openNeedsJudgement(q: TemplateQuestion, answer: string | null): answer is string {
  if (q.type !== 'open' || !answer?.trim()) return false;
  const text = normalizeAnswer(answer);
  return ![q.answer, ...(q.accept ?? [])].some((key) => normalizeAnswer(key) === text);
}

function gradeQuestion(q: TemplateQuestion, found: ParsedAnswer | undefined, missing: boolean, language: TemplateLanguage, options: GradeOptions): GradedQuestion {
  const tagsDegraded = options.tagsDegraded?.includes(q.number) ?? false;
  const base = {
    number: q.number,
    type: q.type,
    correctAnswer: q.answer,
    points: q.points,
    // Untagged questions still count towards a mastery figure: their type stands in until tagging runs.
    knowledgePoints: q.knowledgePoints?.length ? [...q.knowledgePoints] : [questionTypeLabel(q.type, language)],
    difficulty: q.difficulty ?? null,
    ...(options.tagSources?.[q.number] ? { tagSource: options.tagSources[q.number] } : {}),
  };
  const flags = (gradedBy: 'rules' | 'llm', rubricFailed = false, feedback?: string) => ({
    gradedBy,
    ...(feedback ? { feedback } : {}),
    ...(rubricFailed || tagsDegraded ? { degraded: true } : {}),
  });
  if (missing || !found) return { ...base, studentAnswer: null, correct: false, missing: true, awarded: 0, confidence: 0, ...flags('rules') };
  const confidence = Math.min(1, Math.max(0, found.confidence));
  const answer = found.answer?.trim() ? found.answer : null;
  const verdict = openNeedsJudgement(q, answer) ? options.open?.[q.number] : undefined;
  if (verdict && verdict !== 'failed') {
    const awarded = Math.min(q.points, Math.max(0, verdict.awarded));
    return { ...base, studentAnswer: answer, correct: awarded === q.points, missing: false, awarded, confidence, ...flags('llm', false, verdict.feedback) };
  }
  const awarded = answer === null ? 0 : awardFor(q, answer);
  return { ...base, studentAnswer: answer, correct: awarded === q.points, missing: false, awarded, confidence, ...flags('rules', verdict === 'failed') };
}

function sumBy<T>(items: T[], value: (item: T) => number): number {
  return cleanNumber(items.reduce((sum, item) => sum + value(item), 0));
}

function masteryOf(questions: GradedQuestion[]): KnowledgePointMastery[] {
  const names = [...new Set(questions.flatMap((q) => q.knowledgePoints))]; // template order
  return names.map((name) => {
    const carrying = questions.filter((q) => q.knowledgePoints.includes(name));
    const awarded = sumBy(carrying, (q) => q.awarded);
    const points = sumBy(carrying, (q) => q.points);
    return { name, awarded, points, mastery: points > 0 ? Math.round((awarded / points) * 1e4) / 1e4 : 0 };
  });
}

function difficultyBreakdown(questions: GradedQuestion[]): DifficultyBreakdown[] {
  const order = ['easy', 'medium', 'hard', 'unspecified'];
  return order
    .map((difficulty) => {
      const group = questions.filter((q) => (q.difficulty ?? 'unspecified') === difficulty);
      return group.length ? { difficulty, awarded: sumBy(group, (q) => q.awarded), points: sumBy(group, (q) => q.points) } : null;
    })
    .filter((d): d is DifficultyBreakdown => d !== null);
}

/**
 * Grades a parsed paper against its template (tagged beforehand by the analyze activity,
 * so mastery uses the tags). Questions come back in template order.
 */
export function gradeExam(template: Template, parsed: ParsedExam, options: GradeOptions = {}): GradedExam {
  const answers = new Map(parsed.answers.map((a) => [a.number, a]));
  const missing = new Set(parsed.missing);
  const questions = template.questions.map((q) => gradeQuestion(q, answers.get(q.number), missing.has(q.number), template.language, options));
  const degraded = questions.some((q) => q.degraded);
  return {
    ...(degraded ? { degraded } : {}),
    questions,
    score: sumBy(questions, (q) => q.awarded),
    fullScore: sumBy(questions, (q) => q.points),
    knowledgePoints: masteryOf(questions),
    byDifficulty: difficultyBreakdown(questions),
  };
}
