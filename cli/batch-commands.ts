import { writeFile } from 'node:fs/promises';
import type { ClassBatchStatus } from '../client/examflow-client';
import { UsageError } from './args';
import type { Context, Outcome } from './commands';
import { duration, table } from './format';

// `examflow batch …`: a class's scan → one exam per student, followed live, then the class
// report and the score spreadsheet.

function timeoutMs(text: string | undefined): number {
  if (text === undefined) return 30 * 60_000;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout must be a number of seconds, not "${text}"`);
  return n * 1000;
}

function batchText(doc: ClassBatchStatus): string {
  const c = doc.counts;
  const lines = [
    `batch ${doc.batchId}${doc.name ? ` (${doc.name})` : ''}: ${doc.status} — ${doc.progress}%${doc.etaMs !== null ? `, about ${duration(doc.etaMs)} left` : ''}`,
    `exams ${doc.exams.length}${doc.examsPlanned !== null ? ` of ${doc.examsPlanned}` : ''}: ${c.completed} completed, ${c.needs_review} to review, ${c.failed} failed, ${c.cancelled} cancelled, ${c.pending + c.processing} in progress`,
    ...doc.skippedPages.map((p) => `page ${p.page} skipped: ${p.reason}`),
    ...doc.unplacedPages.map((p) => `page ${p.page} NOT PLACED: ${p.reason}`),
    ...(doc.error ? [`error: ${doc.error}`] : []),
  ];
  if (doc.exams.length)
    lines.push(
      '',
      table(
        ['#', 'exam', 'student', 'status', 'score'],
        doc.exams.map((e) => [e.position + 1, e.examId, e.studentId, e.status, e.score === null ? null : `${e.score}/${e.fullScore}`]),
      ),
    );
  return lines.join('\n');
}

async function waitForBatch(ctx: Context, batchId: string): Promise<Outcome> {
  let last = -1;
  const final = await ctx.client.waitForBatch(batchId, {
    timeoutMs: timeoutMs(ctx.values.timeout),
    onProgress: (doc) => {
      if (ctx.values.json || doc.progress === last) return;
      last = doc.progress;
      process.stderr.write(`${doc.status} ${doc.progress}% (${doc.counts.completed}/${doc.examsPlanned ?? '?'} exams graded)\n`);
    },
  });
  return { json: final, text: batchText(final), exitCode: final.status === 'completed' ? 0 : 1 };
}

export const batchHandlers: Record<string, (ctx: Context) => Promise<Outcome>> = {
  async 'batch submit'(ctx) {
    const { client, args, values } = ctx;
    const pagesPerStudent = values['pages-per-student'] === undefined ? undefined : Number(values['pages-per-student']);
    if (pagesPerStudent !== undefined && !(Number.isInteger(pagesPerStudent) && pagesPerStudent >= 1))
      throw new UsageError('--pages-per-student is a whole number of at least 1');
    const submitted = await client.submitClassBatch({ pages: args, templateId: values.template, name: values.name, pagesPerStudent });
    if (!values.wait) return { json: submitted, text: `submitted batch ${submitted.batchId}` };
    if (!values.json) process.stderr.write(`submitted batch ${submitted.batchId}\n`);
    return waitForBatch(ctx, submitted.batchId);
  },

  async 'batch status'({ client, args }) {
    const doc = await client.getBatch(args[0]!);
    return { json: doc, text: batchText(doc) };
  },

  async 'batch wait'(ctx) {
    return waitForBatch(ctx, ctx.args[0]!);
  },

  async 'batch list'({ client }) {
    const batches = await client.listBatches();
    const rows = batches.map((b) => [
      b.batchId,
      b.name,
      b.status,
      `${b.counts.completed}/${b.examsPlanned ?? '?'}`,
      b.unplacedPages.length,
      b.createdAt.replace('T', ' ').slice(0, 19),
    ]);
    return {
      json: batches,
      text: rows.length
        ? table(['batch', 'name', 'status', 'graded', 'unplaced', 'created'], rows)
        : 'no batches yet: examflow batch submit class.pdf',
    };
  },

  async 'batch cancel'({ client, args }) {
    const r = await client.cancelBatch(args[0]!);
    return { json: r, text: `cancellation of batch ${r.batchId} and its exams requested` };
  },

  async 'batch report'({ client, args, values }) {
    if (!values.output) throw new UsageError('batch report needs -o FILE');
    const bytes = await client.batchFile(args[0]!, values.html ? 'report.html' : 'report.pdf');
    await writeFile(values.output, bytes);
    return {
      json: { batchId: args[0], file: values.output, bytes: bytes.length, type: values.html ? 'html' : 'pdf' },
      text: `wrote ${values.output} (${bytes.length} bytes)`,
    };
  },

  async 'batch scores'({ client, args, values }) {
    if (!values.output) throw new UsageError('batch scores needs -o FILE (.xlsx, or .csv)');
    const csv = values.output.toLowerCase().endsWith('.csv');
    const bytes = await client.batchFile(args[0]!, csv ? 'scores.csv' : 'scores.xlsx');
    await writeFile(values.output, bytes);
    return {
      json: { batchId: args[0], file: values.output, bytes: bytes.length, type: csv ? 'csv' : 'xlsx' },
      text: `wrote ${values.output} (${bytes.length} bytes)`,
    };
  },
};
