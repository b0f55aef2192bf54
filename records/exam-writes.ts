import { sql } from 'kysely';
import type { SubmittedStudent } from '../workflows/definitions';
import { records } from './database';
import type { ExamArtifacts, ExamRow, RecordedStatus, StepTimes } from './schema';
import { closedExamStatuses } from '../domain/exam-states';

// Every write of an exam record. Each is idempotent, keyed by examId: the API's pending
// row is inserted once however often it is sent, and the workflow's writes are upserts,
// so a retried or replayed activity never makes a second row nor loses the first.

export interface Submission {
  examId: string;
  tenantId: string;
  templateId: string;
  subject: string;
  student?: SubmittedStudent;
  priority: string;
  pages: number;
  createdAt: string;
  /** an exam of a class batch: the batch and the exam's place in its stack */
  batchId?: string;
  batchPosition?: number;
}

const closed: readonly RecordedStatus[] = closedExamStatuses;

function submissionRow(s: Submission) {
  return {
    exam_id: s.examId,
    tenant_id: s.tenantId,
    template_id: s.templateId,
    subject: s.subject,
    student_id: s.student?.id ?? null,
    student_name: s.student?.name ?? null,
    student_class: s.student?.class ?? null,
    priority: s.priority,
    pages: s.pages,
    created_at: s.createdAt,
    artifacts: '{}',
    ...(s.batchId ? { batch_id: s.batchId, batch_position: s.batchPosition ?? null } : {}),
  };
}

/** The API's row, before the workflow starts; a repeat of the same exam changes nothing. */
export async function recordSubmission(s: Submission): Promise<void> {
  await records()
    .insertInto('exams')
    .values({ ...submissionRow(s), status: 'pending', step: 'ocr' })
    .onConflict((oc) => oc.column('exam_id').doNothing())
    .execute();
}

/** The workflow never started (Temporal refused or was down): the exam was not accepted. */
export async function forgetSubmission(examId: string): Promise<void> {
  await records().deleteFrom('exams').where('exam_id', '=', examId).where('status', '=', 'pending').where('run_id', 'is', null).execute();
}

export interface RunRecord {
  examId: string;
  runId: string;
  status: Exclude<RecordedStatus, 'pending'>;
  step: string;
  startedAt: string;
  finishedAt?: string | null;
  error?: string | null;
  score?: number | null;
  fullScore?: number | null;
  result?: unknown;
  artifacts?: ExamArtifacts;
  stepMs?: StepTimes | null;
  /** read from the paper when the submission did not name the student */
  studentId?: string | null;
  studentName?: string | null;
  studentClass?: string | null;
  /** needs_review: how many answers wait for a teacher */
  reviewItems?: number;
}

/**
 * What the workflow reports of one run: started, or closed with its outcome. Upserted with
 * the submission's columns too, so the record exists even if the API's insert was lost.
 * A late repeat of "processing" never reopens a run that already closed.
 */
export async function recordRun(run: RunRecord, submission: Submission): Promise<void> {
  const update = {
    status: run.status,
    step: run.step,
    run_id: run.runId,
    started_at: run.startedAt,
    finished_at: run.finishedAt ?? null,
    error: run.error ?? null,
    score: run.score ?? null,
    full_score: run.fullScore ?? null,
    result: run.result === undefined ? null : JSON.stringify(run.result),
    artifacts: JSON.stringify(run.artifacts ?? {}),
    step_ms: run.stepMs ? JSON.stringify(run.stepMs) : null,
    // Waiting for a teacher since now; the next write (decided, closed) leaves the queue by its status.
    ...(run.status === 'needs_review' ? { review_items: run.reviewItems ?? null, review_since: new Date().toISOString() } : {}),
  };
  await records()
    .insertInto('exams')
    .values({
      ...submissionRow(submission),
      ...update,
      run_ids: [run.runId],
      student_id: submission.student?.id ?? run.studentId ?? null,
      student_name: submission.student?.name ?? run.studentName ?? null,
      student_class: submission.student?.class ?? run.studentClass ?? null,
    })
    .onConflict((oc) =>
      oc
        .column('exam_id')
        .doUpdateSet((eb) => ({
          ...update,
          run_ids: sql<
            string[]
          >`CASE WHEN ${eb.ref('excluded.run_id')} = ANY(exams.run_ids) THEN exams.run_ids ELSE array_append(exams.run_ids, ${eb.ref('excluded.run_id')}) END`,
          student_id: eb.fn.coalesce('exams.student_id', 'excluded.student_id'),
          student_name: eb.fn.coalesce('exams.student_name', 'excluded.student_name'),
          student_class: eb.fn.coalesce('exams.student_class', 'excluded.student_class'),
          updated_at: sql<Date>`now()`,
        }))
        .where((eb) =>
          eb.and([
            eb('exams.erase_requested_at', 'is', null),
            eb.not(
              eb.and([
                eb('exams.run_id', '=', eb.ref('excluded.run_id')),
                eb('exams.status', 'in', closed),
                eb('excluded.status', '=', 'processing'),
              ]),
            ),
          ]),
        ),
    )
    .execute();
}

/** Who asked for the cancel (the token's tenant, `*` for an admin), kept with the exam. */
export async function recordCancelRequest(examId: string, by: string): Promise<void> {
  await records().updateTable('exams').where('exam_id', '=', examId).set({ cancelled_by: by }).execute();
}

type ClosedState = Pick<ExamRow, 'status' | 'step' | 'started_at' | 'finished_at' | 'error'>;

/**
 * A retry opens the exam again before its new run starts (the record, not the old run,
 * answers reads of a closed exam). Returns the closed state, to put back if the run
 * cannot start; null when the exam is not failed or cancelled.
 */
export async function reopenForRetry(examId: string, by: string): Promise<ClosedState | null> {
  return records()
    .transaction()
    .execute(async (tx) => {
      const before = await tx
        .selectFrom('exams')
        .select(['status', 'step', 'started_at', 'finished_at', 'error'])
        .where('exam_id', '=', examId)
        .where('status', 'in', ['failed', 'cancelled'])
        .forUpdate()
        .executeTakeFirst();
      if (!before) return null;
      await tx
        .updateTable('exams')
        .set((eb) => ({
          status: 'pending',
          step: 'ocr',
          started_at: null,
          finished_at: null,
          error: null,
          retried_by: by,
          retries: eb('retries', '+', 1),
          updated_at: new Date(),
        }))
        .where('exam_id', '=', examId)
        .execute();
      return before;
    });
}

export async function restoreAfterFailedRetry(examId: string, state: ClosedState): Promise<void> {
  await records().updateTable('exams').set(state).where('exam_id', '=', examId).where('status', '=', 'pending').execute();
}

/** A completed exam corrected by a teacher: its result and score change, nothing else. */
export async function recordCorrection(examId: string, result: { score: number; fullScore: number }): Promise<void> {
  await records()
    .updateTable('exams')
    .set({
      result: JSON.stringify(result),
      score: result.score,
      full_score: result.fullScore,
      corrected_at: new Date(),
      updated_at: new Date(),
    })
    .where('exam_id', '=', examId)
    .where('status', '=', 'completed')
    .where('erase_requested_at', 'is', null)
    .execute();
}
