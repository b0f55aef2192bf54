import { WorkflowFailedError, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { ExamStatus, ExamStep, StatusDocument } from '../domain/documents';
import { progressQuery } from '../workflows/definitions';
import { statusDocument, type ExamProgress } from '../workflows/progress';
import { ExamStatusKey, ExamStepKey, TenantIdKey } from '../workflows/search-attributes';

/** What the API records in the workflow memo at start, for reading closed exams. */
export interface ExamMemo {
  createdAt: string;
  pages: number;
}

const closedStatus: Record<string, Exclude<ExamStatus, 'pending' | 'processing'>> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  TERMINATED: 'failed',
  TIMED_OUT: 'failed',
  CANCELLED: 'cancelled',
};

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
  const handle = client.workflow.getHandle(description.workflowId);
  if (description.status.name === 'RUNNING') {
    // No worker has picked it up yet (its first task sets 'processing'): nothing to ask.
    if (description.typedSearchAttributes.get(ExamStatusKey) === 'pending') return pendingDocument(description, memo);
    try {
      return await client.withDeadline(Date.now() + 3_000, () => handle.query(progressQuery));
    } catch {
      // No worker answers right now: an exam waiting for a teacher still says so (its progress
      // is in the worker's memory); any other is waiting its turn.
      const pending = pendingDocument(description, memo);
      if (description.typedSearchAttributes.get(ExamStatusKey) === 'needs_review') return { ...pending, status: 'needs_review', step: 'review', pages: { total: memo.pages, processed: memo.pages } };
      return pending;
    }
  }
  const status = closedStatus[description.status.name] ?? 'failed';
  const step = (description.typedSearchAttributes.get(ExamStepKey) ?? 'ocr') as ExamStep;
  const closeMs = (description.closeTime ?? new Date()).getTime();
  const progress: ExamProgress = {
    examId: description.workflowId,
    status,
    step: status === 'completed' ? 'done' : step,
    createdAt: memo.createdAt,
    startedAtMs: description.startTime.getTime(),
    stepStartedAtMs: closeMs,
    finishedAtMs: closeMs,
    pagesTotal: memo.pages,
    pagesProcessed: status === 'completed' || step !== 'ocr' ? memo.pages : 0,
    error: status === 'failed' ? await failureMessage(client, description) : null,
  };
  return statusDocument(progress, closeMs);
}

function pendingDocument(description: WorkflowExecutionDescription, memo: ExamMemo): StatusDocument {
  return {
    examId: description.workflowId,
    status: 'pending',
    step: 'ocr',
    progress: 0,
    pages: { total: memo.pages, processed: 0 },
    createdAt: memo.createdAt,
    startedAt: null,
    finishedAt: null,
    elapsedMs: Math.max(0, Date.now() - Date.parse(memo.createdAt)),
    etaMs: null,
    error: null,
  };
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
