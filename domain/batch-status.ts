// What a batch's status document says, from its recorded phase and its exams' statuses
// (pure). A batch waits for review while any of its exams waits for a teacher; it fails only
// when nothing could be graded; its progress and ETA count the exams that have finished.

export type BatchPhaseName = 'pending' | 'splitting' | 'processing' | 'reporting' | 'completed' | 'failed' | 'cancelled';
export type BatchStatus = 'processing' | 'needs_review' | 'completed' | 'failed' | 'cancelled';
/** A batch in one of these phases changes no more. */
export const closedBatchPhases = ['completed', 'failed', 'cancelled'] as const satisfies readonly BatchPhaseName[];
export const isClosedPhase = (phase: string): phase is (typeof closedBatchPhases)[number] =>
  (closedBatchPhases as readonly string[]).includes(phase);

/** Exam statuses a batch counts; `needs_review` comes with teacher review (an exam waiting for a teacher). */
export const batchExamStatuses = ['pending', 'processing', 'needs_review', 'completed', 'failed', 'cancelled'] as const;
export type ExamCounts = Record<(typeof batchExamStatuses)[number], number>;

export function examCounts(byStatus: Record<string, number>): ExamCounts {
  return Object.fromEntries(batchExamStatuses.map((s) => [s, byStatus[s] ?? 0])) as ExamCounts;
}

export function batchStatus(phase: BatchPhaseName, counts: ExamCounts): BatchStatus {
  if (isClosedPhase(phase)) return phase;
  return counts.needs_review > 0 ? 'needs_review' : 'processing';
}

/** Exams that no longer hold the batch up on their own (a waiting exam is graded; a teacher finishes it). */
function examsDone(c: ExamCounts): number {
  return c.completed + c.failed + c.cancelled + c.needs_review;
}

/**
 * 0–100: splitting the stack is the first 10, the exams the next 85 (by how many are done),
 * the class report the last 5.
 */
export function batchProgress(phase: BatchPhaseName, planned: number | null, counts: ExamCounts): number {
  if (isClosedPhase(phase)) return 100;
  if (phase === 'pending' || phase === 'splitting' || planned === null) return phase === 'splitting' ? 5 : 0;
  if (phase === 'reporting') return 95;
  return Math.round((10 + (85 * examsDone(counts)) / Math.max(1, planned)) * 10) / 10;
}

/** Time left, from the pace of the exams done so far since the first one started; null before any is done. */
export function batchEtaMs(
  phase: BatchPhaseName,
  planned: number | null,
  counts: ExamCounts,
  examsStartedAtMs: number | null,
  nowMs: number,
): number | null {
  if (phase !== 'processing' || planned === null || examsStartedAtMs === null) return null;
  const done = examsDone(counts);
  if (done === 0) return null;
  const perExam = (nowMs - examsStartedAtMs) / done;
  return Math.max(0, Math.round(perExam * (planned - done)));
}
