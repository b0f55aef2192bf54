import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { createHash, randomUUID } from 'node:crypto';
import type { Priority } from '../../domain/exam-states';
import type { SubmittedStudent } from '../../domain/student';
import type { Template } from '../../domain/template';
import { examKeys } from '../../lib/artifacts/artifacts';
import { reviewSettings } from '../../lib/config';
import { loadWebhook } from '../../lib/webhooks/webhooks';
import { forgetSubmission, recordSubmission, reopenForRetry, restoreAfterFailedRetry } from '../../records/exam-writes';
import type { ExamWorkflowInput } from '../../workflows/definitions';
import { ExamStatusKey, ExamStepKey, StudentIdKey, SubjectKey, TemplateIdKey, TenantIdKey } from '../../workflows/search-attributes';
import type { ApiDeps } from '../deps';
import { ApiError } from '../http/errors';
import type { ExamMemo } from './exam-status';
import { examWorkflow } from '../../workflows/exam-workflow';

export type { Priority };
/** Temporal task priority: 1 is served first, 3 is the server's default. */
const priorityKeys: Record<Priority, number> = { urgent: 1, normal: 3 };

/** The same tenant and Idempotency-Key always name the same exam (a UUID from their hash). */
export function examIdFor(tenantId: string, idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return randomUUID();
  const h = createHash('sha256').update(`${tenantId}\n${idempotencyKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface Submission {
  examId: string;
  tenantId: string;
  template: Template;
  /** the pages are examflow answer sheets */
  sheet?: boolean;
  /** the pages were not looked at: the workflow looks for a sheet code first (sheet-intake.ts) */
  identify?: boolean;
  pages: Buffer[];
  student?: SubmittedStudent;
  priority: Priority;
  /** defaults to EXAMFLOW_TASK_QUEUE */
  taskQueue?: string;
}

/**
 * Stores the pages, a copy of the template and the workflow input under the exam's keys,
 * then starts its workflow. Returns false when an exam with this id already exists
 * (a repeated idempotent submission); its stored files are never overwritten.
 */
export async function submitExam({ client, cfg, store }: ApiDeps, submission: Submission): Promise<boolean> {
  const keys = examKeys(submission.examId);
  const review = reviewSettings(cfg);
  const input: ExamWorkflowInput = {
    examId: submission.examId,
    tenantId: submission.tenantId,
    templateId: submission.template.id,
    templateKey: keys.template,
    language: submission.template.language,
    pageKeys: submission.pages.map((_, i) => keys.page(i)),
    ...(submission.sheet ? { sheet: true } : {}),
    ...(submission.identify ? { identifySheet: true } : {}),
    student: submission.student,
    createdAt: new Date().toISOString(),
    notify: (await loadWebhook(submission.tenantId)) !== null,
    // Read once here: the workflow stays deterministic and keeps these settings for its life.
    ...(review ? { review } : {}),
  };
  // Everything the workflow and a later retry read, stored before the workflow exists, and
  // written once: the input claims the exam id, so of two racing submissions with one
  // Idempotency-Key the second stores nothing and answers with the first one's exam.
  try {
    await store.createJson(keys.input, { input, priority: submission.priority, subject: submission.template.subject });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    await waitForWorkflow(client, submission.examId);
    return false;
  }
  try {
    await Promise.all([
      ...submission.pages.map((page, i) => store.create(keys.page(i), page)),
      store.createJson(keys.template, submission.template),
    ]);
    // The record comes before the workflow: Temporal never runs an exam the database does not
    // know. With the database down this throws, and the submission is refused (503).
    await recordSubmission({
      examId: input.examId,
      tenantId: input.tenantId,
      templateId: input.templateId,
      subject: submission.template.subject,
      student: input.student,
      priority: submission.priority,
      pages: input.pageKeys.length,
      createdAt: input.createdAt,
    });
    const taskQueue = submission.taskQueue ?? cfg.EXAMFLOW_TASK_QUEUE;
    await startExamRun(client, input, submission.template.subject, submission.priority, 'REJECT_DUPLICATE', taskQueue);
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    await forgetSubmission(input.examId).catch(() => undefined);
    await store.remove(keys.root);
    throw err;
  }
}

/** The first submission stores its pages, then starts the exam: a racing second one waits for that. */
async function waitForWorkflow(client: Client, examId: string): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      await client.workflow.getHandle(examId).describe();
      return;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    if (Date.now() > until) {
      throw new ApiError(
        409,
        'submission_in_progress',
        'a submission with this Idempotency-Key is still being stored or has just failed: send it again in a few seconds',
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A new run of an exam that failed or was cancelled, with the input it was submitted with. */
export async function retryExam({ client, cfg, store }: ApiDeps, examId: string, by: string): Promise<void> {
  const stored = await store.getJson<{ input: ExamWorkflowInput; priority: Priority; subject: string }>(examKeys(examId).input);
  const notify = (await loadWebhook(stored.input.tenantId)) !== null;
  const input = { ...stored.input, createdAt: new Date().toISOString(), notify };
  const closed = await reopenForRetry(examId, by);
  try {
    await startExamRun(client, input, stored.subject, stored.priority, 'ALLOW_DUPLICATE_FAILED_ONLY', cfg.EXAMFLOW_TASK_QUEUE);
  } catch (err) {
    if (closed) await restoreAfterFailedRetry(examId, closed);
    throw err;
  }
}

/** Starts the exam's workflow run on taskQueue (EXAMFLOW_TASK_QUEUE but in tests); its pages, template and input are stored already. */
export function startExamRun(
  client: Client,
  input: ExamWorkflowInput,
  subject: string,
  priority: Priority,
  reuse: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE_FAILED_ONLY',
  taskQueue: string,
) {
  const memo: ExamMemo = { createdAt: input.createdAt, pages: input.pageKeys.length };
  return client.workflow.start(examWorkflow, {
    workflowId: input.examId,
    taskQueue,
    args: [input],
    workflowIdReusePolicy: reuse,
    priority: { priorityKey: priorityKeys[priority] },
    memo: { ...memo },
    typedSearchAttributes: [
      { key: ExamStatusKey, value: 'pending' },
      { key: ExamStepKey, value: 'ocr' },
      { key: SubjectKey, value: subject },
      { key: TenantIdKey, value: input.tenantId },
      { key: TemplateIdKey, value: input.templateId },
      ...(input.student?.id ? [{ key: StudentIdKey, value: input.student.id }] : []),
    ],
  });
}
