import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { deleteRecord } from '../../records/erasure';
import type { ArtifactStore } from './artifact-store';
import { examKeys } from './artifacts';

// Erasing one exam everywhere it lives: its workflow histories (the exam's and its
// webhook deliveries' and corrections'), its artifacts, then its record (marked for erasure beforehand by
// the caller). Every step is idempotent, so a repeat after a failure finishes the job.

const isNotFound = (err: unknown) => err instanceof WorkflowNotFoundError || (err as { code?: number })?.code === 5; // gRPC NOT_FOUND

async function deleteHistory(client: Client, workflowId: string, runId?: string): Promise<void> {
  try {
    const handle = client.workflow.getHandle(workflowId, runId);
    // A running exam is stopped first: nothing may write the record or artifacts again.
    if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('exam erased on request');
    await client.workflowService.deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: { workflowId, runId } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export async function eraseExam(client: Client, store: ArtifactStore, examId: string, runIds: string[]): Promise<void> {
  await deleteHistory(client, examId);
  for (const runId of runIds) {
    await deleteHistory(client, examId, runId);
    await deleteHistory(client, `${examId}/webhook/${runId}`);
    await deleteHistory(client, `${examId}/webhook/${runId}/needs_review`);
  }
  // Teacher corrections after completion: one workflow id per exam, a run per correction.
  for await (const run of client.workflow.list({ query: `WorkflowId = '${examId}/correction'` }))
    await deleteHistory(client, run.workflowId, run.runId);
  await store.remove(examKeys(examId).root);
  await deleteRecord(examId);
}
