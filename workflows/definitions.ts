import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Decision, DecisionInput, ReviewItem, ReviewSettings } from '../domain/review-decisions';
import type { StatusDocument } from '../domain/documents';
import type { TemplateLanguage } from '../domain/template';
import type { SubmittedStudent } from '../domain/student';

export type { SubmittedStudent } from '../domain/student';

export interface ExamWorkflowInput {
  examId: string;
  tenantId: string;
  templateId: string;
  /** the template as it was when the exam was submitted: later edits never change a running exam */
  templateKey: string;
  language: TemplateLanguage;
  pageKeys: string[];
  /** the pages are answer sheets examflow printed (their code named the template): read marks, not text */
  sheet?: boolean;
  /** submitted with a templateId, pages not looked at: the workflow looks at the first page for a sheet code before reading */
  identifySheet?: boolean;
  student?: SubmittedStudent;
  createdAt: string;
  /** the tenant had a webhook when the exam was submitted: notify it when the exam closes */
  notify?: boolean;
  /** teacher review as configured at submission (absent: review off, or an exam from before review) */
  review?: ReviewSettings;
}

export type ExamEvent = 'exam.completed' | 'exam.failed' | 'exam.cancelled' | 'exam.needs_review';

export interface WebhookDeliveryInput {
  tenantId: string;
  examId: string;
  runId: string;
  event: ExamEvent;
  status: StatusDocument;
}

export interface ExamWorkflowResult {
  examId: string;
  score: number;
  fullScore: number;
  resultKey: string;
  reportHtmlKey: string;
  reportPdfKey: string;
}

/** The exam's status document (domain/documents.ts), computed from the workflow's own state. */
export const progressQuery = defineQuery<StatusDocument>('progress');

/** Where the exam's teacher review stands: the items, the decisions so far, the deadline. */
export interface ReviewState {
  waiting: boolean;
  items: ReviewItem[];
  decisions: Decision[];
  deadline: string | null;
}

/** The teacher's decisions on some or all waiting items; `by` is who decided (the API's tenant or user). */
export interface ReviewUpdateInput {
  decisions: DecisionInput[];
  by: string;
}

export const reviewQuery = defineQuery<ReviewState>('review');
export const reviewUpdate = defineUpdate<ReviewState, [ReviewUpdateInput]>('review');

/** The review Update validator's refusals (failure types); the API turns them into 409 and 400. */
export const NOT_WAITING = 'ExamNotWaiting';
export const INVALID_DECISION = 'InvalidDecision';
