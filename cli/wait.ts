import { SingleBar } from 'cli-progress';
import type { ExamflowClient, StatusDocument } from '../client/examflow-client';
import { duration } from './format';

// `--wait`: a progress bar (step, percent, pages, ETA) on stderr until the exam closes.

export async function waitWithBar(client: ExamflowClient, examId: string, timeoutMs: number, showBar: boolean): Promise<StatusDocument> {
  if (!showBar) return client.waitFor(examId, { timeoutMs, orNeedsReview: true });
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {step} | pages {pagesDone}/{pagesTotal} | ETA {etaText}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
    // Not a terminal (CI, pipes): a plain line every few seconds instead of redraws.
    noTTYOutput: true,
    notTTYSchedule: 3_000,
  });
  // Own payload names: {total} and {eta} are cli-progress's (the bar's 100 and its own guess).
  bar.start(100, 0, { step: 'pending', pagesDone: 0, pagesTotal: '?', etaText: '—' });
  try {
    const final = await client.waitFor(examId, {
      timeoutMs,
      orNeedsReview: true,
      onProgress: (doc) =>
        bar.update(Math.round(doc.progress), {
          step: doc.status === 'processing' ? doc.step : doc.status,
          pagesDone: doc.pages.processed,
          pagesTotal: doc.pages.total,
          etaText: duration(doc.etaMs),
        }),
    });
    bar.update(final.status === 'completed' ? 100 : Math.round(final.progress), { step: final.status, etaText: '—' });
    return final;
  } finally {
    bar.stop();
  }
}
