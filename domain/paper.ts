import type { AnswerFlag, Student } from './documents';
import type { TableAnswerCell } from './table-answers';

// What OCR reads off one page, and what the parser finds on the whole paper.

export interface OcrLine {
  text: string;
  /** 0–1 */
  confidence: number;
}

export interface OcrPage {
  pageIndex: number;
  text: string;
  lines: OcrLine[];
  /** mean confidence of the page, 0–1 */
  confidence: number;
  /** answer cells of printed answer tables found on the page (reading/handwriting/answer-tables.ts) */
  tables?: TableAnswerCell[];
}

export interface ParsedAnswer {
  /** the template's question number this answer was aligned to */
  number: string;
  /** its template section (answer sheets); absent or null on papers without sections */
  section?: string | null;
  /** the student's answer as written, normalised (`B`, `AC`, `T`, `5`, free text); null when blank */
  answer: string | null;
  /** 0–1, from the OCR lines the answer was read from */
  confidence: number;
  /** index of the page the question was found on */
  page: number;
  /** what the reader noticed (double or erased marks, a doubtful box reading) */
  flags?: AnswerFlag[];
  /** artifact key of the answer box's image (answer sheets: fill and open boxes) */
  imageKey?: string;
}

export interface ParsedExam {
  title: string | null;
  student: Student;
  /** one entry per template question that was found on the paper */
  answers: ParsedAnswer[];
  /** template questions (questionKey: "二/3", or the number alone) that could not be found on the paper */
  missing: string[];
}
