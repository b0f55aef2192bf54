import type { Client } from '@temporalio/client';
import type { ExamflowClient } from '../client/examflow-client';
import { waitForAll } from './wait-all';

// With a second worker process on the same server, who did the work? Every activity task
// names the worker that took it (identity "pid@host"); count them per activity type.

export interface Spread {
  pagesPerS: number;
  /** worker identity → activity type → tasks started */
  byWorker: Map<string, Map<string, number>>;
}

export async function spreadAcrossWorkers(
  temporal: Client,
  examflow: ExamflowClient,
  templateId: string,
  pages: Buffer[][],
): Promise<Spread> {
  const t = performance.now();
  const ids = await Promise.all(pages.map((p) => examflow.submitExam({ templateId, pages: p }).then((r) => r.examId)));
  const finals = await waitForAll(examflow, ids, 20 * 60_000);
  const seconds = (performance.now() - t) / 1000;
  const failed = [...finals.values()].filter((status) => status !== 'completed');
  if (failed.length) throw new Error(`${failed.length} exams did not complete with two workers`);
  const byWorker = new Map<string, Map<string, number>>();
  for (const id of ids) {
    const { events } = await temporal.workflow.getHandle(id).fetchHistory();
    const typeOf = new Map<number, string>();
    for (const e of events ?? []) {
      const scheduled = e.activityTaskScheduledEventAttributes;
      if (scheduled) typeOf.set(Number(e.eventId), scheduled.activityType?.name ?? '?');
      const started = e.activityTaskStartedEventAttributes;
      if (started) {
        const type = typeOf.get(Number(started.scheduledEventId)) ?? '?';
        const counts = byWorker.get(started.identity ?? '?') ?? new Map<string, number>();
        counts.set(type, (counts.get(type) ?? 0) + 1);
        byWorker.set(started.identity ?? '?', counts);
      }
    }
  }
  return { pagesPerS: pages.flat().length / seconds, byWorker };
}
