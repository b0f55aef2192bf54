import type { StatusDocument } from '../domain/documents';
import { records } from './database';
import type { PageTokens } from '../lib/page-token';
import { decodeCursor, encodeCursor } from './exam-cursor';
import type { ExamRow, RecordedStatus } from './schema';
import { isClosedStatus } from '../domain/exam-states';

// Reads of exam records, always within one tenant (or every tenant for an admin scope:
// null). An exam whose erasure has begun is gone for every reader.

export interface RecordFilter {
  scope: string | null;
  status?: RecordedStatus;
  subject?: string;
  studentId?: string;
  templateId?: string;
  createdFrom?: Date;
  createdTo?: Date;
}

export async function findExamRecord(examId: string, scope: string | null): Promise<ExamRow | null> {
  let q = records().selectFrom('exams').selectAll().where('exam_id', '=', examId).where('erase_requested_at', 'is', null);
  if (scope !== null) q = q.where('tenant_id', '=', scope);
  return (await q.executeTakeFirst()) ?? null;
}

export const isClosedRecord = (row: ExamRow) => isClosedStatus(row.status);

/** The status document of a closed exam, from its record alone. */
export function recordStatusDocument(row: ExamRow, nowMs = Date.now()): StatusDocument {
  const end = row.finished_at?.getTime() ?? nowMs;
  const completed = row.status === 'completed';
  return {
    examId: row.exam_id,
    status: row.status,
    step: (completed ? 'done' : row.step) as StatusDocument['step'],
    progress: completed ? 100 : 0,
    pages: { total: row.pages, processed: completed || row.step !== 'ocr' ? row.pages : 0 },
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    elapsedMs: Math.max(0, end - row.created_at.getTime()),
    etaMs: completed ? 0 : null,
    error: row.error,
  };
}

export interface RecordSummary {
  examId: string;
  tenantId: string;
  status: RecordedStatus;
  step: string;
  subject: string;
  templateId: string;
  studentId: string | null;
  score: number | null;
  pages: number;
  createdAt: string;
  finishedAt: string | null;
  elapsedMs: number;
  statusUrl: string;
}

/** One page of exams, newest first; `pageToken` continues where the previous page ended. */
export async function listExamRecords(tokens: PageTokens, filter: RecordFilter, limit: number, pageToken?: string, nowMs = Date.now()) {
  const cursor = pageToken ? decodeCursor(tokens, pageToken) : undefined;
  let q = records()
    .selectFrom('exams')
    .select([
      'exam_id',
      'tenant_id',
      'status',
      'step',
      'subject',
      'template_id',
      'student_id',
      'score',
      'pages',
      'created_at',
      'finished_at',
    ])
    .where('erase_requested_at', 'is', null);
  if (filter.scope !== null) q = q.where('tenant_id', '=', filter.scope);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.subject) q = q.where('subject', '=', filter.subject);
  if (filter.studentId) q = q.where('student_id', '=', filter.studentId);
  if (filter.templateId) q = q.where('template_id', '=', filter.templateId);
  if (filter.createdFrom) q = q.where('created_at', '>=', filter.createdFrom);
  if (filter.createdTo) q = q.where('created_at', '<', filter.createdTo);
  if (cursor) q = q.where((eb) => eb(eb.refTuple('created_at', 'exam_id'), '<', eb.tuple(new Date(cursor.createdAtMs), cursor.examId)));
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('exam_id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    exams: page.map((r): RecordSummary => ({
      examId: r.exam_id,
      tenantId: r.tenant_id,
      status: r.status,
      step: r.step,
      subject: r.subject,
      templateId: r.template_id,
      studentId: r.student_id,
      score: r.score,
      pages: r.pages,
      createdAt: r.created_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
      elapsedMs: Math.max(0, (r.finished_at?.getTime() ?? nowMs) - r.created_at.getTime()),
      statusUrl: `/v1/exams/${r.exam_id}`,
    })),
    nextPageToken:
      rows.length > limit && last ? encodeCursor(tokens, { createdAtMs: last.created_at.getTime(), examId: last.exam_id }) : null,
  };
}
