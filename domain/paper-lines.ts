import { CJK_GAP, HAN } from './cjk';

// The lines of a paper as the parser sees them, and the shapes a line may have: a question's
// start, a section heading, a page number. Every line is normalised first (full-width ->
// ASCII, no spaces between CJK characters), so the patterns only deal with half-width punctuation.

export interface Line {
  text: string;
  confidence: number;
  page: number;
}

/** One question's lines, from its number to the next question's. */
export interface Block {
  number: string;
  page: number;
  /** the question's lines; the first has its number stripped */
  lines: Line[];
  /** lines after a section heading that started no question: not the answer, but searched by the fallback */
  tail: Line[];
}

/** NFKC folds full-width digits, letters and punctuation (（１）：) to ASCII; CJK has no spaces. */
export function normalizeLine(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[“”„]/g, '"')
    .replace(/[‘’`]/g, "'")
    .replace(/[—–－]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(CJK_GAP, '')
    .replace(/\s+(?=[,.:;!?、。)\]])|(?<=[([])\s+/g, '')
    .trim();
}

/** OCR reads 1 as l/I/| and 0 as O; only used where a number is expected. */
export function digits(token: string): string {
  return token.replace(/[lI|i!]/g, '1').replace(/[Oo]/g, '0');
}

const DIGITISH = '[0-9lI|O]';
export const PAGE_NUMBER = new RegExp(
  `^(?:第\\s*${DIGITISH}{1,3}\\s*页\\s*[/|,，]?\\s*共\\s*${DIGITISH}{1,3}\\s*页|page\\s*${DIGITISH}{1,3}\\s*(?:of|/)\\s*${DIGITISH}{1,3})$`,
  'i',
);
export const SECTION = /^(?:[一二三四五六七八九十]{1,3}\s*[、.,:]|Part\s+[IVXl1|]{1,4}\b|Section\s+[A-Z0-9]\b)/i;

export interface QuestionStart {
  number: string;
  rest: string;
  /** numbered in one of the design's formats, as opposed to a bare number guessed at */
  strict: boolean;
}

const STARTS: RegExp[] = [
  // A stray mark may sit on either side of the number ("第?2题").
  new RegExp(`^第\\s*[^\\s\\d题lI|O]?\\s*(${DIGITISH}{1,3})\\s*\\S?\\s*题\\s*[.:,、]?\\s*(.*)$`),
  // The full-width bracket （ is also read as 〈 《 【 [ { < \ /.
  new RegExp(`^[(\\[{<〈《【〔\\\\/]{1,2}\\s*(${DIGITISH}{1,3})\\s*[)\\]}|>〉》】〕]\\s*[.、]?\\s*(.*)$`),
  new RegExp(`^(${DIGITISH}{1,3})\\s*[.、,](?![0-9])\\s*(.*)$`),
];
// A missing separator ("4 两个…") or a digit read right after it ("7.1 have" for "7. I have").
const LOOSE_START = new RegExp(`^([0-9]{1,3})(?:\\s+|\\s*[.、,]\\s*|(?=[${HAN}]))(.+)$`);
// "第?题": the number itself was unreadable; only the next expected question can be meant.
// "(1 下列": the closing bracket was lost.
const OPEN_PAREN_START = /^\(\s*([0-9]{1,3})\s+(.+)$/;
const UNREADABLE_START = /^第\s*[^\d\s题]{0,2}\s*题\s*[.:,、]?\s*(.*)$/;

export function questionStart(text: string): QuestionStart | null {
  for (const re of STARTS) {
    const m = re.exec(text);
    if (m && /[0-9]/.test(digits(m[1]!))) return { number: String(Number(digits(m[1]!))), rest: m[2] ?? '', strict: true };
  }
  const loose = LOOSE_START.exec(text) ?? OPEN_PAREN_START.exec(text);
  if (loose) return { number: String(Number(loose[1])), rest: loose[2]!, strict: false };
  const unreadable = UNREADABLE_START.exec(text);
  return unreadable ? { number: '?', rest: unreadable[1]!, strict: false } : null;
}

// A line shaped like a question start whose number is unreadable or wrong ("0) 夜来…" for
// "(7)", "(?) …"): only used to place a question that was not found by its number.
const WEAK_START = new RegExp(
  `^(?:[(\\[{<〈《【〔]?\\s*[^\\s()]{1,3}\\s*[)\\]}>〉》】〕]|第\\s*[^题]{0,4}\\s*题|[0-9lIO|?]{1,3}\\s*[.、,])\\s*(.+)$`,
);
const OPTION_LINE = /^[A-H]\s*[.:、)]/;
/** A line that starts with an answer label (`答：` `答案：` `学生答案：` `Answer:`). */
export const LINE_LABEL = /^(?:学生答案|答案|答|Answer|ANSWER|Ans)\s*([:;'.,]?)\s*(.*)$/;

export function weakStart(text: string): string | null {
  if (OPTION_LINE.test(text) || LINE_LABEL.test(text)) return null;
  return WEAK_START.exec(text)?.[1] ?? null;
}

export function compact(text: string): string {
  return text.replace(/[\s\p{P}\p{S}]/gu, '').toLowerCase();
}
