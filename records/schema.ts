import type { ColumnType, Generated, Selectable } from 'kysely';

// The tables of the system of record, as Kysely sees them. The migrations in
// records/migrations/ create exactly these; every query is typed against them.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read as the parsed value, written as JSON text (pg would turn arrays into PG arrays) */
type Json<T> = ColumnType<T, string, string>;

export type RecordedStatus = 'pending' | 'processing' | 'needs_review' | 'completed' | 'failed' | 'cancelled';

export interface ExamArtifacts {
  resultKey?: string;
  reportHtmlKey?: string;
  reportPdfKey?: string;
}

/** Measured milliseconds of each step of one run (the ETA learns from these). */
export interface StepTimes {
  ocr?: number;
  parse?: number;
  analyze?: number;
  diagnose?: number;
  report?: number;
  /** time spent waiting for a teacher (not learned by the ETA) */
  review?: number;
}

interface ExamsTable {
  exam_id: string;
  tenant_id: string;
  template_id: string;
  subject: string;
  student_id: string | null;
  student_name: string | null;
  student_class: string | null;
  priority: string;
  status: RecordedStatus;
  step: string;
  pages: number;
  /** the current run, and every run the exam had (a retry adds one) */
  run_id: string | null;
  run_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** finished_at - created_at, computed by the database */
  duration_ms: ColumnType<number | null, never, never>;
  score: number | null;
  full_score: number | null;
  result: Json<unknown> | null;
  error: string | null;
  artifacts: Json<ExamArtifacts>;
  step_ms: Json<StepTimes> | null;
  cancelled_by: string | null;
  retried_by: string | null;
  retries: Generated<number>;
  /** set when an erasure began; such an exam is gone for every reader */
  erase_requested_at: Timestamp | null;
  /** teacher review (0004): answers waiting, since when, and the last correction after completion */
  review_items: number | null;
  review_since: Timestamp | null;
  corrected_at: Timestamp | null;
  updated_at: Generated<Date>;
  /** the class batch the exam came from, and its place in the batch's stack */
  batch_id: ColumnType<string | null, string | null | undefined, string | null>;
  batch_position: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Closed exams per tenant, hour of closing and final status (kept by a trigger). */
interface ExamHourlyTable {
  tenant_id: string;
  hour: Date;
  status: RecordedStatus;
  count: ColumnType<string, never, never>;
  duration_ms_sum: ColumnType<string, never, never>;
}

/** Exams per tenant and status, all time (kept by a trigger). */
interface ExamStatusTotalsTable {
  tenant_id: string;
  status: RecordedStatus;
  count: ColumnType<string, never, never>;
}

interface TemplatesTable {
  tenant_id: string;
  template_id: string;
  body: Json<unknown>;
  created_at: Generated<Date>;
}

interface WebhooksTable {
  tenant_id: string;
  url: string;
  secret: string;
  created_at: Timestamp;
}

/** What a batch's phase is: splitting the stack, grading its exams, writing its class report, or closed. */
export type BatchPhase = 'pending' | 'splitting' | 'processing' | 'reporting' | 'completed' | 'failed' | 'cancelled';

/** A page of the stack the batch did not grade, and why (skipped blank, or could not place). */
export interface BatchPageNote {
  /** 1-based, in the order of the upload (PDF pages counted one by one) */
  page: number;
  reason: string;
}

export interface BatchReportKeys {
  reportHtmlKey: string;
  reportPdfKey: string;
}

interface BatchesTable {
  batch_id: string;
  tenant_id: string;
  name: string | null;
  template_id: string | null;
  status: BatchPhase;
  files: number;
  pages: number | null;
  exams_planned: number | null;
  skipped: Json<BatchPageNote[]>;
  unplaced: Json<BatchPageNote[]>;
  error: string | null;
  report: Json<BatchReportKeys> | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: Generated<Date>;
}

export interface Database {
  exams: ExamsTable;
  exam_hourly: ExamHourlyTable;
  exam_status_totals: ExamStatusTotalsTable;
  templates: TemplatesTable;
  webhooks: WebhooksTable;
  batches: BatchesTable;
}

export type ExamRow = Selectable<ExamsTable>;
export type BatchRow = Selectable<BatchesTable>;
