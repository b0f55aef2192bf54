import './env';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { createActivityDeps } from '../worker/activity-deps';
import { startExamRun, submitExam } from '../api/exams/start-exam';
import { ExamflowClient } from '../client/examflow-client';
import { closeSharedBrowser } from '../lib/documents/browser';
import { config } from '../lib/config';
import { examflowDataConverter } from '../lib/temporal/payload-codec';
import { startLocalStack, type LocalStack } from '../scripts/local-stack';
import { ErrorCounts, fixtureTemplates, Latencies, pngBlob, renderPages, runPool, sleep, submitOnce, type LatencySummary } from '../scripts/loadtest/lib';
import { examKeys } from '../lib/artifacts/artifacts';
import { createApiDeps } from '../api/deps';
import { rawStepCosts, type StepCosts } from './raw-steps';
import { storeParkedExams, timeGets } from './reads';
import { pct, resultsMarkdown, type BenchFigures } from './results';
import { spreadAcrossWorkers } from './second-worker';
import { sustainedRun } from './sustained';
import { waitForAll } from './wait-all';
import { closeRecords, openRecords } from '../records/database';
import { recordsBenchmark, recordsBenchTable } from './records';

// node dist/bench/run.js [--quick]
// examflow against the raw limits of this machine, in one run, on its own Temporal dev
// server, worker and API (child processes on loopback): OCR throughput, end-to-end latency
// with the raw step costs, a second worker, a sustained run with memory, intake, and reads
// with 10k and 100k exams stored. Prints the figures and writes bench/RESULTS.md.

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } } });
const quick = values.quick;
const counts = quick
  ? { ocrPages: 4, e2e1: 3, e2e4: 2, spreadExams: 4, sustainedS: 60, intake: 60, intakeC: 8, intakeWide: 400, stored: 1_000, storedLarge: 5_000, reads: 100 }
  : { ocrPages: 20, e2e1: 10, e2e4: 5, spreadExams: 12, sustainedS: 600, intake: 500, intakeC: 16, intakeWide: 4_000, stored: 10_000, storedLarge: 100_000, reads: 300 };
const ocrWorkers = Number(process.env.EXAMFLOW_OCR_WORKERS);
const dataDir = process.env.EXAMFLOW_DATA_DIR!;
const token = 'bench-token-0001';
const tenant = 'bench';
const t0 = Date.now();
const log = (msg: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${msg}`);
const HARD_LIMIT_MS = (quick ? 20 : 120) * 60_000;

async function main(): Promise<void> {
  let stack: LocalStack | undefined;
  setTimeout(() => {
    console.error(`bench: hard limit of ${HARD_LIMIT_MS / 60_000} min reached`);
    stack?.kill();
    process.exit(3);
  }, HARD_LIMIT_MS).unref();

  const templates = fixtureTemplates();
  const en = templates.get('g7-english-unit3')!; // 8 questions, English: one page or four
  const science = templates.get('g6-science-quiz')!;
  const zh = templates.get('g8-math-midterm')!;

  // Pages first (Chromium), so rendering never overlaps a measurement.
  log(`rendering ${counts.ocrPages} one-page papers, a four-page and a two-page Chinese paper`);
  const onePagers: Buffer[] = [];
  for (let i = 0; i < counts.ocrPages; i++) onePagers.push((await renderPages(en, 1, 100 + i))[0]!);
  const fourPages = await renderPages(science, 4, 42);
  const zhPages = await renderPages(zh, 2, 7);
  await closeSharedBrowser();

  stack = await startLocalStack(dataDir, process.env);
  const { address, baseUrl } = stack;
  await openRecords(stack.databaseUrl, { poolSize: 16 }); // this process submits exams itself too
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection, dataConverter: examflowDataConverter(config()) });
  const examflow = new ExamflowClient({ baseUrl, token });
  for (const t of [en, science, zh]) await examflow.createTemplate(t);
  log(`stack up: Temporal ${address}, API ${baseUrl}, ${ocrWorkers} recognisers per language; data ${dataDir}`);
  // filled in phase by phase below
  const f = { quick, ocrWorkers, counts } as Partial<BenchFigures> as BenchFigures;

  // How far each exam's first ETA was from its real finish (the ETA learns from the records).
  const etaErrorsMs: number[] = [];
  const submitAndWait = async (templateId: string, pages: Buffer[]) => {
    const t = performance.now();
    const { examId } = await examflow.submitExam({ templateId, pages });
    let firstEta: { at: number; etaMs: number } | undefined;
    const final = await examflow.waitFor(examId, {
      timeoutMs: 10 * 60_000,
      onProgress: (doc) => void (firstEta ??= doc.etaMs !== null && doc.status !== 'completed' ? { at: performance.now(), etaMs: doc.etaMs } : undefined),
    });
    if (final.status !== 'completed') throw new Error(`exam ${examId} ended ${final.status}: ${final.error ?? ''}`);
    if (firstEta) etaErrorsMs.push(Math.abs(firstEta.at + firstEta.etaMs - performance.now()));
    completedIds.push(examId);
    return performance.now() - t;
  };
  const completedIds: string[] = [];
  // This process's own activities and recognisers (raw costs), built as a worker builds them.
  const raw = createActivityDeps(config());

  try {
    // ── stored exams: everything below runs with `stored` exams in Temporal ──────
    log(`storing ${counts.stored} pending exams on a queue no worker polls`);
    f.storeRate = await storeParkedExams(temporal, counts.stored, 64, tenant, en);
    log(`   ${f.storeRate.toFixed(0)} starts/s`);

    // ── a. OCR throughput ───────────────────────────────────────────────────────
    log(`a. raw recognizePage: ${ocrWorkers} recognisers loaded, then ${onePagers.length} pages`);
    await raw.ocr.prewarm([en.language]);
    let t = performance.now();
    await Promise.all(onePagers.map((png, i) => raw.ocr.recognizePage(png, en.language, undefined, i + 1)));
    f.rawOcrS = (performance.now() - t) / 1000;
    await raw.ocr.terminate();
    log('a. pipeline: one warm-up exam, then the same pages as one-page exams, all at once');
    await submitAndWait(en.id, [onePagers[0]!]);
    t = performance.now();
    const ids = await Promise.all(onePagers.map((png) => examflow.submitExam({ templateId: en.id, pages: [png] }).then((r) => r.examId)));
    const finals = await waitForAll(examflow, ids, 20 * 60_000);
    f.pipeOcrS = (performance.now() - t) / 1000;
    f.pipeNotCompleted = [...finals.values()].filter((status) => status !== 'completed').length;
    completedIds.push(...ids);
    log(`   raw ${(onePagers.length / f.rawOcrS).toFixed(3)} pages/s, pipeline ${(onePagers.length / f.pipeOcrS).toFixed(3)} pages/s`);

    // ── c. end to end on an idle system, and the raw step costs of the same exams ─
    log(`c. end to end: ${counts.e2e1} one-page, ${counts.e2e4} four-page exams, one at a time`);
    f.e2e1 = [];
    for (let i = 0; i < counts.e2e1; i++) f.e2e1.push(await submitAndWait(en.id, [onePagers[i % onePagers.length]!]));
    f.e2e4 = [];
    for (let i = 0; i < counts.e2e4; i++) f.e2e4.push(await submitAndWait(science.id, fourPages));
    log('c. raw step costs in this process (activities called directly, no Temporal)');
    await raw.ocr.prewarm([en.language]);
    const steps1: StepCosts[] = [];
    const steps4: StepCosts[] = [];
    for (let i = 0; i < Math.min(3, counts.e2e1); i++) steps1.push(await rawStepCosts(raw.deps, en, [onePagers[i]!]));
    for (let i = 0; i < Math.min(3, counts.e2e4); i++) steps4.push(await rawStepCosts(raw.deps, science, fourPages));
    await raw.close();
    await closeSharedBrowser();
    const medianSteps = (xs: StepCosts[]) => Object.fromEntries(Object.keys(xs[0]!).map((k) => [k, pct(xs.map((x) => x[k as keyof StepCosts]), 0.5)])) as unknown as StepCosts;
    f.steps1 = medianSteps(steps1);
    f.steps4 = medianSteps(steps4);
    log(`   first ETA vs real finish: median off by ${pct(etaErrorsMs, 0.5).toFixed(0)} ms, p90 ${pct(etaErrorsMs, 0.9).toFixed(0)} ms over ${etaErrorsMs.length} exams`);
    log(`   1 page p50 ${pct(f.e2e1, 0.5).toFixed(0)} ms (raw steps ${f.steps1.total.toFixed(0)} ms); 4 pages p50 ${pct(f.e2e4, 0.5).toFixed(0)} ms (raw steps ${f.steps4.total.toFixed(0)} ms)`);

    // ── a second worker process ─────────────────────────────────────────────────
    log(`second worker: starting it, then ${counts.spreadExams} one-page exams at once`);
    const second = stack.addWorker();
    await sleep(10_000); // its recognisers load
    const spread = await spreadAcrossWorkers(temporal, examflow, en.id, onePagers.slice(0, counts.spreadExams).map((p) => [p]));
    f.spread = { pagesPerS: spread.pagesPerS, byWorker: [...spread.byWorker].map(([w, m]) => [w, Object.fromEntries(m)] as const) };
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
    log(`   ${spread.pagesPerS.toFixed(3)} pages/s; ${f.spread.byWorker.map(([w, m]) => `${w}: ${JSON.stringify(m)}`).join('; ')}`);

    // ── sustained run: memory, and reads of running exams under load ────────────
    log(`sustained: ${counts.sustainedS} s of exams (1-page English and 2-page Chinese), 3 in flight`);
    f.sustained = await sustainedRun({
      examflow,
      jobs: [
        { templateId: en.id, pages: [onePagers[0]!] },
        { templateId: zh.id, pages: zhPages },
      ],
      durationMs: counts.sustainedS * 1000,
      inFlight: 3,
      pids: { worker: stack.worker!.pid!, api: stack.api.pid! },
    });
    log(`   ${f.sustained.completed} completed, ${f.sustained.failed} failed; worker peak ${(f.sustained.peaks.worker!.own / 2 ** 20).toFixed(0)} MB`);

    // ── reads with `stored` exams ───────────────────────────────────────────────
    log(`reads with ${counts.stored}+ exams stored`);
    f.completedReads = await timeGets(baseUrl, token, completedIds.map((id) => `/v1/exams/${id}`), counts.reads);
    const pendingIds = (await examflow.listExams({ status: 'pending', limit: 100 })).exams.map((e) => e.examId);
    f.pendingReads = await timeGets(baseUrl, token, pendingIds.map((id) => `/v1/exams/${id}`), counts.reads);

    // ── b. intake, with the worker stopped so nothing competes with it ──────────
    log('b. intake: stopping the worker');
    const worker = stack.worker!;
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    stack.worker = null;
    const page = onePagers[0]!;
    const rawStart = (c: number, n: number) =>
      // The API's workflow.start alone: the same input, memo and search attributes, no page stored.
      timedPool(n, c, async () => {
        const examId = randomUUID();
        const keys = examKeys(examId);
        const input = { examId, tenantId: tenant, templateId: en.id, templateKey: keys.template, language: en.language, pageKeys: [keys.page(0)], createdAt: new Date().toISOString(), notify: false };
        await startExamRun(temporal, input, en.subject, 'normal', 'REJECT_DUPLICATE', config().EXAMFLOW_TASK_QUEUE);
      });
    const apiDeps = createApiDeps(temporal, config());
    const rawSubmit = (c: number, n: number) =>
      timedPool(n, c, async () => {
        await submitExam(apiDeps, { examId: randomUUID(), tenantId: tenant, template: en, pages: [page], priority: 'normal' });
      });
    const blob = pngBlob(page);
    const api = (c: number, n: number) =>
      timedPool(n, c, async () => {
        const out = await submitOnce(baseUrl, token, en.id, [blob], 60_000);
        if (!out.ok) throw new Error(out.kind);
      });
    log(`b. concurrency ${counts.intakeC}: raw workflow.start, raw store + start, POST /v1/exams; ${counts.intake} each`);
    f.intake = { rawStart: await rawStart(counts.intakeC, counts.intake), rawSubmit: await rawSubmit(counts.intakeC, counts.intake), api: await api(counts.intakeC, counts.intake) };
    log(`b. concurrency 200: raw workflow.start, POST /v1/exams; ${counts.intakeWide} each`);
    f.intakeWide = { rawStart: await rawStart(200, counts.intakeWide), api: await api(200, counts.intakeWide) };
    log(`   c=${counts.intakeC}: raw ${f.intake.rawStart.rate.toFixed(1)}/s, API ${f.intake.api.rate.toFixed(1)}/s; c=200: raw ${f.intakeWide.rawStart.rate.toFixed(1)}/s, API ${f.intakeWide.api.rate.toFixed(1)}/s`);

    // ── reads with `storedLarge` exams ──────────────────────────────────────────
    const stored = Number((await temporal.workflow.count(`WorkflowType = 'examWorkflow'`)).count);
    if (stored < counts.storedLarge) {
      log(`storing ${counts.storedLarge - stored} more pending exams (to ${counts.storedLarge})`);
      f.storeRateLarge = await storeParkedExams(temporal, counts.storedLarge - stored, 64, tenant, en);
    }
    f.storedLarge = Number((await temporal.workflow.count(`WorkflowType = 'examWorkflow'`)).count);
    log(`reads with ${f.storedLarge} exams stored`);
    const n = Math.max(20, Math.round(counts.reads / 10));
    f.statistics = await timeGets(baseUrl, token, ['/v1/exams/statistics'], n);
    f.filteredList = await timeGets(baseUrl, token, [`/v1/exams?status=completed&subject=${encodeURIComponent(en.subject)}&limit=50`], n);
    f.list = await timeGets(baseUrl, token, ['/v1/exams?limit=100'], n);
    f.completedReadsLarge = await timeGets(baseUrl, token, completedIds.map((id) => `/v1/exams/${id}`), counts.reads);

    log('records database: 1 000 000 exam rows, list and statistics latencies');
    await closeRecords(); // the benchmark opens its own database
    const recordsTable = recordsBenchTable(await recordsBenchmark(quick ? 100_000 : 1_000_000, quick ? 50 : 300, log));
    console.log(recordsTable);
    const md = `${resultsMarkdown(f, { en, science, zh })}\n## Records database\n\n${recordsTable}\n`;
    const out = values.out ?? path.resolve(__dirname, '..', '..', 'bench', 'RESULTS.md');
    writeFileSync(out, md);
    console.log(`\n${md}`);
    log(`wrote ${out}`);
  } finally {
    await stack.stop();
    await connection.close();
    await raw.close();
    await sleep(500);
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
}

/** n tasks at concurrency c: rate per second and latency distribution; a failure aborts. */
async function timedPool(n: number, c: number, task: (i: number) => Promise<void>): Promise<{ rate: number; latency: LatencySummary; errors: number }> {
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

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
