import { fmtMs, sleep, type LatencySummary } from '../../scripts/loadtest/lib';
import { timeGets } from '../reads';
import { spreadAcrossWorkers } from '../second-worker';
import { sustainedRun } from '../sustained';
import type { BenchContext, WorkloadResult } from './context';

// The system around the workloads: a second worker process, a sustained run with memory,
// and reads with many exams stored.

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
export const lat = (s: LatencySummary) => `${fmtMs(s.median)} / ${fmtMs(s.p95)} / ${fmtMs(s.p99)} (max ${fmtMs(s.max)})`;
const ACTIVITIES = ['ocrPage', 'parseExam', 'analyzeAnswers', 'diagnoseExam', 'renderReport'];

export async function spreadWorkload(ctx: BenchContext, onePagers: Buffer[]): Promise<WorkloadResult> {
  ctx.log(`second worker: starting it, then ${ctx.counts.spreadExams} one-page exams at once`);
  const second = ctx.stack.addWorker();
  await sleep(10_000); // its recognisers load
  const spread = await spreadAcrossWorkers(
    ctx.temporal,
    ctx.examflow,
    ctx.templates.en.id,
    onePagers.slice(0, ctx.counts.spreadExams).map((p) => [p]),
  );
  second.kill('SIGTERM');
  await new Promise((r) => second.once('exit', r));
  const rows = [...spread.byWorker].map(([w, m]) => `| ${w} | ${ACTIVITIES.map((a) => m.get(a) ?? 0).join(' | ')} |`);
  ctx.log(`   ${spread.pagesPerS.toFixed(3)} pages/s with two workers`);
  return {
    markdown: `## A second worker process on the same server

${ctx.counts.spreadExams} one-page exams submitted at once with two worker processes: ${spread.pagesPerS.toFixed(3)} pages/s (both share the same cores).
Activity tasks taken by each:

| worker | ${ACTIVITIES.join(' | ')} |
|---|---|---|---|---|---|
${rows.join('\n')}
`,
    targets: [],
  };
}

export async function sustainedWorkload(
  ctx: BenchContext,
  jobs: { templateId: string; pages: Buffer[] }[],
): Promise<WorkloadResult & { runningReads: LatencySummary }> {
  ctx.log(`sustained: ${ctx.counts.sustainedS} s of exams (1-page English and 2-page Chinese), 3 in flight`);
  const s = await sustainedRun({
    examflow: ctx.examflow,
    jobs,
    durationMs: ctx.counts.sustainedS * 1000,
    inFlight: 3,
    pids: { worker: ctx.stack.worker!.pid!, api: ctx.stack.api.pid! },
  });
  const worker = s.peaks.worker!;
  const api = s.peaks.api!;
  ctx.log(`   ${s.completed} completed, ${s.failed} failed; worker peak ${mb(worker.own)}`);
  return {
    runningReads: s.runningReads,
    markdown: `## Sustained run and memory (${s.durationS.toFixed(0)} s; 1-page English and 2-page Chinese exams, 3 in flight)

${s.completed} exams completed, ${s.failed} failed, ${s.pagesPerS.toFixed(3)} pages/s.

| process | peak RSS (sampled each second) | with child processes |
|---|---|---|
| worker | ${mb(worker.own)} | ${mb(worker.tree)} (Chromium) |
| API | ${mb(api.own)} | ${mb(api.tree)} |

Status reads of running exams during the run, one request at a time: ${lat(s.runningReads)} (n ${s.runningReads.count}).
`,
    targets: [
      {
        target: `worker RSS ≤ 1.5 GB (${ctx.counts.sustainedS} s sustained)`,
        figure: `${mb(worker.own)} (with its Chromium ${mb(worker.tree)})`,
        met: worker.own <= 1.5 * 2 ** 30,
      },
      { target: 'status read p99 ≤ 50 ms, running (under load)', figure: fmtMs(s.runningReads.p99), met: s.runningReads.p99 <= 50 },
    ],
  };
}

export async function completedReadsWorkload(ctx: BenchContext, token: string): Promise<WorkloadResult> {
  const { baseUrl } = ctx.stack;
  const completed = await timeGets(
    baseUrl,
    token,
    ctx.completedIds.map((id) => `/v1/exams/${id}`),
    ctx.counts.reads,
  );
  const pendingIds = (await ctx.examflow.listExams({ status: 'pending', limit: 100 })).exams.map((e) => e.examId);
  const pending = await timeGets(
    baseUrl,
    token,
    pendingIds.map((id) => `/v1/exams/${id}`),
    ctx.counts.reads,
  );
  return {
    markdown: `## Reads with ${ctx.counts.stored}+ exams stored, one request at a time

| | n | p50 / p95 / p99 |
|---|---|---|
| \`GET /v1/exams/:id\`, completed exams | ${completed.count} | ${lat(completed)} |
| \`GET /v1/exams/:id\`, pending exams (not picked up) | ${pending.count} | ${lat(pending)} |
`,
    targets: [{ target: 'status read p99 ≤ 50 ms, completed', figure: fmtMs(completed.p99), met: completed.p99 <= 50 }],
  };
}
