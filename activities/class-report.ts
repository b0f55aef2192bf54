import { renderClassReportHtml } from '../domain/class-report-html';
import { classStatisticsByTemplate, type ClassResult } from '../domain/class-statistics';
import type { ResultDocument } from '../domain/documents';
import { artifacts, batchKeys } from '../lib/artifacts/artifacts';
import { batchExamRows, findBatch } from '../records/batches';
import type { BatchReportKeys } from '../records/schema';
import { renderPdf } from '../lib/documents/report-pdf';

/** The completed exams of a batch, as the class statistics read them (from the records). */
export async function classResults(batchId: string): Promise<ClassResult[]> {
  const rows = await batchExamRows(batchId);
  return rows.filter((r) => r.status === 'completed' && r.result).map((r) => r.result as ResultDocument);
}

/**
 * The class report of a batch whose exams have all closed: statistics over the completed
 * exams' records, the HTML, and its A4 PDF in the shared Chromium, under the batch's keys
 * (a retry writes the same keys again).
 */
export async function buildClassReport(input: { batchId: string }): Promise<BatchReportKeys> {
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
  const pdf = await renderPdf(html);
  const store = artifacts();
  await Promise.all([store.put(keys.reportHtml, html), store.put(keys.reportPdf, pdf)]);
  return { reportHtmlKey: keys.reportHtml, reportPdfKey: keys.reportPdf };
}
