import type { AnswerFlag } from './documents';
import type { ParsedAnswer, ParsedExam } from './paper';
import { questionKey, type QuestionType, type Template } from './template';
import type { BoxQuestionType } from './sheet-layout';

// What the readSheetPage activity stores for one page of an answer sheet (marks read by the
// reading engine, boxes read by OCR), and how the parse step turns the pages into the same
// ParsedExam a printed paper gives.

/** A box (fill or open) under 0.8 confidence is flagged for a teacher (the report's threshold). */
const BOX_REVIEW_BELOW = 0.8;

interface SheetPageAnswer {
  number: string;
  section: string | null;
  type: QuestionType;
  /** "B", "AC", "T"; null when blank */
  answer: string | null;
  confidence: number;
  flags: AnswerFlag[];
}

export interface SheetPageBox {
  number: string;
  section: string | null;
  type: BoxQuestionType;
  /** the box's image in the artifact store */
  imageKey: string;
  /** what OCR read in the box; null when the box is empty */
  text: string | null;
  confidence: number;
}

export interface SheetPage {
  /** position of the page in the upload */
  pageIndex: number;
  /** the sheet page it is (from its code), 0-based */
  sheetPage: number;
  templateId: string;
  studentNumber: string | null;
  studentNumberConfidence: number;
  answers: SheetPageAnswer[];
  boxes: SheetPageBox[];
  registration: { method: string; rotation: number };
}

function boxAnswer(box: SheetPageBox, page: number): ParsedAnswer {
  const answer = box.text?.trim() ? box.text.trim() : null;
  const doubtful = answer !== null && box.confidence < BOX_REVIEW_BELOW;
  return {
    number: box.number,
    section: box.section,
    answer,
    confidence: answer === null ? 1 : box.confidence,
    page,
    flags: doubtful ? ['low_confidence'] : [],
    imageKey: box.imageKey,
  };
}

/**
 * The answers of every template question from the sheet pages, in template order. A question
 * on a page that was not uploaded is missing (never graded as blank); the first reading of a
 * page uploaded twice counts.
 */
export function sheetExam(pages: SheetPage[], template: Template): ParsedExam {
  const found = new Map<string, ParsedAnswer>();
  const seenSheetPages = new Set<number>();
  for (const page of [...pages].sort((a, b) => a.pageIndex - b.pageIndex)) {
    if (seenSheetPages.has(page.sheetPage)) continue;
    seenSheetPages.add(page.sheetPage);
    for (const a of page.answers) {
      found.set(questionKey(a), {
        number: a.number,
        section: a.section,
        answer: a.answer,
        confidence: a.confidence,
        page: page.pageIndex,
        flags: [...a.flags],
      });
    }
    for (const box of page.boxes) found.set(questionKey(box), boxAnswer(box, page.pageIndex));
  }
  const answers: ParsedAnswer[] = [];
  const missing: string[] = [];
  for (const q of template.questions) {
    const answer = found.get(questionKey(q));
    if (answer) answers.push(answer);
    else missing.push(questionKey(q));
  }
  // The grid is on one page; the most confident reading wins if several pages carry it.
  const numbered = pages.filter((p) => p.studentNumber).sort((a, b) => b.studentNumberConfidence - a.studentNumberConfidence);
  return { title: template.title, student: { name: null, class: null, id: numbered[0]?.studentNumber ?? null }, answers, missing };
}
