import { trueFalseOf } from './true-false';

// The classes the handwriting classifier (reading/handwriting/mark-classifier.ts) tells apart, and which of them an answer of each
// question type may be. `F` is both the letter F (choice) and "false" (true/false).

export const MARK_CLASSES = [
  'A',
  'B',
  'C',
  'D',
  'E',
  'F',
  'G',
  'H',
  'T',
  '√',
  '×',
  '对',
  '错',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  'blank',
] as const;
export type MarkClass = (typeof MARK_CLASSES)[number];

/** What a cell of each kind may hold: the classifier's choice is restricted to these. */
export type MarkKind = 'letter' | 'truefalse' | 'digit' | 'any';

const LETTERS: MarkClass[] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
const TRUEFALSE: MarkClass[] = ['T', 'F', '√', '×', '对', '错'];
const DIGITS: MarkClass[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function allowedClasses(kind: MarkKind): MarkClass[] {
  if (kind === 'letter') return LETTERS;
  if (kind === 'truefalse') return TRUEFALSE;
  if (kind === 'digit') return DIGITS;
  return MARK_CLASSES.filter((c) => c !== 'blank');
}

/** A true/false mark as the template writes it: √ 对 T → T, × 错 F → F. */
export function trueFalseValue(label: MarkClass): 'T' | 'F' | null {
  return trueFalseOf(label);
}

export interface MarkDecision {
  /** the class, or null for an empty cell */
  label: MarkClass | null;
  /** 0–1: the label's probability among the allowed classes (for an empty cell: blank against them) */
  confidence: number;
}

/**
 * The letters a choice question's cell may hold: A–D for a question with four options, A–H when
 * the template does not list its options (the most a template may list).
 */
export function choiceLetters(optionCount?: number): MarkClass[] {
  return optionCount && optionCount >= 2 ? LETTERS.slice(0, optionCount) : LETTERS;
}

/** The most probable allowed class, its probability renormalised over the allowed ones. */
export function decide(probs: ArrayLike<number>, kind: MarkKind): MarkDecision {
  return decideAmong(probs, allowedClasses(kind));
}

/** The most probable of the given classes (or blank), its probability renormalised over them. */
export function decideAmong(probs: ArrayLike<number>, classes: readonly MarkClass[]): MarkDecision {
  let best: MarkClass | null = null,
    top = -1,
    sum = 0;
  for (const cls of classes) {
    const p = probs[MARK_CLASSES.indexOf(cls)]!;
    sum += p;
    if (p > top) {
      top = p;
      best = cls;
    }
  }
  const blank = probs[MARK_CLASSES.indexOf('blank')]!;
  if (blank > sum) return { label: null, confidence: blank / (blank + sum) };
  return { label: best, confidence: sum > 0 ? top / sum : 0 };
}

/**
 * A true/false cell read as its value: the probabilities of the marks for true (T √ 对) and for
 * false (F × 错) are summed, so a cell that is surely "false" but unsure between × and F is sure.
 */
export function decideTrueFalse(probs: ArrayLike<number>): { value: 'T' | 'F' | null; confidence: number } {
  let t = 0,
    f = 0;
  for (const cls of TRUEFALSE) {
    const p = probs[MARK_CLASSES.indexOf(cls)]!;
    if (trueFalseValue(cls) === 'T') t += p;
    else f += p;
  }
  const blank = probs[MARK_CLASSES.indexOf('blank')]!;
  if (blank > t + f) return { value: null, confidence: blank / (blank + t + f) };
  return { value: t >= f ? 'T' : 'F', confidence: t + f > 0 ? Math.max(t, f) / (t + f) : 0 };
}
