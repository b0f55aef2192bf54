import type { QuestionType } from './template';

// Teacher review: the items an exam waits on and the checks on a teacher's decisions. Pure
// and free of any library, so the exam workflow's Update validator runs it deterministically.

/** Why an answer waits for a teacher, strongest reason first. */
export const reviewReasons = ['scored_by_teacher', 'not_found', 'double', 'erased', 'faint', 'low_confidence'] as const;
export type ReviewReason = (typeof reviewReasons)[number];

/** The review settings an exam was submitted with (read once at the API from lib/config.ts). */
export interface ReviewSettings {
  /** an answer read with less confidence than this (0–1) waits for a teacher */
  below: number;
  /** after this long the exam completes with the machine's readings, marked unreviewed */
  timeoutMs: number;
}

export interface ReviewItem {
  /** `q<n>`: the n-th question of the template (stable for the exam's life) */
  itemId: string;
  number: string;
  section: string | null;
  type: QuestionType;
  points: number;
  reason: ReviewReason;
  /** what the machine read (null: blank or not found) */
  machineAnswer: string | null;
  machineAwarded: number;
  confidence: number;
  /** the answer region's image in the artifact store, once cut */
  imageKey?: string;
}

/** What a teacher sends for one item: a corrected reading (graded as usual) or points. */
export interface DecisionInput {
  itemId: string;
  answer?: string;
  awarded?: number;
}

export interface Decision extends DecisionInput {
  decidedBy: string;
  decidedAt: string;
}

/** A decision the validator refused, and why (the API answers 400 with it). */
export function decisionProblems(items: ReviewItem[], decisions: DecisionInput[]): string[] {
  const byId = new Map(items.map((i) => [i.itemId, i]));
  const problems: string[] = [];
  if (decisions.length === 0) problems.push('no decisions: send at least one {itemId, answer or awarded}');
  for (const d of decisions) {
    const item = byId.get(d.itemId);
    if (!item) {
      problems.push(`unknown item ${d.itemId}: this exam waits on ${items.map((i) => i.itemId).join(', ') || 'nothing'}`);
      continue;
    }
    if (d.answer === undefined && d.awarded === undefined)
      problems.push(`item ${d.itemId}: give the corrected answer or the points awarded`);
    if (d.awarded !== undefined && !(Number.isFinite(d.awarded) && d.awarded >= 0 && d.awarded <= item.points)) {
      problems.push(`item ${d.itemId}: points must be from 0 to ${item.points}, got ${d.awarded}`);
    }
    if (d.answer !== undefined && (d.answer.trim() === '' || d.answer.length > 2000))
      problems.push(`item ${d.itemId}: the answer must be 1 to 2000 characters`);
  }
  return problems;
}

/** Every item has a decision. */
export function allDecided(items: ReviewItem[], decisions: ReadonlyMap<string, Decision>): boolean {
  return items.every((i) => decisions.has(i.itemId));
}
