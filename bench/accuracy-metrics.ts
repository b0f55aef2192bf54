import type { TemplateQuestion } from '../domain/template';
import { normalizeAnswer } from '../domain/normalize';

// The benchmark's measures, as plain functions: character error rate of OCR text, and
// whether an extracted answer equals the ground truth.

/** Levenshtein distance, two rows of memory (pages are ~1–2k characters). */
function editDistance(a: string, b: string): number {
  const A = [...a];
  const B = [...b];
  let prev = Int32Array.from({ length: B.length + 1 }, (_, j) => j);
  let cur = new Int32Array(B.length + 1);
  for (let i = 1; i <= A.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= B.length; j++) {
      const sub = prev[j - 1]! + (A[i - 1] === B[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[B.length]!;
}

/**
 * The form OCR text and rendered text are compared in: NFKC (full-width folded) and no
 * whitespace at all. Line breaks and CJK spacing are layout, not characters read.
 */
function cerForm(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}

export interface CerTally {
  errors: number;
  chars: number;
}

export function addCer(tally: CerTally, ocr: string, truth: string): void {
  const t = cerForm(truth);
  tally.errors += editDistance(cerForm(ocr), t);
  tally.chars += t.length;
}

/** Free text compared without punctuation or spaces: `，` read as `,` or a lost full stop changes nothing. */
function compactText(s: string): string {
  return normalizeAnswer(s).replace(/[\s\p{P}\p{S}]/gu, '');
}

/**
 * True when the pipeline extracted what the student wrote. Letters and marks must be
 * equal exactly; fill answers after the grader's normalisation; open answers as compact
 * text (see compactText). A blank is right only when the truth is blank too.
 */
export function answerMatches(q: TemplateQuestion, extracted: string | null, truth: string | null): boolean {
  if (truth === null || extracted === null) return truth === extracted;
  switch (q.type) {
    case 'choice':
    case 'multi':
    case 'truefalse':
      return extracted === truth;
    case 'fill':
      return normalizeAnswer(extracted) === normalizeAnswer(truth);
    case 'open':
      return compactText(extracted) === compactText(truth);
  }
}
