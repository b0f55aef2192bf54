import type { ResultDocument } from '../domain/documents';
import type { StudentExam } from '../domain/student-progress';
import { records } from './database';

/** One student's exams of one tenant, oldest first (at most `limit`, the newest ones). */
export async function studentExamRecords(tenantScope: string | null, studentId: string, limit: number) {
  let q = records()
    .selectFrom('exams')
    .select([
      'exam_id',
      'tenant_id',
      'template_id',
      'subject',
      'status',
      'created_at',
      'finished_at',
      'score',
      'full_score',
      'result',
      'student_name',
      'student_class',
      'batch_id',
    ])
    .where('student_id', '=', studentId)
    .where('erase_requested_at', 'is', null);
  if (tenantScope !== null) q = q.where('tenant_id', '=', tenantScope);
  const rows = (await q.orderBy('created_at', 'desc').limit(limit).execute()).reverse();
  const named = [...rows].reverse().find((r) => r.student_name);
  const classes = await batchAverages(rows.flatMap((r) => (r.batch_id ? [r.batch_id] : [])));
  return {
    student: { id: studentId, name: named?.student_name ?? null, class: named?.student_class ?? null },
    exams: rows.map((r): StudentExam => ({
      examId: r.exam_id,
      templateId: r.template_id,
      subject: r.subject,
      status: r.status,
      createdAt: r.created_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
      score: r.score,
      fullScore: r.full_score,
      knowledgePoints: r.status === 'completed' ? ((r.result as ResultDocument | null)?.knowledgePoints ?? []) : [],
      batchId: r.batch_id,
      batchName: r.batch_id ? (classes.get(r.batch_id)?.name ?? null) : null,
      classAverage: r.batch_id ? (classes.get(r.batch_id)?.average ?? null) : null,
    })),
  };
}

/** The class (batch) of each exam that came in one: its name and the average of its graded exams. */
async function batchAverages(batchIds: string[]): Promise<Map<string, { name: string | null; average: number | null }>> {
  const out = new Map<string, { name: string | null; average: number | null }>();
  if (batchIds.length === 0) return out;
  const rows = await records()
    .selectFrom('batches')
    .leftJoin('exams', (join) =>
      join.onRef('exams.batch_id', '=', 'batches.batch_id').on('exams.status', '=', 'completed').on('exams.erase_requested_at', 'is', null),
    )
    .select(['batches.batch_id', 'batches.name', (eb) => eb.fn.avg<string | number | null>('exams.score').as('average')])
    .where('batches.batch_id', 'in', [...new Set(batchIds)])
    .groupBy(['batches.batch_id', 'batches.name'])
    .execute();
  for (const r of rows)
    out.set(r.batch_id, { name: r.name, average: r.average === null ? null : Math.round(Number(r.average) * 100) / 100 });
  return out;
}
