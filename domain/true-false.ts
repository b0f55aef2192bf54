// How a true/false answer is written, read back as 'T' or 'F': one table for the grader (an
// answer as typed or parsed), the parser (OCR text, with its misreadings) and the mark reader.

export type TrueFalse = 'T' | 'F';

/** Words and marks for "true" and "false", lower-case. */
const WRITTEN: Record<TrueFalse, readonly string[]> = {
  T: ['t', 'true', 'y', 'yes', 'right', '√', '✓', '✔', '☑', '对', '正确', '是'],
  F: ['f', 'false', 'n', 'no', 'wrong', '×', 'x', '✗', '✘', '☒', '错', '错误', '不对', '不正确', '否'],
};
/** OCR's readings of a handwritten √ as a letter, matched at the start of a word like the written ones. */
const OCR_LETTERS: Record<TrueFalse, readonly string[]> = { T: ['v', 'j'], F: [] };
/** chi_sim reads a lone Latin T or F after a Chinese label as a look-alike Han character. */
const OCR_HAN: Record<TrueFalse, readonly string[]> = { T: ['工', '丁', '下', '了'], F: ['上', '卜'] };

/** A word or mark exactly as written ("√", "对", "False"), or null when it says neither. */
export function trueFalseOf(word: string): TrueFalse | null {
  const w = word.trim().toLowerCase();
  if (WRITTEN.T.includes(w)) return 'T';
  if (WRITTEN.F.includes(w)) return 'F';
  return null;
}

/** OCR text of a true/false answer ("( √ )", "错误", "V"): what it starts with, "false" words first. */
export function readTrueFalse(text: string): TrueFalse | null {
  const t = text.replace(/[\s()]/g, '').toLowerCase();
  if (OCR_HAN.T.includes(t)) return 'T';
  if (OCR_HAN.F.includes(t)) return 'F';
  for (const value of ['F', 'T'] as const) {
    if ([...WRITTEN[value], ...OCR_LETTERS[value]].some((word) => t.startsWith(word))) return value;
  }
  return null;
}
