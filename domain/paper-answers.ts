import { HAN } from './cjk';
import type { ParsedAnswer } from './paper';
import { digits, LINE_LABEL, type Block, type Line } from './paper-lines';
import type { TemplateQuestion } from './template';
import { readTrueFalse } from './true-false';

// One question's answer, read from its block of lines: after an answer label, or inside the
// stem's bracket, normalised by question type.

const INLINE_LABEL = /(?:学生答案|答案|答|Answer)\s*:\s*(.*)$/;

interface Found {
  value: string;
  lines: Line[];
}

/** The text after an answer label (`答：` `答案：` `学生答案：` `Answer:`), if the block has one. */
function labelled(block: Block, q: TemplateQuestion): Found | null {
  for (const [i, line] of block.lines.entries()) {
    let value: string | undefined;
    const m = LINE_LABEL.exec(line.text);
    // "Answer the question..." is question text, not a label.
    if (m && !(m[1] === '' && /^[a-z]{2,}\b/.test(m[2]!))) value = m[2]!;
    else value = INLINE_LABEL.exec(line.text)?.[1];
    if (value === undefined) continue;
    if (q.type !== 'open') return { value, lines: [line] };
    // Open answers run to the end of the question, across lines and pages.
    const rest = block.lines.slice(i + 1);
    return { value: joinText([value, ...rest.map((l) => l.text)]), lines: [line, ...rest] };
  }
  return null;
}

const CHOICE_TOKEN = /^[A-Ha-h8\s,、/]+$/;
const TF_TOKEN = /^(?:√|✓|✔|[VvYyJ]{1,2}|对|错|正确|错误|不对|×|✗|✘|[xX]{1,2}I?|[TF]|true|false)$/i;

/** The answer written inside the stem's bracket: `（ B ）` `( √ )`; '' for an empty bracket. */
function bracketed(block: Block, q: TemplateQuestion): Found | null {
  const token = q.type === 'truefalse' ? TF_TOKEN : CHOICE_TOKEN;
  let best: Found | null = null;
  for (const line of block.lines) {
    if (/^[A-H]\s*[.:、]/.test(line.text)) continue; // an options line
    // OCR reads the full-width bracket （ as 〈 < [ { 【 and the like.
    const text = line.text.replace(/[〈<{[【「『《〔]/g, '(').replace(/[〉>}\]】」』》〕]/g, ')');
    for (const m of text.matchAll(/\(([^()]{0,12})\)|\(\s*([A-Ha-h8]{1,4})\s*$/g)) {
      const inside = (m[1] ?? m[2] ?? '').replace(/['"`.]/g, '').trim(); // "(V')" is a √
      if (inside === '' || token.test(inside)) best = { value: inside, lines: [line] };
    }
  }
  return best;
}

// Chinese lines join without a space, also across punctuation ("角，" + "所以"); Latin lines with one.
const HAN_END = new RegExp(`[${HAN}][\\p{P}\\s]*$`, 'u');
const HAN_START = new RegExp(`^[\\p{P}\\s]*[${HAN}]`, 'u');

function joinText(parts: string[]): string {
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .reduce((acc, p) => (acc && !(HAN_END.test(acc) && HAN_START.test(p)) ? `${acc} ${p}` : acc + p), '');
}

/** The canonical answer (`B`, `AC`, `T`, text) or null when the student left it blank. */
export function normalizeAnswer(q: TemplateQuestion, raw: string): string | null {
  const text = raw.replace(/_{2,}/g, ' ').trim();
  if (!text) return null;
  switch (q.type) {
    case 'choice':
    case 'multi': {
      const letters = text
        .toUpperCase()
        .replace(/8/g, 'B')
        .replace(/[^A-H]/g, '');
      if (!letters) return text;
      return q.type === 'choice' ? letters[0]! : [...new Set(letters)].sort().join('');
    }
    case 'truefalse':
      return readTrueFalse(text) ?? text;
    case 'fill':
      return cleanFill(text);
    case 'open':
      return text.replace(/(^|\s)\|(?=\s)/g, '$1I');
  }
}

/** Fill answers: no trailing full stop, no spaces around symbols or CJK ("x = 5" -> "x=5"). */
function cleanFill(text: string): string {
  // Stray quote marks are OCR noise at either end of a short answer ("\"25" for 2.5 aside).
  let t = text
    .replace(/^["'`]+|["'`]+$/g, '')
    .replace(/[。，,;；]+$/, '')
    .trim();
  if (!/[0-9]\.$/.test(t)) t = t.replace(/\.$/, '');
  t = t.replace(/\s*([^\p{L}\p{N}\s])\s*/gu, '$1').replace(new RegExp(`(?<=[${HAN}])\\s+|\\s+(?=[${HAN}])`, 'g'), '');
  // A numeric answer read with l/O confusions ("l0" -> "10").
  if (/[0-9]/.test(t) && /^[-+]?[0-9lIO|]+(?:[./][0-9lIO|]+)?$/.test(t)) t = digits(t);
  return t.trim();
}

function mean(lines: Line[]): number {
  return lines.length ? lines.reduce((s, l) => s + l.confidence, 0) / lines.length : 0;
}

export function readAnswer(block: Block, q: TemplateQuestion): ParsedAnswer {
  const label = labelled(block, q);
  const bracket = q.type === 'choice' || q.type === 'multi' || q.type === 'truefalse' ? bracketed(block, q) : null;
  // A filled-in answer wins over an empty one; the label wins over the bracket.
  const source = [label, bracket].find((f) => f && f.value.trim()) ?? label ?? bracket;
  const answer = source ? normalizeAnswer(q, source.value) : null;
  const confidence = mean(source?.lines ?? block.lines.slice(0, 1));
  return { number: q.number, answer, confidence: Math.round(confidence * 1000) / 1000, page: block.page };
}
