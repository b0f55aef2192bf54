import { records } from './database';
import type { PageTokens } from '../lib/page-token';
import { decodeCursor, encodeCursor } from './exam-cursor';

// The review queue: a tenant's exams waiting for a teacher, oldest wait first (the order a
// teacher clears them in). The page token is the exam list's sealed cursor over
// (review_since, exam id) ascending.

export interface WaitingExam {
  examId: string;
  templateId: string;
  subject: string;
  studentId: string | null;
  studentName: string | null;
  studentClass: string | null;
  items: number;
  waitingSince: string;
  createdAt: string;
  reviewUrl: string;
}

export async function listWaitingExams(
  tokens: PageTokens,
  scope: string | null,
  limit: number,
  pageToken?: string,
): Promise<{ exams: WaitingExam[]; nextPageToken: string | null }> {
  const cursor = pageToken ? decodeCursor(tokens, pageToken) : undefined;
  let q = records()
    .selectFrom('exams')
    .select([
      'exam_id',
      'template_id',
      'subject',
      'student_id',
      'student_name',
      'student_class',
      'review_items',
      'review_since',
      'created_at',
    ])
    .where('status', '=', 'needs_review')
    .where('erase_requested_at', 'is', null)
    .where('review_since', 'is not', null);
  if (scope !== null) q = q.where('tenant_id', '=', scope);
  if (cursor) q = q.where((eb) => eb(eb.refTuple('review_since', 'exam_id'), '>', eb.tuple(new Date(cursor.createdAtMs), cursor.examId)));
  const rows = await q
    .orderBy('review_since', 'asc')
    .orderBy('exam_id', 'asc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    exams: page.map((r) => ({
      examId: r.exam_id,
      templateId: r.template_id,
      subject: r.subject,
      studentId: r.student_id,
      studentName: r.student_name,
      studentClass: r.student_class,
      items: r.review_items ?? 0,
      waitingSince: r.review_since!.toISOString(),
      createdAt: r.created_at.toISOString(),
      reviewUrl: `/v1/exams/${r.exam_id}/review`,
    })),
    nextPageToken:
      rows.length > limit && last ? encodeCursor(tokens, { createdAtMs: last.review_since!.getTime(), examId: last.exam_id }) : null,
  };
}
