// Chinese text as OCR returns it: Han characters and CJK punctuation, and the spaces OCR puts
// between them (chi_sim reads "下 列 各 数"; Chinese has none).

/** Han characters and CJK punctuation, for a regex character class. */
export const HAN = '\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff';
/** The same with full-width forms (（１）：), which OCR returns before NFKC folds them. */
const CJK = `${HAN}\\uff00-\\uffef`;

/** Spaces or tabs between two CJK characters. */
export const CJK_GAP = new RegExp(`(?<=[${CJK}])[ \\t]+(?=[${CJK}])`, 'g');

/** The line without the spaces OCR put between CJK characters, other runs of spaces as one. */
export function joinCjk(line: string): string {
  return line
    .replace(CJK_GAP, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
}
