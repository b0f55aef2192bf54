import { Context } from '@temporalio/activity';
import type { OcrPage } from '../domain/paper';
import type { TemplateLanguage } from '../domain/template';
import { artifacts, examKeys } from '../lib/artifacts';
import { badInput } from './errors';
import { BadInputError, recognizePage } from './ocr-engine';

export interface OcrPageInput {
  examId: string;
  pageIndex: number;
  pageKey: string;
  language: TemplateLanguage;
}

/** Reads one page image with the shared recogniser pool and stores its text by key. */
export async function ocrPage(input: OcrPageInput): Promise<{ ocrKey: string; confidence: number; characters: number }> {
  const ctx = Context.current();
  const image = await artifacts().get(input.pageKey);
  // Heartbeat on a timer as well as on progress: recognition of a dense page can go a
  // while between progress callbacks, and a lost worker must be noticed within the timeout.
  const beat = setInterval(() => ctx.heartbeat({ pageIndex: input.pageIndex }), 5_000);
  let page: Omit<OcrPage, 'pageIndex'>;
  try {
    page = await recognizePage(image, input.language, (fraction) => ctx.heartbeat({ pageIndex: input.pageIndex, fraction }), input.pageIndex + 1);
  } catch (err) {
    if (err instanceof BadInputError) throw badInput(err.message);
    throw err;
  } finally {
    clearInterval(beat);
  }
  if (page.text.trim().length === 0) {
    throw badInput(`page ${input.pageIndex + 1} has no readable text: check that it is the exam paper, in focus and the right way up`);
  }
  const ocrKey = examKeys(input.examId).ocr(input.pageIndex);
  await artifacts().putJson(ocrKey, { pageIndex: input.pageIndex, ...page } satisfies OcrPage);
  return { ocrKey, confidence: page.confidence, characters: page.text.length };
}
