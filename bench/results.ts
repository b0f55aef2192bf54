import os from 'node:os';
import type { Template } from '../domain/template';
import { fmtMs, type LatencySummary } from '../scripts/loadtest/lib';
import type { StepCosts } from './raw-steps';
import type { SustainedResult } from './sustained';

// bench/RESULTS.md from the figures of one run, each target marked met or not.

interface Rate {
  rate: number;
  latency: LatencySummary;
  errors: number;
}

export interface BenchFigures {
  quick: boolean;
  ocrWorkers: number;
  counts: { ocrPages: number; sustainedS: number; intake: number; intakeC: number; intakeWide: number; stored: number; storedLarge: number };
  storeRate: number;
  storeRateLarge?: number;
  rawOcrS: number;
  pipeOcrS: number;
  pipeNotCompleted: number;
  e2e1: number[];
  e2e4: number[];
  steps1: StepCosts;
  steps4: StepCosts;
  spread: { pagesPerS: number; byWorker: (readonly [string, Record<string, number>])[] };
  sustained: SustainedResult;
  completedReads: LatencySummary;
  pendingReads: LatencySummary;
  intake: { rawStart: Rate; rawSubmit: Rate; api: Rate };
  intakeWide: { rawStart: Rate; api: Rate };
  storedLarge: number;
  statistics: LatencySummary;
  filteredList: LatencySummary;
  list: LatencySummary;
  completedReadsLarge: LatencySummary;
}

/** The p-th quantile (0–1) of a small sample, nearest rank. */
export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
};
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ok = (met: boolean) => (met ? 'met' : '**not met**');
const lat = (s: LatencySummary) => `${fmtMs(s.median)} / ${fmtMs(s.p95)} / ${fmtMs(s.p99)} (max ${fmtMs(s.max)})`;
const rateRow = (name: string, r: Rate) => `| ${name} | ${r.rate.toFixed(1)} | ${lat(r.latency)} | ${r.errors} |`;
const stepRow = (name: string, e2e: number[], s: StepCosts) =>
  `| ${name} | ${e2e.length} | ${fmtMs(pct(e2e, 0.5))} | ${fmtMs(pct(e2e, 0.95))} | ${s.ocr.toFixed(0)} + ${s.parse.toFixed(0)} + ${s.analyze.toFixed(0)} + ${s.diagnose.toFixed(0)} + ${s.report.toFixed(0)} = ${fmtMs(s.total)} | ${fmtMs(pct(e2e, 0.5) - s.total)} |`;

export function resultsMarkdown(f: BenchFigures, t: { en: Template; science: Template; zh: Template }): string {
  const cpus = os.cpus();
  const rawPps = f.counts.ocrPages / f.rawOcrS;
  const pipePps = f.counts.ocrPages / f.pipeOcrS;
  const ocrRatio = pipePps / rawPps;
  const intakeRatio = f.intake.api.rate / f.intake.rawStart.rate;
  const wideRatio = f.intakeWide.api.rate / f.intakeWide.rawStart.rate;
  const p50one = pct(f.e2e1, 0.5);
  const workerPeak = f.sustained.peaks.worker!;
  const apiPeak = f.sustained.peaks.api!;
  return `# examflow benchmark${f.quick ? ' (--quick: small samples, short sustained run)' : ''}

Run ${new Date().toISOString()} with \`node dist/bench/run.js${f.quick ? ' --quick' : ''}\`: its own Temporal dev server
(SQLite file), one worker process (\`EXAMFLOW_OCR_WORKERS=${f.ocrWorkers}\` recognisers per language), the API, all on
loopback. Rules grading (no LLM). Every ratio compares two measurements of the same run.

## Machine

| | |
|---|---|
| CPU | ${cpus.length} × ${cpus[0]?.model ?? 'unknown'} |
| memory | ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(os.freemem() / 2 ** 30).toFixed(1)} GiB free at the end |
| OS | ${os.type()} ${os.release()} (${os.platform()}/${os.arch()}) |
| Node | ${process.version} |

## Targets

| target | figure | |
|---|---|---|
| pipeline OCR ≥ 0.85 × raw recogniser | ${ocrRatio.toFixed(2)} × | ${ok(ocrRatio >= 0.85)} |
| API intake ≥ 0.8 × raw \`workflow.start\` (concurrency ${f.counts.intakeC}) | ${intakeRatio.toFixed(2)} × | ${ok(intakeRatio >= 0.8)} |
| API intake p99 ≤ 100 ms at concurrency 200 | ${fmtMs(f.intakeWide.api.latency.p99)} (raw \`workflow.start\`: ${fmtMs(f.intakeWide.rawStart.latency.p99)}) | ${ok(f.intakeWide.api.latency.p99 <= 100)} |
| 1-page exam end to end p50 ≤ 3 s, idle | ${fmtMs(p50one)} | ${ok(p50one <= 3000)} |
| status read p99 ≤ 50 ms, running (under load) | ${fmtMs(f.sustained.runningReads.p99)} | ${ok(f.sustained.runningReads.p99 <= 50)} |
| status read p99 ≤ 50 ms, completed | ${fmtMs(f.completedReads.p99)} | ${ok(f.completedReads.p99 <= 50)} |
| statistics ≤ 500 ms with ${f.storedLarge} exams | p50 ${fmtMs(f.statistics.median)}, max ${fmtMs(f.statistics.max)} | ${ok(f.statistics.max <= 500)} |
| worker RSS ≤ 1.5 GB (${f.counts.sustainedS} s sustained) | ${mb(workerPeak.own)} (with its Chromium ${mb(workerPeak.tree)}) | ${ok(workerPeak.own <= 1.5 * 2 ** 30)} |

## a. OCR throughput (${f.counts.ocrPages} one-page English papers, ${f.ocrWorkers} recognisers)

| | time | pages/s |
|---|---|---|
| raw \`recognizePage\` in-process (recognisers loaded first) | ${f.rawOcrS.toFixed(1)} s | ${rawPps.toFixed(3)} |
| whole pipeline (API → workflow → OCR → parse → grade → diagnose → report), all submitted at once, completion seen by one list request each 0.5 s | ${f.pipeOcrS.toFixed(1)} s | ${pipePps.toFixed(3)} |
| pipeline / raw | | **${ocrRatio.toFixed(2)}** |
${f.pipeNotCompleted ? `\n${f.pipeNotCompleted} pipeline exams did not complete.\n` : ''}
## b. Intake (one page of ${t.en.id} per submission; worker stopped)

| concurrency ${f.counts.intakeC}, ${f.counts.intake} each | submissions/s | p50 / p95 / p99 | errors |
|---|---|---|---|
${rateRow('raw `client.workflow.start` (the API\'s input, memo and search attributes)', f.intake.rawStart)}
${rateRow('raw `submitExam` (store page, template and input, then start)', f.intake.rawSubmit)}
${rateRow('`POST /v1/exams` through the API', f.intake.api)}
| API / raw start | **${intakeRatio.toFixed(2)}** | | |

| concurrency 200, ${f.counts.intakeWide} each | submissions/s | p50 / p95 / p99 | errors |
|---|---|---|---|
${rateRow('raw `client.workflow.start`', f.intakeWide.rawStart)}
${rateRow('`POST /v1/exams` through the API', f.intakeWide.api)}
| API / raw start | **${wideRatio.toFixed(2)}** | | |

## c. End to end on an idle system (submit → completed seen by the client, one exam at a time)

Raw steps: the same activity functions called in this process without Temporal (pages in parallel as the workflow
reads them), median of up to 3 runs, ms: OCR + parse + analyze + diagnose + report.

| exam | n | p50 | p95 | raw steps | overhead (p50 − raw) |
|---|---|---|---|---|---|
${stepRow(`1 page (${t.en.id})`, f.e2e1, f.steps1)}
${stepRow(`4 pages (${t.science.id})`, f.e2e4, f.steps4)}

## d. A second worker process on the same server

One-page exams submitted at once with two worker processes: ${f.spread.pagesPerS.toFixed(3)} pages/s (one worker: ${pipePps.toFixed(3)}; both share the same 2 cores). Activity tasks taken by each:

| worker | ${['ocrPage', 'parseExam', 'analyzeAnswers', 'diagnoseExam', 'renderReport'].join(' | ')} |
|---|---|---|---|---|---|
${f.spread.byWorker.map(([w, m]) => `| ${w} | ${['ocrPage', 'parseExam', 'analyzeAnswers', 'diagnoseExam', 'renderReport'].map((a) => m[a] ?? 0).join(' | ')} |`).join('\n')}

## e. Sustained run and memory (${f.sustained.durationS.toFixed(0)} s; 1-page English and 2-page Chinese exams, 3 in flight)

${f.sustained.completed} exams completed, ${f.sustained.failed} failed, ${f.sustained.pagesPerS.toFixed(3)} pages/s.

| process | peak RSS (sampled each second) | with child processes |
|---|---|---|
| worker | ${mb(workerPeak.own)} | ${mb(workerPeak.tree)} (Chromium) |
| API | ${mb(apiPeak.own)} | ${mb(apiPeak.tree)} |

## f. Reads

| with ${f.counts.stored}+ exams stored, one request at a time | n | p50 / p95 / p99 |
|---|---|---|
| \`GET /v1/exams/:id\`, running exams, during the sustained run | ${f.sustained.runningReads.count} | ${lat(f.sustained.runningReads)} |
| \`GET /v1/exams/:id\`, completed exams | ${f.completedReads.count} | ${lat(f.completedReads)} |
| \`GET /v1/exams/:id\`, pending exams (not picked up) | ${f.pendingReads.count} | ${lat(f.pendingReads)} |

| with ${f.storedLarge} exams stored${f.storeRateLarge ? ` (stored at ${f.storeRateLarge.toFixed(0)} starts/s)` : ''} | n | p50 / p95 / p99 |
|---|---|---|
| \`GET /v1/exams/statistics\` | ${f.statistics.count} | ${lat(f.statistics)} |
| \`GET /v1/exams?status=completed&subject=…&limit=50\` | ${f.filteredList.count} | ${lat(f.filteredList)} |
| \`GET /v1/exams?limit=100\` | ${f.list.count} | ${lat(f.list)} |
| \`GET /v1/exams/:id\`, completed exams | ${f.completedReadsLarge.count} | ${lat(f.completedReadsLarge)} |
`;
}
