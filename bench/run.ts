import './env';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { ExamflowClient } from '../client/examflow-client';
import { closeSharedBrowser } from '../lib/documents/browser';
import { config } from '../lib/config';
import { examflowDataConverter } from '../lib/temporal/payload-codec';
import { closeRecords, openRecords } from '../records/database';
import { startLocalStack, type LocalStack } from '../scripts/local-stack';
import { fixtureTemplates, renderPages, sleep } from '../scripts/loadtest/lib';
import { storeParkedExams, timeGets } from './reads';
import { recordsBenchmark, recordsBenchTable } from './records';
import { resultsMarkdown } from './results';
import { sheetSet, sheetsWorkload } from './workloads/answer-sheets';
import { classBatchWorkload, classStack } from './workloads/class-batch';
import type { BenchContext, Counts, TargetRow } from './workloads/context';
import { heldOutExams, heldOutWorkload } from './workloads/held-out';
import { intakeWorkload } from './workloads/intake';
import { printedPages, printedWorkload } from './workloads/printed';
import { reportsWorkload } from './workloads/reports';
import { completedReadsWorkload, lat, spreadWorkload, sustainedWorkload } from './workloads/system';

// npm run bench [-- --quick] [-- --only printed,sheets] [-- --out file.md] [-- --sustained-s 180]
// examflow against the raw cost of its parts, measured in the same run, on its own Temporal dev
// server, PostgreSQL, worker and API (child processes on loopback). Workloads, in run order:
//   printed   today's printed papers: raw recogniser vs pipeline, one at a time vs raw steps
//   heldout   printed papers like the held-out set (Chinese/English, 1–2 pages, some scanned)
//   sheets    answer sheets, scanned and photographed, submitted one by one
//   batch     a class of 40 scanned sheets in one PDF (POST /v1/batches)
//   reports   the per-exam and class report PDFs on their own (Chromium)
//   spread    a second worker process
//   sustained worker and API memory over a sustained run
//   reads     status, list and statistics reads with many exams stored
//   intake    POST /v1/exams vs raw workflow.start (stops the worker: runs after the others)
//   records   list and statistics queries over a million exam rows
// Each workload prints the raw cost of its parts, the pipeline's cost and where the time went.
// Without --only every workload runs and bench/RESULTS.md is written; with --only the figures
// are printed (and written to --out when given).

const WORKLOADS = ['printed', 'heldout', 'sheets', 'batch', 'reports', 'spread', 'sustained', 'reads', 'intake', 'records'] as const;
type Workload = (typeof WORKLOADS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
    'sustained-s': { type: 'string' },
  },
});
const quick = values.quick;
const only = values.only ? (values.only.split(',').map((s) => s.trim()) as Workload[]) : [...WORKLOADS];
for (const w of only) if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w}: one of ${WORKLOADS.join(', ')}`);
const want = (w: Workload) => only.includes(w);
const counts: Counts = quick
  ? {
      ocrPages: 4,
      e2e1: 3,
      e2e4: 2,
      heldOut: 3,
      sheets: 4,
      students: 10,
      spreadExams: 4,
      sustainedS: 60,
      intake: 60,
      intakeC: 16,
      intakeWide: 400,
      stored: 1_000,
      storedLarge: 5_000,
      reads: 100,
    }
  : {
      ocrPages: 20,
      e2e1: 10,
      e2e4: 5,
      heldOut: 6,
      sheets: 12,
      students: 40,
      spreadExams: 12,
      sustainedS: 600,
      intake: 500,
      intakeC: 16,
      intakeWide: 4_000,
      stored: 10_000,
      storedLarge: 100_000,
      reads: 300,
    };
if (values['sustained-s']) counts.sustainedS = Number(values['sustained-s']);
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
  const loadBefore = os.loadavg();
  const all = fixtureTemplates();
  const templates = { en: all.get('g7-english-unit3')!, science: all.get('g6-science-quiz')!, zh: all.get('g8-math-midterm')! };
  const targets: TargetRow[] = [];
  const sections: string[] = [];
  const add = (r: { markdown: string; targets: TargetRow[] }) => {
    sections.push(r.markdown);
    targets.push(...r.targets);
    console.log(`\n${r.markdown}`);
  };

  // Inputs first (Chromium), so rendering never overlaps a measurement.
  log(`rendering the inputs of ${only.join(', ')}`);
  const printed =
    want('printed') || want('spread') || want('sustained') || want('intake')
      ? await printedPages({ counts, templates } as BenchContext)
      : undefined;
  const zhPages = want('sustained') ? await renderPages(templates.zh, 2, 7) : [];
  const heldOut = want('heldout') ? await heldOutExams(counts.heldOut) : [];
  const sheets = want('sheets') ? await sheetSet(counts.sheets) : undefined;
  const klass = want('batch') ? await classStack(counts.students) : undefined;
  await closeSharedBrowser();
  if (want('reports')) add(await reportsWorkload({ log, quick, students: counts.students }));

  const stackNeeded = only.some((w) => w !== 'reports' && w !== 'records');
  stack = stackNeeded ? await startLocalStack(dataDir, process.env) : undefined;
  const connection = stack ? await Connection.connect({ address: stack.address }) : undefined;
  try {
    if (stack && connection) {
      await openRecords(stack.databaseUrl, { poolSize: 16 }); // this process submits exams itself too
      const temporal = new Client({ connection, dataConverter: examflowDataConverter(config()) });
      const examflow = new ExamflowClient({ baseUrl: stack.baseUrl, token });
      for (const t of Object.values(templates)) await examflow.createTemplate(t);
      log(`stack up: Temporal ${stack.address}, API ${stack.baseUrl}, ${ocrWorkers} recognisers per language; data ${dataDir}`);
      const ctx: BenchContext = {
        quick,
        counts,
        ocrWorkers,
        stack,
        temporal,
        examflow,
        templates,
        costsFile: process.env.EXAMFLOW_ACTIVITY_COST_LOG!,
        completedIds: [],
        log,
      };
      if (want('reads')) {
        log(`storing ${counts.stored} pending exams on a queue no worker polls`);
        log(`   ${(await storeParkedExams(temporal, counts.stored, 64, tenant, templates.en)).toFixed(0)} starts/s`);
      }
      if (want('printed')) add(await printedWorkload(ctx, printed!));
      if (want('heldout')) add(await heldOutWorkload(ctx, heldOut));
      if (want('sheets')) add(await sheetsWorkload(ctx, sheets!));
      if (want('batch')) add(await classBatchWorkload(ctx, klass!));
      if (want('spread')) add(await spreadWorkload(ctx, printed!.onePagers));
      if (want('sustained'))
        add(
          await sustainedWorkload(ctx, [
            { templateId: templates.en.id, pages: [printed!.onePagers[0]!] },
            { templateId: templates.zh.id, pages: zhPages },
          ]),
        );
      if (want('reads')) add(await completedReadsWorkload(ctx, token));
      if (want('intake')) add(await intakeWorkload(ctx, tenant, printed!.onePagers[0]!));
      if (want('reads')) add(await largeReads(ctx));
      await closeRecords(); // the records benchmark opens its own database
    }
    if (want('records')) {
      log('records database: 1 000 000 exam rows, list and statistics latencies');
      add({
        markdown: `## Records database\n\n${recordsBenchTable(await recordsBenchmark(quick ? 100_000 : 1_000_000, quick ? 50 : 300, log))}\n`,
        targets: [],
      });
    }
    const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    const md = resultsMarkdown({ command, quick, ocrWorkers, workloads: only, loadBefore, loadAfter: os.loadavg() }, targets, sections);
    const out = values.out ?? (values.only ? undefined : path.resolve(__dirname, '..', '..', 'bench', 'RESULTS.md'));
    console.log(
      `\n## Targets\n\n${targets.map((t) => `- ${t.target}: ${t.figure} ${t.met === null ? '' : t.met ? '(met)' : '(NOT met)'}`).join('\n')}`,
    );
    if (out) {
      writeFileSync(out, md);
      log(`wrote ${out}`);
    }
  } finally {
    await stack?.stop();
    await connection?.close();
    await sleep(500);
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
}

/** Reads with `storedLarge` exams stored (more are parked first when fewer are). */
async function largeReads(ctx: BenchContext) {
  const { temporal, counts: c } = ctx;
  const query = `WorkflowType = 'examWorkflow'`;
  const stored = Number((await temporal.workflow.count(query)).count);
  if (stored < c.storedLarge) {
    log(`storing ${c.storedLarge - stored} more pending exams (to ${c.storedLarge})`);
    await storeParkedExams(temporal, c.storedLarge - stored, 64, tenant, ctx.templates.en);
  }
  const storedLarge = Number((await temporal.workflow.count(query)).count);
  log(`reads with ${storedLarge} exams stored`);
  const n = Math.max(20, Math.round(c.reads / 10));
  const { baseUrl } = ctx.stack;
  const statistics = await timeGets(baseUrl, token, ['/v1/exams/statistics'], n);
  const filtered = await timeGets(
    baseUrl,
    token,
    [`/v1/exams?status=completed&subject=${encodeURIComponent(ctx.templates.en.subject)}&limit=50`],
    n,
  );
  const list = await timeGets(baseUrl, token, ['/v1/exams?limit=100'], n);
  const completed = await timeGets(
    baseUrl,
    token,
    ctx.completedIds.map((id) => `/v1/exams/${id}`),
    c.reads,
  );
  return {
    markdown: `## Reads with ${storedLarge} exams stored, one request at a time

| | n | p50 / p95 / p99 |
|---|---|---|
| \`GET /v1/exams/statistics\` | ${statistics.count} | ${lat(statistics)} |
| \`GET /v1/exams?status=completed&subject=…&limit=50\` | ${filtered.count} | ${lat(filtered)} |
| \`GET /v1/exams?limit=100\` | ${list.count} | ${lat(list)} |
| \`GET /v1/exams/:id\`, completed exams | ${completed.count} | ${lat(completed)} |
`,
    targets: [
      {
        target: `statistics ≤ 500 ms with ${storedLarge} exams`,
        figure: `p50 ${statistics.median.toFixed(1)} ms, max ${statistics.max.toFixed(1)} ms`,
        met: statistics.max <= 500,
      },
    ],
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
