import type { Client } from '@temporalio/client';
import { records } from '../../records/database';

// The chaos run's audit of the system of record: every accepted exam has its one record
// (exam_id is the primary key) in the state its workflow closed in, from that run, and
// Temporal runs no exam workflow the database does not know.

const expectedStatus: Record<string, string> = {
  COMPLETED: 'completed',
  CANCELLED: 'cancelled',
  FAILED: 'failed',
  TERMINATED: 'failed',
  TIMED_OUT: 'failed',
};

export async function auditRecords(temporal: Client, closed: Map<string, string>) {
  const ids = [...closed.keys()];
  const rows = ids.length
    ? await records().selectFrom('exams').select(['exam_id', 'status', 'run_id']).where('exam_id', 'in', ids).execute()
    : [];
  const byId = new Map(rows.map((r) => [r.exam_id, r]));
  let matching = 0;
  let missing = 0;
  const wrongState: string[] = [];
  for (const [examId, temporalStatus] of closed) {
    const row = byId.get(examId);
    if (!row) {
      missing++;
      continue;
    }
    const { runId } = await temporal.workflow.getHandle(examId).describe();
    if (row.status === expectedStatus[temporalStatus] && row.run_id === runId) matching++;
    else wrongState.push(`${examId}: record ${row.status} (run ${row.run_id}), Temporal ${temporalStatus} (run ${runId})`);
  }
  const known = new Set((await records().selectFrom('exams').select('exam_id').execute()).map((r) => r.exam_id));
  let unknownWorkflows = 0;
  for await (const wf of temporal.workflow.list({ query: `WorkflowType = 'examWorkflow'` }))
    if (!known.has(wf.workflowId)) unknownWorkflows++;
  return { matching, missing, wrongState, unknownWorkflows };
}
