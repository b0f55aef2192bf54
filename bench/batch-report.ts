// bench/BATCH.md from one run of bench/batch.ts.

export interface BatchFigures {
  students: number;
  pdfBytes: number;
  generatedMs: number;
  cores: number;
  cpuModel: string;
  loadBefore: number[];
  loadAfter: number[];
  raw: { wallMs: number; cpuMs: number; renderMs: number; pages: number };
  acceptedMs: number;
  splitMs: number | null;
  wallMs: number;
  systemCpuMs: number;
  exams: number;
  completed: number;
  exact: number;
  parallelism: number;
  activityConcurrency: number;
  date: string;
}

const s = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
const TARGET_MS = 30_000;

export function batchMarkdown(f: BatchFigures): string {
  const met = f.wallMs <= TARGET_MS && f.exact === f.students;
  return `# Class batch benchmark

\`npm run bench:batch\` — ${f.date.slice(0, 16).replace('T', ' ')} UTC, ${f.cores} cores (${f.cpuModel}).
Machine load (1/5/15 min) before: ${f.loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after: ${f.loadAfter.map((l) => l.toFixed(2)).join(' / ')}
(the machine was shared with other work: load above ${f.cores} means fewer free cores than it has).

A class of **${f.students} one-page answer sheets** (26 questions: single choice, multi, true/false),
filled by the simulated pencil and scanned, bound into **one PDF** (${(f.pdfBytes / 1e6).toFixed(1)} MB) as a copier
sends it, posted once to \`POST /v1/batches\` without a template id. Everything runs in one process:
Temporal dev server, PostgreSQL, the workers (read queue and workflows), the API and Chromium;
\`EXAMFLOW_BATCH_PARALLELISM=${f.parallelism}\`, \`EXAMFLOW_ACTIVITY_CONCURRENCY=${f.activityConcurrency}\`
(light-activity slots; with the default of 4 two runs here under the same load took 33.0 and 35.6 s).

| | |
|---|---|
| upload answered (202, stack stored and recorded) | ${s(f.acceptedMs)} |
| stack split into students (pages out of the PDF, every page looked at) | ${s(f.splitMs)} |
| **upload → ${f.completed} graded exams and the class report** | **${s(f.wallMs)}** (target ≤ 30 s: ${met ? 'met' : 'NOT met'}) |
| exams with the student's number and exact score | ${f.exact} / ${f.students} |
| CPU of the whole system in this process | ${s(f.systemCpuMs)} |
| raw reading of the same ${f.raw.pages} pages without Temporal (one thread: pages out of the PDF, blank check, code, marks) | ${s(f.raw.wallMs)} wall, ${s(f.raw.cpuMs)} CPU (pages out of the PDF ${s(f.raw.renderMs)}) |
| **ratio: batch wall time / raw reading** | **${(f.wallMs / f.raw.wallMs).toFixed(2)}×** |

What the batch adds over the raw read: each page is decoded twice (once to split the stack, once
by its exam's reader), each exam runs its whole workflow (records, parse, grade, diagnose, a
one-page PDF report in Chromium) and the class report is rendered once all have closed — in exchange
for per-student durability, live progress, records, reports and retries. Generating the class
(not measured) took ${s(f.generatedMs)}.
`;
}
