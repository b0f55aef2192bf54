import type { Client } from '@temporalio/client';
import { batchEtaMs, batchProgress, batchStatus, examCounts, isClosedPhase } from '../../domain/batch-status';
import type { BatchExamRow } from '../../records/batches';
import type { BatchRow } from '../../records/schema';
import { batchProgressQuery } from '../../workflows/batch-definitions';

// The status document of a batch (GET /v1/batches/:id): its recorded phase and its exams'
// records, with the running workflow's own counters while it splits (the records say
// nothing about a stack still being looked at).

export function batchSummary(row: BatchRow, byStatus: Record<string, number>, examsStartedAtMs: number | null, nowMs = Date.now()) {
  const counts = examCounts(byStatus);
  const phase = row.status;
  const created = row.created_at.getTime();
  return {
    batchId: row.batch_id,
    name: row.name,
    templateId: row.template_id,
    status: batchStatus(phase, counts),
    phase,
    progress: batchProgress(phase, row.exams_planned, counts),
    etaMs: batchEtaMs(phase, row.exams_planned, counts, examsStartedAtMs, nowMs),
    elapsedMs: (row.finished_at?.getTime() ?? nowMs) - created,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    pages: row.pages,
    examsPlanned: row.exams_planned,
    counts,
    skippedPages: row.skipped,
    unplacedPages: row.unplaced,
    error: row.error,
    reportUrl: row.status === 'completed' ? `/v1/batches/${row.batch_id}/report.html` : null,
  };
}

export async function batchStatusDocument(client: Client, row: BatchRow, exams: BatchExamRow[]) {
  const byStatus: Record<string, number> = {};
  for (const e of exams) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
  const startedAt = exams.length ? Math.min(...exams.map((e) => e.created_at.getTime())) : null;
  const doc = batchSummary(row, byStatus, startedAt);
  if (!isClosedPhase(row.status) && doc.pages === null) {
    // Still splitting: the workflow knows how far; a slow or absent answer changes nothing.
    const live = await client.workflow
      .getHandle(row.batch_id)
      .query(batchProgressQuery)
      .catch(() => null);
    if (live) Object.assign(doc, { pages: live.pages, examsPlanned: live.examsPlanned });
  }
  return {
    ...doc,
    exams: exams.map((e) => ({
      examId: e.exam_id,
      position: e.batch_position ?? 0,
      status: e.status,
      studentId: e.student_id,
      studentName: e.student_name,
      score: e.score,
      fullScore: e.full_score,
      error: e.error,
    })),
  };
}
