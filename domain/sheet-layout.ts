import type { QuestionType, Template, TemplateQuestion } from './template';

// The answer sheet of a template, as pure geometry: PDF points,
// origin at the page's top-left corner, y downwards. The PDF is drawn from exactly this, and the
// reader reads from exactly this, so the two can never disagree.
//
// Conventions: markers, the code and boxes are given by their top-left corner; bubbles by their
// centre and radius. Markers and the code sit at the same place on every page of every template,
// so a reader can find and orient any examflow sheet before it knows which one it is.

export interface SheetMarker {
  x: number;
  y: number;
  size: number;
}
interface SheetBubble {
  label: string;
  x: number;
  y: number;
  r: number;
}
interface SheetDigitBubble {
  digit: number;
  value: string;
  x: number;
  y: number;
  r: number;
}
export interface SheetRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Question types answered by filling bubbles on the sheet; the others get a box to write in. */
export const bubbleQuestionTypes = ['choice', 'multi', 'truefalse'] as const satisfies readonly QuestionType[];
export const boxQuestionTypes = ['fill', 'open'] as const satisfies readonly QuestionType[];
type BubbleQuestionType = (typeof bubbleQuestionTypes)[number];
export type BoxQuestionType = (typeof boxQuestionTypes)[number];

export interface SheetBubbleQuestion {
  number: string;
  section: string | null;
  type: BubbleQuestionType;
  /** where the question number is printed (left of its first bubble) */
  labelAt: { x: number; y: number };
  options: SheetBubble[];
}
interface SheetBoxQuestion {
  number: string;
  section: string | null;
  type: BoxQuestionType;
  box: SheetRect;
}
type SheetQuestion = SheetBubbleQuestion | SheetBoxQuestion;

interface SheetHeading {
  text: string;
  x: number;
  y: number;
}

export interface SheetLayoutPage {
  width: number;
  height: number;
  /** four solid squares: top-left, top-right, bottom-right, bottom-left */
  markers: SheetMarker[];
  /** the QR code (a square), which carries sheetCode(templateId, page, pages) */
  code: { x: number; y: number; size: number; text: string };
  /** title and the name/class lines (first page); page number on every page */
  title: { text: string; x: number; y: number; size: number } | null;
  nameLines: { x: number; y: number; w: number }[];
  footer: { text: string; x: number; y: number };
  studentNumber: { digits: number; box: SheetRect; bubbles: SheetDigitBubble[] } | null;
  headings: SheetHeading[];
  questions: SheetQuestion[];
}

export interface SheetLayout {
  templateId: string;
  title: string;
  unit: 'pt';
  pages: SheetLayoutPage[];
}

// A4 in points.
export const PAGE_WIDTH = 595.28;
export const PAGE_HEIGHT = 841.89;
export const MARKER_SIZE = 16;
export const MARKER_INSET = 20;
const CODE_SIZE = 66;
const STUDENT_NUMBER_DIGITS = 8;

const MARGIN = 44; // content frame, inside the markers
const BUBBLE_R = 6; // 4.2 mm across: a pencil fills it in one or two strokes, a phone sees it at 1 px/pt
const BUBBLE_PITCH = 18;
const ROW_PITCH = 21;
const NUMBER_WIDTH = 26;
const DIGIT_R = 5.5;
const DIGIT_PITCH = 15;
const FILL_BOX_H = 34;
const OPEN_BOX_H = 130;
const HEADING_H = 22;

export function markerRects(): SheetMarker[] {
  const far = (side: number) => side - MARKER_INSET - MARKER_SIZE;
  return [
    { x: MARKER_INSET, y: MARKER_INSET, size: MARKER_SIZE },
    { x: far(PAGE_WIDTH), y: MARKER_INSET, size: MARKER_SIZE },
    { x: far(PAGE_WIDTH), y: far(PAGE_HEIGHT), size: MARKER_SIZE },
    { x: MARKER_INSET, y: far(PAGE_HEIGHT), size: MARKER_SIZE },
  ];
}

/** The code's square, the same on every page: top right, inside the markers. */
export function codeRect(): { x: number; y: number; size: number } {
  return { x: PAGE_WIDTH - MARGIN - CODE_SIZE, y: MARGIN - 6, size: CODE_SIZE };
}

const CODE_PREFIX = 'EXF1';

/** The text inside each page's QR code. */
export function sheetCode(templateId: string, pageIndex: number, pageCount: number): string {
  return `${CODE_PREFIX}/${templateId}/${pageIndex + 1}/${pageCount}`;
}

export function parseSheetCode(text: string): { templateId: string; pageIndex: number; pageCount: number } | null {
  const m = /^EXF1\/([a-z0-9][a-z0-9-]{0,63})\/([1-9][0-9]{0,2})\/([1-9][0-9]{0,2})$/.exec(text.trim());
  if (!m) return null;
  const page = Number(m[2]);
  const count = Number(m[3]);
  if (page > count) return null;
  return { templateId: m[1]!, pageIndex: page - 1, pageCount: count };
}

/** Options printed for a bubble question: its `options` count, 4 by default, at least the letters of a multi answer. */
export function optionLabels(q: TemplateQuestion): string[] {
  if (q.type === 'truefalse') return ['T', 'F'];
  let count = q.options?.length || 4;
  if (q.type === 'multi' || q.type === 'choice') {
    for (const letter of q.answer.toUpperCase()) {
      const index = letter.charCodeAt(0) - 65;
      if (index >= 0 && index < 8) count = Math.max(count, index + 1);
    }
  }
  count = Math.min(8, Math.max(2, count));
  return Array.from({ length: count }, (_, i) => String.fromCharCode(65 + i));
}

type Block =
  | { kind: 'heading'; text: string; h: number }
  | { kind: 'bubbles'; rows: TemplateQuestion[][]; columns: number; columnWidth: number; h: number }
  | { kind: 'box'; q: TemplateQuestion; h: number; halfWidth: boolean };

const isBubble = (q: TemplateQuestion) => (bubbleQuestionTypes as readonly string[]).includes(q.type);

/** Sections in order of first appearance; questions without a section form one group. */
function groups(template: Template): { section: string | null; questions: TemplateQuestion[] }[] {
  const out: { section: string | null; questions: TemplateQuestion[] }[] = [];
  for (const q of template.questions) {
    const section = q.section ?? null;
    let group = out.find((g) => g.section === section);
    if (!group) out.push((group = { section, questions: [] }));
    group.questions.push(q);
  }
  return out;
}

function blocks(template: Template, contentWidth: number): Block[] {
  const out: Block[] = [];
  const sectioned = groups(template).some((g) => g.section !== null);
  for (const group of groups(template)) {
    if (sectioned) {
      const title = group.section ? template.sections?.[group.section]?.title : undefined;
      out.push({ kind: 'heading', text: group.section ? (title ? `${group.section}  ${title}` : group.section) : '', h: HEADING_H });
    }
    const bubbles = group.questions.filter(isBubble);
    if (bubbles.length > 0) {
      const widest = Math.max(...bubbles.map((q) => optionLabels(q).length));
      const columnWidth = NUMBER_WIDTH + widest * BUBBLE_PITCH + 14;
      const columns = Math.max(1, Math.floor(contentWidth / columnWidth));
      // Column-major blocks of five rows, as on printed 答题卡: 1–5 down the first column, 6–10 the next.
      const perBlock = 5 * columns;
      for (let start = 0; start < bubbles.length; start += perBlock) {
        const chunk = bubbles.slice(start, start + perBlock);
        const rowsInBlock = Math.min(5, chunk.length);
        const rows: TemplateQuestion[][] = Array.from({ length: rowsInBlock }, () => []);
        chunk.forEach((q, i) => rows[i % rowsInBlock]!.push(q));
        out.push({ kind: 'bubbles', rows, columns, columnWidth, h: rowsInBlock * ROW_PITCH + 8 });
      }
    }
    for (const q of group.questions.filter((q) => q.type === 'fill')) out.push({ kind: 'box', q, h: FILL_BOX_H + 8, halfWidth: true });
    for (const q of group.questions.filter((q) => q.type === 'open')) out.push({ kind: 'box', q, h: OPEN_BOX_H + 8, halfWidth: false });
  }
  return out;
}

function emptyPage(templateId: string): SheetLayoutPage {
  return {
    width: PAGE_WIDTH,
    height: PAGE_HEIGHT,
    markers: markerRects(),
    code: { ...codeRect(), text: sheetCode(templateId, 0, 1) },
    title: null,
    nameLines: [],
    footer: { text: '', x: PAGE_WIDTH / 2, y: PAGE_HEIGHT - 26 },
    studentNumber: null,
    headings: [],
    questions: [],
  };
}

/** Name/class lines and the student-number grid of the first page; returns where questions may start. */
function header(page: SheetLayoutPage, template: Template): number {
  const left = MARGIN + 6;
  page.title = { text: template.title, x: left, y: MARGIN + 12, size: 15 };
  page.nameLines = [
    { x: left + 70, y: MARGIN + 44, w: 150 },
    { x: left + 290, y: MARGIN + 44, w: 110 },
  ];
  const top = MARGIN + 66;
  const box: SheetRect = { x: left, y: top, w: STUDENT_NUMBER_DIGITS * DIGIT_PITCH + 16, h: 24 + 10 * DIGIT_PITCH + 14 };
  const bubbles: SheetDigitBubble[] = [];
  for (let digit = 0; digit < STUDENT_NUMBER_DIGITS; digit++) {
    for (let value = 0; value < 10; value++) {
      bubbles.push({
        digit,
        value: String(value),
        x: box.x + 8 + DIGIT_PITCH * (digit + 0.5),
        y: top + 30 + DIGIT_PITCH * (value + 0.5),
        r: DIGIT_R,
      });
    }
  }
  page.studentNumber = { digits: STUDENT_NUMBER_DIGITS, box, bubbles };
  return top + box.h + 16;
}

/** The layout of a template's answer sheet: as many A4 pages as its questions need. */
export function sheetLayout(template: Template): SheetLayout {
  const left = MARGIN;
  const contentWidth = PAGE_WIDTH - 2 * MARGIN;
  const bottom = PAGE_HEIGHT - MARGIN - 18;
  const pages: SheetLayoutPage[] = [emptyPage(template.id)];
  let page = pages[0]!;
  let y = header(page, template);
  let halfBoxColumn = 0; // fill boxes go two to a row
  const room = (h: number) => {
    if (y + h <= bottom) return;
    page = emptyPage(template.id);
    pages.push(page);
    y = MARGIN + CODE_SIZE + 4; // below the code
    halfBoxColumn = 0;
  };
  for (const block of blocks(template, contentWidth)) {
    if (block.kind !== 'box' || !block.halfWidth) {
      if (halfBoxColumn === 1) y += FILL_BOX_H + 8;
      halfBoxColumn = 0;
    }
    if (block.kind === 'heading') {
      room(block.h + ROW_PITCH * 2); // never a heading alone at the foot of a page
      if (block.text) page.headings.push({ text: block.text, x: left, y: y + 14 });
      y += block.h;
    } else if (block.kind === 'bubbles') {
      room(block.h);
      block.rows.forEach((row, r) => {
        row.forEach((q, c) => {
          const x0 = left + c * block.columnWidth;
          const cy = y + r * ROW_PITCH + BUBBLE_R + 2;
          page.questions.push({
            number: q.number,
            section: q.section ?? null,
            type: q.type as SheetBubbleQuestion['type'],
            labelAt: { x: x0, y: cy },
            options: optionLabels(q).map((label, i) => ({ label, x: x0 + NUMBER_WIDTH + BUBBLE_R + i * BUBBLE_PITCH, y: cy, r: BUBBLE_R })),
          });
        });
      });
      y += block.h;
    } else {
      const w = block.halfWidth ? contentWidth / 2 - 6 : contentWidth;
      const h = block.halfWidth ? FILL_BOX_H : OPEN_BOX_H;
      if (halfBoxColumn === 0) room(h + 8);
      const x = left + (block.halfWidth && halfBoxColumn === 1 ? contentWidth / 2 + 6 : 0);
      page.questions.push({
        number: block.q.number,
        section: block.q.section ?? null,
        type: block.q.type as SheetBoxQuestion['type'],
        box: { x, y, w, h },
      });
      if (block.halfWidth && halfBoxColumn === 0) halfBoxColumn = 1;
      else {
        y += h + 8;
        halfBoxColumn = 0;
      }
    }
  }
  pages.forEach((p, i) => {
    p.code.text = sheetCode(template.id, i, pages.length);
    p.footer.text = `${template.id} · ${i + 1}/${pages.length}`;
  });
  return { templateId: template.id, title: template.title, unit: 'pt', pages };
}

/** Every bubble question of a layout page, keyed as the template keys its questions. */
export function bubbleQuestions(page: SheetLayoutPage): SheetBubbleQuestion[] {
  return page.questions.filter((q): q is SheetBubbleQuestion => 'options' in q);
}
