import { renderClassReportHtml } from '../domain/class-report-html';
import { classStatisticsByTemplate } from '../domain/class-statistics';
import type { ResultDocument } from '../domain/documents';
import { batchKeys } from '../lib/artifacts/artifacts';
import { batchExamRows, findBatch } from '../records/batches';
import type { BatchReportKeys } from '../records/schema';
import type { ActivityDeps } from './deps';

/**
 * The class report of a batch whose exams have all closed: statistics over the completed
 * exams' records, the HTML, and its A4 PDF in the shared Chromium, under the batch's keys
 * (a retry writes the same keys again).
 */
export async function buildClassReport(
  deps: Pick<ActivityDeps, 'store' | 'renderPdf'>,
  input: { batchId: string },
): Promise<BatchReportKeys> {
  const keys = batchKeys(input.batchId);
  const [batch, rows] = await Promise.all([findBatch(input.batchId, null), batchExamRows(input.batchId)]);
  if (!batch) throw new Error(`batch ${input.batchId} has no record`);
  const results = rows.filter((r) => r.status === 'completed' && r.result).map((r) => r.result as ResultDocument);
  const first = results[0];
  const html = renderClassReportHtml(classStatisticsByTemplate(results), {
    batchId: input.batchId,
    name: batch.name,
    language: first?.language ?? 'zh',
    createdAt: batch.created_at.toISOString(),
    skippedPages: batch.skipped.length,
    unplacedPages: batch.unplaced.length,
    examsNotGraded: rows.length - results.length,
  });
  const pdf = await deps.renderPdf(html);
  await Promise.all([deps.store.put(keys.reportHtml, html), deps.store.put(keys.reportPdf, pdf)]);
  return { reportHtmlKey: keys.reportHtml, reportPdfKey: keys.reportPdf };
}
