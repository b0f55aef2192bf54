import type { OcrPage, ParsedAnswer, ParsedExam } from './paper';
import { readAnswer } from './paper-answers';
import { HEADER_LABELS, parseHeader } from './paper-header';
import { compact, normalizeLine, PAGE_NUMBER, questionStart, SECTION, weakStart, type Block, type Line } from './paper-lines';
import { questionKey, type Template } from './template';
import { tableAnswers } from './table-answers';

// Turns the OCR text of a paper into the student's answers, aligned to the template by
// question number. Pure: no I/O. The lines and
// their shapes are in paper-lines.ts, the header in paper-header.ts, the answers in paper-answers.ts.

export { normalizeLine } from './paper-lines';
export { normalizeAnswer } from './paper-answers';

/**
 * Fallback alignment. Questions not found by number sit, in template order, inside the block
 * of the question before them (or in the header, for the first ones): when that block holds
 * enough lines shaped like a question start, the last ones are taken as the missing
 * questions, in order. Never invents a question: without such a line it stays missing.
 */
function recoverMisnumbered(blocks: Block[], header: Line[], template: Template): void {
  const foundNumbers = new Set(blocks.map((b) => b.number));
  const questions = template.questions.map((q) => q.number);
  for (let i = 0; i < questions.length;) {
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

/** Every line of every page, in page order, normalised; page numbers and empty lines dropped. */
function paperLines(sorted: OcrPage[]): Line[] {
  const all: Line[] = sorted.flatMap((p, i) =>
    (p.lines.length ? p.lines : p.text.split('\n').map((text) => ({ text, confidence: p.confidence }))).map((l) => ({
      text: normalizeLine(l.text),
      confidence: l.confidence,
      page: i,
    })),
  );
  return all.filter((l) => l.text && !PAGE_NUMBER.test(l.text.replace(/\s+/g, ' ')));
}

/** The first line of the first page, when it is neither a question, a section nor a header field. */
function titleLine(lines: Line[]): Line | null {
  const first = lines.find((l) => l.page === 0);
  if (!first || questionStart(first.text) || SECTION.test(first.text)) return null;
  return HEADER_LABELS.some(({ re }) => new RegExp(re.source, 'i').test(first.text)) ? null : first;
}

/** Cuts the lines into one block per question found by its number; what comes before the first is the header. */
function splitBlocks(lines: Line[], title: Line | null, template: Template): { header: Line[]; blocks: Block[] } {
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
  return { header, blocks };
}

export function parseExam(pages: OcrPage[], template: Template): ParsedExam {
  const sorted = [...pages].sort((a, b) => a.pageIndex - b.pageIndex);
  const lines = paperLines(sorted);
  const title = titleLine(lines);
  const { header, blocks } = splitBlocks(lines, title, template);
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
