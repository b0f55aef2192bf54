import { WorkflowFailedError, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { StatusDocument } from '../../domain/documents';
import { closedRunStatus, closedStatusDocument, pendingStatusDocument, type ExamMemo } from '../../domain/exam-progress';
import type { ExamStep } from '../../domain/exam-states';
import { progressQuery } from '../../workflows/definitions';
import { ExamStatusKey, ExamStepKey, TenantIdKey } from '../../workflows/search-attributes';

export type { ExamMemo } from '../../domain/exam-progress';

/**
 * The exam's workflow description, or null when it does not exist or belongs to another
 * tenant than `scope` (null: an admin, every tenant).
 */
export async function describeExam(client: Client, examId: string, scope: string | null): Promise<WorkflowExecutionDescription | null> {
  try {
    const description = await client.workflow.getHandle(examId).describe();
    return scope === null || description.typedSearchAttributes.get(TenantIdKey) === scope ? description : null;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/**
 * A running exam answers the `progress` query; a closed one is read from its description
 * and close event, so no worker has to replay its history.
 */
export async function examStatusDocument(client: Client, description: WorkflowExecutionDescription): Promise<StatusDocument> {
  const memo = description.memo as unknown as ExamMemo;
  if (description.status.name === 'RUNNING') return runningStatusDocument(client, description, memo);
  const closedAs = description.status.name;
  return closedStatusDocument({
    examId: description.workflowId,
    closedAs,
    lastStep: (description.typedSearchAttributes.get(ExamStepKey) ?? 'ocr') as ExamStep,
    memo,
    startedAtMs: description.startTime.getTime(),
    closedAtMs: (description.closeTime ?? new Date()).getTime(),
    error: closedRunStatus(closedAs) === 'failed' ? await failureMessage(client, description) : null,
  });
}

async function runningStatusDocument(client: Client, description: WorkflowExecutionDescription, memo: ExamMemo): Promise<StatusDocument> {
  const pending = () => pendingStatusDocument(description.workflowId, memo, Date.now());
  // No worker has picked it up yet (its first task sets 'processing'): nothing to ask.
  if (description.typedSearchAttributes.get(ExamStatusKey) === 'pending') return pending();
  try {
    return await client.withDeadline(Date.now() + 3_000, () => client.workflow.getHandle(description.workflowId).query(progressQuery));
  } catch {
    // No worker answers right now: an exam waiting for a teacher still says so (its progress
    // is in the worker's memory); any other is waiting its turn.
    if (description.typedSearchAttributes.get(ExamStatusKey) !== 'needs_review') return pending();
    return { ...pending(), status: 'needs_review', step: 'review', pages: { total: memo.pages, processed: memo.pages } };
  }
}

/** The workflow's failure message, which it wrote for the teacher. */
async function failureMessage(client: Client, description: WorkflowExecutionDescription): Promise<string> {
  if (description.status.name === 'TERMINATED') return 'stopped by an operator';
  if (description.status.name === 'TIMED_OUT') return 'took longer than the exam time limit';
  try {
    await client.workflow.getHandle(description.workflowId, description.runId).result();
    return 'failed';
  } catch (err) {
    if (err instanceof WorkflowFailedError) return err.cause?.message ?? err.message;
    return err instanceof Error ? err.message : String(err);
  }
}
