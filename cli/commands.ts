import { readFile, writeFile } from 'node:fs/promises';
import type { ExamflowClient, ExamStatus, Priority, SubmittedStudent, TemplateInput } from '../client/examflow-client';
import { UsageError, type Values } from './args';
import { batchHandlers } from './batch-commands';
import { duration, resultText, statusLines, table } from './format';
import { reviewHandlers } from './review-commands';
import { waitWithBar } from './wait';
import { examStatuses, priorities } from '../domain/exam-states';

// One function per command. Each returns what to print: JSON for --json, text otherwise,
// and the exit code (1 when an exam it waited for did not complete).

export interface Outcome {
  json: unknown;
  text: string;
  exitCode?: number;
}

export interface Context {
  client: ExamflowClient;
  args: string[];
  values: Values;
}

type Handler = (ctx: Context) => Promise<Outcome>;

const statuses: readonly ExamStatus[] = examStatuses;

function jsonArg<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UsageError(`${what} is not valid JSON`);
  }
}

function seconds(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback * 1000;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout must be a number of seconds, not "${text}"`);
  return n * 1000;
}

async function waitAndScore(ctx: Context, examId: string): Promise<Outcome> {
  const final = await waitWithBar(ctx.client, examId, seconds(ctx.values.timeout, 600), !ctx.values.json);
  if (final.status === 'needs_review') {
    return {
      json: { status: final },
      text: `exam ${examId} waits for a teacher (${final.review?.items ?? '?'} answers): examflow review show ${examId}`,
      exitCode: 3,
    };
  }
  if (final.status !== 'completed') {
    return { json: { status: final }, text: `exam ${examId} ${final.status}${final.error ? `: ${final.error}` : ''}`, exitCode: 1 };
  }
  const result = await ctx.client.getResult(examId);
  return {
    json: { status: final, result },
    text: `exam ${examId} completed in ${duration(final.elapsedMs)} — score ${result.score}/${result.fullScore}`,
  };
}

export const handlers: Record<string, Handler> = {
  async 'templates add'({ client, args }) {
    const template = jsonArg<TemplateInput>(await readFile(args[0]!, 'utf8'), args[0]!);
    const saved = await client.createTemplate(template);
    return { json: saved, text: `template ${saved.id} saved (${saved.questions.length} questions)` };
  },

  async 'templates list'({ client }) {
    const templates = await client.listTemplates();
    return {
      json: templates,
      text: templates.length
        ? table(
            ['id', 'title', 'subject', 'grade', 'language', 'questions'],
            templates.map((t) => [t.id, t.title, t.subject, t.grade, t.language, t.questions]),
          )
        : 'no templates yet: examflow templates add FILE',
    };
  },

  async 'templates get'({ client, args }) {
    const template = await client.getTemplate(args[0]!);
    return { json: template, text: JSON.stringify(template, null, 2) };
  },

  async sheet({ client, args, values }) {
    // --json: the layout (to -o FILE, or printed); otherwise the printable PDF to -o FILE.
    if (values.json) {
      const layout = await client.answerSheetLayout(args[0]!);
      if (!values.output) return { json: layout, text: JSON.stringify(layout, null, 2) };
      const text = `${JSON.stringify(layout, null, 2)}\n`;
      await writeFile(values.output, text);
      return {
        json: { templateId: args[0], file: values.output, bytes: Buffer.byteLength(text), type: 'json', pages: layout.pages.length },
        text: `wrote ${values.output}`,
      };
    }
    if (!values.output) throw new UsageError('sheet needs -o FILE (or --json for the layout)');
    const pdf = await client.answerSheetPdf(args[0]!);
    await writeFile(values.output, pdf);
    return {
      json: { templateId: args[0], file: values.output, bytes: pdf.length, type: 'pdf' },
      text: `wrote ${values.output} (${pdf.length} bytes): print it, let students fill it in pencil, then submit scans or photos without --template`,
    };
  },

  async submit(ctx) {
    const { client, args, values } = ctx;
    if (values.priority && !(priorities as readonly string[]).includes(values.priority)) {
      throw new UsageError(`--priority is ${priorities.join(' or ')}`);
    }
    const submitted = await client.submitExam({
      templateId: values.template,
      pages: args,
      student: values.student ? jsonArg<SubmittedStudent>(values.student, '--student') : undefined,
      priority: values.priority as Priority | undefined,
      idempotencyKey: values['idempotency-key'],
    });
    if (!values.wait) return { json: submitted, text: `${submitted.created ? 'submitted' : 'already submitted'}: ${submitted.examId}` };
    if (!values.json) process.stderr.write(`submitted ${submitted.examId}\n`);
    const outcome = await waitAndScore(ctx, submitted.examId);
    return { ...outcome, json: { examId: submitted.examId, ...(outcome.json as object) } };
  },

  async status({ client, args }) {
    const doc = await client.getStatus(args[0]!);
    return { json: doc, text: statusLines(doc) };
  },

  async wait(ctx) {
    return waitAndScore(ctx, ctx.args[0]!);
  },

  async list({ client, values }) {
    const status = values.status as ExamStatus | undefined;
    if (status && !statuses.includes(status)) throw new UsageError(`--status is one of ${statuses.join(', ')}`);
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit is a whole number from 1 to 1000');
    const page = await client.listExams({ status, limit });
    const rows = page.exams.map((e) => [
      e.examId,
      e.status,
      e.step,
      e.templateId,
      e.studentId,
      e.score,
      e.pages,
      e.createdAt.replace('T', ' ').slice(0, 19),
      duration(e.elapsedMs),
    ]);
    return {
      json: page,
      text: rows.length
        ? table(['exam', 'status', 'step', 'template', 'student', 'score', 'pages', 'created', 'elapsed'], rows)
        : 'no exams',
    };
  },

  async stats({ client }) {
    const s = await client.statistics();
    const pct = (n: number | null) => (n === null ? '—' : `${n.toFixed(1)}%`);
    const text = [
      `total          ${s.total}`,
      table(
        examStatuses.map((status) => status.replace('_', ' ')),
        [examStatuses.map((status) => s.byStatus[status])],
      ),
      '',
      `success rate   ${pct(s.successRate)} (all time), ${pct(s.window.successRate)} (last ${s.window.hours} h)`,
      `throughput     ${s.window.throughputPerMinute.toFixed(2)} exams/min (last ${s.window.hours} h)`,
      `processing     average ${duration(s.window.processingMs.average)}, p95 ${duration(s.window.processingMs.p95)} (${s.window.processingMs.sampled} sampled)`,
    ].join('\n');
    return { json: s, text };
  },

  async queue({ client }) {
    const q = await client.queue();
    const stages = table(
      ['stage', 'task queue', 'backlog', 'in flight', 'limit', 'pollers', 'est. wait'],
      q.stages.map((s) => [s.stage, s.taskQueue, s.backlog, s.inFlight, s.concurrencyLimit, s.pollers, duration(s.estimatedWaitMs)]),
    );
    return {
      json: q,
      text: `${stages}\n\npending ${q.pending} · in flight ${q.inFlight} (max seen ${q.maxInFlight}) · admission limit ${q.admissionLimit}`,
    };
  },

  async cancel({ client, args }) {
    const r = await client.cancel(args[0]!);
    return { json: r, text: `cancellation of ${r.examId} requested` };
  },

  async retry({ client, args }) {
    const r = await client.retry(args[0]!);
    return { json: r, text: `exam ${r.examId} started again` };
  },

  async result({ client, args }) {
    const r = await client.getResult(args[0]!);
    return { json: r, text: resultText(r) };
  },

  async report({ client, args, values }) {
    if (!values.output) throw new UsageError('report needs -o FILE');
    const bytes = values.html ? Buffer.from(await client.getReportHtml(args[0]!)) : await client.getReportPdf(args[0]!);
    await writeFile(values.output, bytes);
    return {
      json: { examId: args[0], file: values.output, bytes: bytes.length, type: values.html ? 'html' : 'pdf' },
      text: `wrote ${values.output} (${bytes.length} bytes)`,
    };
  },

  ...reviewHandlers,
  ...batchHandlers,
};
