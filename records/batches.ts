import { sql } from 'kysely';
import { records } from './database';
import type { BatchPageNote, BatchPhase, BatchReportKeys, BatchRow } from './schema';
import { closedBatchPhases } from '../domain/batch-status';

// Every read and write of a batch record. The API inserts the row before the batch's
// workflow starts; the workflow moves it through its phases (idempotent updates keyed by
// batchId, never reopening a closed batch).

const closedPhases: readonly BatchPhase[] = closedBatchPhases;

export interface NewBatch {
  batchId: string;
  tenantId: string;
  name: string | null;
  templateId: string | null;
  files: number;
  createdAt: string;
}

export async function insertBatch(b: NewBatch): Promise<void> {
  await records()
    .insertInto('batches')
    .values({
      batch_id: b.batchId,
      tenant_id: b.tenantId,
      name: b.name,
      template_id: b.templateId,
      files: b.files,
      created_at: b.createdAt,
      status: 'pending',
      skipped: '[]',
      unplaced: '[]',
    })
    .onConflict((oc) => oc.column('batch_id').doNothing())
    .execute();
}

/** The workflow never started: the batch was not accepted. */
export async function forgetBatch(batchId: string): Promise<void> {
  await records().deleteFrom('batches').where('batch_id', '=', batchId).where('status', '=', 'pending').execute();
}

export interface BatchUpdate {
  status: BatchPhase;
  pages?: number;
  examsPlanned?: number;
  skipped?: BatchPageNote[];
  unplaced?: BatchPageNote[];
  error?: string | null;
  report?: BatchReportKeys;
  startedAt?: string;
  finishedAt?: string;
}

/** One phase change of the batch's workflow; a late repeat never reopens a closed batch. */
export async function updateBatch(batchId: string, u: BatchUpdate): Promise<void> {
  await records()
    .updateTable('batches')
    .set({
      status: u.status,
      ...(u.pages !== undefined ? { pages: u.pages } : {}),
      ...(u.examsPlanned !== undefined ? { exams_planned: u.examsPlanned } : {}),
      ...(u.skipped ? { skipped: JSON.stringify(u.skipped) } : {}),
      ...(u.unplaced ? { unplaced: JSON.stringify(u.unplaced) } : {}),
      ...(u.error !== undefined ? { error: u.error } : {}),
      ...(u.report ? { report: JSON.stringify(u.report) } : {}),
      ...(u.startedAt ? { started_at: sql<Date>`coalesce(started_at, ${u.startedAt}::timestamptz)` } : {}),
      ...(u.finishedAt ? { finished_at: u.finishedAt } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('batch_id', '=', batchId)
    .where('status', 'not in', closedPhases)
    .execute();
}

/** The batch of a tenant (scope null: any tenant's, for an admin), or undefined. */
export async function findBatch(batchId: string, scope: string | null): Promise<BatchRow | undefined> {
  let q = records().selectFrom('batches').selectAll().where('batch_id', '=', batchId);
  if (scope !== null) q = q.where('tenant_id', '=', scope);
  return q.executeTakeFirst();
}

/** The tenant's batches, newest first, with how many of their exams stand in each status. */
export async function listBatches(scope: string | null, limit: number) {
  let q = records().selectFrom('batches').selectAll();
  if (scope !== null) q = q.where('tenant_id', '=', scope);
  const rows = await q.orderBy('created_at', 'desc').orderBy('batch_id', 'desc').limit(limit).execute();
  const counts = await examCountsOf(rows.map((r) => r.batch_id));
  return rows.map((row) => ({ row, counts: counts.get(row.batch_id) ?? {} }));
}

async function examCountsOf(batchIds: string[]): Promise<Map<string, Record<string, number>>> {
  const counts = new Map<string, Record<string, number>>();
  if (batchIds.length === 0) return counts;
  const rows = await records()
    .selectFrom('exams')
    .select(['batch_id', 'status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('batch_id', 'in', batchIds)
    .where('erase_requested_at', 'is', null)
    .groupBy(['batch_id', 'status'])
    .execute();
  for (const r of rows) {
    const of = counts.get(r.batch_id!) ?? {};
    of[r.status] = Number(r.n);
    counts.set(r.batch_id!, of);
  }
  return counts;
}

/** The exams of one batch in the order of its stack, with their outcome. */
export async function batchExamRows(batchId: string) {
  return records()
    .selectFrom('exams')
    .select([
      'exam_id',
      'template_id',
      'status',
      'step',
      'score',
      'full_score',
      'result',
      'error',
      'student_id',
      'student_name',
      'student_class',
      'batch_position',
      'created_at',
      'started_at',
      'finished_at',
    ])
    .where('batch_id', '=', batchId)
    .where('erase_requested_at', 'is', null)
    .orderBy('batch_position')
    .execute();
}
export type BatchExamRow = Awaited<ReturnType<typeof batchExamRows>>[number];

/** Closed batches older than `before` none of whose exams is left (the retention purge erased them). */
export async function expiredBatches(before: Date, limit: number): Promise<string[]> {
  const rows = await records()
    .selectFrom('batches')
    .select('batch_id')
    .where('status', 'in', closedPhases)
    .where('created_at', '<', before)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('exams').select('exam_id').whereRef('exams.batch_id', '=', 'batches.batch_id'))))
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.batch_id);
}

export async function deleteBatch(batchId: string): Promise<void> {
  await records().deleteFrom('batches').where('batch_id', '=', batchId).execute();
}

/** An exam of a batch that was recorded but never started (the batch was cancelled first): cancelled. */
export async function cancelUnstartedExam(examId: string, by: string): Promise<void> {
  await records()
    .updateTable('exams')
    .set({ status: 'cancelled', finished_at: sql<Date>`now()`, cancelled_by: by, updated_at: sql<Date>`now()` })
    .where('exam_id', '=', examId)
    .where('status', '=', 'pending')
    .where('run_id', 'is', null)
    .execute();
}
