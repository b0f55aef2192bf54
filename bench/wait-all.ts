import type { ExamflowClient } from '../client/examflow-client';
import { sleep } from '../scripts/loadtest/lib';

/**
 * Waits until every exam in `ids` has closed, with one list request every half second (as a
 * dashboard would) rather than an event stream per exam, whose progress polling would be
 * measured as pipeline cost. Returns each exam's final status.
 */
export async function waitForAll(examflow: ExamflowClient, ids: string[], timeoutMs: number): Promise<Map<string, string>> {
  const open = new Set(ids);
  const final = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  while (open.size) {
    if (Date.now() > deadline) throw new Error(`${open.size} exams still open after ${timeoutMs} ms`);
    await sleep(500);
    // Filtered by status: an unfiltered list puts every running exam before the closed ones.
    const lists = await Promise.all(
      (['completed', 'failed', 'cancelled'] as const).map((status) => examflow.listExams({ status, limit: 1000 })),
    );
    for (const exam of lists.flatMap((l) => l.exams)) {
      if (open.has(exam.examId)) {
        open.delete(exam.examId);
        final.set(exam.examId, exam.status);
      }
    }
  }
  return final;
}
