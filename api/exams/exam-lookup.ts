import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import type { StatusDocument } from '../../domain/documents';
import { findExamRecord, isClosedRecord, recordStatusDocument } from '../../records/exam-reads';
import type { ExamRow } from '../../records/schema';
import { describeExam, examStatusDocument } from './exam-status';
import { learnedEta } from './exam-eta';

// Where an exam is read from. The record decides once the exam has closed: its workflow
// history may be gone (retention, erasure) and nothing a user reads depends on it. A
// running exam's live progress still comes from its workflow's `progress` query. The API
// records every exam before its workflow starts, so an exam without a record does not
// exist (or was erased: its workflow may linger a moment while Temporal deletes it).

export interface FoundExam {
  examId: string;
  record: ExamRow;
  /** the workflow, when it still exists and the record alone cannot answer */
  description: WorkflowExecutionDescription | null;
}

export async function lookupExam(client: Client, examId: string, scope: string | null): Promise<FoundExam | null> {
  const record = await findExamRecord(examId, scope);
  if (!record) return null;
  if (isClosedRecord(record)) return { examId, record, description: null };
  return { examId, record, description: await describeExam(client, examId, null) };
}

export async function examStatus(client: Client, found: FoundExam): Promise<StatusDocument> {
  if (found.description) {
    const status = await examStatusDocument(client, found.description);
    return status.status === 'pending' || status.status === 'processing' ? learnedEta(found.record, status) : status;
  }
  const status = recordStatusDocument(found.record);
  return status.status === 'pending' ? learnedEta(found.record, status) : status;
}

/** completed, failed or cancelled, from the record or (older exams) the workflow. */
export function isCompleted(found: FoundExam): boolean {
  return found.record.status === 'completed' || found.description?.status.name === 'COMPLETED';
}
