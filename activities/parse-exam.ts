import type { OcrPage, ParsedExam } from '../domain/paper';
import { judgePaper } from '../domain/paper-confidence';
import { parseExam as parsePaper } from '../domain/parse';
import { sheetExam, type SheetPage } from '../domain/sheet-exam';
import type { Template } from '../domain/template';
import { BadInputError } from '../domain/bad-input';
import { examKeys } from '../lib/artifacts/artifacts';
import type { SubmittedStudent } from '../workflows/definitions';
import type { ActivityDeps } from './deps';

export interface ParseExamInput {
  examId: string;
  templateKey: string;
  /** printed papers: the OCR text of each page */
  ocrKeys: string[];
  /** answer sheets: what readSheetPage read on each page (instead of OCR text) */
  sheetKeys?: string[];
  student: SubmittedStudent;
}

/** Finds the header and the student's answers (OCR text, or answer-sheet readings), aligned to the template. */
export async function parseExam(
  { store }: Pick<ActivityDeps, 'store'>,
  input: ParseExamInput,
): Promise<{ parsedKey: string; found: number; missing: number; studentId: string | null }> {
  const template = await store.getJson<Template>(input.templateKey);
  let parsed: ParsedExam;
  if (input.sheetKeys) {
    parsed = sheetExam(await Promise.all(input.sheetKeys.map((key) => store.getJson<SheetPage>(key))), template);
  } else {
    parsed = parsePaper(await Promise.all(input.ocrKeys.map((key) => store.getJson<OcrPage>(key))), template);
  }
  // A paper that cannot be read with confidence is never scored (a teacher can act on the reason).
  const verdict = judgePaper(parsed, template);
  if (!verdict.readable) throw new BadInputError(verdict.reason);
  const parsedKey = await store.putJson(examKeys(input.examId).parsed, parsed);
  return {
    parsedKey,
    found: parsed.answers.length,
    missing: parsed.missing.length,
    studentId: input.student.id ?? parsed.student.id,
  };
}
