import { records } from './database';
import { closedExamStatuses } from '../domain/exam-states';

// The database side of erasing exams (one on request, or many past retention). An erasure
// first marks the record, which hides it from every read at once; the record itself is
// deleted last, after the history and the artifacts, so a failure half-way leaves a mark
// that a repeated request or the next purge finishes — never a partial erase that looks done.

/** Marks the exam (of this tenant, unless scope is null) for erasure; its run ids, or null when no such exam. */
export async function markForErasure(examId: string, scope: string | null): Promise<string[] | null> {
  let q = records()
    .updateTable('exams')
    .set((eb) => ({ erase_requested_at: eb.fn.coalesce('erase_requested_at', eb.fn<Date>('now', [])) }))
    .where('exam_id', '=', examId);
  if (scope !== null) q = q.where('tenant_id', '=', scope);
  const row = await q.returning('run_ids').executeTakeFirst();
  return row ? row.run_ids : null;
}

export async function deleteRecord(examId: string): Promise<void> {
  await records().deleteFrom('exams').where('exam_id', '=', examId).execute();
}

/**
 * The next exams to purge: closed before `before`, or marked for erasure earlier (an
 * erasure that did not finish). Oldest first, at most `limit`.
 */
export async function purgeCandidates(before: Date, limit: number): Promise<{ examId: string; runIds: string[] }[]> {
  const db = records();
  const [expired, marked] = await Promise.all([
    db
      .selectFrom('exams')
      .select(['exam_id', 'run_ids'])
      .where('created_at', '<', before)
      .where('status', 'in', closedExamStatuses)
      .orderBy('created_at')
      .limit(limit)
      .execute(),
    db.selectFrom('exams').select(['exam_id', 'run_ids']).where('erase_requested_at', 'is not', null).limit(limit).execute(),
  ]);
  const seen = new Set<string>();
  return [...marked, ...expired]
    .filter((r) => !seen.has(r.exam_id) && seen.add(r.exam_id))
    .slice(0, limit)
    .map((r) => ({ examId: r.exam_id, runIds: r.run_ids }));
}
