import './helpers/env';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort } from '../lib/free-port';
import { listenApi } from './helpers/stack';
import { startTemporal } from './helpers/temporal';

// /metrics on the API (prom-client) and the Temporal runtime metrics of a real worker
// process started with EXAMFLOW_WORKER_METRICS_PORT, both against a real dev server.

let env: TestWorkflowEnvironment;
let server: Server;
let baseUrl: string;

before(async () => {
  env = await startTemporal();
  ({ server, baseUrl } = await listenApi(env));
});
after(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await env?.teardown();
});

test('the API exposes the request histogram by route and status after a request', async () => {
  assert.equal((await fetch(`${baseUrl}/health`)).status, 200);
  assert.equal((await fetch(`${baseUrl}/v1/exams/x`)).status, 401);
  const res = await fetch(`${baseUrl}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  const body = await res.text();
  assert.match(body, /examflow_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/health",status="200"\} \d+/);
  assert.match(body, /examflow_http_requests_total\{method="GET",route="\/health",status="200"\} 1/);
  assert.match(body, /examflow_http_requests_total\{method="GET",route="unmatched",status="401"\} 1/, 'raw paths never become labels');
  assert.match(body, /examflow_exams_in_flight 0/);
  assert.doesNotMatch(body, /examflow_tag_cache/, 'the API tags nothing: the tag cache is measured by the workers');
  assert.match(body, /process_cpu_seconds_total/);
});

test('a worker started with a metrics port serves Temporal runtime metrics', async () => {
  const port = await freePort();
  const worker: ChildProcess = spawn(process.execPath, [path.resolve(__dirname, '../worker/main.js')], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      EXAMFLOW_WORKER_ROLE: 'ocr',
      EXAMFLOW_OCR_WORKERS: '1',
      EXAMFLOW_WORKER_METRICS_PORT: String(port),
      LOG_LEVEL: 'info',
      EXAMFLOW_SERVICE: 'worker-test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  worker.stdout!.on('data', (c: Buffer) => (logs += c.toString()));
  worker.stderr!.on('data', (c: Buffer) => (logs += c.toString()));
  try {
    let body = '';
    for (let i = 0; i < 120 && !/temporal_worker_task_slots_available/.test(body); i++) {
      await new Promise((r) => setTimeout(r, 250));
      body = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (r) => r.text(),
        () => '',
      );
    }
    assert.match(
      body,
      /temporal_worker_task_slots_available\{[^}]*task_queue="examflow-ocr"/,
      `metrics:\n${body.slice(0, 2000)}\nlogs:\n${logs}`,
    );
    assert.match(body, /temporal_num_pollers/);
    const line = logs.split('\n').find((l) => l.includes('examflow worker polling'));
    assert.ok(line, logs);
    const parsed = JSON.parse(line) as { service: string; metrics: string };
    assert.equal(parsed.service, 'worker-test');
    assert.equal(parsed.metrics, `0.0.0.0:${port}`);
  } finally {
    const exited = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
});
