import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { startExamRun } from '../api/exams/start-exam';
import type { Template } from '../domain/template';
import { examKeys } from '../lib/artifacts/artifacts';
import { recordSubmission } from '../records/exam-writes';
import { Latencies, runPool, type LatencySummary } from '../scripts/loadtest/lib';

// Reads at scale: exams stored in bulk (real examWorkflow executions with the API's memo and
// search attributes, on a task queue no worker polls, so they stay pending and cost no OCR),
// then the read endpoints timed one request at a time.

const PARKED_QUEUE = 'bench-parked';

/** Starts `count` pending exams of `template` for `tenantId`; returns starts per second. */
export async function storeParkedExams(
  client: Client,
  count: number,
  concurrency: number,
  tenantId: string,
  template: Template,
): Promise<number> {
  const t = performance.now();
  await runPool(count, concurrency, async () => {
    const examId = randomUUID();
    const keys = examKeys(examId);
    const input = {
      examId,
      tenantId,
      templateId: template.id,
      templateKey: keys.template,
      language: template.language,
      pageKeys: [keys.page(0)],
      createdAt: new Date().toISOString(),
      notify: false,
    };
    await recordSubmission({
      examId,
      tenantId,
      templateId: template.id,
      subject: template.subject,
      priority: 'normal',
      pages: 1,
      createdAt: input.createdAt,
    });
    await startExamRun(client, input, template.subject, 'normal', 'REJECT_DUPLICATE', PARKED_QUEUE);
  });
  return count / ((performance.now() - t) / 1000);
}

/** `n` sequential GETs of `paths` (cycled), each must answer 200. */
export async function timeGets(baseUrl: string, token: string, paths: string[], n: number): Promise<LatencySummary> {
  const latencies = new Latencies(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(`${baseUrl}${paths[i % paths.length]}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    latencies.add(performance.now() - t);
    if (!res.ok) throw new Error(`GET ${paths[i % paths.length]} answered ${res.status}`);
  }
  return latencies.summary();
}
