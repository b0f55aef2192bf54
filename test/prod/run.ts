import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { config } from '../../lib/config';
import { examflowDataConverter } from '../../lib/temporal/payload-codec';
import { examSearchAttributes } from '../../workflows/search-attributes';
import { startS3 } from '../helpers/s3-server';
import { prodTools } from './prod-tools';
import { startProdStack, type ProdStack } from './prod-stack';

// npm run test:prod — the production topology proven on this machine without Docker
// (issue 18): starts it from the binaries the images carry, checks what the setup jobs
// left behind, runs the end-to-end test against it through HTTP, backs it up with
// deploy/backup/backup.sh and rehearses the restore (restore.sh into a fresh cluster, the
// same topology on it, the same template and results read back), then a short chaos run
// (worker and Temporal server SIGKILLs) on a fresh one. Exits non-zero on any failure.

const dist = path.resolve(__dirname, '../..');
const templateId = (JSON.parse(readFileSync(path.resolve(dist, '..', 'test/fixtures/templates/zh-math.json'), 'utf8')) as { id: string })
  .id;
const retentionDays = 3; // not the default 7: the namespace job must take it from the configuration
const results: [string, boolean][] = [];
const log = (...parts: unknown[]) => console.log(`[test:prod ${new Date().toISOString().slice(11, 19)}]`, ...parts);

async function check(name: string, fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
    results.push([name, true]);
    log(`ok   ${name}`);
  } catch (err) {
    results.push([name, false]);
    log(`FAIL ${name}\n${err instanceof Error ? err.message : String(err)}`);
  }
}

function runNode(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: 'inherit' });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`node ${args.join(' ')} exited with ${code ?? signal}`));
    });
  });
}

async function setupChecks(stack: ProdStack): Promise<void> {
  const connection = await Connection.connect({ address: stack.address });
  try {
    await check(`the namespace job set the configured retention (${retentionDays} days)`, async () => {
      const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
      const seconds = Number(ns.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
      if (seconds !== retentionDays * 86_400) throw new Error(`retention is ${seconds} s`);
    });
    await check('the namespace job registered every custom search attribute with its type', async () => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      const missing = examSearchAttributes.filter((k) => !customAttributes?.[k.name]);
      if (missing.length) throw new Error(`missing: ${missing.map((k) => k.name).join(', ')}`);
    });
  } finally {
    await connection.close();
  }
  await check('the server accepts the dynamic config compose mounts', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(
      prodTools().server,
      ['validate-dynamic-config', path.resolve(dist, '..', 'deploy/temporal/dynamicconfig/production.yaml')],
      { encoding: 'utf8' },
    );
    if (/error|unknown/i.test(out)) throw new Error(out);
  });
  await check('the Temporal server serves Prometheus metrics with the taskqueue label', async () => {
    const text = await (await fetch(stack.serverMetricsUrl)).text();
    if (!/taskqueue="/.test(text)) throw new Error('no metric carries a taskqueue label');
  });
}

/** What a school reads back: its template and every completed exam's result, through the API. */
async function readBack(stack: ProdStack): Promise<Record<string, unknown>> {
  const headers = { authorization: 'Bearer token-school-a' };
  const get = async (url: string) => {
    const res = await fetch(`${stack.baseUrl}${url}`, { headers });
    if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<unknown>;
  };
  const connection = await Connection.connect({ address: stack.address });
  try {
    // Payloads are encrypted (EXAMFLOW_PAYLOAD_KEY); the stack's processes use the same key.
    const client = new Client({ connection, dataConverter: examflowDataConverter(config()) });
    const seen: Record<string, unknown> = { template: await get(`/v1/templates/${templateId}`) };
    for await (const wf of client.workflow.list({ query: `TenantId = 'school-a' AND ExecutionStatus = 'Completed'` })) {
      seen[wf.workflowId] = { status: wf.status.name, result: await get(`/v1/exams/${wf.workflowId}/result`) };
    }
    return seen;
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'examflow-prod-'));
  const apiKeys = 'school-a:token-school-a,school-b:token-school-b,*:token-admin-0';
  const env = { ...process.env, EXAMFLOW_API_KEYS: apiKeys, EXAMFLOW_HISTORY_RETENTION_DAYS: String(retentionDays), LOG_LEVEL: 'warn' };
  // The object store outlives the first stack: the restore rehearsal restores the databases only.
  const s3 = await startS3('examflow');
  log(
    'starting the production topology (PostgreSQL, schema job, temporal-server, namespace job, 2 OCR + 1 default worker, rollout job, API)',
  );
  const stack = await startProdStack(path.join(dataDir, 'first'), env, { s3 });
  log(`up in ${Math.round((Date.now() - started) / 1000)} s: API ${stack.baseUrl}, Temporal ${stack.address}`);
  let before: Record<string, unknown> = {};
  const backups = path.join(dataDir, 'backups');
  try {
    await setupChecks(stack);
    await check('the end-to-end test passes against it through HTTP', () =>
      runNode(
        ['--test', '--test-concurrency=1', path.join(dist, 'test', 'e2e.test.js')],
        { ...process.env, EXAMFLOW_E2E_BASE_URL: stack.baseUrl, TEMPORAL_ADDRESS: stack.address, EXAMFLOW_API_KEYS: apiKeys },
        5 * 60_000,
      ),
    );
    await check('deploy/backup/backup.sh dumps every database', async () => {
      before = await readBack(stack);
      if (Object.keys(before).length < 2)
        throw new Error(`nothing to compare after the end-to-end test: ${JSON.stringify(before).slice(0, 300)}`);
      await promisify(execFile)('bash', [path.join(dist, '..', 'deploy/backup/backup.sh')], {
        env: { ...process.env, ...stack.libpq, BACKUP_DIR: backups },
      });
    });
  } finally {
    await stack.stop();
  }

  const done = readdirSync(backups, { withFileTypes: true }).find((e) => e.name.endsWith('.ok'));
  if (done) {
    log('restore rehearsal: a fresh cluster from the dump, then the same topology on it');
    const restored = await startProdStack(path.join(dataDir, 'restored'), env, {
      s3,
      restoreFrom: path.join(backups, done.name.replace(/\.ok$/, '')),
    });
    try {
      await check('after restore.sh into a fresh cluster, examflow reads the same template, exams and results', async () => {
        assert.deepEqual(await readBack(restored), before);
      });
    } finally {
      await restored.stop();
    }
  }
  await s3.stop();
  if (results.every(([, ok]) => ok)) rmSync(dataDir, { recursive: true, force: true });
  else log(`processes' output kept under ${dataDir}`);

  await check('a short chaos run (worker and server SIGKILLs) loses and doubles nothing', () =>
    runNode(
      [
        path.join(dist, 'scripts', 'chaos.js'),
        '--prod',
        '--exams',
        process.env.EXAMFLOW_PROD_CHAOS_EXAMS ?? '8',
        '--worker-kills',
        '3',
        '--server-kills',
        '1',
        '--timeout-minutes',
        '8',
      ],
      process.env,
      10 * 60_000,
    ),
  );

  const passed = results.filter(([, ok]) => ok).length;
  console.log(`\ntest:prod took ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(`${passed} passed, ${results.length - passed} failed`);
  process.exit(passed === results.length ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
