import type { ResultDocument } from '../domain/documents';
import type { StudentExam } from '../domain/student-progress';
import { records } from './database';

/** One student's exams of one tenant, oldest first (at most `limit`, the newest ones). */
export async function studentExamRecords(tenantScope: string | null, studentId: string, limit: number) {
  let q = records()
    .selectFrom('exams')
    .select(['exam_id', 'tenant_id', 'template_id', 'subject', 'status', 'created_at', 'finished_at', 'score', 'full_score', 'result', 'student_name', 'student_class'])
    .where('student_id', '=', studentId)
    .where('erase_requested_at', 'is', null);
  if (tenantScope !== null) q = q.where('tenant_id', '=', tenantScope);
  const rows = (await q.orderBy('created_at', 'desc').limit(limit).execute()).reverse();
  const named = [...rows].reverse().find((r) => r.student_name);
  return {
    student: { id: studentId, name: named?.student_name ?? null, class: named?.student_class ?? null },
    exams: rows.map(
      (r): StudentExam => ({
        examId: r.exam_id,
        templateId: r.template_id,
        subject: r.subject,
        status: r.status,
        createdAt: r.created_at.toISOString(),
        finishedAt: r.finished_at?.toISOString() ?? null,
        score: r.score,
        fullScore: r.full_score,
        knowledgePoints: r.status === 'completed' ? ((r.result as ResultDocument | null)?.knowledgePoints ?? []) : [],
      }),
    ),
  };
}
