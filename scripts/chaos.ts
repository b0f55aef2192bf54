import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { ExamflowClient } from '../client/examflow-client';
import { templateSchema, type Template } from '../domain/template';
import { closeSharedBrowser } from '../lib/documents/browser';
import { config } from '../lib/config';
import { examflowDataConverter } from '../lib/temporal/payload-codec';
import { closeRecords, openRecords } from '../records/database';
import { auditRecords } from './chaos/records-audit';
import { chooseAnswers } from '../test/fixtures/answers';
import { expectedScore } from '../test/fixtures/expected';
import { renderExamPaper } from '../test/fixtures/generator';
import { startChaosLlm, startWebhookReceiver } from './chaos/fakes';
import { startReviewer } from './chaos/reviewer';
import { auditChaosBatch, followChaosBatch, submitChaosBatch } from './chaos/class-batch';
import { startProdStack } from '../test/prod/prod-stack';
import { startLocalStack } from './local-stack';

// npm run chaos [-- --short | --exams N --worker-kills K --server-kills S --db-kills D] [--prod]
// --prod: against the production topology (test/prod/prod-stack.ts: temporal-server on
// PostgreSQL, separate OCR and default workers; worker kills rotate through them).
// Submits generated exams to a real examflow on loopback, then, while they run, SIGKILLs
// the worker (restarting it), the file-backed Temporal dev server (restarting it) and the
// records database server (restarting it), and turns the LLM provider faulty for a
// stretch. It then proves nothing was lost or done twice: every accepted exam closed, one
// report and one webhook delivery per run, one record per exam in the state Temporal
// closed it in, no workflow without a record, scores against the ground truth. Exits
// non-zero when anything was lost, duplicated or left open.

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    exams: { type: 'string' },
    'worker-kills': { type: 'string' },
    'server-kills': { type: 'string' },
    'db-kills': { type: 'string' },
    'timeout-minutes': { type: 'string', default: '30' },
    prod: { type: 'boolean', default: false },
  },
});
const exams = Number(values.exams ?? (values.short ? 12 : 60));
const workerKills = Number(values['worker-kills'] ?? (values.short ? 3 : 5));
const serverKills = Number(values['server-kills'] ?? 1);
// The production stack's PostgreSQL also carries Temporal: its kills are the server kills there.
const dbKills = values.prod ? 0 : Number(values['db-kills'] ?? 1);
const deadline = Date.now() + Number(values['timeout-minutes']) * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);
const log = (...parts: unknown[]) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}]`, ...parts);

function loadTemplate(file: string): Template {
  const t = templateSchema.parse(JSON.parse(readFileSync(path.resolve(__dirname, '../../test/fixtures/templates', file), 'utf8')));
  // Open answers go to the LLM rubric, whose faked grades have no ground truth: leave them out.
  return { ...t, questions: t.questions.filter((q) => q.type !== 'open') };
}

type Stack = Awaited<ReturnType<typeof startLocalStack>>;
type ChaosLlm = Awaited<ReturnType<typeof startChaosLlm>>;
type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
type WorkerKiller = (why: string, downMs: number) => Promise<void>;
type Accepted = Map<string, { expected: number; index: number; truth: Map<string, string | null> }>;

/** The stack under test: on loopback, with the fake LLM, the webhook receiver and teacher review. */
function startStack(dataDir: string, runMarker: string, token: string, llmBaseUrl: string): Promise<Stack> {
  return (values.prod ? startProdStack : startLocalStack)(dataDir, {
    ...process.env,
    EXAMFLOW_API_KEYS: `chaos:${token}`,
    // The webhook receiver is on loopback, which only this setting allows.
    EXAMFLOW_WEBHOOK_ALLOW_PRIVATE: 'true',
    // Marks every process of this run (Chromium inherits it), to find orphans after the kills.
    EXAMFLOW_CHAOS_RUN: runMarker,
    EXAMFLOW_LLM_API_KEY: 'fake-key',
    EXAMFLOW_LLM_BASE_URL: llmBaseUrl,
    EXAMFLOW_LLM_TIMEOUT_MS: '2000',
    EXAMFLOW_RATE_LIMIT_PER_MINUTE: '100000',
    EXAMFLOW_MAX_IN_FLIGHT: '100000',
    // Exams wait for a teacher (a question scored by the teacher, a doubtful reading): the
    // run's reviewer decides them while the kills go on.
    EXAMFLOW_REVIEW: 'on',
    LOG_LEVEL: 'warn',
  });
}

/** The run's templates (every third exam waits for a teacher) and the school's webhook. */
async function setUpSchool(
  examflow: ExamflowClient,
  baseUrl: string,
  token: string,
  receiver: Receiver,
  secret: string,
): Promise<Template[]> {
  const zhMath = loadTemplate('zh-math.json');
  // Every third exam has two questions only the teacher scores: it always waits for a review.
  const teacherScored = (q: Template['questions'][number], i: number, all: unknown[]) =>
    i >= all.length - 2 ? { ...q, scoredBy: 'teacher' as const } : q;
  const zhReview: Template = { ...zhMath, id: 'g8-math-teacher', questions: zhMath.questions.map(teacherScored) };
  const templates = [zhMath, loadTemplate('en-english.json'), zhReview];
  for (const t of templates) await examflow.createTemplate(t);
  const hook = await fetch(`${baseUrl}/v1/webhook`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiver.url, secret }),
  });
  if (!hook.ok) throw new Error(`webhook setup failed: ${hook.status}`);
  return templates;
}

/**
 * SIGKILLs the worker now due, and `downMs` later starts it again. The kills of the timed
 * schedule and of the reviewer go one at a time: interleaved, a second restart would start
 * a worker whose predecessor still runs, untracked by the stack (CI saw its browser outlive the run).
 */
function workerKiller(stack: Stack): WorkerKiller {
  let last = Promise.resolve();
  return (why, downMs) => {
    last = last.then(async () => {
      log(why);
      stack.worker?.kill('SIGKILL');
      await sleep(downMs);
      stack.startWorker();
    });
    return last;
  };
}

/** Worker SIGKILLs while exams run; after the first the LLM turns faulty, after the second the Temporal server dies. */
async function killWorkersAndServer(stack: Stack, killWorker: WorkerKiller, chaosLlm: ChaosLlm, accepted: Accepted): Promise<void> {
  while (accepted.size < Math.min(3, exams)) await sleep(200);
  for (let k = 0; k < workerKills; k++) {
    await sleep(between(3_000, 9_000));
    await killWorker(`SIGKILL worker (${k + 1}/${workerKills})`, between(500, 2_000));
    if (k === 0) {
      // Faulty until every kind of fault has been served a few times (or two minutes).
      log('LLM provider faulty: 429, 500, timeouts, malformed JSON');
      chaosLlm.faulty(true);
      void (async () => {
        const until = Date.now() + 120_000;
        while (chaosLlm.faultsServed() < 10 && Date.now() < until) await sleep(500);
        chaosLlm.faulty(false);
        log(`LLM provider healthy again (${chaosLlm.faultsServed()} faulty answers served)`);
      })();
    }
    if (k === 1) {
      for (let s = 0; s < serverKills; s++) {
        log(`SIGKILL Temporal server (${s + 1}/${serverKills})`);
        stack.server.kill('SIGKILL');
        await sleep(2_000);
        await stack.startServer();
        log('Temporal server back');
      }
    }
  }
  log('chaos done');
}

/**
 * The records database dies half-way through the submissions: those in the gap must get a 503
 * (and are sent again), or be recorded once it is back; the workers' writes wait.
 */
async function killDatabase(stack: Stack, accepted: Accepted, submitting: () => boolean): Promise<void> {
  for (let d = 0; d < dbKills; d++) {
    while (submitting() && accepted.size < Math.floor(((d + 1) * exams) / (dbKills + 1))) await sleep(100);
    log(`SIGKILL PostgreSQL (${d + 1}/${dbKills})`);
    stack.postgres!.process.kill('SIGKILL');
    await sleep(3_000);
    await stack.postgres!.restart();
    log('PostgreSQL back');
  }
}

/**
 * Submissions retry with the same Idempotency-Key through the server outage, so an exam counts
 * as accepted exactly when examflow answered 202/200 for it. Returns the 503s seen.
 */
async function submitExams(examflow: ExamflowClient, templates: Template[], accepted: Accepted): Promise<number> {
  let refused503 = 0;
  for (let i = 0; i < exams; i++) {
    const template = templates[i % templates.length]!;
    const paper = await renderExamPaper({
      template,
      student: { name: i % 2 ? 'Chaos Student' : '混沌学生', class: '8B', id: `C${1000 + i}` },
      answers: chooseAnswers(template, i % 4, 500 + i),
      pages: 1 + (i % 3),
      seed: 500 + i,
    });
    for (;;) {
      try {
        const res = await examflow.submitExam({ templateId: template.id, pages: paper.pages, idempotencyKey: `chaos-${i}` });
        const truth = new Map(paper.truth.answers.map((a) => [a.number, a.answer]));
        accepted.set(res.examId, { expected: expectedScore(template, paper.truth), index: i, truth });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        if ((err as { status?: number }).status === 503) refused503++;
        await sleep(1_000);
      }
    }
  }
  return refused503;
}

/** Waits for every accepted exam to close (or the deadline); the closed ones with Temporal's status. */
async function waitForClosed(temporal: Client, accepted: Accepted): Promise<Map<string, string>> {
  const closed = new Map<string, string>();
  while (closed.size < accepted.size && Date.now() < deadline) {
    for (const examId of accepted.keys()) {
      if (closed.has(examId)) continue;
      const d = await temporal.workflow
        .getHandle(examId)
        .describe()
        .catch(() => null);
      if (d && d.status.name !== 'RUNNING') closed.set(examId, d.status.name);
    }
    if (closed.size < accepted.size) await sleep(2_000);
  }
  return closed;
}

interface ExamAudit {
  failed: Map<string, number>;
  scoreDiffs: string[];
  duplicated: number;
  reportsTwice: number;
  redelivered: number;
  unsigned: number;
  missingWebhooks: number;
}

/** renderReport completions in one exam's history (more than one is a report made twice). */
async function reportCompletions(temporal: Client, examId: string): Promise<number> {
  const history = await temporal.workflow.getHandle(examId).fetchHistory();
  const scheduled = new Map<string, string>();
  let completions = 0;
  for (const e of history.events ?? []) {
    if (e.activityTaskScheduledEventAttributes)
      scheduled.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    const done = e.activityTaskCompletedEventAttributes;
    if (done && scheduled.get(String(done.scheduledEventId)) === 'renderReport') completions++;
  }
  return completions;
}

/** Nothing lost or done twice per exam: one run, one report, one closing webhook, the right score. */
async function auditExams(
  temporal: Client,
  examflow: ExamflowClient,
  run: { accepted: Accepted; closed: Map<string, string>; receiver: Receiver; reviewed: Set<string> },
): Promise<ExamAudit> {
  const a: ExamAudit = {
    failed: new Map(),
    scoreDiffs: [],
    duplicated: 0,
    reportsTwice: 0,
    redelivered: 0,
    unsigned: 0,
    missingWebhooks: 0,
  };
  for (const [examId, { expected, index }] of run.accepted) {
    const status = run.closed.get(examId);
    if (!status) continue;
    const runs: string[] = [];
    for await (const r of temporal.workflow.list({ query: `WorkflowId = '${examId}'` })) runs.push(r.runId);
    if (runs.length !== 1) a.duplicated++;
    if ((await reportCompletions(temporal, examId)) > 1) a.reportsTwice++;
    // One closing delivery per exam run, and one `needs_review` notice for a run that waited.
    const deliveries = [...run.receiver.deliveries.entries()].filter(([, d]) => d.examId === examId);
    const closing = deliveries.filter(([, d]) => d.event !== 'exam.needs_review');
    const notices = deliveries.length - closing.length;
    if (closing.length > 1 || notices > 1 || (notices === 1) !== run.reviewed.has(examId)) a.duplicated++;
    if (closing.length === 0) a.missingWebhooks++;
    a.redelivered += deliveries.filter(([, d]) => d.posts > 1).length;
    a.unsigned += deliveries.filter(([, d]) => !d.signed).length;
    if (status === 'COMPLETED') {
      const result = await examflow.getResult(examId);
      if (result.score !== expected) a.scoreDiffs.push(`#${index} ${examId}: ${result.score} (truth ${expected})`);
    } else {
      const doc = await examflow.getStatus(examId);
      const reason = `${status}: ${doc.error ?? 'no message'}`;
      a.failed.set(reason, (a.failed.get(reason) ?? 0) + 1);
    }
  }
  return a;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'examflow-chaos-'));
  const runMarker = path.basename(dataDir);
  const token = 'chaos-token-0001';
  const secret = 'chaos-webhook-secret-000000000001';
  const chaosLlm = await startChaosLlm();
  const receiver = await startWebhookReceiver(secret);
  const stack = await startStack(dataDir, runMarker, token, chaosLlm.llm.baseUrl);
  const { address, baseUrl } = stack;
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection, dataConverter: examflowDataConverter(config()) });
  const examflow = new ExamflowClient({ baseUrl, token });
  const templates = await setUpSchool(examflow, baseUrl, token, receiver, secret);

  // A class batch (one scanned stack, one exam per student) runs through the same kills.
  const batch = await submitChaosBatch(examflow, values.short ? 4 : 8);
  const batchFollower = followChaosBatch(examflow, batch);
  log(`class batch ${batch.batchId} submitted (${batch.students.size} students)`);

  const accepted: Accepted = new Map();
  // The first two exams that wait lose their worker between the teacher's partial decision and the rest.
  let reviewKills = 0;
  const killWorker = workerKiller(stack);
  const reviewer = startReviewer(
    examflow,
    (examId) => accepted.get(examId)?.truth ?? batch.truthByExam.get(examId),
    log,
    async (examId) => {
      if (reviewKills >= 2) return;
      reviewKills += 1;
      await killWorker(`SIGKILL worker while ${examId} waits half-decided (${reviewKills}/2)`, between(500, 1_500));
    },
  );
  let submitting = true;
  const chaos = killWorkersAndServer(stack, killWorker, chaosLlm, accepted);
  const dbChaos = killDatabase(stack, accepted, () => submitting);
  const refused503 = await submitExams(examflow, templates, accepted);
  submitting = false;
  log(`${accepted.size} exams accepted`);
  await Promise.all([chaos, dbChaos]);

  const closed = await waitForClosed(temporal, accepted);
  log(`${closed.size} of ${accepted.size} exams closed`);
  const batchProblems = await auditChaosBatch(examflow, batch, deadline);
  batchFollower.stop();
  await reviewer.stop();
  await sleep(3_000); // let the last webhook deliveries land

  const audit = await auditExams(temporal, examflow, { accepted, closed, receiver, reviewed: reviewer.seen });
  await openRecords(stack.databaseUrl, { poolSize: 2 });
  const records = await auditRecords(temporal, closed);
  await closeRecords();
  const completed = [...closed.values()].filter((s) => s === 'COMPLETED').length;
  const lost = accepted.size - closed.size;
  const { failed, scoreDiffs, duplicated, reportsTwice, redelivered, unsigned, missingWebhooks } = audit;
  const recordsLine =
    `${records.matching} in Temporal's final state, ${records.missing} missing, ${records.wrongState.length} in another state` +
    `${records.wrongState.map((w) => `\n    ${w}`).join('')}, ${records.unknownWorkflows} workflows without a record; ` +
    `${refused503} submissions refused with 503 while the database was down`;
  console.log(`
chaos run: ${exams} exams, ${workerKills} worker SIGKILLs, ${serverKills} Temporal server SIGKILLs, ${dbKills} PostgreSQL SIGKILLs, ${chaosLlm.faultsServed()} faulty LLM answers
  accepted            ${accepted.size}
  completed           ${completed}
  failed              ${accepted.size - completed - lost}${[...failed].map(([r, n]) => `\n    ${n} × ${r}`).join('')}
  lost                ${lost}   (accepted, but no workflow or never closed)
  duplicated          ${duplicated + reportsTwice}   (a second run, report or webhook delivery for one exam run)
  score ≠ truth       ${scoreDiffs.length}${scoreDiffs.map((s) => `\n    ${s}`).join('')}
  records             ${recordsLine}
  class batch         ${batch.students.size} students: ${batchProblems.length ? batchProblems.join('; ') : 'completed, every exact score in the scores and a class report'}
  teacher review      ${reviewer.seen.size} exams waited, ${reviewer.decided.size} decided, ${reviewKills} worker SIGKILLs between a partial decision and the rest
  webhooks            ${receiver.deliveries.size} deliveries, ${redelivered} re-sent after a kill (same delivery id), ${unsigned} badly signed, ${missingWebhooks} exams without one
  logs                ${path.join(dataDir, 'processes.log')}`);

  const recordsOk = records.missing === 0 && records.wrongState.length === 0 && records.unknownWorkflows === 0;
  await stack.stop();
  await sleep(2_000);
  const orphans = orphanBrowsers(runMarker);
  console.log(
    `  orphan browsers     ${orphans.length}   (Chromium processes of this run alive after the stack stopped)${orphans.map((o) => `\n    ${o}`).join('')}`,
  );
  const reviewsOk = reviewer.decided.size === reviewer.seen.size && reviewer.seen.size > 0;
  const nothingLost = lost === 0 && duplicated + reportsTwice === 0 && unsigned === 0 && missingWebhooks === 0;
  const ok = batchProblems.length === 0 && reviewsOk && nothingLost && recordsOk && !submitting && orphans.length === 0;
  await connection.close();
  await chaosLlm.llm.close();
  receiver.close();
  await closeSharedBrowser();
  if (ok) rmSync(dataDir, { recursive: true, force: true });
  console.log(ok ? 'PASS: nothing lost, nothing duplicated, every exam closed' : 'FAIL');
  process.exit(ok ? 0 : 1);
}

/** Chromium processes still running with this run's marker in their environment: every worker SIGKILL must have taken its browser along. */
function orphanBrowsers(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (!/chrom/i.test(comm)) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`EXAMFLOW_CHAOS_RUN=${marker}`))
        found.push(`pid ${pid} (${comm})`);
    } catch {
      // gone meanwhile, or another user's process
    }
  }
  return found;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
