import type { ExamflowClient } from '../client/examflow-client';
import { Latencies, type LatencySummary } from '../scripts/loadtest/lib';
import { sampleRss } from './process-memory';

// A sustained run: `inFlight` exams kept in the pipeline for `durationMs`, each followed by
// status reads every 250 ms until it closes (the reads of running exams, timed under load),
// while the worker's and the API's memory is sampled every second.

export interface SustainedResult {
  durationS: number;
  completed: number;
  failed: number;
  pagesPerS: number;
  runningReads: LatencySummary;
  peaks: Record<string, { own: number; tree: number }>;
}

export async function sustainedRun(options: {
  examflow: ExamflowClient;
  /** lane i submits jobs[i % jobs.length] over and over */
  jobs: { templateId: string; pages: Buffer[] }[];
  durationMs: number;
  inFlight: number;
  pids: Record<string, number>;
}): Promise<SustainedResult> {
  const { examflow, jobs, durationMs, inFlight } = options;
  const sampler = sampleRss(options.pids);
  const reads = new Latencies(10_000);
  const until = Date.now() + durationMs;
  const t0 = performance.now();
  let completed = 0;
  let failed = 0;
  let pagesDone = 0;
  const lane = async (lane: number) => {
    const { templateId, pages } = jobs[lane % jobs.length]!;
    while (Date.now() < until) {
      const { examId } = await examflow.submitExam({ templateId, pages });
      for (;;) {
        await new Promise((r) => setTimeout(r, 250));
        const t = performance.now();
        const status = await examflow.getStatus(examId);
        if (status.status === 'pending' || status.status === 'processing') reads.add(performance.now() - t);
        else {
          if (status.status === 'completed') {
            completed++;
            pagesDone += pages.length;
          } else failed++;
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, i) => lane(i)));
  const durationS = (performance.now() - t0) / 1000;
  return { durationS, completed, failed, pagesPerS: pagesDone / durationS, runningReads: reads.summary(), peaks: sampler.stop() };
}
