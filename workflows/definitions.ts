import { defineQuery } from '@temporalio/workflow';
import type { StatusDocument } from '../domain/documents';
import type { TemplateLanguage } from '../domain/template';

export interface SubmittedStudent {
  name?: string;
  class?: string;
  id?: string;
}

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
  student?: SubmittedStudent;
  createdAt: string;
  /** the tenant had a webhook when the exam was submitted: notify it when the exam closes */
  notify?: boolean;
}

export type ExamEvent = 'exam.completed' | 'exam.failed' | 'exam.cancelled';

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

/** The status document of design.md, computed from the workflow's own state. */
export const progressQuery = defineQuery<StatusDocument>('progress');
