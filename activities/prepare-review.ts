import type { GradedExam } from '../domain/grade';
import type { ParsedExam } from '../domain/paper';
import { reviewItems } from '../domain/review';
import type { ReviewItem } from '../domain/review-decisions';
import { sheetLayout } from '../domain/sheet-layout';
import { questionKey, type Template } from '../domain/template';
import { examKeys } from '../lib/artifacts/artifacts';
import type { ActivityDeps } from './deps';
import { pageForScreen, sheetCutter, sheetRegion } from '../reading/sheets/answer-region';

export interface PrepareReviewInput {
  examId: string;
  templateKey: string;
  parsedKey: string;
  gradedKey: string;
  pageKeys: string[];
  /** the pages are examflow answer sheets: cut each item's bubble row or box */
  sheet: boolean;
  /** an answer read with less confidence than this waits for a teacher */
  below: number;
}

/**
 * Decides which answers wait for a teacher (domain/review.ts) and stores an image of each
 * one's answer region, so the teacher judges the paper, not the machine's reading. The
 * items are stored under a fixed key too (the API reads them after the exam closed).
 */
export async function prepareReview({ store }: Pick<ActivityDeps, 'store'>, input: PrepareReviewInput): Promise<{ items: ReviewItem[] }> {
  const keys = examKeys(input.examId);
  const [template, parsed, graded] = await Promise.all([
    store.getJson<Template>(input.templateKey),
    store.getJson<ParsedExam>(input.parsedKey),
    store.getJson<GradedExam>(input.gradedKey),
  ]);
  const items = reviewItems(template, graded, { below: input.below });
  const pages = new Map<number, Buffer>();
  const page = async (i: number) => {
    if (!pages.has(i)) pages.set(i, await store.get(input.pageKeys[i]!));
    return pages.get(i)!;
  };
  // Each sheet page is registered once, however many of its answers wait.
  const cutters = new Map<number, Awaited<ReturnType<typeof sheetCutter>>>();
  const cutter = async (i: number) => {
    if (!cutters.has(i)) cutters.set(i, await sheetCutter(await page(i)));
    return cutters.get(i)!;
  };
  const answers = new Map(parsed.answers.map((a) => [questionKey(a), a]));
  const layout = input.sheet ? sheetLayout(template) : null;
  for (const item of items) {
    const answer = answers.get(questionKey(item));
    const pageIndex = answer?.page ?? 0;
    let png: Buffer | null = null;
    if (layout) {
      const rect = sheetRegion(layout, item.number, item.section);
      const cut = rect ? await cutter(pageIndex) : null;
      png = rect && cut ? await cut(rect) : null;
    }
    png ??= await pageForScreen(await page(pageIndex));
    item.imageKey = await store.put(keys.reviewImage(item.itemId), png);
  }
  await store.putJson(keys.review, { items });
  return { items };
}
