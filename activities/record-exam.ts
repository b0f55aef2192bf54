import type { ResultDocument } from '../domain/documents';
import type { ParsedExam } from '../domain/paper';
import { examKeys } from '../lib/artifacts/artifacts';
import { recordRun, type Submission } from '../records/exam-writes';
import type { StepTimes } from '../records/schema';
import type { ExamWorkflowInput } from '../workflows/definitions';
import type { ActivityDeps } from './deps';

/** What the workflow reports: the run started, or closed with its outcome (workflow time). */
export interface RecordExamInput {
  examId: string;
  runId: string;
  status: 'processing' | 'needs_review' | 'completed' | 'failed' | 'cancelled';
  /** needs_review: how many answers wait for a teacher */
  reviewItems?: number;
  step: string;
  startedAt: string;
  finishedAt?: string;
  error?: string;
  score?: number;
  fullScore?: number;
  resultKey?: string;
  reportHtmlKey?: string;
  reportPdfKey?: string;
  stepMs?: StepTimes;
}

/** The submission as the API stored it beside the pages (start-exam.ts). */
interface StoredInput {
  input: ExamWorkflowInput;
  priority: string;
  subject: string;
}

/**
 * Writes the exam's record: an upsert keyed by examId, so a retry or a replay of this
 * activity never adds a row nor loses one. A completed exam's result document is copied
 * into the record, which then answers every read without the workflow history.
 */
export async function recordExam({ store }: Pick<ActivityDeps, 'store'>, input: RecordExamInput): Promise<void> {
  const keys = examKeys(input.examId);
  const [stored, result] = await Promise.all([
    store.getJson<StoredInput>(keys.input),
    input.resultKey ? store.getJson<ResultDocument>(input.resultKey) : Promise.resolve(undefined),
  ]);
  // A waiting exam has no result yet: the student read off the paper names it in the review
  // queue and in its class batch meanwhile.
  const student = result?.student ?? (input.status === 'needs_review' ? (await store.getJson<ParsedExam>(keys.parsed)).student : undefined);
  const submission: Submission = {
    examId: input.examId,
    tenantId: stored.input.tenantId,
    templateId: stored.input.templateId,
    subject: stored.subject,
    student: stored.input.student,
    priority: stored.priority,
    pages: stored.input.pageKeys.length,
    createdAt: stored.input.createdAt,
  };
  await recordRun(
    {
      examId: input.examId,
      runId: input.runId,
      status: input.status,
      step: input.step,
      startedAt: input.startedAt,
      finishedAt: input.finishedAt ?? null,
      error: input.error ?? null,
      score: input.score ?? null,
      fullScore: input.fullScore ?? null,
      result,
      artifacts: input.resultKey
        ? { resultKey: input.resultKey, reportHtmlKey: input.reportHtmlKey, reportPdfKey: input.reportPdfKey }
        : {},
      stepMs: input.stepMs ?? null,
      ...(input.reviewItems !== undefined ? { reviewItems: input.reviewItems } : {}),
      studentId: student?.id ?? null,
      studentName: student?.name ?? null,
      studentClass: student?.class ?? null,
    },
    submission,
  );
}
