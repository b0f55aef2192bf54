import { answerFlags, type AnswerFlag, type GradedQuestion, type KnowledgePointMastery, type ResultDocument } from './documents';
import { markingFor, partialAward, type Marking } from './marking';
import type { ParsedAnswer, ParsedExam } from './paper';
import type { TagSource } from './tagging';
import { questionKey, type Template, type TemplateLanguage, type TemplateQuestion, type QuestionType } from './template';
import { answersMatch, choiceLetters, cleanNumber, normalizeAnswer, normalizeTrueFalse, toHalfWidth } from './normalize';

// Grading: compares each parsed answer with the template key. Pure and deterministic,
// so the analyze activity can retry it freely and tests pin every rule.

interface DifficultyBreakdown {
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
  /** teacher review of this exam (domain/review.ts) */
  review?: { status: 'reviewed' | 'unreviewed'; items: number; decided: number };
  /** corrections a teacher made after the exam completed, oldest first */
  corrections?: ResultDocument['corrections'];
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
  // Questions are named by questionKey ("二/3"; the number alone without sections).
  /** per open question: the LLM's verdict, or 'failed' (keyword credit, marked degraded) */
  open?: Record<string, OpenVerdict | 'failed'>;
  /** per question: where its tags came from */
  tagSources?: Record<string, TagSource>;
  /** questions whose LLM tagging failed (tagged by the rules instead) */
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

export { partialAward } from './marking';

/** How an answer compares with the key, before the marking rules turn it into points. */
export interface Judgement {
  outcome: 'correct' | 'partial' | 'incorrect';
  /** a partial answer's share of the points (open: keywords found); multi uses `multiPartial` instead */
  fraction?: number;
  /** `double`: two marks where one answer is expected (scored as incorrect) */
  flags?: AnswerFlag[];
  /** a weighted answer's own points (`answerPoints`), instead of the marking's */
  points?: number;
}

/** Whether two answers to a question of this type say the same thing. */
function sameAnswer(type: QuestionType, a: string, b: string): boolean {
  if (type === 'choice' || type === 'multi') return choiceLetters(a) !== '' && choiceLetters(a) === choiceLetters(b);
  if (type === 'truefalse') return normalizeTrueFalse(a) !== null && normalizeTrueFalse(a) === normalizeTrueFalse(b);
  if (type === 'fill') return answersMatch(a, b);
  return normalizeAnswer(a) === normalizeAnswer(b);
}

/**
 * A weighted answer (`answerPoints`) earns its own points; an `accept` entry of a choice,
 * multi or truefalse question is another right answer (several correct answers, e.g. "BC").
 */
function keyedJudgement(q: TemplateQuestion, answer: string): Judgement | null {
  const weighted = Object.entries(q.answerPoints ?? {}).find(([key]) => sameAnswer(q.type, answer, key));
  if (weighted) return { outcome: weighted[1] > 0 ? 'correct' : 'incorrect', points: weighted[1] };
  if ((q.type === 'choice' || q.type === 'multi' || q.type === 'truefalse') && q.accept?.some((key) => sameAnswer(q.type, answer, key)))
    return { outcome: 'correct' };
  return null;
}

/**
 * Judges one non-blank answer. Rules:
 * - choice: exactly one letter equal to the key; two or more letters are a double mark
 *   (incorrect, flagged). truefalse: √/×/对/错/T/F equals the key; both T and F is a double mark.
 * - fill: normalised exact match with `answer` or an `accept` entry, or numeric equivalence.
 * - multi (the Chinese rule): letters order-free; all right = correct; a non-empty subset
 *   with no wrong letter = partial (`multiPartial` points); any wrong letter = incorrect.
 * - any type: an `answerPoints` entry earns its own points; choice, multi and truefalse
 *   also take `accept` entries as right answers (checked before the double-mark rule).
 * - open: correct if it equals the key or an `accept` entry; otherwise the share of
 *   `keywords` found in the answer (partial; none found = incorrect). Without keywords the
 *   key itself is the one keyword, so an answer containing it verbatim is correct.
 */
export function judgeAnswer(q: TemplateQuestion, answer: string): Judgement {
  const keyed = keyedJudgement(q, answer);
  if (keyed) return keyed;
  switch (q.type) {
    case 'choice': {
      const letters = choiceLetters(answer);
      if (letters.length > 1) return { outcome: 'incorrect', flags: ['double'] };
      return { outcome: letters === q.answer ? 'correct' : 'incorrect' };
    }
    case 'truefalse': {
      if (/^[TF]{2}$/.test(toHalfWidth(answer).trim().toUpperCase())) return { outcome: 'incorrect', flags: ['double'] };
      return { outcome: normalizeTrueFalse(answer) === q.answer ? 'correct' : 'incorrect' };
    }
    case 'fill':
      return { outcome: [q.answer, ...(q.accept ?? [])].some((key) => answersMatch(answer, key)) ? 'correct' : 'incorrect' };
    case 'multi': {
      const given = choiceLetters(answer);
      const key = new Set(choiceLetters(q.answer));
      if (given === '' || [...given].some((l) => !key.has(l))) return { outcome: 'incorrect' };
      return { outcome: given.length === key.size ? 'correct' : 'partial' };
    }
    case 'open': {
      const text = normalizeAnswer(answer);
      if ([q.answer, ...(q.accept ?? [])].some((key) => normalizeAnswer(key) === text)) return { outcome: 'correct' };
      const keywords = q.keywords?.length ? q.keywords : [q.answer];
      const fraction = keywords.filter((k) => text.includes(normalizeAnswer(k))).length / keywords.length;
      return { outcome: fraction >= 1 ? 'correct' : fraction > 0 ? 'partial' : 'incorrect', fraction };
    }
  }
}

/** The points a judgement earns under the marking rules. */
function pointsFor(q: TemplateQuestion, judgement: Judgement, marking: Marking): number {
  if (judgement.points !== undefined) return judgement.points;
  switch (judgement.outcome) {
    case 'correct':
      return marking.correct;
    case 'incorrect':
      return marking.incorrect;
    case 'partial': {
      const partial = q.type === 'multi' ? marking.multiPartial : partialAward(judgement.fraction ?? 0, marking.correct);
      // A partial answer never earns less than a wrong one would (rounding can reach 0).
      return partial > 0 ? partial : marking.incorrect;
    }
  }
}

/** Points earned by one non-blank answer under `marking` (default: the question's points, no negative marking). */
export function awardFor(q: TemplateQuestion, answer: string, marking: Marking = markingFor({}, q)): number {
  return pointsFor(q, judgeAnswer(q, answer), marking);
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

function uniqueFlags(...lists: (AnswerFlag[] | undefined)[]): AnswerFlag[] {
  const all = new Set(lists.flatMap((l) => l ?? []));
  return answerFlags.filter((f) => all.has(f)); // one stable order
}

export function gradeQuestion(
  template: Template,
  q: TemplateQuestion,
  found: ParsedAnswer | undefined,
  missing: boolean,
  options: GradeOptions,
): GradedQuestion {
  const key = questionKey(q);
  const marking = markingFor(template, q);
  const tagsDegraded = options.tagsDegraded?.includes(key) ?? false;
  const base = {
    number: q.number,
    section: q.section ?? null,
    type: q.type,
    correctAnswer: q.answer,
    points: marking.correct,
    // Untagged questions still count towards a mastery figure: their type stands in until tagging runs.
    knowledgePoints: q.knowledgePoints?.length ? [...q.knowledgePoints] : [questionTypeLabel(q.type, template.language)],
    difficulty: q.difficulty ?? null,
    ...(options.tagSources?.[key] ? { tagSource: options.tagSources[key] } : {}),
  };
  const extras = (gradedBy: 'rules' | 'llm', flags: AnswerFlag[], rubricFailed = false, feedback?: string) => ({
    gradedBy,
    ...(feedback ? { feedback } : {}),
    ...(rubricFailed || tagsDegraded ? { degraded: true } : {}),
    flags,
  });
  // Not found on the paper is the reader's failure, never the student's: 0, not `unmarked`.
  if (missing || !found)
    return { ...base, studentAnswer: null, correct: false, missing: true, awarded: 0, confidence: 0, ...extras('rules', []) };
  const confidence = Math.min(1, Math.max(0, found.confidence));
  const answer = found.answer?.trim() ? found.answer : null;
  if (answer === null) {
    return {
      ...base,
      studentAnswer: null,
      correct: false,
      missing: false,
      awarded: marking.unmarked,
      confidence,
      ...extras('rules', uniqueFlags(found.flags)),
    };
  }
  const verdict = openNeedsJudgement(q, answer) ? options.open?.[key] : undefined;
  if (verdict && verdict !== 'failed') {
    const share = Math.min(marking.correct, Math.max(0, verdict.awarded));
    const awarded = share > 0 ? share : marking.incorrect;
    return {
      ...base,
      studentAnswer: answer,
      correct: share === marking.correct,
      missing: false,
      awarded,
      confidence,
      ...extras('llm', uniqueFlags(found.flags), false, verdict.feedback),
    };
  }
  const judgement = judgeAnswer(q, answer);
  return {
    ...base,
    studentAnswer: answer,
    correct: judgement.outcome === 'correct',
    missing: false,
    awarded: pointsFor(q, judgement, marking),
    confidence,
    ...extras('rules', uniqueFlags(found.flags, judgement.flags), verdict === 'failed'),
  };
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
  const answers = new Map(parsed.answers.map((a) => [questionKey(a), a]));
  const missing = new Set(parsed.missing);
  const questions = template.questions.map((q) =>
    gradeQuestion(template, q, answers.get(questionKey(q)), missing.has(questionKey(q)), options),
  );
  return gradedFrom(questions);
}

/** Score, mastery and difficulty breakdown of graded questions (also after a teacher's decisions). */
export function gradedFrom(questions: GradedQuestion[]): GradedExam {
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
