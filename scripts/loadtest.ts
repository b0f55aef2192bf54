import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { loadConfig } from '../lib/config';
import { examflowDataConverter } from '../lib/temporal/payload-codec';
import {
  ensureTemplate,
  ErrorCounts,
  fixtureTemplates,
  fmtMs,
  Latencies,
  networkErrorKind,
  pngBlob,
  renderPages,
  runPool,
  submitOnce,
} from './loadtest/lib';

// node dist/scripts/loadtest.js --requests N --concurrency C [--url http://127.0.0.1:3000]
//   [--token dev-token] [--template ID] [--cleanup] [--max-seconds S] [--timeout-ms T]
//   [--temporal 127.0.0.1:7233] [--namespace default] [--no-verify]
//
// Load against a RUNNING examflow (`npm start`): N submissions of one generated page at
// concurrency C, a live progress line on stderr, then a summary (the old 100k load tester's
// format: totals, rate, latency min/mean/median/p95/p99/max, top 10 errors). Afterwards every
// accepted examId is described on Temporal (bounded concurrency) and any without a workflow
// is reported as lost. --cleanup cancels what the run started through the API.
//
// Note: the API's defaults (EXAMFLOW_RATE_LIMIT_PER_MINUTE=1200, EXAMFLOW_MAX_IN_FLIGHT=500)
// turn most of a large run into 429s; raise them when starting examflow to measure intake.

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '10' },
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    token: { type: 'string', default: 'dev-token' },
    template: { type: 'string', default: 'g7-english-unit3' },
    cleanup: { type: 'boolean', default: false },
    'max-seconds': { type: 'string', default: '1800' },
    'timeout-ms': { type: 'string', default: '60000' },
    temporal: { type: 'string', default: process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233' },
    namespace: { type: 'string', default: process.env.TEMPORAL_NAMESPACE || 'default' },
    'no-verify': { type: 'boolean', default: false },
    'verify-concurrency': { type: 'string', default: '32' },
  },
});

const total = int('requests', 1, 10_000_000);
const concurrency = int('concurrency', 1, 10_000);
const maxSeconds = int('max-seconds', 1, 7 * 24 * 3600);
const timeoutMs = int('timeout-ms', 100, 3_600_000);
const verifyConcurrency = int('verify-concurrency', 1, 1000);
const baseUrl = values.url.replace(/\/+$/, '');
const token = values.token;
const t0 = Date.now();
const deadline = t0 + maxSeconds * 1000;

function int(name: keyof typeof values, lo: number, hi: number): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < lo || n > hi) {
    console.error(`--${String(name)} must be an integer in ${lo}..${hi}, got ${String(values[name])}`);
    process.exit(2);
  }
  return n;
}

const isTty = process.stderr.isTTY;
function progress(line: string, final = false): void {
  if (isTty) process.stderr.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
  else process.stderr.write(`${line}\n`);
}

/** Hard stop: whatever phase we are in, the process ends max-seconds (+ 5 min for verify/cleanup) after start. */
setTimeout(
  () => {
    console.error(`\nloadtest: hard time limit reached (${maxSeconds} s + 300 s), exiting`);
    process.exit(3);
  },
  maxSeconds * 1000 + 300_000,
).unref();

/** 1. The page and the template (a fixture template is created when missing). */
async function preparePage(): Promise<Blob> {
  const template = fixtureTemplates().get(values.template);
  const ready = await fetch(`${baseUrl}/ready`).then(
    (r) => r.ok,
    () => false,
  );
  if (!ready) throw new Error(`${baseUrl}/ready does not answer 200: is examflow running (npm start)?`);
  if (template) console.error(`template ${template.id}: ${await ensureTemplate(baseUrl, token, template)}`);
  else console.error(`template ${values.template} is not a fixture: assuming it exists on the server`);
  const renderWith = template ?? fixtureTemplates().get('g7-english-unit3')!;
  const [png] = await renderPages(renderWith, 1, 7);
  const page = pngBlob(png!);
  console.error(
    `page: ${png!.length} bytes, ${total} submissions at concurrency ${concurrency} → ${baseUrl} (stops after ${maxSeconds} s)`,
  );

  return page;
}

/** 2. The load: N submissions at concurrency C, with a live progress line. */
async function runLoad(page: Blob) {
  const latencies = new Latencies(total);
  const errors = new ErrorCounts();
  const accepted: string[] = [];
  let done = 0;
  const start = performance.now();
  const tick = () => {
    const s = (performance.now() - start) / 1000;
    progress(
      `${done}/${total}  ${(done / Math.max(s, 0.001)).toFixed(1)} req/s  errors ${errors.total}  accepted ${accepted.length}  ${s.toFixed(0)} s`,
    );
  };
  const ticker = setInterval(tick, isTty ? 250 : 5000);
  const started = await runPool(
    total,
    concurrency,
    async () => {
      const t = performance.now();
      const out = await submitOnce(baseUrl, token, values.template, [page], timeoutMs);
      latencies.add(performance.now() - t);
      if (out.ok) accepted.push(out.examId);
      else errors.add(out.kind);
      done++;
    },
    () => Date.now() > deadline,
  );
  clearInterval(ticker);
  tick();
  progress('', true);
  const durationS = (performance.now() - start) / 1000;
  const stopped = started < total;

  return { latencies, errors, accepted, done, durationS, started, stopped };
}

/** 3. The summary (every request that was sent counts; latency includes failures). */
function printSummary({ latencies, errors, accepted, done, durationS, started, stopped }: Awaited<ReturnType<typeof runLoad>>): void {
  const l = latencies.summary();
  const lines = [
    '='.repeat(72),
    `examflow load test: POST /v1/exams × ${total}, concurrency ${concurrency}${stopped ? `  (STOPPED at --max-seconds after ${started})` : ''}`,
    '='.repeat(72),
    `total            ${done}`,
    `succeeded        ${accepted.length}`,
    `failed           ${errors.total}`,
    `success rate     ${done ? ((100 * accepted.length) / done).toFixed(2) : '0.00'}%`,
    `duration         ${durationS.toFixed(2)} s`,
    `requests/s       ${(done / Math.max(durationS, 0.001)).toFixed(2)}`,
    `latency min      ${fmtMs(l.min)}`,
    `latency mean     ${fmtMs(l.mean)}`,
    `latency median   ${fmtMs(l.median)}`,
    `latency p95      ${fmtMs(l.p95)}`,
    `latency p99      ${fmtMs(l.p99)}`,
    `latency max      ${fmtMs(l.max)}`,
    `errors (top 10)${errors.total ? '' : '  none'}`,
    ...errors.top(10).map(([kind, n]) => `  ${String(n).padStart(8)} × ${kind}`),
  ];
  console.log(lines.join('\n'));
}

/** 4. Verification: every accepted examId has a workflow on Temporal; returns those without one. */
async function lostExams(accepted: string[]): Promise<string[]> {
  const lost: string[] = [];
  if (values['no-verify'] || !accepted.length) return lost;
  const connection = await Connection.connect({ address: values.temporal, connectTimeout: 5_000 });
  const client = new Client({ connection, namespace: values.namespace, dataConverter: examflowDataConverter(loadConfig()) });
  const unverified = new ErrorCounts();
  const verifyUntil = Math.max(deadline, Date.now() + 120_000);
  let checked = 0;
  const vt = setInterval(
    () => progress(`verify ${checked}/${accepted.length}  lost ${lost.length}  unverified ${unverified.total}`),
    isTty ? 250 : 5000,
  );
  await runPool(
    accepted.length,
    verifyConcurrency,
    async (i) => {
      const id = accepted[i]!;
      try {
        await client.workflow.getHandle(id).describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) lost.push(id);
        else unverified.add(networkErrorKind(err));
      }
      checked++;
    },
    () => Date.now() > verifyUntil,
  );
  clearInterval(vt);
  progress(`verify ${checked}/${accepted.length}  lost ${lost.length}  unverified ${unverified.total}`, true);
  const notChecked = accepted.length - checked;
  console.log(`verification     ${checked} of ${accepted.length} accepted exams described on ${values.temporal}`);
  console.log(
    `lost             ${lost.length}   (accepted by the API, but no workflow)${lost
      .slice(0, 20)
      .map((id) => `\n  ${id}`)
      .join('')}${lost.length > 20 ? '\n  …' : ''}`,
  );
  if (unverified.total || notChecked) {
    console.log(`unverified       ${unverified.total + notChecked}${notChecked ? ` (${notChecked} not checked before the deadline)` : ''}`);
    for (const [k, n] of unverified.top(5)) console.log(`  ${String(n).padStart(8)} × ${k}`);
  }
  await connection.close();

  return lost;
}

/** 5. Cleanup: cancel what this run started. */
async function cancelStarted(accepted: string[]): Promise<void> {
  if (!values.cleanup || !accepted.length) return;
  const outcome = new ErrorCounts();
  const cleanupUntil = Math.max(deadline, Date.now() + 180_000);
  let n = 0;
  const ct = setInterval(() => progress(`cancel ${n}/${accepted.length}`), isTty ? 250 : 5000);
  await runPool(
    accepted.length,
    Math.min(concurrency, 32),
    async (i) => {
      try {
        const res = await fetch(`${baseUrl}/v1/exams/${encodeURIComponent(accepted[i]!)}/cancel`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
        outcome.add(res.ok ? 'cancel requested' : `HTTP ${res.status} ${body.error?.code ?? 'no_code'}`);
      } catch (err) {
        outcome.add(networkErrorKind(err));
      }
      n++;
    },
    () => Date.now() > cleanupUntil,
  );
  clearInterval(ct);
  progress(`cancel ${n}/${accepted.length}`, true);
  console.log(
    `cleanup          ${[...outcome.byKind].map(([k, c]) => `${c} × ${k}`).join(', ')}${n < accepted.length ? `; ${accepted.length - n} not reached before the deadline` : ''}`,
  );
}

async function main(): Promise<void> {
  const load = await runLoad(await preparePage());
  printSummary(load);
  const lost = await lostExams(load.accepted);
  await cancelStarted(load.accepted);
  process.exitCode = lost.length ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
