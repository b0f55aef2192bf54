import './env';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { recognizePage, terminateOcr } from '../activities/ocr-engine';
import { submitExam } from '../api/start-exam';
import { ExamflowClient } from '../client/examflow-client';
import type { Template } from '../domain/template';
import { startLocalStack, type LocalStack } from '../scripts/local-stack';
import { ErrorCounts, fixtureTemplates, fmtMs, Latencies, pngBlob, renderPages, runPool, sleep, submitOnce, type LatencySummary } from '../scripts/loadtest/lib';

// node dist/bench/run.js [--quick]
// Throughput and latency of examflow on this machine, against its own Temporal dev server,
// worker and API started as child processes on free loopback ports (like scripts/chaos.ts):
//   a. OCR: raw recognizePage in-process vs the whole pipeline, pages/s;
//   b. intake: raw submitExam (store pages + client.workflow.start) vs POST /v1/exams;
//   c. end to end: submit → completed latency for 1- and 4-page exams on an idle system.
// Prints the figures and writes bench/RESULTS.md.

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } } });
const quick = values.quick!;
const counts = quick
  ? { ocrPages: 4, e2e1: 3, e2e4: 2, intake: 40, intakeConcurrency: 8 }
  : { ocrPages: 20, e2e1: 10, e2e4: 5, intake: 500, intakeConcurrency: 16 };
const ocrWorkers = Number(process.env.EXAMFLOW_OCR_WORKERS);
const dataDir = process.env.EXAMFLOW_DATA_DIR!;
const token = 'bench-token-0001';
const t0 = Date.now();
const log = (msg: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const HARD_LIMIT_MS = (quick ? 15 : 90) * 60_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]! : NaN;
};

async function main(): Promise<void> {
  let stack: LocalStack | undefined;
  const hard = setTimeout(() => {
    console.error(`bench: hard limit of ${HARD_LIMIT_MS / 60_000} min reached`);
    stack?.kill();
    process.exit(3);
  }, HARD_LIMIT_MS);
  hard.unref();

  const templates = fixtureTemplates();
  const en = templates.get('g7-english-unit3')!; // 8 questions, English: one page or four
  const science = templates.get('g6-science-quiz')!;

  // Pages first (Chromium), so rendering never overlaps a measurement.
  log(`rendering ${counts.ocrPages} one-page papers and a four-page paper`);
  const onePagers: Buffer[] = [];
  for (let i = 0; i < counts.ocrPages; i++) onePagers.push((await renderPages(en, 1, 100 + i))[0]!);
  const fourPages = await renderPages(science, 4, 42);

  // The stack.
  stack = await startLocalStack(dataDir, process.env);
  const { address, baseUrl } = stack;
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection });
  const examflow = new ExamflowClient({ baseUrl, token });
  for (const t of [en, science]) await examflow.createTemplate(t);
  log(`stack up: Temporal ${address}, API ${baseUrl}, ${ocrWorkers} OCR workers; data ${dataDir}`);

  const submitAndWait = async (templateId: string, pages: Buffer[]) => {
    const t = performance.now();
    const { examId } = await examflow.submitExam({ templateId, pages });
    const final = await examflow.waitFor(examId, { timeoutMs: 10 * 60_000 });
    if (final.status !== 'completed') throw new Error(`exam ${examId} ended ${final.status}: ${final.error ?? ''}`);
    return performance.now() - t;
  };

  try {
    // ── a. OCR throughput ──────────────────────────────────────────────────
    log(`a. raw recognizePage: warm-up (${ocrWorkers} recognisers), then ${onePagers.length} pages`);
    await Promise.all(Array.from({ length: ocrWorkers }, () => recognizePage(onePagers[0]!, en.language)));
    let t = performance.now();
    await Promise.all(onePagers.map((png, i) => recognizePage(png, en.language, undefined, i + 1)));
    const rawOcrS = (performance.now() - t) / 1000;
    await terminateOcr();
    const rawPps = onePagers.length / rawOcrS;
    log(`   raw: ${onePagers.length} pages in ${rawOcrS.toFixed(1)} s = ${rawPps.toFixed(3)} pages/s`);

    log('a. pipeline: warm-up exam, then the same pages as one-page exams, all at once');
    await submitAndWait(en.id, [onePagers[0]!]);
    t = performance.now();
    const ids = await Promise.all(onePagers.map((png) => examflow.submitExam({ templateId: en.id, pages: [png] }).then((r) => r.examId)));
    const finals = await Promise.all(ids.map((id) => examflow.waitFor(id, { timeoutMs: 20 * 60_000 })));
    const pipeOcrS = (performance.now() - t) / 1000;
    const notCompleted = finals.filter((f) => f.status !== 'completed').length;
    const pipePps = onePagers.length / pipeOcrS;
    log(`   pipeline: ${onePagers.length} pages in ${pipeOcrS.toFixed(1)} s = ${pipePps.toFixed(3)} pages/s (${notCompleted} not completed)`);

    // ── c. end to end on an idle system ────────────────────────────────────
    log(`c. end to end: ${counts.e2e1} one-page, ${counts.e2e4} four-page exams, one at a time`);
    const e2e1: number[] = [];
    for (let i = 0; i < counts.e2e1; i++) e2e1.push(await submitAndWait(en.id, [onePagers[i % onePagers.length]!]));
    const e2e4: number[] = [];
    for (let i = 0; i < counts.e2e4; i++) e2e4.push(await submitAndWait(science.id, fourPages));
    log(`   1 page p50 ${fmtMs(pct(e2e1, 0.5))} p95 ${fmtMs(pct(e2e1, 0.95))}; 4 pages p50 ${fmtMs(pct(e2e4, 0.5))} p95 ${fmtMs(pct(e2e4, 0.95))}`);

    // ── b. intake ──────────────────────────────────────────────────────────
    // The worker is stopped so neither side competes with OCR for the cores; every workflow
    // started here is terminated afterwards.
    log('b. intake: stopping the worker');
    const worker = stack.worker!;
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    stack.worker = null;
    const page = onePagers[0]!;
    const { n: intakeN, c: intakeC } = { n: counts.intake, c: counts.intakeConcurrency };
    const started: string[] = [];

    log(`b. raw submitExam (store pages + workflow.start): ${intakeN} at concurrency ${intakeC}`);
    const rawLat = new Latencies(intakeN);
    const rawErr = new ErrorCounts();
    t = performance.now();
    await runPool(intakeN, intakeC, async () => {
      const examId = randomUUID();
      const s = performance.now();
      try {
        await submitExam(temporal, { examId, tenantId: 'bench', template: en as Template, pages: [page], priority: 'normal' });
        started.push(examId);
      } catch (err) {
        rawErr.add((err as Error).name ?? 'error');
      }
      rawLat.add(performance.now() - s);
    });
    const rawIntakeS = (performance.now() - t) / 1000;
    const rawRps = intakeN / rawIntakeS;
    const rawSum = rawLat.summary();

    log(`b. POST /v1/exams: ${intakeN} at concurrency ${intakeC}`);
    const apiLat = new Latencies(intakeN);
    const apiErr = new ErrorCounts();
    const blob = pngBlob(page);
    t = performance.now();
    await runPool(intakeN, intakeC, async () => {
      const s = performance.now();
      const out = await submitOnce(baseUrl, token, en.id, [blob], 60_000);
      apiLat.add(performance.now() - s);
      if (out.ok) started.push(out.examId);
      else apiErr.add(out.kind);
    });
    const apiIntakeS = (performance.now() - t) / 1000;
    const apiRps = intakeN / apiIntakeS;
    const apiSum = apiLat.summary();
    log(`   raw ${rawRps.toFixed(1)}/s (${rawErr.total} errors), API ${apiRps.toFixed(1)}/s (${apiErr.total} errors)`);

    log(`terminating the ${started.length} intake workflows`);
    await runPool(started.length, 16, async (i) => {
      await temporal.workflow.getHandle(started[i]!).terminate('bench cleanup').catch(() => undefined);
    });

    // ── report ─────────────────────────────────────────────────────────────
    const cpus = os.cpus();
    const lat = (s: LatencySummary) => `${fmtMs(s.median)} / ${fmtMs(s.p95)} / ${fmtMs(s.p99)} (max ${fmtMs(s.max)})`;
    const md = `# examflow benchmark${quick ? ' (--quick)' : ''}

Run ${new Date().toISOString()} with \`node dist/bench/run.js${quick ? ' --quick' : ''}\`: own Temporal dev server (SQLite file),
one worker process (\`EXAMFLOW_OCR_WORKERS=${ocrWorkers}\`), the API, all on loopback. Rules grading (no LLM).

## Machine

| | |
|---|---|
| CPU | ${cpus.length} × ${cpus[0]?.model ?? 'unknown'} |
| memory | ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(os.freemem() / 2 ** 30).toFixed(1)} GiB free at the end |
| OS | ${os.type()} ${os.release()} (${os.platform()}/${os.arch()}) |
| Node | ${process.version} |

## a. OCR throughput (${onePagers.length} generated one-page English papers, ${ocrWorkers} recognisers)

| | time | pages/s |
|---|---|---|
| raw \`recognizePage\` in-process (after warm-up) | ${rawOcrS.toFixed(1)} s | ${rawPps.toFixed(3)} |
| whole pipeline (API → workflow → OCR → parse → grade → diagnose → report), all submitted at once | ${pipeOcrS.toFixed(1)} s | ${pipePps.toFixed(3)} |
| pipeline / raw | | **${(pipePps / rawPps).toFixed(2)}** |

${notCompleted ? `${notCompleted} pipeline exams did not complete.\n` : ''}
## b. Intake (${intakeN} submissions of one page each, concurrency ${intakeC}, worker stopped)

| | submissions/s | p50 / p95 / p99 | errors |
|---|---|---|---|
| raw \`submitExam\` (store page + template + input, \`client.workflow.start\`) | ${rawRps.toFixed(1)} | ${lat(rawSum)} | ${rawErr.total} |
| \`POST /v1/exams\` through the API | ${apiRps.toFixed(1)} | ${lat(apiSum)} | ${apiErr.total}${apiErr.total ? ` (${apiErr.top(3).map(([k, n]) => `${n} × ${k}`).join(', ')})` : ''} |
| API / raw | **${(apiRps / rawRps).toFixed(2)}** | | |

## c. End to end on an idle system (submit → completed, one exam at a time)

| exam | n | p50 | p95 |
|---|---|---|---|
| 1 page (${en.id}) | ${e2e1.length} | ${fmtMs(pct(e2e1, 0.5))} | ${fmtMs(pct(e2e1, 0.95))} |
| 4 pages (${science.id}) | ${e2e4.length} | ${fmtMs(pct(e2e4, 0.5))} | ${fmtMs(pct(e2e4, 0.95))} |
${quick ? '\nQuick run: the counts are small, so p95 is close to the maximum of a handful of samples.\n' : ''}`;
    const out = values.out ?? path.resolve(__dirname, '..', '..', 'bench', 'RESULTS.md');
    writeFileSync(out, md);
    console.log(`\n${md}`);
    log(`wrote ${out}`);
  } finally {
    await stack.stop();
    await connection.close();
    await terminateOcr();
    await sleep(500);
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
