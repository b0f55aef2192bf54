import type { ExamStatus } from '../../domain/documents';

// Visibility queries over the custom search attributes. Every value placed in a query has
// been validated by a zod schema that admits no quote, so none can break out of its string.

/** Exam status in terms of Temporal's own execution status where it is final. */
const statusClauses: Record<ExamStatus, string> = {
  pending: `ExecutionStatus = 'Running' AND ExamStatus = 'pending'`,
  processing: `ExecutionStatus = 'Running' AND ExamStatus = 'processing'`,
  needs_review: `ExecutionStatus = 'Running' AND ExamStatus = 'needs_review'`,
  completed: `ExecutionStatus = 'Completed'`,
  failed: `ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut')`,
  cancelled: `ExecutionStatus = 'Canceled'`,
};

export interface ExamFilter {
  /** one tenant, or null for every tenant (admin) */
  scope: string | null;
  status?: ExamStatus;
  subject?: string;
  studentId?: string;
  templateId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  closedFrom?: Date;
  closedTo?: Date;
}

export function examQuery(filter: ExamFilter): string {
  const clauses = [`WorkflowType = 'examWorkflow'`];
  if (filter.scope !== null) clauses.push(`TenantId = '${filter.scope}'`);
  if (filter.status) clauses.push(statusClauses[filter.status]);
  if (filter.subject) clauses.push(`Subject = '${filter.subject}'`);
  if (filter.studentId) clauses.push(`StudentId = '${filter.studentId}'`);
  if (filter.templateId) clauses.push(`TemplateId = '${filter.templateId}'`);
  if (filter.createdFrom) clauses.push(`StartTime >= '${filter.createdFrom.toISOString()}'`);
  if (filter.createdTo) clauses.push(`StartTime < '${filter.createdTo.toISOString()}'`);
  if (filter.closedFrom) clauses.push(`CloseTime >= '${filter.closedFrom.toISOString()}'`);
  if (filter.closedTo) clauses.push(`CloseTime < '${filter.closedTo.toISOString()}'`);
  return clauses.join(' AND ');
}
