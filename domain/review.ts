import type { GradedQuestion } from './documents';
import { gradedFrom, gradeQuestion, type GradedExam } from './grade';
import type { Decision, ReviewItem, ReviewReason, ReviewSettings } from './review-decisions';
import type { Template, TemplateQuestion } from './template';

// Which answers of a graded exam wait for a teacher, and the exam regraded with the
// teacher's decisions. Pure: the review activities run it, tests pin it.

const flagReasons = ['double', 'erased', 'faint', 'low_confidence'] as const;

function reasonFor(tq: TemplateQuestion, q: GradedQuestion, below: number): ReviewReason | null {
  if (tq.scoredBy === 'teacher') return 'scored_by_teacher';
  if (q.missing) return 'not_found';
  const flagged = flagReasons.find((f) => q.flags?.includes(f));
  if (flagged) return flagged;
  if (q.studentAnswer !== null && q.confidence < below) return 'low_confidence';
  return null;
}

/** The items an exam waits on, in template order; empty when nothing needs a teacher. */
export function reviewItems(template: Template, graded: GradedExam, settings: Pick<ReviewSettings, 'below'>): ReviewItem[] {
  const items: ReviewItem[] = [];
  template.questions.forEach((tq, index) => {
    const q = graded.questions[index]!;
    const reason = reasonFor(tq, q, settings.below);
    if (!reason) return;
    items.push({
      itemId: `q${index + 1}`,
      number: q.number,
      section: q.section ?? null,
      type: q.type,
      points: q.points,
      reason,
      machineAnswer: q.studentAnswer,
      machineAwarded: q.awarded,
      confidence: q.confidence,
    });
  });
  return items;
}

/**
 * One question as the teacher decided it: a corrected reading is graded by the usual rules
 * (tags kept); points are taken as given. The machine's reading stays beside it.
 */
function decideQuestion(
  template: Template,
  index: number,
  q: GradedQuestion,
  change: { answer?: string; awarded?: number },
): GradedQuestion {
  const tq = template.questions[index]!;
  let decided: GradedQuestion = q;
  if (change.answer !== undefined) {
    const regraded = gradeQuestion(
      template,
      tq,
      { number: tq.number, section: tq.section ?? null, answer: change.answer, confidence: 1, page: 0, flags: [] },
      false,
      {},
    );
    decided = {
      ...regraded,
      knowledgePoints: q.knowledgePoints,
      difficulty: q.difficulty,
      ...(q.tagSource ? { tagSource: q.tagSource } : {}),
    };
  }
  if (change.awarded !== undefined) {
    decided = { ...decided, awarded: change.awarded, correct: change.awarded === decided.points, missing: false, gradedBy: 'rules' };
    delete decided.feedback;
  }
  return { ...decided, confidence: 1 };
}

/**
 * The exam after review: decided items regraded, undecided ones (the deadline passed) keep
 * the machine's reading and are marked `unreviewed`.
 */
export function applyDecisions(template: Template, graded: GradedExam, items: ReviewItem[], decisions: Decision[]): GradedExam {
  const byItem = new Map(decisions.map((d) => [d.itemId, d]));
  const questions = graded.questions.map((q, index) => {
    const item = items.find((i) => i.itemId === `q${index + 1}`);
    if (!item) return q;
    const machine = { reason: item.reason, machineAnswer: item.machineAnswer, machineAwarded: item.machineAwarded };
    const d = byItem.get(item.itemId);
    if (!d) return { ...q, review: { status: 'unreviewed' as const, ...machine } };
    const decided = decideQuestion(template, index, q, d);
    return {
      ...decided,
      review: {
        status: 'decided' as const,
        ...machine,
        ...(d.answer !== undefined ? { answer: d.answer } : {}),
        ...(d.awarded !== undefined ? { awarded: d.awarded } : {}),
        decidedBy: d.decidedBy,
        decidedAt: d.decidedAt,
      },
    };
  });
  const decided = items.filter((i) => byItem.has(i.itemId)).length;
  return {
    ...gradedFrom(questions),
    review: { status: decided === items.length ? 'reviewed' : 'unreviewed', items: items.length, decided },
    ...(graded.corrections ? { corrections: graded.corrections } : {}),
  };
}

interface Correction {
  number: string;
  section: string | null;
  by: string;
  at: string;
  before: { answer: string | null; awarded: number };
  after: { answer: string | null; awarded: number };
}

/** A teacher's correction of one answer of a completed exam, kept with who, when, before and after. */
export function correctAnswer(
  template: Template,
  graded: GradedExam,
  change: { number: string; section: string | null; answer?: string; awarded?: number; by: string; at: string },
): GradedExam {
  const index = template.questions.findIndex((q) => q.number === change.number && (q.section ?? null) === change.section);
  if (index < 0)
    throw new Error(`question ${change.section ? `${change.section}·` : ''}${change.number} is not in template ${template.id}`);
  const before = graded.questions[index]!;
  const after = decideQuestion(template, index, before, change);
  const questions = graded.questions.map((q, i) => (i === index ? { ...after, ...(before.review ? { review: before.review } : {}) } : q));
  const correction: Correction = {
    number: change.number,
    section: change.section,
    by: change.by,
    at: change.at,
    before: { answer: before.studentAnswer, awarded: before.awarded },
    after: { answer: after.studentAnswer, awarded: after.awarded },
  };
  return {
    ...gradedFrom(questions),
    ...(graded.review ? { review: graded.review } : {}),
    corrections: [...(graded.corrections ?? []), correction],
  };
}
