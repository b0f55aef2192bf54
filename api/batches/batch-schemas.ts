import { z } from '../../lib/zod';
import { batchExamStatuses } from '../../domain/batch-status';
import { templateIdSchema } from '../../domain/template';

// The zod schemas of the class-batch routes (POST/GET /v1/batches…): validation and the OpenAPI document.

export const batchIdSchema = z.uuid({ message: 'a batch id is a UUID as returned by POST /v1/batches' });

/** The text fields of the multipart form of POST /v1/batches. */
export const submitBatchFieldsSchema = z
  .object({
    // Optional: examflow sheets name their template in their code.
    templateId: templateIdSchema.optional().describe('only for papers without an examflow sheet code (sheets name their template)'),
    name: z.string().trim().min(1).max(100).optional().describe('e.g. "八(2)班 期中"'),
    pagesPerStudent: z.coerce.number().int().min(1).max(50).optional().describe('such papers: pages of one student (default 1)'),
  })
  .strict();

export const submitBatchResponseSchema = z.object({ batchId: z.string(), status: z.literal('processing'), statusUrl: z.string() });

export const listBatchesQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();

const pageNote = z.object({ page: z.number().int(), reason: z.string() });
const counts = z.object(
  Object.fromEntries(batchExamStatuses.map((s) => [s, z.number().int()])) as Record<(typeof batchExamStatuses)[number], z.ZodNumber>,
);

export const batchStatusSchema = z.object({
  batchId: z.string(),
  name: z.string().nullable(),
  templateId: z.string().nullable(),
  status: z.enum(['processing', 'needs_review', 'completed', 'failed', 'cancelled']),
  phase: z.enum(['pending', 'splitting', 'processing', 'reporting', 'completed', 'failed', 'cancelled']),
  progress: z.number().min(0).max(100),
  etaMs: z.number().nullable(),
  elapsedMs: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  pages: z.number().int().nullable(),
  examsPlanned: z.number().int().nullable(),
  counts,
  exams: z.array(
    z.object({
      examId: z.string(),
      position: z.number().int(),
      status: z.string(),
      studentId: z.string().nullable(),
      studentName: z.string().nullable(),
      score: z.number().nullable(),
      fullScore: z.number().nullable(),
      error: z.string().nullable(),
    }),
  ),
  skippedPages: z.array(pageNote),
  unplacedPages: z.array(pageNote),
  error: z.string().nullable(),
  reportUrl: z.string().nullable(),
});

export const listBatchesResponseSchema = z.object({ batches: z.array(batchStatusSchema.omit({ exams: true })) });
