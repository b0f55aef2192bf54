import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ParentClosePolicy,
  isCancellation,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  batchProgressQuery,
  type BatchExamPlan,
  type BatchProgress,
  type BatchWorkflowInput,
  type BatchWorkflowResult,
} from './batch-definitions';
import { examWorkflow } from './exam-workflow';
import { activityPolicies } from './policies';
import { ExamStatusKey, ExamStepKey, StudentIdKey, SubjectKey, TemplateIdKey, TenantIdKey } from './search-attributes';
import { ocrTaskQueue } from './task-queues';

const { recordBatch } = proxyActivities<Activities>(activityPolicies.recordBatch);
const { recordBatchExam } = proxyActivities<Activities>(activityPolicies.recordBatchExam);
const { buildClassReport } = proxyActivities<Activities>(activityPolicies.buildClassReport);

/**
 * One class's stack of sheets: split into students (an activity on the read queue), one
 * exam workflow per student as a child (at most `parallelism` at once, each recorded
 * before it starts), then the class report once every exam has closed. Workflow id = batchId.
 */
export async function batchWorkflow(input: BatchWorkflowInput): Promise<BatchWorkflowResult> {
  const { batchId } = input;
  const { splitBatch } = proxyActivities<Activities>({ ...activityPolicies.splitBatch, taskQueue: ocrTaskQueue(workflowInfo().taskQueue) });
  const progress: BatchProgress = {
    batchId,
    phase: 'splitting',
    pages: null,
    examsPlanned: null,
    examsStarted: 0,
    examsClosed: { completed: 0, failed: 0, cancelled: 0 },
    startedAtMs: Date.now(),
    examsStartedAtMs: null,
    error: null,
  };
  setHandler(batchProgressQuery, () => progress);
  const now = () => new Date(Date.now()).toISOString();

  try {
    await recordBatch({ batchId, status: 'splitting', startedAt: now() });
    const split = await splitBatch(input);
    progress.pages = split.pages;
    progress.examsPlanned = split.exams.length;
    progress.phase = 'processing';
    await recordBatch({
      batchId,
      status: 'processing',
      pages: split.pages,
      examsPlanned: split.exams.length,
      skipped: split.skipped,
      unplaced: split.unplaced,
    });

    await runExams(split.exams, input.parallelism, progress);
    if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('the batch was cancelled');
    const { completed } = progress.examsClosed;
    if (completed === 0) {
      const why =
        split.exams.length === 0
          ? 'no student’s sheet was found in the stack (see the unplaced pages)'
          : `none of its ${split.exams.length} exams could be graded (see each exam's error)`;
      throw ApplicationFailure.nonRetryable(`nothing in this batch could be graded: ${why}`, 'NothingGraded');
    }

    progress.phase = 'reporting';
    await recordBatch({ batchId, status: 'reporting' });
    const report = await buildClassReport({ batchId });
    progress.phase = 'completed';
    await recordBatch({ batchId, status: 'completed', report, finishedAt: now() });
    return { batchId, status: 'completed', exams: split.exams.length, completed };
  } catch (err) {
    if (isCancellation(err)) {
      progress.phase = 'cancelled';
      await CancellationScope.nonCancellable(() => recordBatch({ batchId, status: 'cancelled', finishedAt: now() }));
      throw err;
    }
    const cause = err instanceof Error && 'cause' in err && err.cause instanceof Error ? err.cause : err;
    const message = cause instanceof Error ? cause.message : String(cause);
    progress.phase = 'failed';
    progress.error = message;
    await recordBatch({ batchId, status: 'failed', error: message, finishedAt: now() });
    throw ApplicationFailure.create({ message, type: 'BatchFailed', nonRetryable: true, cause: err instanceof Error ? err : undefined });
  }
}

/** Every exam, at most `parallelism` at once; an exam's outcome never fails the batch. */
async function runExams(exams: BatchExamPlan[], parallelism: number, progress: BatchProgress): Promise<void> {
  const running = new Set<Promise<void>>();
  for (const exam of exams) {
    while (running.size >= parallelism) await Promise.race(running);
    if (CancellationScope.current().consideredCancelled) break;
    const run: Promise<void> = runExam(exam, progress).finally(() => running.delete(run));
    running.add(run);
  }
  await Promise.all(running);
}

/** Records the exam, runs its workflow as a child, and counts how it closed. Never rejects. */
async function runExam(exam: BatchExamPlan, progress: BatchProgress): Promise<void> {
  let started = false;
  try {
    await recordBatchExam({ batchId: progress.batchId, exam });
    progress.examsStarted += 1;
    progress.examsStartedAtMs ??= Date.now();
    const child = await startChild(examWorkflow, {
      workflowId: exam.examId,
      args: [exam.input],
      // Cancelling (or closing) the batch cancels its exams; each records itself cancelled.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      memo: { createdAt: exam.input.createdAt, pages: exam.input.pageKeys.length },
      typedSearchAttributes: [
        { key: ExamStatusKey, value: 'pending' },
        { key: ExamStepKey, value: 'ocr' },
        { key: SubjectKey, value: exam.subject },
        { key: TenantIdKey, value: exam.input.tenantId },
        { key: TemplateIdKey, value: exam.input.templateId },
        ...(exam.input.student?.id ? [{ key: StudentIdKey, value: exam.input.student.id }] : []),
      ],
    });
    started = true;
    await child.result();
    progress.examsClosed.completed += 1;
  } catch (err) {
    if (!isCancellation(err)) {
      progress.examsClosed.failed += 1;
      return;
    }
    progress.examsClosed.cancelled += 1;
    // Cancelled between its record and its start: the record must not stay pending.
    if (!started)
      await CancellationScope.nonCancellable(() => recordBatchExam({ batchId: progress.batchId, exam, neverStarted: true })).catch(
        () => undefined,
      );
  }
}
