import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApiDeps } from '../api/deps';
import { examIdFor, submitExam, type Submission } from '../api/exams/start-exam';
import type { examWorkflow } from '../workflows/exam-workflow';
import { config } from '../lib/config';
import { closeSharedBrowser, sharedChromium } from '../lib/documents/browser';
import { freePort } from '../lib/free-port';
import { exited, runDist, submitPaper, zhMath } from './helpers/dist-process';
import { startTemporal } from './helpers/temporal';

// SIGTERM on the real processes: a worker finishes the page it is reading before it exits
// (no retry needed), and the API ends its event streams and exits cleanly.

let env: TestWorkflowEnvironment;

before(async () => {
  env = await startTemporal();
});
after(async () => {
  await closeSharedBrowser();
  await env?.teardown();
});

const run = (script: string, extra: Record<string, string> = {}) => runDist(script, env.address, extra);

test('SIGTERM on a worker lets the page being read finish, then the worker exits 0', async () => {
  const taskQueue = `shutdown-${Date.now()}`;
  const examId = await submitPaper(env.client, taskQueue, 41);
  const deps = createApiDeps(env.client, config(), sharedChromium());
  // A grace time no machine's first page outlasts: on a loaded 2-core machine the page being read
  // (recognisers still warming up beside it) was unfinished when the 20-s default ran out, and was cancelled.
  const graceSeconds = 120;
  const worker = run('worker/main.js', { EXAMFLOW_TASK_QUEUE: taskQueue, EXAMFLOW_SHUTDOWN_GRACE_SECONDS: String(graceSeconds) });
  const handle = env.client.workflow.getHandle<typeof examWorkflow>(examId);
  // Wait until the OCR activity runs in this worker: started, and its first heartbeat in (a task
  // the server has handed out may not have reached the activity code yet).
  for (;;) {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    if (
      pending.some(
        (a) =>
          a.activityType?.name === 'ocrPage' &&
          a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED &&
          a.lastHeartbeatTime,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const signalledAt = Date.now();
  worker.kill('SIGTERM');
  assert.equal(await exited(worker), 0);
  const exitMs = Date.now() - signalledAt;
  assert.ok(exitMs < graceSeconds * 1000, `within the shutdown grace time (exit after ${exitMs} ms)`);
  // The OCR activity's own completion (the exam's record is written by an activity too). The
  // worker may exit while its completion is still being written to history: look for a few
  // seconds (a completion that never arrives would show as a second attempt below as well).
  const ocrCompleted = async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const ocrScheduled = new Set(
      events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'ocrPage').map((e) => String(e.eventId)),
    );
    return events.some(
      (e) => e.activityTaskCompletedEventAttributes && ocrScheduled.has(String(e.activityTaskCompletedEventAttributes.scheduledEventId)),
    );
  };
  let ocrDone = await ocrCompleted();
  for (let i = 0; i < 50 && !ocrDone; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ocrDone = await ocrCompleted();
  }
  if (!ocrDone) {
    // What the server holds, so a failure says whether the page was lost, failed or is still open.
    const events = (await handle.fetchHistory()).events ?? [];
    const kinds = events.map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes')));
    const pending = ((await handle.describe()).raw.pendingActivities ?? []).map((a) => [
      a.activityType?.name,
      a.state,
      a.attempt,
      a.lastFailure?.message,
    ]);
    assert.fail(
      `the page that was being read did not complete before the worker left (exit after ${exitMs} ms); history ${JSON.stringify(kinds)}; pending ${JSON.stringify(pending)}`,
    );
  }
  assert.ok(await deps.store.exists(`exams/${examId}/ocr/001.json`));

  // A new worker picks the exam up where it stopped.
  const successor = run('worker/main.js', { EXAMFLOW_TASK_QUEUE: taskQueue });
  const result = await handle.result();
  assert.ok(result.fullScore > 0);
  const attempts = (await handle.fetchHistory()).events
    ?.filter((e) => e.activityTaskStartedEventAttributes)
    .map((e) => e.activityTaskStartedEventAttributes!.attempt);
  assert.ok(
    attempts?.every((a) => a === 1),
    'no activity had to be retried',
  );
  successor.kill('SIGTERM');
  assert.equal(await exited(successor), 0);
});

test('SIGTERM on the API ends open event streams and exits 0', async () => {
  const port = await freePort();
  const api = run('api/main.js', { EXAMFLOW_API_PORT: String(port), EXAMFLOW_API_HOST: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (
    let i = 0;
    i < 100 &&
    !(await fetch(`${baseUrl}/health`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await new Promise((r) => setTimeout(r, 100));
  // An exam with no worker stays pending, so its event stream stays open.
  const examId = examIdFor('school-a', undefined);
  const deps = createApiDeps(env.client, config(), sharedChromium());
  const parked: Submission = { examId, tenantId: 'school-a', template: zhMath, pages: [Buffer.from('x')], priority: 'normal' };
  await submitExam(deps, { ...parked, taskQueue: 'nobody-polls' });
  const stream = await fetch(`${baseUrl}/v1/exams/${examId}/events`, { headers: { authorization: 'Bearer token-school-a' } });
  assert.equal(stream.status, 200);
  const text = stream.text();
  await new Promise((r) => setTimeout(r, 300));
  api.kill('SIGTERM');
  assert.match(await text, /event: shutdown/);
  assert.equal(await exited(api), 0);
});
