import type { z } from '../lib/zod';
import { closedBatchPhases } from '../domain/batch-status';
import { closedExamStatuses, isClosedStatus, type Priority } from '../domain/exam-states';
import type { resultDocumentSchema, statusDocumentSchema } from '../domain/documents';
import type { templateSchema } from '../domain/template';
import type {
  answerSheetLayoutSchema,
  batchResponseSchema,
  controlResponseSchema,
  examSummarySchema,
  listExamsQuerySchema,
  listExamsResponseSchema,
  queueResponseSchema,
  statisticsQuerySchema,
  statisticsResponseSchema,
  submitExamResponseSchema,
  submittedStudentSchema,
  templateListResponseSchema,
} from '../api/schemas';
import type {
  correctionRequestSchema,
  reviewQueueQuerySchema,
  reviewQueueResponseSchema,
  reviewRequestSchema,
  reviewResponseSchema,
} from '../api/reviews/review-schemas';
import type { batchStatusSchema, listBatchesResponseSchema, submitBatchResponseSchema } from '../api/batches/batch-schemas';

// Every API shape the client speaks, inferred from the zod schemas the API validates and
// documents with: when a schema changes, the client's types follow (type-only imports, so
// the client pulls no server code at run time).

export type Template = z.infer<typeof templateSchema>;
/** What POST /v1/templates accepts (before defaults and trimming). */
export type TemplateInput = z.input<typeof templateSchema>;
export type TemplateList = z.infer<typeof templateListResponseSchema>;
/** GET /v1/templates/:id/answer-sheet.json: where every mark and box is on the printed sheet. */
export type AnswerSheetLayout = z.infer<typeof answerSheetLayoutSchema>;
export type StatusDocument = z.infer<typeof statusDocumentSchema>;
export type ResultDocument = z.infer<typeof resultDocumentSchema>;
export type ExamStatus = StatusDocument['status'];
export type SubmitExamResponse = z.infer<typeof submitExamResponseSchema>;
export type SubmittedStudent = z.infer<typeof submittedStudentSchema>;
export type { Priority };
export type BatchResponse = z.infer<typeof batchResponseSchema>;
export type ControlResponse = z.infer<typeof controlResponseSchema>;
export type ExamSummary = z.infer<typeof examSummarySchema>;
export type ListExamsResponse = z.infer<typeof listExamsResponseSchema>;
/** Query filters of GET /v1/exams; all optional (the API fills the defaults). */
export type ListExamsQuery = Partial<z.infer<typeof listExamsQuerySchema>>;
export type StatisticsQuery = Partial<z.infer<typeof statisticsQuerySchema>>;
export type StatisticsResponse = z.infer<typeof statisticsResponseSchema>;
export type QueueResponse = z.infer<typeof queueResponseSchema>;

/** Teacher review: the queue, an exam's items, the decisions, corrections after completion. */
export type ReviewQueueQuery = Partial<z.infer<typeof reviewQueueQuerySchema>>;
export type ReviewQueueResponse = z.infer<typeof reviewQueueResponseSchema>;
export type WaitingExam = ReviewQueueResponse['exams'][number];
export type ReviewDocument = z.infer<typeof reviewResponseSchema>;
export type ReviewItem = ReviewDocument['items'][number];
export type ReviewRequest = z.input<typeof reviewRequestSchema>;
export type ReviewDecision = ReviewRequest['decisions'][number];
export type CorrectionRequest = z.input<typeof correctionRequestSchema>;
/** GET /v1/batches/:id: a class batch's status, counts by exam status, its exams and the pages it skipped or could not place. */
export type ClassBatchStatus = z.infer<typeof batchStatusSchema>;
export type ClassBatchList = z.infer<typeof listBatchesResponseSchema>;
export type SubmittedClassBatch = z.infer<typeof submitBatchResponseSchema>;

export interface SubmitClassBatchInput {
  /** the class's scan: one multi-page PDF, or one image per page (bytes or file paths) */
  pages: PageInput[];
  /** only for papers without an examflow sheet code */
  templateId?: string;
  /** e.g. "八(2)班 期中" */
  name?: string;
  /** papers without a code: pages of one student's paper */
  pagesPerStudent?: number;
}

export const closedBatchStatuses: readonly ClassBatchStatus['status'][] = closedBatchPhases;

/** A page: its bytes, or the path of an image file. */
export type PageInput = Buffer | Uint8Array | string;

export interface SubmitExamInput {
  /** the answer key; leave it out for examflow answer sheets, whose code names the template */
  templateId?: string;
  /** page images in page order */
  pages: PageInput[];
  student?: SubmittedStudent;
  priority?: Priority;
  /** the same key always names the same exam: a repeated submit answers with it (200) */
  idempotencyKey?: string;
}

/** The 202/200 answer, plus whether this call created the exam (false: idempotent repeat). */
export type SubmittedExam = SubmitExamResponse & { created: boolean };

/** completed, failed or cancelled: the exam changes no more. */
export const closedStatuses: readonly ExamStatus[] = closedExamStatuses;
export const isClosed = (doc: { status: ExamStatus }): boolean => isClosedStatus(doc.status);
