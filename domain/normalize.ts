import { trueFalseOf } from './true-false';

// Answer normalisation shared by grading. Pure string helpers: a student's written
// answer and the key are pushed through the same functions, then compared.

/** Full-width ASCII (ＡＢ１２，：) and the ideographic space become their half-width forms. */
export function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E\u3000]/g, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

// Punctuation a student may end an answer with; never part of the answer itself.
const trailingPunctuation = /[\s.,;:!?。，、；：！？…]+$/u;

/**
 * The comparable form of a free-text answer: half-width, lower-case Latin, trailing
 * punctuation removed, whitespace collapsed. Whitespace is kept only between two Latin
 * letters/digits ("new york"); elsewhere it is dropped, because OCR puts spaces inside CJK
 * text and students write "x = 5" as often as "x=5".
 */
export function normalizeAnswer(s: string): string {
  const folded = toHalfWidth(s).normalize('NFC').toLowerCase().trim().replace(trailingPunctuation, '');
  return folded
    .replace(/\s+/g, ' ')
    .replace(/ (?![a-z0-9])|(?<![a-z0-9]) /g, '')
    .trim();
}

const chineseDigits: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 零..九十九 (五, 十, 十五, 二十, 三十七) as an integer; null for anything else. */
function parseChineseInteger(s: string): number | null {
  const m = /^([一二两三四五六七八九])?(十)?([零〇一二两三四五六七八九])?$/u.exec(s);
  if (!m || s === '') return null;
  const [, tens, ten, ones] = m;
  // Without 十 the regex may capture a lone digit in either group; two digits ("五五") are not a number.
  if (!ten) return tens && ones ? null : (chineseDigits[tens ?? ones ?? ''] ?? null);
  return (tens ? chineseDigits[tens]! : 1) * 10 + (ones ? chineseDigits[ones]! : 0);
}

function parseSimpleNumber(s: string): number | null {
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(s)) return Number(s);
  const zh = /^(负)?(.+)$/u.exec(s);
  const n = zh ? parseChineseInteger(zh[2]!) : null;
  return n === null ? null : zh![1] ? -n : n;
}

/**
 * The numeric value of an answer, or null when it is not a number. Accepted forms:
 * integers and decimals (`5`, `-3`, `0.50`, `.5`, `5.`), simple fractions `a/b` with
 * `b ≠ 0`, Chinese fractions `b分之a` (`二分之一`), percentages `n%` meaning n/100 (so
 * `50%` = `0.5` = `1/2`), and Chinese integers 零..九十九 with optional 负. No units, no
 * thousands separators, no mixed numbers: those belong in the template's `accept` list.
 */
export function parseNumber(raw: string): number | null {
  const s = normalizeAnswer(raw).replace(/−/g, '-');
  if (s === '') return null;
  if (s.endsWith('%')) {
    const n = parseSimpleNumber(s.slice(0, -1));
    return n === null ? null : n / 100;
  }
  const slash = /^([+-]?)([^/]+)\/([^/]+)$/.exec(s);
  const zh = /^(负?)(.+)分之(.+)$/u.exec(s); // b分之a reads denominator first
  const parts = slash ? { sign: slash[1], num: slash[2]!, den: slash[3]! } : zh ? { sign: zh[1], num: zh[3]!, den: zh[2]! } : null;
  if (parts) {
    const num = parseSimpleNumber(parts.num);
    const den = parseSimpleNumber(parts.den);
    if (num === null || den === null || den === 0) return null;
    return (parts.sign === '-' || parts.sign === '负' ? -1 : 1) * (num / den);
  }
  return parseSimpleNumber(s);
}

/** Equal as numbers, allowing only floating-point noise (1/3 ≠ 0.33: a rounded value is not equal). */
function numbersEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** True when two answers are the same after normalisation, or the same number. */
export function answersMatch(student: string, expected: string): boolean {
  if (normalizeAnswer(student) === normalizeAnswer(expected)) return true;
  const a = parseNumber(student);
  const b = parseNumber(expected);
  return a !== null && b !== null && numbersEqual(a, b);
}

/** A true/false mark as written on paper (√ ✓ 对 正确 T true / × ✗ 错 错误 F false) as 'T' | 'F'. */
export function normalizeTrueFalse(s: string): 'T' | 'F' | null {
  return trueFalseOf(normalizeAnswer(s).replace(/[()（）[\]]/g, ''));
}

/** The option letters of a choice/multi answer ("a, c" / "（AC）" / "C A" → "AC"), upper-case, de-duplicated, sorted. */
export function choiceLetters(s: string): string {
  const letters = new Set(
    toHalfWidth(s)
      .toUpperCase()
      .replace(/[^A-Z]/g, ''),
  );
  return [...letters].sort().join('');
}

/** Removes binary floating-point noise (0.1 + 0.2 → 0.3) from a score. */
export function cleanNumber(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Rounds to the nearest 0.5, immune to noise just below a half step. */
export function roundHalf(x: number): number {
  return Math.round(cleanNumber(x * 2)) / 2;
}
