import type { Student } from './documents';

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
}

export interface ParsedAnswer {
  /** the template's question number this answer was aligned to */
  number: string;
  /** the student's answer as written, normalised (`B`, `AC`, `T`, `5`, free text); null when blank */
  answer: string | null;
  /** 0–1, from the OCR lines the answer was read from */
  confidence: number;
  /** index of the page the question was found on */
  page: number;
}

export interface ParsedExam {
  title: string | null;
  student: Student;
  /** one entry per template question that was found on the paper */
  answers: ParsedAnswer[];
  /** template question numbers that could not be found on the paper */
  missing: string[];
}
