import { cancelUnstartedExam, updateBatch, type BatchUpdate } from '../records/batches';
import { recordSubmission } from '../records/exam-writes';
import type { BatchExamPlan } from '../workflows/batch-definitions';

// The batch's writes to the system of record, from its workflow. Both are idempotent: the
// batch row is updated by id (never reopened once closed), an exam row inserted once.

// Neither needs a dependency: the records database is the process's, opened at its start.

export async function recordBatch(_deps: unknown, input: { batchId: string } & BatchUpdate): Promise<void> {
  const { batchId, ...update } = input;
  await updateBatch(batchId, update);
}

/**
 * The exam's record, written before its workflow starts (as the API does for one exam); or,
 * with `neverStarted`, closed as cancelled when the batch was cancelled before its workflow started.
 */
export async function recordBatchExam(
  _deps: unknown,
  input: { batchId: string; exam: BatchExamPlan; neverStarted?: boolean },
): Promise<void> {
  const { exam } = input;
  if (input.neverStarted) return cancelUnstartedExam(exam.examId, `batch ${input.batchId}`);
  await recordSubmission({
    examId: exam.examId,
    tenantId: exam.input.tenantId,
    templateId: exam.input.templateId,
    subject: exam.subject,
    student: exam.input.student,
    priority: 'normal',
    pages: exam.input.pageKeys.length,
    createdAt: exam.input.createdAt,
    batchId: input.batchId,
    batchPosition: exam.position,
  });
}
