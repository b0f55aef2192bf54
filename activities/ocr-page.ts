import { Context } from '@temporalio/activity';
import type { OcrPage } from '../domain/paper';
import type { TemplateLanguage } from '../domain/template';
import { BadInputError } from '../domain/bad-input';
import { examKeys } from '../lib/artifacts/artifacts';
import { readAnswerTables } from '../reading/handwriting/answer-tables';
import type { OcrResult } from '../reading/ocr/ocr-engine';
import type { ActivityDeps } from './deps';

export interface OcrPageInput {
  examId: string;
  pageIndex: number;
  pageKey: string;
  language: TemplateLanguage;
}

export interface OcrPageOutput {
  ocrKey: string;
  confidence: number;
  characters: number;
}

/** What ocrPage heartbeats: once `done` is set, the page's text is stored under ocrKey. */
interface OcrHeartbeat {
  pageIndex: number;
  fraction?: number;
  done?: OcrPageOutput;
}

/**
 * Reads one page image with the shared recogniser pool and stores its text by key.
 * A retry after the text was stored (the worker died before reporting) resumes from the
 * heartbeat instead of reading the page again; a cancellation stops waiting at once.
 */
export async function ocrPage({ store, ocr }: Pick<ActivityDeps, 'store' | 'ocr'>, input: OcrPageInput): Promise<OcrPageOutput> {
  const ctx = Context.current();
  const resumed = ctx.info.heartbeatDetails as OcrHeartbeat | undefined;
  if (resumed?.done && (await store.exists(resumed.done.ocrKey))) return resumed.done;

  // A first beat at once: the server (and whoever watches it) knows this worker holds the page.
  ctx.heartbeat({ pageIndex: input.pageIndex } satisfies OcrHeartbeat);
  const image = await store.get(input.pageKey);
  // Heartbeat on a timer as well as on progress: recognition of a dense page can go a
  // while between progress callbacks, and a lost worker must be noticed within the timeout.
  const beat = setInterval(() => ctx.heartbeat({ pageIndex: input.pageIndex } satisfies OcrHeartbeat), 2_000);
  let page: OcrResult;
  try {
    const onProgress = (fraction: number) => ctx.heartbeat({ pageIndex: input.pageIndex, fraction } satisfies OcrHeartbeat);
    const reading = ocr.recognizePage(image, input.language, onProgress, input.pageIndex + 1);
    // The recogniser cannot be interrupted mid-page; on cancellation the activity stops
    // waiting and the recogniser goes back to the pool when the page is done.
    page = await Promise.race([reading, ctx.cancelled]);
  } finally {
    clearInterval(beat);
  }
  if (page.text.trim().length === 0) {
    throw new BadInputError(
      `page ${input.pageIndex + 1} has no readable text: check that it is the exam paper, in focus and the right way up`,
    );
  }
  // Answer tables (题号 over handwritten answers) are read here too, so a paper without a
  // layout needs no other step: the parser takes their cells for the questions they number.
  // The cleaned-up page is read: upright and straight, as the text was; its placed lines give
  // the section heading over each table.
  const tables = await readAnswerTables(page.image ?? image, page.image ? page.placed : undefined);
  const ocrKey = examKeys(input.examId).ocr(input.pageIndex);
  const stored: OcrPage = {
    pageIndex: input.pageIndex,
    text: page.text,
    lines: page.lines,
    confidence: page.confidence,
    ...(tables.length ? { tables } : {}),
  };
  await store.putJson(ocrKey, stored);
  const done = { ocrKey, confidence: page.confidence, characters: page.text.length };
  ctx.heartbeat({ pageIndex: input.pageIndex, done } satisfies OcrHeartbeat);
  return done;
}
