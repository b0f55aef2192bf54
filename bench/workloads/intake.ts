import { randomUUID } from 'node:crypto';
import { sharedChromium } from '../../lib/documents/browser';
import { submitExam, startExamRun } from '../../api/exams/start-exam';
import { createApiDeps } from '../../api/deps';
import { config } from '../../lib/config';
import { examKeys } from '../../lib/artifacts/artifacts';
import { ErrorCounts, fmtMs, Latencies, pngBlob, runPool, submitOnce, type LatencySummary } from '../../scripts/loadtest/lib';
import { cpuBetween, stackCpu, type ProcessCpu } from '../stack-cpu';
import { f2, type BenchContext, type WorkloadResult } from './context';

// Intake with the worker stopped, so nothing competes with it: raw workflow.start (the API's
// input, memo and search attributes), raw submitExam (store page, template and input, record,
// start) and POST /v1/exams through the API, at concurrency 16 and 200.

export interface Rate {
  rate: number;
  latency: LatencySummary;
  errors: number;
}

/** n tasks at concurrency c: rate per second and latency distribution. */
export async function timedPool(n: number, c: number, task: (i: number) => Promise<void>): Promise<Rate> {
  const latency = new Latencies(n);
  const errors = new ErrorCounts();
  const t = performance.now();
  await runPool(n, c, async (i) => {
    const s = performance.now();
    try {
      await task(i);
    } catch (err) {
      errors.add((err as Error).message ?? 'error');
    }
    latency.add(performance.now() - s);
  });
  return { rate: n / ((performance.now() - t) / 1000), latency: latency.summary(), errors: errors.total };
}

const lat = (s: LatencySummary) => `${fmtMs(s.median)} / ${fmtMs(s.p95)} / ${fmtMs(s.p99)} (max ${fmtMs(s.max)})`;
const rateRow = (name: string, r: Rate) => `| ${name} | ${r.rate.toFixed(1)} | ${lat(r.latency)} | ${r.errors} |`;

export async function intakeWorkload(ctx: BenchContext, tenant: string, page: Buffer): Promise<WorkloadResult> {
  const { en } = ctx.templates;
  const { intake, intakeC, intakeWide } = ctx.counts;
  ctx.log('intake: stopping the worker');
  const worker = ctx.stack.worker;
  if (worker) {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    ctx.stack.worker = null;
  }
  const rawStart = (c: number, n: number) =>
    timedPool(n, c, async () => {
      const examId = randomUUID();
      const keys = examKeys(examId);
      const input = {
        examId,
        tenantId: tenant,
        templateId: en.id,
        templateKey: keys.template,
        language: en.language,
        pageKeys: [keys.page(0)],
        createdAt: new Date().toISOString(),
        notify: false,
      };
      await startExamRun(ctx.temporal, input, en.subject, 'normal', 'REJECT_DUPLICATE', config().EXAMFLOW_TASK_QUEUE);
    });
  const apiDeps = createApiDeps(ctx.temporal, config(), sharedChromium());
  const rawSubmit = (c: number, n: number) =>
    timedPool(n, c, async () => {
      await submitExam(apiDeps, { examId: randomUUID(), tenantId: tenant, template: en, pages: [page], priority: 'normal' });
    });
  const blob = pngBlob(page);
  const api = (c: number, n: number) =>
    timedPool(n, c, async () => {
      const out = await submitOnce(ctx.stack.baseUrl, 'bench-token-0001', en.id, [blob], 60_000);
      if (!out.ok) throw new Error(out.kind);
    });
  ctx.log(`intake: concurrency ${intakeC}: raw workflow.start, raw store + start, POST /v1/exams; ${intake} each`);
  // Twice each and the better kept: on a shared machine one pass can land in a busy spell.
  // Each pass also counts the CPU every process of the stack spent on it.
  const pass = async (run: () => Promise<Rate>) => {
    const before = stackCpu(ctx.stack);
    const rate = await run();
    return { ...rate, cpu: cpuBetween(before, stackCpu(ctx.stack)) };
  };
  const best = async (run: () => Promise<Rate>) => [await pass(run), await pass(run)].sort((a, b) => b.rate - a.rate)[0]!;
  const narrow = {
    rawStart: await best(() => rawStart(intakeC, intake)),
    rawSubmit: await best(() => rawSubmit(intakeC, intake)),
    api: await best(() => api(intakeC, intake)),
  };
  ctx.log(`intake: concurrency 200: raw workflow.start, POST /v1/exams; ${intakeWide} each`);
  const wide = { rawStart: await rawStart(200, intakeWide), api: await api(200, intakeWide) };
  const r = narrow.api.rate / narrow.rawStart.rate;
  const perSubmission = (cpu: ProcessCpu) =>
    `${fmtMs(cpu.temporal / intake)} | ${fmtMs(cpu.api / intake)} | ${fmtMs(cpu.postgres / intake)} | ${fmtMs(cpu.bench / intake)}`;
  const rw = wide.api.rate / wide.rawStart.rate;
  ctx.log(`   c=${intakeC}: raw ${narrow.rawStart.rate.toFixed(1)}/s, API ${narrow.api.rate.toFixed(1)}/s (${f2(r)}×); c=200: ${f2(rw)}×`);
  const markdown = `## Intake (one page of ${en.id} per submission; worker stopped)

Each figure at concurrency ${intakeC} is the better of two passes of ${intake} submissions (a busy spell of the shared machine
lands in one pass, not in both).

| concurrency ${intakeC}, ${intake} each | submissions/s | p50 / p95 / p99 | errors |
|---|---|---|---|
${rateRow("raw `client.workflow.start` (the API's input, memo and search attributes)", narrow.rawStart)}
${rateRow('raw `submitExam` (store page, template and input, record, then start)', narrow.rawSubmit)}
${rateRow('`POST /v1/exams` through the API', narrow.api)}
| API / raw start | **${f2(r)}** | | |

CPU a submission in the better pass of each, by process (the two cores are shared by all of them, so
whatever the API path adds over a raw start comes out of the Temporal server's share):

| concurrency ${intakeC} | Temporal server | API | PostgreSQL | client (the benchmark) |
|---|---|---|---|---|
| raw \`client.workflow.start\` | ${perSubmission(narrow.rawStart.cpu)} |
| raw \`submitExam\` (in the benchmark) | ${perSubmission(narrow.rawSubmit.cpu)} |
| \`POST /v1/exams\` | ${perSubmission(narrow.api.cpu)} |

The API reads only each page's image header for a submission with a templateId; whether the pages are answer
sheets is decided by the workflow's first step (\`identifySheet\`, on the worker). What is left on top of the raw
start is the HTTP request itself (multipart upload of the page, authentication, validation) and storing the page,
template and input and recording the exam: raw \`submitExam\` / raw start = ${f2(narrow.rawSubmit.rate / narrow.rawStart.rate)}.

| concurrency 200, ${intakeWide} each | submissions/s | p50 / p95 / p99 | errors |
|---|---|---|---|
${rateRow('raw `client.workflow.start`', wide.rawStart)}
${rateRow('`POST /v1/exams` through the API', wide.api)}
| API / raw start | **${f2(rw)}** | | |
`;
  return {
    markdown,
    targets: [
      { target: `API intake ≥ 0.8 × raw \`workflow.start\` (concurrency ${intakeC})`, figure: `${f2(r)} ×`, met: r >= 0.8 },
      {
        target: 'API intake p99 ≤ 100 ms at concurrency 200',
        figure: `${fmtMs(wide.api.latency.p99)} (raw: ${fmtMs(wide.rawStart.latency.p99)})`,
        met: wide.api.latency.p99 <= 100,
      },
    ],
  };
}
