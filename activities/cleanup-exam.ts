import { examKeys } from '../lib/artifacts/artifacts';
import type { ActivityDeps } from './deps';

/**
 * After a cancellation: removes what the exam had produced so far (OCR text, sheet readings, parse,
 * grades, report). The pages, the template copy and the input stay, so a retry can run
 * the exam again.
 */
export async function cleanupExam({ store }: Pick<ActivityDeps, 'store'>, input: { examId: string }): Promise<{ removed: number }> {
  const keys = examKeys(input.examId);
  const produced = [
    `${keys.root}/ocr`,
    `${keys.root}/sheets`,
    keys.parsed,
    keys.graded,
    keys.diagnosis,
    keys.result,
    keys.reportHtml,
    keys.reportPdf,
  ];
  await Promise.all(produced.map((key) => store.remove(key)));
  return { removed: produced.length };
}
