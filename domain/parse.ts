import type { OcrPage, ParsedAnswer, ParsedExam } from './paper';
import type { Student } from './documents';
import { questionKey, type Template, type TemplateQuestion } from './template';
import { tableAnswers } from './table-answers';

// Turns the OCR text of a paper into the student's answers, aligned to the template by
// question number. Pure: no I/O.
// Every line is normalised first (full-width -> ASCII, no spaces between CJK characters),
// so the patterns below only deal with half-width punctuation.

interface Line {
  text: string;
  confidence: number;
  page: number;
}

interface Block {
  number: string;
  page: number;
  /** the question's lines; the first has its number stripped */
  lines: Line[];
  /** lines after a section heading that started no question: not the answer, but searched by the fallback */
  tail: Line[];
}

const HAN = '\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff';
const CJK_GAP = new RegExp(`(?<=[${HAN}])\\s+(?=[${HAN}])`, 'g');

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
function digits(token: string): string {
  return token.replace(/[lI|i!]/g, '1').replace(/[Oo]/g, '0');
}

const DIGITISH = '[0-9lI|O]';
const PAGE_NUMBER = new RegExp(
  `^(?:第\\s*${DIGITISH}{1,3}\\s*页\\s*[/|,，]?\\s*共\\s*${DIGITISH}{1,3}\\s*页|page\\s*${DIGITISH}{1,3}\\s*(?:of|/)\\s*${DIGITISH}{1,3})$`,
  'i',
);
const SECTION = /^(?:[一二三四五六七八九十]{1,3}\s*[、.,:]|Part\s+[IVXl1|]{1,4}\b|Section\s+[A-Z0-9]\b)/i;

interface QuestionStart {
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

function questionStart(text: string): QuestionStart | null {
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
const WEAK_START = new RegExp(`^(?:[(\\[{<〈《【〔]?\\s*[^\\s()]{1,3}\\s*[)\\]}>〉》】〕]|第\\s*[^题]{0,4}\\s*题|[0-9lIO|?]{1,3}\\s*[.、,])\\s*(.+)$`);
const OPTION_LINE = /^[A-H]\s*[.:、)]/;

function weakStart(text: string): string | null {
  if (OPTION_LINE.test(text) || LINE_LABEL.test(text)) return null;
  return WEAK_START.exec(text)?.[1] ?? null;
}

function compact(text: string): string {
  return text.replace(/[\s\p{P}\p{S}]/gu, '').toLowerCase();
}

// ---- header ----------------------------------------------------------------------------

const HEADER_LABELS: { field: keyof Student; re: RegExp }[] = [
  { field: 'name', re: /(?:姓名|Name)\s*[:;.]?/gi },
  { field: 'class', re: /(?:班级|Class)\s*[:;.]?/gi },
  { field: 'id', re: /(?:学号|考号|Student\s*(?:No|ID|Number)\s*\.?\s*[:;]?|ID\s*[:;])/gi },
];

function parseHeader(lines: Line[]): Student {
  const student: Student = { name: null, class: null, id: null };
  for (const { text } of lines) {
    const found = HEADER_LABELS.flatMap(({ field, re }) =>
      [...text.matchAll(re)].map((m) => ({ field, start: m.index, end: m.index + m[0].length })),
    ).sort((a, b) => a.start - b.start);
    found.forEach((f, i) => {
      const value = text
        .slice(f.end, found[i + 1]?.start ?? text.length)
        .replace(/_/g, '')
        .replace(/^[\s:;.,'"|“”]+|[\s:;,'"|“”]+$/g, '')
        .trim();
      if (value && student[f.field] === null) student[f.field] = f.field === 'id' ? cleanId(value) : f.field === 'class' ? cleanClass(value) : value;
    });
  }
  return student;
}

/** A class is mostly a number in brackets ("八(1)班"): a 1 read as ] | l I is fixed there. */
function cleanClass(value: string): string {
  return value.replace(/\(\s*[\]|lIJ!]{1,2}\s*\)/g, '(1)');
}

/** Student numbers are mostly digits: fix l/O confusions there, `$` for a leading S. */
function cleanId(value: string): string {
  const id = value.replace(/\s+/g, '').replace(/^\$/, 'S');
  const body = id.replace(/^[A-Z]/, '');
  return /[0-9]/.test(body) && /^[0-9lIO|]+$/.test(body) ? id.slice(0, id.length - body.length) + digits(body) : id;
}

// ---- answers ----------------------------------------------------------------------------

const LINE_LABEL = /^(?:学生答案|答案|答|Answer|ANSWER|Ans)\s*([:;'.,]?)\s*(.*)$/;
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
      const letters = text.toUpperCase().replace(/8/g, 'B').replace(/[^A-H]/g, '');
      if (!letters) return text;
      return q.type === 'choice' ? letters[0]! : [...new Set(letters)].sort().join('');
    }
    case 'truefalse':
      return trueFalse(text) ?? text;
    case 'fill':
      return cleanFill(text);
    case 'open':
      return text.replace(/(^|\s)\|(?=\s)/g, '$1I');
  }
}

function trueFalse(text: string): 'T' | 'F' | null {
  const t = text.replace(/[\s()]/g, '');
  // chi_sim reads a lone Latin T or F after a Chinese label as a look-alike Han character.
  if (/^[工丁下了]$/.test(t)) return 'T';
  if (/^[上卜]$/.test(t)) return 'F';
  if (/^(不对|不正确|错|错误|×|✗|✘|[xX]|F|false|wrong|no)/i.test(t)) return 'F';
  if (/^(对|正确|√|✓|✔|[VvYyJ]|T|true|right|yes)/i.test(t)) return 'T';
  return null;
}

/** Fill answers: no trailing full stop, no spaces around symbols or CJK ("x = 5" -> "x=5"). */
function cleanFill(text: string): string {
  // Stray quote marks are OCR noise at either end of a short answer ("\"25" for 2.5 aside).
  let t = text.replace(/^["'`]+|["'`]+$/g, '').replace(/[。，,;；]+$/, '').trim();
  if (!/[0-9]\.$/.test(t)) t = t.replace(/\.$/, '');
  t = t.replace(/\s*([^\p{L}\p{N}\s])\s*/gu, '$1').replace(new RegExp(`(?<=[${HAN}])\\s+|\\s+(?=[${HAN}])`, 'g'), '');
  // A numeric answer read with l/O confusions ("l0" -> "10").
  if (/[0-9]/.test(t) && /^[-+]?[0-9lIO|]+(?:[./][0-9lIO|]+)?$/.test(t)) t = digits(t);
  return t.trim();
}

function mean(lines: Line[]): number {
  return lines.length ? lines.reduce((s, l) => s + l.confidence, 0) / lines.length : 0;
}

function readAnswer(block: Block, q: TemplateQuestion): ParsedAnswer {
  const label = labelled(block, q);
  const bracket = q.type === 'choice' || q.type === 'multi' || q.type === 'truefalse' ? bracketed(block, q) : null;
  // A filled-in answer wins over an empty one; the label wins over the bracket.
  const source = [label, bracket].find((f) => f && f.value.trim()) ?? label ?? bracket;
  const answer = source ? normalizeAnswer(q, source.value) : null;
  const confidence = mean(source?.lines ?? block.lines.slice(0, 1));
  return { number: q.number, answer, confidence: Math.round(confidence * 1000) / 1000, page: block.page };
}

// ---- the paper ---------------------------------------------------------------------------

/**
 * Fallback alignment. Questions not found by number sit, in template order, inside the block
 * of the question before them (or in the header, for the first ones): when that block holds
 * enough lines shaped like a question start, the last ones are taken as the missing
 * questions, in order. Never invents a question: without such a line it stays missing.
 */
function recoverMisnumbered(blocks: Block[], header: Line[], template: Template): void {
  const foundNumbers = new Set(blocks.map((b) => b.number));
  const questions = template.questions.map((q) => q.number);
  for (let i = 0; i < questions.length; ) {
    if (foundNumbers.has(questions[i]!)) {
      i += 1;
      continue;
    }
    let end = i;
    while (end < questions.length && !foundNumbers.has(questions[end]!)) end += 1;
    const run = questions.slice(i, end);
    const before = i > 0 ? blocks.find((b) => b.number === questions[i - 1]) : undefined;
    const host = before ? [...before.lines, ...before.tail] : header;
    const candidates = host.map((l, k) => ({ k, rest: k > 0 || !before ? weakStart(l.text) : null })).filter((c) => c.rest !== null);
    if (candidates.length >= run.length) {
      const chosen = candidates.slice(candidates.length - run.length);
      const created: Block[] = chosen.map((c, j) => {
        const stop = chosen[j + 1]?.k ?? host.length;
        const lines = host.slice(c.k, stop);
        return { number: run[j]!, page: lines[0]!.page, lines: [{ ...lines[0]!, text: c.rest! }, ...lines.slice(1)], tail: [] };
      });
      if (before) {
        before.lines.splice(chosen[0]!.k);
        before.tail = [];
      } else header.splice(chosen[0]!.k);
      const at = before ? blocks.indexOf(before) + 1 : 0;
      blocks.splice(at, 0, ...created);
    }
    i = end;
  }
}

export function parseExam(pages: OcrPage[], template: Template): ParsedExam {
  const sorted = [...pages].sort((a, b) => a.pageIndex - b.pageIndex);
  const all: Line[] = sorted.flatMap((p, i) =>
    (p.lines.length ? p.lines : p.text.split('\n').map((text) => ({ text, confidence: p.confidence }))).map((l) => ({
      text: normalizeLine(l.text),
      confidence: l.confidence,
      page: i,
    })),
  );
  const lines = all.filter((l) => l.text && !PAGE_NUMBER.test(l.text.replace(/\s+/g, ' ')));

  const first = lines.find((l) => l.page === 0);
  const isTitle = first && !questionStart(first.text) && !SECTION.test(first.text) && !HEADER_LABELS.some(({ re }) => new RegExp(re.source, 'i').test(first.text));
  const title = isTitle ? first : null;
  const titleKey = title ? compact(title.text) : '';
  const byNumber = new Map(template.questions.map((q) => [q.number, q]));
  const order = template.questions.map((q) => Number(q.number));

  const header: Line[] = [];
  const blocks: Block[] = [];
  let current: Block | null = null;
  let last = 0;
  const numbers = lines.map((l) => Number(questionStart(l.text)?.number ?? NaN));
  // A number that skips ahead while a later line starts a question in between (or the same
  // one) is a misread ("(7)" for "(2)"): left to the fallback instead of swallowing 2–6.
  const skipsAhead = (at: number, n: number, expected: number | undefined) =>
    expected !== undefined && n > expected && numbers.slice(at + 1).some((m) => m >= expected && m <= n);
  for (const [at, line] of lines.entries()) {
    if (line === title) continue;
    // Running heads repeat the title on later pages.
    if (line.page > 0 && titleKey && compact(line.text) === titleKey) continue;
    if (SECTION.test(line.text)) {
      current = null;
      continue;
    }
    const nextExpected = order.find((x) => x > last);
    const start = questionStart(line.text);
    if (start?.number === '?' && nextExpected !== undefined) start.number = String(nextExpected);
    const n = start ? Number(start.number) : NaN;
    const accept =
      start &&
      byNumber.has(start.number) &&
      n > last &&
      !blocks.some((b) => b.number === start.number) &&
      (start.strict || n === nextExpected) &&
      !skipsAhead(at, n, nextExpected);
    if (accept) {
      current = { number: start.number, page: line.page, lines: [{ ...line, text: start.rest }], tail: [] };
      blocks.push(current);
      last = n;
    } else if (current) current.lines.push(line);
    else if (blocks.length === 0) header.push(line);
    else blocks.at(-1)!.tail.push(line);
  }

  recoverMisnumbered(blocks, header, template);
  const found = new Map(blocks.map((b) => [b.number, b]));
  const tables = tableAnswers(sorted, template);
  const answers: ParsedAnswer[] = [];
  const missing: string[] = [];
  for (const q of template.questions) {
    const block = found.get(q.number);
    // Printed papers carry numbers only; a sectioned template's answer keeps its section.
    // An answer table's cell for the question wins over the text: it is where the answer is.
    const fromTable = tables.get(questionKey(q));
    if (fromTable) answers.push(fromTable);
    else if (block) answers.push({ ...readAnswer(block, q), ...(q.section ? { section: q.section } : {}) });
    else missing.push(questionKey(q));
  }
  return { title: title?.text ?? null, student: parseHeader(header), answers, missing };
}
