import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from '../../lib/zod';
import {
  batchStatusSchema,
  listBatchesQuerySchema,
  listBatchesResponseSchema,
  submitBatchFieldsSchema,
  submitBatchResponseSchema,
} from './batch-schemas';

// The class-batch routes in the OpenAPI document (api/openapi.ts calls this).

type PathFn = (method: 'get' | 'post', route: string, summary: string, extra: Record<string, unknown>) => void;
const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const file = (type: string, description: string) => ({ description, content: { [type]: { schema: z.string() } } });

export function registerBatchPaths(registry: OpenAPIRegistry, path: PathFn, error: z.ZodType): void {
  const Batch = registry.register('BatchStatus', batchStatusSchema);
  const params = z.object({ batchId: z.uuid() });
  const stack = 'one multi-page PDF of the class’s stack, or one image per page: students in any order, each student’s pages together';
  const form = submitBatchFieldsSchema.extend({ pages: z.array(z.string().describe(stack)) });
  path('post', '/v1/batches', 'Submit a class’s stack: split into students by the sheets’ codes, one exam per student, a class report', {
    request: { body: { content: { 'multipart/form-data': { schema: form } } } },
    responses: { 202: json(submitBatchResponseSchema, 'accepted: follow statusUrl'), 413: json(error, 'the stack is too large') },
  });
  path('get', '/v1/batches', 'The tenant’s class batches, newest first', {
    request: { query: listBatchesQuerySchema },
    responses: { 200: json(listBatchesResponseSchema, 'batches') },
  });
  path('get', '/v1/batches/{batchId}', 'Batch status: counts by exam status, progress and ETA, its exams, pages skipped and not placed', {
    request: { params },
    responses: { 200: json(Batch, 'status') },
  });
  path('post', '/v1/batches/{batchId}/cancel', 'Cancel a batch and its exams', {
    request: { params },
    responses: {
      202: json(z.object({ batchId: z.string(), accepted: z.literal('cancel'), statusUrl: z.string() }), 'cancellation requested'),
      409: json(error, 'already closed'),
    },
  });
  const notYet = json(error, 'not completed (report) or nothing graded yet (scores)');
  path('get', '/v1/batches/{batchId}/report.pdf', 'The class report (A4 PDF)', {
    request: { params },
    responses: { 200: file('application/pdf', 'PDF'), 409: notYet },
  });
  path('get', '/v1/batches/{batchId}/report.html', 'The class report (HTML)', {
    request: { params },
    responses: { 200: file('text/html', 'HTML'), 409: notYet },
  });
  path('get', '/v1/batches/{batchId}/scores.csv', 'Scores, one row per student (UTF-8 with BOM)', {
    request: { params },
    responses: { 200: file('text/csv', 'CSV'), 409: notYet },
  });
  path('get', '/v1/batches/{batchId}/scores.xlsx', 'Scores and question statistics (Excel workbook)', {
    request: { params },
    responses: { 200: file('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'XLSX'), 409: notYet },
  });
}
