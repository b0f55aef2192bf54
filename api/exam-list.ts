import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import type { ExamStatus } from '../domain/documents';
import { ExamScoreKey, ExamStatusKey, ExamStepKey, StudentIdKey, SubjectKey, TemplateIdKey, TenantIdKey } from '../workflows/search-attributes';
import { openPageToken, sealPageToken } from '../lib/page-token';
import type { ExamMemo } from './exam-status';
import type { ExamSummary } from './schemas';
import { examQuery, type ExamFilter } from './visibility';

// GET /v1/exams: one page of Temporal visibility, newest first, with an opaque token for
// the next page. Each row comes from the visibility record alone: no query, no replay.

// Tokens are sealed (lib/page-token.ts); the query schema has refused any other already.
const toToken = (raw: Uint8Array | null | undefined) => (raw && raw.length > 0 ? sealPageToken(raw) : null);
const fromToken = (token: string | undefined) => (token ? (openPageToken(token) ?? undefined) : undefined);

const runningStatus = (value: string | undefined): ExamStatus => (value === 'processing' ? 'processing' : 'pending');
const closedStatus: Record<string, ExamStatus> = { COMPLETED: 'completed', CANCELLED: 'cancelled' };

export async function listExams(client: Client, filter: ExamFilter, limit: number, pageToken?: string): Promise<{ exams: ExamSummary[]; nextPageToken: string | null }> {
  const namespace = client.options.namespace;
  const response = await client.workflowService.listWorkflowExecutions({
    namespace,
    query: examQuery(filter),
    pageSize: limit,
    nextPageToken: fromToken(pageToken),
  });
  const exams = await Promise.all(
    response.executions.map(async (raw) => {
      const info = await executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, namespace);
      const attrs = info.typedSearchAttributes;
      const memo = (info.memo ?? {}) as Partial<ExamMemo>;
      const status = info.status.name === 'RUNNING' ? runningStatus(attrs.get(ExamStatusKey)) : (closedStatus[info.status.name] ?? 'failed');
      const createdAt = memo.createdAt ?? info.startTime.toISOString();
      const end = info.closeTime ?? new Date();
      return {
        examId: info.workflowId,
        tenantId: attrs.get(TenantIdKey) ?? null,
        status,
        step: attrs.get(ExamStepKey) ?? null,
        subject: attrs.get(SubjectKey) ?? null,
        templateId: attrs.get(TemplateIdKey) ?? null,
        studentId: attrs.get(StudentIdKey) ?? null,
        score: attrs.get(ExamScoreKey) ?? null,
        pages: memo.pages ?? null,
        createdAt,
        finishedAt: info.closeTime?.toISOString() ?? null,
        elapsedMs: Math.max(0, end.getTime() - Date.parse(createdAt)),
        statusUrl: `/v1/exams/${info.workflowId}`,
      } satisfies ExamSummary;
    }),
  );
  // A retried exam has several runs under one id; the newest comes first and stands for it.
  const seen = new Set<string>();
  const newestRuns = exams.filter((e) => !seen.has(e.examId) && seen.add(e.examId));
  return { exams: newestRuns, nextPageToken: toToken(response.nextPageToken) };
}
