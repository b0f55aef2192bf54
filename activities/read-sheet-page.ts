import { Context } from '@temporalio/activity';
import type { AnswerFlag } from '../domain/documents';
import type { SheetPage, SheetPageBox } from '../domain/sheet-exam';
import { sheetLayout } from '../domain/sheet-layout';
import type { Template, TemplateLanguage } from '../domain/template';
import { BadInputError } from '../domain/bad-input';
import { examKeys } from '../lib/artifacts/artifacts';
import { readAnswerSheet, SheetNotFoundError, type SheetBox, type SheetReading } from '../reading/sheets/read-sheet';
import { readLayoutSheet, type LayoutTemplate } from '../reading/sheets/read-layout';
import type { ActivityDeps } from './deps';
import { prepareBox } from '../reading/sheets/sheet-boxes';

export interface ReadSheetPageInput {
  examId: string;
  pageIndex: number;
  pageKey: string;
  templateKey: string;
  language: TemplateLanguage;
}

export interface ReadSheetPageOutput {
  sheetKey: string;
  answers: number;
  studentNumber: string | null;
}

/**
 * Reads one page of an answer sheet examflow printed: its marks with the reading engine,
 * its fill and open boxes by OCR of their images (kept in the artifact store for the
 * report and for review). Stores the page's reading under a fixed key.
 */
export async function readSheetPage(deps: Pick<ActivityDeps, 'store' | 'ocr'>, input: ReadSheetPageInput): Promise<ReadSheetPageOutput> {
  const ctx = Context.current();
  const { store } = deps;
  const keys = examKeys(input.examId);
  const [template, image] = await Promise.all([store.getJson<Template>(input.templateKey), store.get(input.pageKey)]);
  const which = `page ${input.pageIndex + 1}`;
  let reading: SheetReading;
  try {
    // a third-party sheet is read through the template's layout, examflow's own through its printed one
    reading = template.layout
      ? await readLayoutSheet(image, template as LayoutTemplate)
      : await readAnswerSheet(image, sheetLayout(template));
  } catch (err) {
    if (err instanceof SheetNotFoundError) throw new BadInputError(`${which}: ${err.message}`);
    throw err;
  }
  if (reading.templateId !== template.id) {
    throw new BadInputError(
      `${which} is an answer sheet of template "${reading.templateId}", not of "${template.id}": submit each exam's sheets together`,
    );
  }
  ctx.heartbeat({ pageIndex: input.pageIndex, marks: reading.answers.length });
  const boxes: SheetPageBox[] = [];
  for (const [i, box] of reading.boxes.entries()) {
    boxes.push(await readBox(deps, box, keys.sheetBox(input.pageIndex, i), template.language));
    ctx.heartbeat({ pageIndex: input.pageIndex, boxes: i + 1 });
  }
  const page: SheetPage = {
    pageIndex: input.pageIndex,
    sheetPage: reading.pageIndex,
    templateId: reading.templateId,
    studentNumber: reading.studentNumber,
    studentNumberConfidence: reading.studentNumberConfidence,
    answers: reading.answers.map((a) => ({
      number: a.number,
      section: a.section,
      type: a.type,
      answer: a.answer,
      confidence: a.confidence,
      flags: [...a.flags] as AnswerFlag[],
    })),
    boxes,
    registration: reading.registration,
  };
  const sheetKey = await store.putJson(keys.sheet(input.pageIndex), page);
  return { sheetKey, answers: page.answers.length + boxes.length, studentNumber: page.studentNumber };
}

/** Stores the box's image and reads its text (nothing to read in an empty box). */
async function readBox(
  deps: Pick<ActivityDeps, 'store' | 'ocr'>,
  box: SheetBox,
  imageKey: string,
  language: TemplateLanguage,
): Promise<SheetPageBox> {
  const [prepared] = await Promise.all([prepareBox(box.png), deps.store.put(imageKey, box.png)]);
  const read = prepared.png
    ? await deps.ocr.recognizeBox(prepared.png, language, box.type === 'fill' ? 'line' : 'block')
    : { text: '', confidence: 1 };
  return {
    number: box.number,
    section: box.section,
    type: box.type,
    imageKey,
    text: read.text.trim() || null,
    confidence: read.confidence,
  };
}
