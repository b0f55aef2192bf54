import { z } from '../lib/zod';
import { examStatuses } from '../domain/documents';
import { templateIdSchema } from '../domain/template';

// Shapes of the API's own inputs and outputs; the documents (status, result, template)
// are defined in domain/ and reused here.

export const examIdSchema = z.uuid({ message: 'an exam id is a UUID as returned by POST /v1/exams' });

export const submittedStudentSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    class: z.string().trim().min(1).max(100).optional(),
    id: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

/** The text fields of the multipart form of POST /v1/exams. */
export const submitExamFieldsSchema = z
  .object({
    templateId: templateIdSchema,
    // A JSON object in a form field: {"name": "…", "class": "…", "id": "…"}
    student: z
      .string()
      .max(2000)
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'student must be a JSON object such as {"name":"张三","id":"2023001"}' });
          return z.NEVER;
        }
      })
      .pipe(submittedStudentSchema)
      .optional(),
    priority: z.enum(['normal', 'urgent']).default('normal'),
  })
  .strict();

export const submitExamResponseSchema = z.object({
  examId: z.string(),
  status: z.enum(examStatuses),
  statusUrl: z.string(),
});
export type SubmitExamResponse = z.infer<typeof submitExamResponseSchema>;

/** Filter values go into visibility queries: letters, digits and a few separators only, never a quote. */
const queryValue = z.string().regex(/^[\p{L}\p{N} ._\-()/]{1,64}$/u, 'letters, digits, spaces and . _ - ( ) / only');

export const listExamsQuerySchema = z
  .object({
    status: z.enum(examStatuses).optional(),
    subject: queryValue.optional(),
    studentId: queryValue.optional(),
    templateId: templateIdSchema.optional(),
    createdFrom: z.iso.datetime({ offset: true }).optional(),
    createdTo: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    pageToken: z.string().regex(/^[A-Za-z0-9_-]{1,4096}$/, 'pass back nextPageToken unchanged').optional(),
  })
  .strict();

export const examSummarySchema = z.object({
  examId: z.string(),
  tenantId: z.string().nullable(),
  status: z.enum(examStatuses),
  step: z.string().nullable(),
  subject: z.string().nullable(),
  templateId: z.string().nullable(),
  studentId: z.string().nullable(),
  score: z.number().nullable(),
  pages: z.number().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  elapsedMs: z.number(),
  statusUrl: z.string(),
});
export type ExamSummary = z.infer<typeof examSummarySchema>;

export const listExamsResponseSchema = z.object({
  exams: z.array(examSummarySchema),
  nextPageToken: z.string().nullable(),
});

export const statisticsQuerySchema = z
  .object({
    windowHours: z.coerce.number().min(1).max(24 * 30).default(24),
  })
  .strict();

export const statisticsResponseSchema = z.object({
  total: z.number(),
  byStatus: z.object({ pending: z.number(), processing: z.number(), completed: z.number(), failed: z.number(), cancelled: z.number() }),
  /** completed / (completed + failed), percent, all time; null before anything closed */
  successRate: z.number().nullable(),
  window: z.object({
    hours: z.number(),
    completed: z.number(),
    failed: z.number(),
    cancelled: z.number(),
    successRate: z.number().nullable(),
    throughputPerMinute: z.number(),
    /** over the most recent completed exams in the window (at most `sampled` of them) */
    processingMs: z.object({ average: z.number().nullable(), p95: z.number().nullable(), sampled: z.number() }),
  }),
  hourlyTrend: z.array(z.object({ hour: z.string(), completed: z.number(), failed: z.number(), cancelled: z.number() })),
  generatedAt: z.string(),
});
export type StatisticsResponse = z.infer<typeof statisticsResponseSchema>;

export const queueStageSchema = z.object({
  stage: z.enum(['ocr', 'default']),
  taskQueue: z.string(),
  /** tasks waiting on the task queue (workflow + activity tasks) */
  backlog: z.number(),
  backlogAgeMs: z.number(),
  /** exams whose current step runs on this queue */
  inFlight: z.number(),
  /** activity slots per worker process */
  concurrencyLimit: z.number(),
  pollers: z.number(),
  dispatchRatePerSecond: z.number(),
  estimatedWaitMs: z.number(),
  maxBacklogSeen: z.number(),
  maxInFlightSeen: z.number(),
});

export const queueResponseSchema = z.object({
  stages: z.array(queueStageSchema),
  /** accepted exams no worker has picked up yet */
  pending: z.number(),
  inFlight: z.number(),
  maxInFlight: z.number(),
  admissionLimit: z.number(),
  since: z.string(),
});
export type QueueResponse = z.infer<typeof queueResponseSchema>;

export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'up to 128 letters, digits and _ . : -');

/** The `manifest` field of POST /v1/exams/batch: one entry per exam, its pages in order. */
export const batchManifestSchema = z
  .array(
    z
      .object({
        templateId: templateIdSchema,
        student: submittedStudentSchema.optional(),
        priority: z.enum(['normal', 'urgent']).default('normal'),
        pages: z.number().int().min(1).max(200),
      })
      .strict(),
  )
  .min(1)
  .max(100);

export const batchResponseSchema = z.object({
  results: z.array(
    z.union([
      z.object({ index: z.number(), status: z.literal(202), examId: z.string(), statusUrl: z.string() }),
      z.object({ index: z.number(), status: z.number(), error: z.object({ code: z.string(), message: z.string() }) }),
    ]),
  ),
});

export const controlResponseSchema = z.object({
  examId: z.string(),
  /** what was asked of Temporal; follow statusUrl for the outcome */
  accepted: z.enum(['cancel', 'retry']),
  statusUrl: z.string(),
});

export const templateListResponseSchema = z.object({
  templates: z.array(
    z.object({ id: z.string(), title: z.string(), subject: z.string(), grade: z.string().nullable(), language: z.enum(['zh', 'en', 'zh+en']), questions: z.number() }),
  ),
});

export const webhookRequestSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, message: 'an http(s) URL the exam notices are POSTed to' }).max(2000),
    /** omitted: examflow generates one and returns it once */
    secret: z.string().min(16).max(128).optional(),
  })
  .strict();

export const webhookResponseSchema = z.object({ url: z.string(), secret: z.string().optional(), createdAt: z.string() });

export const metaResponseSchema = z.object({ temporalUiUrl: z.string(), namespace: z.string(), tenantId: z.string() });

/** A student id as submitted in `student.id` or read from the paper. */
export const studentIdParamSchema = z.string().trim().min(1).max(64);
export const studentExamsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

const knowledgePointMasteryOut = z.object({ name: z.string(), mastery: z.number(), awarded: z.number(), points: z.number() });
export const studentExamsResponseSchema = z.object({
  student: z.object({ id: z.string(), name: z.string().nullable(), class: z.string().nullable() }),
  /** oldest first */
  exams: z.array(
    z.object({
      examId: z.string(),
      templateId: z.string(),
      subject: z.string(),
      status: z.string(),
      createdAt: z.string(),
      finishedAt: z.string().nullable(),
      score: z.number().nullable(),
      fullScore: z.number().nullable(),
      knowledgePoints: z.array(knowledgePointMasteryOut),
    }),
  ),
  /** weakest first: overall mastery, the latest, the change since the first exam, and the history */
  knowledgePoints: z.array(
    z.object({
      name: z.string(),
      mastery: z.number(),
      latest: z.number(),
      change: z.number().nullable(),
      history: z.array(z.object({ examId: z.string(), at: z.string(), mastery: z.number(), awarded: z.number(), points: z.number() })),
    }),
  ),
});
