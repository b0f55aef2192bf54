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
import { enterStep, finish, startProgress, statusDocument } from './progress';
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

/** One exam, from uploaded pages to a graded, diagnosed report. Workflow id = examId. */
export async function examWorkflow(input: ExamWorkflowInput): Promise<ExamWorkflowResult> {
  const { examId, templateKey } = input;
  // OCR and sheet reading run on their own task queue, named after the queue this workflow runs on.
  const readQueue = ocrTaskQueue(workflowInfo().taskQueue);
  const { ocrPage } = proxyActivities<Activities>({ ...activityPolicies.ocrPage, taskQueue: readQueue });
  const { readSheetPage } = proxyActivities<Activities>({ ...activityPolicies.readSheetPage, taskQueue: readQueue });
  const progress = startProgress(examId, input.createdAt, input.pageKeys.length, Date.now());
  setHandler(progressQuery, () => statusDocument(progress, Date.now()));

  // The exam's record in the database (system of record): started now, closed below.
  // Histories from before the records database replay without these writes.
  const recording = patched('records');
  const stepMs: NonNullable<RecordExamInput['stepMs']> = {};
  const record = (fields: Omit<RecordExamInput, 'examId' | 'runId' | 'startedAt'>): Promise<void> =>
    recording ? recordExam({ examId, runId: workflowInfo().runId, startedAt: new Date(progress.startedAtMs).toISOString(), ...fields }) : Promise.resolve();
  const closeRecord = async (fields: Omit<RecordExamInput, 'examId' | 'runId' | 'startedAt' | 'finishedAt' | 'stepMs'>) => {
    await started; // the start is written first, so the close is the last write
    await record({ ...fields, finishedAt: new Date(progress.finishedAtMs ?? Date.now()).toISOString(), stepMs });
  };
  // Not awaited: the pages are read while it is written (a database restart never holds them up).
  const started = record({ status: 'processing', step: 'ocr' }).catch(() => undefined);

  const moveTo = (step: ExamStep) => {
    if (progress.step !== 'done') stepMs[progress.step] = Date.now() - progress.stepStartedAtMs;
    enterStep(progress, step, Date.now());
    upsertSearchAttributes([{ key: ExamStepKey, value: step }]);
  };
  upsertSearchAttributes([
    { key: ExamStatusKey, value: 'processing' },
    { key: ExamStepKey, value: 'ocr' },
  ]);

  try {
    // Pages are read in parallel; the OCR worker's concurrency limit bounds the real parallelism.
    // Answer sheets are read for their marks instead of their text (histories before
    // answer sheets never carry `sheet`, so they never reach the marker).
    const readPages = async <K>(read: (pageKey: string, pageIndex: number) => Promise<K>) =>
      Promise.all(
        input.pageKeys.map(async (pageKey, pageIndex) => {
          const key = await read(pageKey, pageIndex);
          progress.pagesProcessed += 1;
          return key;
        }),
      );
    let pagesRead: { ocrKeys: string[]; sheetKeys?: string[] };
    if (input.sheet && patched('answer-sheets')) {
      const sheetKeys = await readPages(async (pageKey, pageIndex) => (await readSheetPage({ examId, pageIndex, pageKey, templateKey, language: input.language })).sheetKey);
      pagesRead = { ocrKeys: [], sheetKeys };
    } else {
      pagesRead = { ocrKeys: await readPages(async (pageKey, pageIndex) => (await ocrPage({ examId, pageIndex, pageKey, language: input.language })).ocrKey) };
    }

    moveTo('parse');
    const parsed = await parseExam({ examId, templateKey, ...pagesRead, student: input.student ?? {} });
    if (parsed.studentId) upsertSearchAttributes([{ key: StudentIdKey, value: parsed.studentId }]);

    moveTo('analyze');
    let graded = await analyzeAnswers({ examId, templateKey, parsedKey: parsed.parsedKey });
    // Teacher review (exams submitted with review on; histories before it never reach here).
    if (input.review && patched('teacher-review')) {
      const context = { examId, templateKey, parsedKey: parsed.parsedKey, pageKeys: input.pageKeys, sheet: input.sheet === true, settings: input.review, progress, moveTo, notify };
      graded = await reviewStep({ ...context, record: (fields) => started.then(() => record(fields)) }, graded);
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

    stepMs.report = Date.now() - progress.stepStartedAtMs;
    finish(progress, 'completed', Date.now());
    upsertSearchAttributes([
      { key: ExamStatusKey, value: 'completed' },
      { key: ExamStepKey, value: 'done' },
      { key: ExamScoreKey, value: graded.score },
    ]);
    await closeRecord({ status: 'completed', step: 'done', score: graded.score, fullScore: graded.fullScore, ...report });
    await notify('exam.completed');
    return { examId, score: graded.score, fullScore: graded.fullScore, ...report };
  } catch (err) {
    if (isCancellation(err)) {
      finish(progress, 'cancelled', Date.now());
      upsertSearchAttributes([{ key: ExamStatusKey, value: 'cancelled' }]);
      // The exam is cancelled already; the cleanup and the notice must still run.
      await CancellationScope.nonCancellable(async () => {
        if (patched('cleanup-on-cancel')) await cleanupExam({ examId });
        await closeRecord({ status: 'cancelled', step: progress.step });
        await notify('exam.cancelled');
      });
      throw err;
    }
    const message = teacherMessage(progress.step, err);
    finish(progress, 'failed', Date.now(), message);
    upsertSearchAttributes([{ key: ExamStatusKey, value: 'failed' }]);
    await closeRecord({ status: 'failed', step: progress.step, error: message });
    await notify('exam.failed');
    throw ApplicationFailure.create({ message, type: failureType(err), nonRetryable: true, cause: err instanceof Error ? err : undefined });
  }

  /** Hands the closing status to a webhook delivery of its own; the exam does not wait for it. */
  async function notify(event: ExamEvent): Promise<void> {
    if (!patched('notify-on-close') || !input.notify) return;
    const { runId } = workflowInfo();
    await startChild(webhookDeliveryWorkflow, {
      // A run that waits for a teacher says so before it closes: a delivery of its own.
      workflowId: `${examId}/webhook/${runId}${event === 'exam.needs_review' ? '/needs_review' : ''}`,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ tenantId: input.tenantId, examId, runId, event, status: statusDocument(progress, Date.now()) }],
    });
  }
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
