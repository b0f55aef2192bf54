import { defineQuery } from '@temporalio/workflow';
import type { ReviewSettings } from '../domain/review-decisions';
import type { ExamWorkflowInput } from './definitions';

// The contracts of the batch workflow (one class's stack → one exam workflow per student).

export interface BatchWorkflowInput {
  batchId: string;
  tenantId: string;
  /** the sheets carry no code (printed papers): grade every student with this template */
  templateId?: string;
  /** pages of one student's paper when the pages carry no code (default 1) */
  pagesPerStudent?: number;
  /** the uploaded files, stored as sent under the batch's keys */
  files: number;
  createdAt: string;
  /** exams graded at once (EXAMFLOW_BATCH_PARALLELISM when the batch was submitted) */
  parallelism: number;
  /** teacher review as configured when the batch was submitted, passed to every exam (absent: off) */
  review?: ReviewSettings;
}

/** One student's exam as the split planned it: everything its child workflow and record need. */
export interface BatchExamPlan {
  examId: string;
  /** 0-based place of the exam in the stack */
  position: number;
  subject: string;
  input: ExamWorkflowInput;
}

interface PageNote {
  page: number;
  reason: string;
}

export interface SplitBatchOutput {
  pages: number;
  exams: BatchExamPlan[];
  skipped: PageNote[];
  unplaced: PageNote[];
}

type BatchWorkflowPhase = 'splitting' | 'processing' | 'reporting' | 'completed' | 'failed' | 'cancelled';

/** What the batch workflow knows right now (the `batchProgress` query). */
export interface BatchProgress {
  batchId: string;
  phase: BatchWorkflowPhase;
  pages: number | null;
  examsPlanned: number | null;
  examsStarted: number;
  examsClosed: { completed: number; failed: number; cancelled: number };
  startedAtMs: number;
  /** when the first exam started: the ETA counts from here */
  examsStartedAtMs: number | null;
  error: string | null;
}

export interface BatchWorkflowResult {
  batchId: string;
  status: 'completed' | 'failed';
  exams: number;
  completed: number;
}

export const batchProgressQuery = defineQuery<BatchProgress>('batchProgress');
