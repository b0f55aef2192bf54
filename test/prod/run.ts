import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { examSearchAttributes } from '../../workflows/search-attributes';
import { prodTools } from './prod-tools';
import { startProdStack, type ProdStack } from './prod-stack';

// npm run test:prod — the production topology proven on this machine without Docker
// (issue 18): starts it from the binaries the images carry, checks what the setup jobs
// left behind, runs the end-to-end test against it through HTTP, then a short chaos run
// (worker and Temporal server SIGKILLs) on a fresh one. Exits non-zero on any failure.

const dist = path.resolve(__dirname, '../..');
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
    const out = execFileSync(prodTools().server, ['validate-dynamic-config', path.resolve(dist, '..', 'deploy/temporal/dynamicconfig/production.yaml')], { encoding: 'utf8' });
    if (/error|unknown/i.test(out)) throw new Error(out);
  });
  await check('the Temporal server serves Prometheus metrics with the taskqueue label', async () => {
    const text = await (await fetch(stack.serverMetricsUrl)).text();
    if (!/taskqueue="/.test(text)) throw new Error('no metric carries a taskqueue label');
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'examflow-prod-'));
  const apiKeys = 'school-a:token-school-a,school-b:token-school-b,*:token-admin-0';
  log('starting the production topology (PostgreSQL, schema job, temporal-server, namespace job, 2 OCR + 1 default worker, API)');
  const stack = await startProdStack(dataDir, { ...process.env, EXAMFLOW_API_KEYS: apiKeys, EXAMFLOW_HISTORY_RETENTION_DAYS: String(retentionDays), LOG_LEVEL: 'warn' });
  log(`up in ${Math.round((Date.now() - started) / 1000)} s: API ${stack.baseUrl}, Temporal ${stack.address}`);
  try {
    await setupChecks(stack);
    await check('the end-to-end test passes against it through HTTP', () =>
      runNode(['--test', '--test-concurrency=1', path.join(dist, 'test', 'e2e.test.js')], { ...process.env, EXAMFLOW_E2E_BASE_URL: stack.baseUrl, TEMPORAL_ADDRESS: stack.address, EXAMFLOW_API_KEYS: apiKeys }, 5 * 60_000),
    );
  } finally {
    await stack.stop();
  }
  if (results.every(([, ok]) => ok)) rmSync(dataDir, { recursive: true, force: true });
  else log(`processes' output kept in ${path.join(dataDir, 'processes.log')}`);

  await check('a short chaos run (worker and server SIGKILLs) loses and doubles nothing', () =>
    runNode([path.join(dist, 'scripts', 'chaos.js'), '--prod', '--exams', process.env.EXAMFLOW_PROD_CHAOS_EXAMS ?? '8', '--worker-kills', '3', '--server-kills', '1', '--timeout-minutes', '8'], process.env, 10 * 60_000),
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
