import type { AnswerFlag } from './documents';
import { allowedClasses, choiceLetters, decideAmong, decideTrueFalse } from './marks';
import type { ParsedAnswer } from './paper';
import { questionKey, type Template, type TemplateQuestion } from './template';

// Answers read from answer tables (reading/handwriting/answer-tables.ts) turned into the parsed paper's
// answers: each cell's class probabilities are read as its question's type asks, and runs of
// numbering (a new run where the numbers start again) map to the template's sections in order.

/** One answer cell under a printed question number, as the OCR step stores it with the page. */
export interface TableAnswerCell {
  /** 0 for the first run of numbers on the page, +1 each time the numbering starts again */
  group: number;
  number: string;
  /** class probabilities of the whole mark (domain/marks.ts order); null when the cell is empty */
  whole: number[] | null;
  /** class probabilities of each glyph left to right (AC, 12) */
  parts: number[][];
  /** inked share of the cell after clean-up */
  ink: number;
  /** the printed section heading over the cell's table (一、选择题), when the page's OCR read one */
  heading?: string;
  /** where the answer cell is on the cleaned-up page (pixels) */
  box?: { x: number; y: number; w: number; h: number };
}

/** Below this a reading is flagged low_confidence, for a teacher to check. */
export const TABLE_LOW_CONFIDENCE = 0.8;

/** A cell with this share of its area inked (after clean-up) holds writing, not specks. */
const INKED_CELL = 0.012;

/** Table answers by questionKey, from the pages in order. */
export function tableAnswers(pages: { tables?: TableAnswerCell[] }[], template: Template): Map<string, ParsedAnswer> {
  const sections = [...new Set(template.questions.map((q) => q.section ?? null))];
  const byKey = new Map(template.questions.map((q) => [questionKey(q), q]));
  const out = new Map<string, ParsedAnswer>();
  let base = 0,
    lastGroup = -1,
    lastNumber = 0;
  pages.forEach((page, pageIndex) => {
    const cells = page.tables ?? [];
    // a page continues the numbering of the one before unless it starts again
    if (cells.length && lastGroup >= 0)
      base = Number(cells[0]!.number) > lastNumber ? lastGroup - cells[0]!.group : lastGroup + 1 - cells[0]!.group;
    for (const cell of cells) {
      const group = base + cell.group;
      lastGroup = group;
      lastNumber = Number(cell.number);
      const section = headingSection(cell.heading, template) ?? (sections.length > 1 || sections[0] !== null ? sections[group] : null);
      if (section === undefined) continue;
      // Sections numbered on (一 1–10, 二 11–15) never restart: a number only one question has is that question.
      const q = byKey.get(questionKey({ number: cell.number, section })) ?? onlyWithNumber(template, cell.number);
      if (!q || q.type === 'open' || out.has(questionKey(q))) continue;
      out.set(questionKey(q), { ...readCell(cell, q), page: pageIndex, ...(q.section ? { section: q.section } : {}) });
    }
  });
  return out;
}

/**
 * The template section a printed heading names, if any: by its label (一、选择题 → 一), or else
 * by its title when exactly one section has it (选择题).
 */
function headingSection(heading: string | undefined, template: Template): string | undefined {
  if (!heading) return undefined;
  const text = heading.replace(/\s+/g, '');
  const labels = [...new Set(template.questions.flatMap((q) => (q.section ? [q.section] : [])))];
  const byLabel = labels.find((s) => text.startsWith(s) && /^[、.．,，]/.test(text.slice(s.length)));
  if (byLabel) return byLabel;
  const byTitle = labels.filter((s) => {
    const title = template.sections?.[s]?.title;
    return !!title && text.includes(title.replace(/\s+/g, ''));
  });
  return byTitle.length === 1 ? byTitle[0] : undefined;
}

function onlyWithNumber(template: Template, number: string): TemplateQuestion | undefined {
  const matches = template.questions.filter((q) => q.number === number);
  return matches.length === 1 ? matches[0] : undefined;
}

function readCell(cell: TableAnswerCell, q: TemplateQuestion): Omit<ParsedAnswer, 'page'> {
  const base = { number: q.number };
  if (!cell.whole) return { ...base, answer: null, confidence: 1 };
  let answer: string | null;
  let confidence: number;
  if (q.type === 'truefalse') {
    const d = decideTrueFalse(cell.whole);
    answer = d.value;
    confidence = d.confidence;
  } else if (q.type === 'choice') {
    // among the question's own options: a four-option question is never read as E–H
    const d = decideAmong(cell.whole, choiceLetters(q.options?.length));
    answer = d.label;
    confidence = d.confidence;
  } else {
    const classes = q.type === 'multi' ? choiceLetters(q.options?.length) : allowedClasses('digit');
    const reads = (cell.parts.length ? cell.parts : [cell.whole]).map((p) => decideAmong(p, classes));
    const labels = reads.flatMap((r) => (r.label ? [r.label as string] : []));
    answer = labels.length ? (q.type === 'multi' ? [...new Set(labels)].sort().join('') : labels.join('')) : null;
    confidence = reads.reduce((m, r) => Math.min(m, r.confidence), 1);
  }
  // Ink the classifier calls blank is more likely a faint answer than nothing: a teacher looks.
  if (answer === null && cell.ink >= INKED_CELL) confidence = Math.min(confidence, TABLE_LOW_CONFIDENCE / 2);
  const flags: AnswerFlag[] = confidence < TABLE_LOW_CONFIDENCE ? ['low_confidence'] : [];
  return { ...base, answer, confidence: Math.round(confidence * 1000) / 1000, ...(flags.length ? { flags } : {}) };
}
