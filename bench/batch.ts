import '../test/helpers/env';
// A worker tuned for a class at once: 8 light-activity slots (reports in Chromium wait on the
// browser more than on a core) and 16 exams of the batch in flight. Both are the settings below.
process.env.EXAMFLOW_ACTIVITY_CONCURRENCY ??= '8';
process.env.EXAMFLOW_BATCH_PARALLELISM ??= '16';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ExamflowClient } from '../client/examflow-client';
import { expectedScore, oneSheetTemplate, studentSheets } from '../test/fixtures/class-stack';
import { scannedStackPdf } from '../test/fixtures/scan-pdf';
import { startStack } from '../test/helpers/stack';
import { batchMarkdown, type BatchFigures } from './batch-report';
import { rawClassRead } from './workloads/class-batch';

// npm run bench:batch [-- --students 40 --out bench/BATCH.md --picture docs/class-report.png]
// A class of one-page answer sheets, filled by the simulated pencil and scanned (fixed
// seeds), bound into ONE PDF as a copier sends it, posted to POST /v1/batches on the whole
// system in this process (Temporal dev server, PostgreSQL, workers, API, Chromium): wall time
// from the upload to the class report. Beside it, in the same run, the raw cost of reading
// the same pages without Temporal (PDF render, blank check, code, marks: reading/ directly).

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    students: { type: 'string', default: '40' },
    out: { type: 'string', default: 'bench/BATCH.md' },
    picture: { type: 'string', default: 'docs/class-report.png' },
  },
});
const root = path.resolve(__dirname, '../..');
const count = Number(values.students);
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/** Page images of the class report PDF, for the README. */
async function picture(pdf: Buffer, png: string): Promise<void> {
  const dir = path.dirname(png);
  mkdirSync(dir, { recursive: true });
  const pdfPath = path.join(os.tmpdir(), `examflow-class-report-${process.pid}.pdf`);
  writeFileSync(pdfPath, pdf);
  await run('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '2', pdfPath, png.replace(/\.png$/, '')]);
}

async function main(): Promise<void> {
  const quiz = oneSheetTemplate();
  const genStarted = Date.now();
  const students = [];
  for (let i = 0; i < count; i++) students.push(await studentSheets(quiz, 5000 + i, 'scan'));
  // The class's PDF is the same for the same seeds: kept between runs (generating it is not measured).
  const cached = path.join(
    os.tmpdir(),
    `examflow-bench-class-${createHash('sha256')
      .update(JSON.stringify(students.map((x) => x.truth)))
      .digest('hex')
      .slice(0, 16)}.pdf`,
  );
  const pdf = existsSync(cached) ? readFileSync(cached) : await scannedStackPdf(students.flatMap((s) => s.pages));
  writeFileSync(cached, pdf);
  const generatedMs = Date.now() - genStarted;
  const loadBefore = os.loadavg();

  const raw = await rawClassRead(pdf, quiz);

  const stack = await startStack();
  try {
    const client = new ExamflowClient({ baseUrl: stack.baseUrl, token: 'token-school-a' });
    await client.createTemplate(quiz);
    const cpu = process.cpuUsage();
    const started = Date.now();
    const { batchId } = await client.submitClassBatch({ pages: [pdf], name: `${count} 人 班级测验 (benchmark)` });
    const acceptedMs = Date.now() - started;
    let splitMs: number | null = null;
    const final = await client.waitForBatch(batchId, {
      timeoutMs: 900_000,
      pollIntervalMs: 250,
      onProgress: (doc) => {
        if (splitMs === null && doc.examsPlanned !== null && doc.phase !== 'splitting') splitMs = Date.now() - started;
      },
    });
    const wallMs = Date.now() - started;
    const systemCpuMs = cpuMs(cpu);
    const loadAfter = os.loadavg();
    if (final.status !== 'completed') throw new Error(`batch ${final.status}: ${final.error}`);
    const expected = new Map(students.map((s) => [s.truth.studentNumber, expectedScore(quiz, s.truth)]));
    const exact = final.exams.filter((e) => e.studentId !== null && expected.get(e.studentId) === e.score).length;
    const reportPdf = await client.batchFile(batchId, 'report.pdf');
    await picture(reportPdf, path.resolve(root, values.picture));
    const figures: BatchFigures = {
      students: count,
      pdfBytes: pdf.length,
      generatedMs,
      cores: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadBefore,
      loadAfter,
      raw,
      acceptedMs,
      splitMs,
      wallMs,
      systemCpuMs,
      exams: final.exams.length,
      completed: final.counts.completed,
      exact,
      parallelism: Number(process.env.EXAMFLOW_BATCH_PARALLELISM),
      activityConcurrency: Number(process.env.EXAMFLOW_ACTIVITY_CONCURRENCY),
      date: new Date().toISOString(),
    };
    writeFileSync(path.resolve(root, values.out), batchMarkdown(figures));
    console.log(batchMarkdown(figures));
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
