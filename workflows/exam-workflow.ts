import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RecordExamInput } from '../activities/record-exam';
import type { ExamStep } from '../domain/documents';
import { progressQuery, type ExamEvent, type ExamWorkflowInput, type ExamWorkflowResult } from './definitions';
import { activityPolicies } from './policies';
import { enterStep, finish, startProgress, statusDocument, type ExamProgress } from './progress';
import { ExamScoreKey, ExamStatusKey, ExamStepKey, StudentIdKey } from './search-attributes';
import { reviewStep } from './review-step';
import { ocrTaskQueue } from './task-queues';
import { webhookDeliveryWorkflow } from './webhook-workflow';

const { parseExam } = proxyActivities<Activities>(activityPolicies.parseExam);
const { analyzeAnswers } = proxyActivities<Activities>(activityPolicies.analyzeAnswers);
const { diagnoseExam } = proxyActivities<Activities>(activityPolicies.diagnoseExam);
const { renderReport } = proxyActivities<Activities>(activityPolicies.renderReport);
const { cleanupExam } = proxyActivities<Activities>(activityPolicies.cleanupExam);
const { recordExam } = proxyActivities<Activities>(activityPolicies.recordExam);

type RecordFields = Omit<RecordExamInput, 'examId' | 'runId' | 'startedAt'>;
type CloseFields = Omit<RecordFields, 'finishedAt' | 'stepMs'>;

/** The exam's record in the database (system of record): started when the run starts, closed at its end. */
function examRecord(examId: string, progress: ExamProgress) {
  // Histories from before the records database replay without these writes.
  const recording = patched('records');
  const stepMs: NonNullable<RecordExamInput['stepMs']> = {};
  const startedAt = new Date(progress.startedAtMs).toISOString();
  const record = (fields: RecordFields): Promise<void> =>
    recording ? recordExam({ examId, runId: workflowInfo().runId, startedAt, ...fields }) : Promise.resolve();
  // Not awaited: the pages are read while it is written (a database restart never holds them up).
  const started = record({ status: 'processing', step: 'ocr' }).catch(() => undefined);
  return {
    stepMs,
    /** a write after the start (the start is written first) */
    record: (fields: RecordFields) => started.then(() => record(fields)),
    /** the closing write: the last one */
    close: async (fields: CloseFields) => {
      await started;
      await record({ ...fields, finishedAt: new Date(progress.finishedAtMs ?? Date.now()).toISOString(), stepMs });
    },
  };
}

/**
 * Every page read in parallel (the read queue's concurrency limit bounds the real parallelism):
 * answer sheets for their marks, other papers for their text (histories before answer sheets
 * never carry `sheet`, so they never reach the marker).
 */
async function readPages(input: ExamWorkflowInput, progress: ExamProgress): Promise<{ ocrKeys: string[]; sheetKeys?: string[] }> {
  const { examId, templateKey, language } = input;
  // OCR and sheet reading run on their own task queue, named after the queue this workflow runs on.
  const readQueue = ocrTaskQueue(workflowInfo().taskQueue);
  const { ocrPage } = proxyActivities<Activities>({ ...activityPolicies.ocrPage, taskQueue: readQueue });
  const { readSheetPage } = proxyActivities<Activities>({ ...activityPolicies.readSheetPage, taskQueue: readQueue });
  const { identifySheet } = proxyActivities<Activities>({ ...activityPolicies.identifySheet, taskQueue: readQueue });
  let sheet = input.sheet === true;
  // Only inputs from after the API stopped looking at pages carry identifySheet.
  if (input.identifySheet && patched('identify-sheet-in-worker')) {
    sheet = (await identifySheet({ examId, pageKey: input.pageKeys[0]!, templateId: input.templateId })).sheet;
  }
  const each = async (read: (pageKey: string, pageIndex: number) => Promise<string>) =>
    Promise.all(
      input.pageKeys.map(async (pageKey, pageIndex) => {
        const key = await read(pageKey, pageIndex);
        progress.pagesProcessed += 1;
        return key;
      }),
    );
  if (sheet && patched('answer-sheets')) {
    const sheetKeys = await each(
      async (pageKey, pageIndex) => (await readSheetPage({ examId, pageIndex, pageKey, templateKey, language })).sheetKey,
    );
    return { ocrKeys: [], sheetKeys };
  }
  return { ocrKeys: await each(async (pageKey, pageIndex) => (await ocrPage({ examId, pageIndex, pageKey, language })).ocrKey) };
}

/** Hands the closing status to a webhook delivery of its own; the exam does not wait for it. */
async function notifyClose(input: ExamWorkflowInput, progress: ExamProgress, event: ExamEvent): Promise<void> {
  if (!patched('notify-on-close') || !input.notify) return;
  const { runId } = workflowInfo();
  await startChild(webhookDeliveryWorkflow, {
    // A run that waits for a teacher says so before it closes: a delivery of its own.
    workflowId: `${input.examId}/webhook/${runId}${event === 'exam.needs_review' ? '/needs_review' : ''}`,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    args: [{ tenantId: input.tenantId, examId: input.examId, runId, event, status: statusDocument(progress, Date.now()) }],
  });
}

/** One exam, from uploaded pages to a graded, diagnosed report. Workflow id = examId. */
export async function examWorkflow(input: ExamWorkflowInput): Promise<ExamWorkflowResult> {
  const { examId, templateKey } = input;
  const progress = startProgress(examId, input.createdAt, input.pageKeys.length, Date.now());
  setHandler(progressQuery, () => statusDocument(progress, Date.now()));
  const exam = examRecord(examId, progress);
  const notify = (event: ExamEvent) => notifyClose(input, progress, event);
  const moveTo = (step: ExamStep) => {
    if (progress.step !== 'done') exam.stepMs[progress.step] = Date.now() - progress.stepStartedAtMs;
    enterStep(progress, step, Date.now());
    upsertSearchAttributes([{ key: ExamStepKey, value: step }]);
  };
  upsertSearchAttributes([
    { key: ExamStatusKey, value: 'processing' },
    { key: ExamStepKey, value: 'ocr' },
  ]);

  try {
    const pagesRead = await readPages(input, progress);

    moveTo('parse');
    const parsed = await parseExam({ examId, templateKey, ...pagesRead, student: input.student ?? {} });
    if (parsed.studentId) upsertSearchAttributes([{ key: StudentIdKey, value: parsed.studentId }]);

    moveTo('analyze');
    let graded = await analyzeAnswers({ examId, templateKey, parsedKey: parsed.parsedKey });
    // Teacher review (exams submitted with review on; histories before it never reach here).
    if (input.review && patched('teacher-review')) {
      const context = {
        examId,
        templateKey,
        parsedKey: parsed.parsedKey,
        pageKeys: input.pageKeys,
        sheet: pagesRead.sheetKeys !== undefined,
        settings: input.review,
        progress,
        moveTo,
        notify,
      };
      graded = await reviewStep({ ...context, record: exam.record }, graded);
    }

    moveTo('diagnose');
    const diagnosis = await diagnoseExam({ examId, templateKey, gradedKey: graded.gradedKey });

    moveTo('report');
    const report = await renderReport({
      examId,
      templateKey,
      parsedKey: parsed.parsedKey,
      gradedKey: graded.gradedKey,
      diagnosisKey: diagnosis.diagnosisKey,
      student: input.student ?? {},
    });

    exam.stepMs.report = Date.now() - progress.stepStartedAtMs;
    finish(progress, 'completed', Date.now());
    upsertSearchAttributes([
      { key: ExamStatusKey, value: 'completed' },
      { key: ExamStepKey, value: 'done' },
      { key: ExamScoreKey, value: graded.score },
    ]);
    await exam.close({ status: 'completed', step: 'done', score: graded.score, fullScore: graded.fullScore, ...report });
    await notify('exam.completed');
    return { examId, score: graded.score, fullScore: graded.fullScore, ...report };
  } catch (err) {
    if (isCancellation(err)) {
      await closeCancelled(examId, progress, exam.close, notify);
      throw err;
    }
    throw await closeFailed(progress, err, exam.close, notify);
  }
}

/** The exam is cancelled already; the cleanup, its closing record and the notice must still run. */
async function closeCancelled(
  examId: string,
  progress: ExamProgress,
  close: (f: CloseFields) => Promise<void>,
  notify: (e: ExamEvent) => Promise<void>,
): Promise<void> {
  finish(progress, 'cancelled', Date.now());
  upsertSearchAttributes([{ key: ExamStatusKey, value: 'cancelled' }]);
  await CancellationScope.nonCancellable(async () => {
    if (patched('cleanup-on-cancel')) await cleanupExam({ examId });
    await close({ status: 'cancelled', step: progress.step });
    await notify('exam.cancelled');
  });
}

/** Closes a failed exam with the teacher's message; returns the failure the workflow ends with. */
async function closeFailed(
  progress: ExamProgress,
  err: unknown,
  close: (f: CloseFields) => Promise<void>,
  notify: (e: ExamEvent) => Promise<void>,
): Promise<ApplicationFailure> {
  const message = teacherMessage(progress.step, err);
  finish(progress, 'failed', Date.now(), message);
  upsertSearchAttributes([{ key: ExamStatusKey, value: 'failed' }]);
  await close({ status: 'failed', step: progress.step, error: message });
  await notify('exam.failed');
  return ApplicationFailure.create({ message, type: failureType(err), nonRetryable: true, cause: err instanceof Error ? err : undefined });
}

/** The activity's own message is written for the teacher; say which step it came from. */
function teacherMessage(step: ExamStep, err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  return `${step} failed: ${message}`;
}

function failureType(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.type ? cause.type : 'ExamFailed';
}
